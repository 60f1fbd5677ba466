/// Field lengths (`.norms`): document count (u32), field count (u32), then per field its number
/// (u8), value width in bytes (u8: 1, 2 or 4, the smallest that holds the field's longest
/// document) and data offset (u64); then each field's lengths, one value per document, little-endian.
/// Lengths are exact token counts, as BM25 needs.
enum NormsFile {
    static func write(path: String, norms: [(field: Int, lengths: [UInt32])], docCount: Int,
                      segment: FileFormat.SegmentID = .none) throws -> Int {
        let f = try FileWriter(path: path, kind: .norms, segment: segment)
        f.buffer.u32(UInt32(docCount))
        f.buffer.u32(UInt32(norms.count))
        var offset = f.offset + norms.count * 10
        var widths: [Int] = []
        for n in norms {
            let m = n.lengths.max() ?? 0
            let w = m < 256 ? 1 : (m < 65536 ? 2 : 4)
            widths.append(w)
            f.buffer.u8(UInt8(n.field)); f.buffer.u8(UInt8(w)); f.buffer.u64(UInt64(offset))
            offset += w * docCount
        }
        for (i, n) in norms.enumerated() {
            precondition(n.lengths.count == docCount)
            for v in n.lengths {
                switch widths[i] {
                case 1: f.buffer.u8(UInt8(v))
                case 2: f.buffer.u16(UInt16(v))
                default: f.buffer.u32(v)
                }
            }
            try f.maybeFlush()
        }
        return try f.finish()
    }
}

/// Reads `.norms` into plain buffers (4 bytes per document and field in memory; the hot
/// scoring loop then indexes a buffer instead of switching on a width).
struct NormsReader {
    /// Lengths per field number, allocated here and owned by the caller (which deallocates
    /// them), so the segment holds them without a second copy.
    let lengths: [Int: UnsafeMutableBufferPointer<UInt32>]

    init(path: String, docCount: Int, segment: FileFormat.SegmentID? = nil, verify: Bool = true) throws {
        let (f, body) = try MappedFile.open(path, kind: .norms, segment: segment, verifyChecksum: verify)
        var r = ByteReader(base: f.base, count: body.upperBound, offset: body.lowerBound)
        do {
            guard Int(try r.u32()) == docCount else { throw LoupeError.corruptFile(path: path, reason: "document count disagrees with the manifest") }
            let n = Int(try r.u32())
            var out: [Int: UnsafeMutableBufferPointer<UInt32>] = [:]
            var done = false
            defer { if !done { for b in out.values { b.deallocate() } } }
            var table: [(Int, Int, Int)] = []
            for _ in 0..<n { table.append((Int(try r.u8()), Int(try r.u8()), try r.u64Int())) }
            for (field, width, offset) in table {
                guard [1, 2, 4].contains(width), offset >= body.lowerBound, offset + width * docCount <= body.upperBound,
                      out[field] == nil else { throw ByteReader.Overrun() }
                let a = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: max(docCount, 1))
                let p = f.base + offset
                // One loop per width (not a switch per document): this runs at every open,
                // over every document, and the plain widening loops vectorize.
                switch width {
                case 1: for d in 0..<docCount { a[d] = UInt32(p.load(fromByteOffset: d, as: UInt8.self)) }
                case 2: for d in 0..<docCount { a[d] = UInt32(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: d * 2, as: UInt16.self))) }
                default: for d in 0..<docCount { a[d] = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: d * 4, as: UInt32.self)) }
                }
                out[field] = UnsafeMutableBufferPointer(rebasing: a[0..<docCount])
            }
            lengths = out
            done = true
        } catch let e as LoupeError { throw e } catch {
            throw LoupeError.corruptFile(path: path, reason: "field lengths are malformed")
        }
    }
}

/// Dates (`.dates`): document count (u32), then one i64 per document: seconds since 1970 UTC,
/// or `Int64.min` for a document without a date. The values start 4 bytes into the body, at
/// file offset 32 (16 in version 3): 8-byte aligned either way.
enum DatesFile {
    static let missing = Int64.min

    static func write(path: String, dates: [Int64], segment: FileFormat.SegmentID = .none) throws -> Int {
        let f = try FileWriter(path: path, kind: .dates, segment: segment)
        f.buffer.u32(UInt32(dates.count))
        for d in dates { f.buffer.i64(d) }
        return try f.finish()
    }

    /// The dates in place in the file's mapping (which the caller keeps alive): the values
    /// start 16 bytes into the file, so they are aligned, and nothing is copied or made
    /// resident until a date filter or sort reads them.
    static func map(path: String, docCount: Int, segment: FileFormat.SegmentID? = nil,
                    verify: Bool = true) throws -> (MappedFile, UnsafeBufferPointer<Int64>) {
        #if _endian(little)
        let (f, body) = try MappedFile.open(path, kind: .dates, segment: segment, verifyChecksum: verify)
        let start = body.lowerBound + 4
        guard f.count >= start, Int(UInt32(littleEndian: f.base.loadUnaligned(fromByteOffset: body.lowerBound, as: UInt32.self))) == docCount,
              body.upperBound - start == docCount * 8 else {
            throw LoupeError.corruptFile(path: path, reason: "document count disagrees with the manifest")
        }
        return (f, UnsafeBufferPointer(start: (f.base + start).assumingMemoryBound(to: Int64.self), count: docCount))
        #else
        #error("Loupe reads .dates in place, which needs a little-endian host")
        #endif
    }

    static func read(path: String, docCount: Int, segment: FileFormat.SegmentID? = nil, verify: Bool = true) throws -> [Int64] {
        let (f, body) = try MappedFile.open(path, kind: .dates, segment: segment, verifyChecksum: verify)
        var r = ByteReader(base: f.base, count: body.upperBound, offset: body.lowerBound)
        do {
            guard Int(try r.u32()) == docCount, r.remaining == docCount * 8 else {
                throw LoupeError.corruptFile(path: path, reason: "document count disagrees with the manifest")
            }
            var a = [Int64](repeating: 0, count: docCount)
            for d in 0..<docCount { a[d] = try r.i64() }
            return a
        } catch let e as LoupeError { throw e } catch {
            throw LoupeError.corruptFile(path: path, reason: "dates are malformed")
        }
    }
}

/// Deletions (`<segment>_<generation>.del`): document count (u32), deleted count (u32), then a
/// bitset of ceil(count/8) bytes, bit `d % 8` of byte `d / 8` set when document `d` is deleted.
struct DeletionSet: Sendable {
    private(set) var bits: [UInt8]
    let docCount: Int
    private(set) var deletedCount: Int

    init(docCount: Int) {
        self.docCount = docCount
        bits = [UInt8](repeating: 0, count: (docCount + 7) / 8)
        deletedCount = 0
    }

    @inline(__always) func isDeleted(_ d: Int) -> Bool { bits[d >> 3] & (1 << UInt8(d & 7)) != 0 }

    /// Returns true when the document was live.
    @discardableResult
    mutating func delete(_ d: Int) -> Bool {
        if isDeleted(d) { return false }
        bits[d >> 3] |= 1 << UInt8(d & 7)
        deletedCount += 1
        return true
    }

    func write(path: String, segment: FileFormat.SegmentID = .none) throws {
        var w = FileFormat.header(.deletes, segment: segment)
        w.u32(UInt32(docCount)); w.u32(UInt32(deletedCount))
        w.append(contentsOf: bits)
        FileFormat.seal(&w)
        try FileSystem.writeDurably(w.bytes, to: path)
    }

    static func read(path: String, docCount: Int, segment: FileFormat.SegmentID? = nil, verify: Bool = true) throws -> DeletionSet {
        let (f, body) = try MappedFile.open(path, kind: .deletes, segment: segment, verifyChecksum: verify)
        var r = ByteReader(base: f.base, count: body.upperBound, offset: body.lowerBound)
        do {
            guard Int(try r.u32()) == docCount else { throw LoupeError.corruptFile(path: path, reason: "document count disagrees with the manifest") }
            let claimed = Int(try r.u32())
            var s = DeletionSet(docCount: docCount)
            let raw = try r.bytes((docCount + 7) / 8)
            s.bits = Array(raw)
            s.deletedCount = s.bits.reduce(0) { $0 + $1.nonzeroBitCount }
            guard claimed == s.deletedCount else { throw LoupeError.corruptFile(path: path, reason: "deleted count disagrees with the bitset") }
            return s
        } catch let e as LoupeError { throw e } catch {
            throw LoupeError.corruptFile(path: path, reason: "deletions are malformed")
        }
    }
}

/// External ids (`.ids`): document count (u32), then `count + 1` offsets (u32, relative to the
/// start of the id bytes; id `d` is bytes `offset[d] ..< offset[d+1]`), then the UTF-8 bytes.
/// Gives a hit its id in O(1) without touching the compressed store.
enum IdsFile {
    static func write(path: String, ids: [String], segment: FileFormat.SegmentID = .none) throws -> Int {
        let f = try FileWriter(path: path, kind: .ids, segment: segment)
        f.buffer.u32(UInt32(ids.count))
        var off: UInt32 = 0
        f.buffer.u32(0)
        for id in ids { off += UInt32(id.utf8.count); f.buffer.u32(off) }
        for id in ids { f.buffer.append(contentsOf: id.utf8); try f.maybeFlush() }
        return try f.finish()
    }
}

/// Reads `.ids` through its mapping.
///
/// `@unchecked Sendable` because it holds raw pointers into the mapping, which it keeps alive
/// (`file`): all properties are `let`s and the mapping is read-only, so concurrent `id(_:)`
/// calls are safe. `ConcurrencyTests` reads hits' ids from many threads at once.
struct IdsReader: @unchecked Sendable {
    let file: MappedFile
    let count: Int
    private let offsets: UnsafeRawPointer
    private let bytes: UnsafeRawPointer
    private let total: Int

    init(path: String, docCount: Int, segment: FileFormat.SegmentID? = nil, verify: Bool = true) throws {
        let (f, body) = try MappedFile.open(path, kind: .ids, segment: segment, verifyChecksum: verify)
        file = f
        var r = ByteReader(base: f.base, count: body.upperBound, offset: body.lowerBound)
        do {
            guard Int(try r.u32()) == docCount else { throw LoupeError.corruptFile(path: path, reason: "document count disagrees with the manifest") }
            let table = try r.bytes((docCount + 1) * 4)
            offsets = table.baseAddress!
            let total = Int(UInt32(littleEndian: offsets.loadUnaligned(fromByteOffset: docCount * 4, as: UInt32.self)))
            bytes = try r.bytes(total).baseAddress ?? offsets
            self.total = total
            // The offsets are checked whole only with the checksums (a scan of 4 bytes per
            // document); otherwise `id(_:)` bounds-checks the two it reads.
            if verify {
                var prev: UInt32 = 0
                for d in 0...docCount {
                    let o = UInt32(littleEndian: offsets.loadUnaligned(fromByteOffset: d * 4, as: UInt32.self))
                    guard o >= prev else { throw ByteReader.Overrun() }
                    prev = o
                }
            }
        } catch let e as LoupeError { throw e } catch {
            throw LoupeError.corruptFile(path: path, reason: "the id column is malformed")
        }
        count = docCount
    }

    func id(_ d: Int) -> String {
        let a = Int(UInt32(littleEndian: offsets.loadUnaligned(fromByteOffset: d * 4, as: UInt32.self)))
        let b = Int(UInt32(littleEndian: offsets.loadUnaligned(fromByteOffset: d * 4 + 4, as: UInt32.self)))
        guard a <= b, b <= total else { return "" } // a damaged file that was not verified
        return String(decoding: UnsafeRawBufferPointer(start: bytes + a, count: b - a), as: UTF8.self)
    }
}
