/// Reads a segment's `.terms` file. The block index (every 32nd term) is held in memory;
/// a lookup binary-searches it, then decodes one block: O(log(terms/32) + 32).
///
/// `@unchecked Sendable` because the mapped file is reached through a raw pointer: every
/// property is a `let` set in `init` and only read afterwards (lookups and cursors keep their
/// state in locals), so concurrent searches share one dictionary. `ConcurrencyTests`
/// searches from many threads at once.
final class TermDictionary: @unchecked Sendable {
    struct FieldSection {
        var hasPositions: Bool
        var termCount: UInt64
        /// Offsets of the blocks in the file.
        var blockOffsets: [Int]
        /// First terms of the blocks, concatenated; `firstTermEnds[i]` ends block i's.
        var firstTerms: [UInt8]
        var firstTermEnds: [Int]
        /// `key` of each block's first term: the binary search reads this one array (a cold
        /// lookup touches a cache line per step, not two plus the term bytes).
        var firstKeys: [UInt64]
    }

    /// The first 8 bytes of a term, big-endian, zero-padded: `a < b` implies `key(a) ≤ key(b)`,
    /// so unequal keys order terms and only equal keys need the bytes compared.
    static func key(_ term: UnsafeRawBufferPointer) -> UInt64 {
        var k: UInt64 = 0
        for i in 0..<8 { k = k << 8 | (i < term.count ? UInt64(term[i]) : 0) }
        return k
    }

    let file: MappedFile
    let dataEnd: Int
    let sections: [Int: FieldSection]

    init(path: String, segment: FileFormat.SegmentID? = nil, verify: Bool = true) throws {
        let (f, body) = try MappedFile.open(path, kind: .terms, segment: segment, verifyChecksum: verify)
        file = f
        do {
            var tail = ByteReader(f.buffer, offset: body.upperBound - 8)
            let indexOffset = try tail.u64Int()
            guard indexOffset >= body.lowerBound, indexOffset <= body.upperBound - 8 else { throw ByteReader.Overrun() }
            dataEnd = indexOffset
            var r = ByteReader(base: f.base, count: body.upperBound - 8, offset: indexOffset)
            var sections: [Int: FieldSection] = [:]
            let count = Int(try r.u32())
            for _ in 0..<count {
                let field = Int(try r.u8())
                let flags = try r.u8()
                let termCount = try r.u64()
                let blocks = Int(try r.u32())
                // Each block takes at least 9 bytes of the index and holds 1 to 32 terms:
                // counts the file cannot hold are damage, not allocations.
                let size = UInt64(TermDictionaryWriter.blockSize)
                guard blocks <= r.remaining / 9, termCount <= UInt64(blocks) * size,
                      blocks == 0 || termCount > UInt64(blocks - 1) * size, sections[field] == nil else { throw ByteReader.Overrun() }
                var s = FieldSection(hasPositions: flags & 1 != 0, termCount: termCount, blockOffsets: [], firstTerms: [], firstTermEnds: [], firstKeys: [])
                s.blockOffsets.reserveCapacity(blocks); s.firstTermEnds.reserveCapacity(blocks)
                for _ in 0..<blocks {
                    let off = try r.u64Int()
                    guard off >= body.lowerBound, off < indexOffset else { throw ByteReader.Overrun() }
                    s.blockOffsets.append(off)
                    let n = try r.vintInt()
                    let first = try r.bytes(n)
                    s.firstKeys.append(first.withUnsafeBytes { Self.key($0) })
                    s.firstTerms.append(contentsOf: first)
                    s.firstTermEnds.append(s.firstTerms.count)
                }
                sections[field] = s
            }
            self.sections = sections
        } catch let e as LoupeError { throw e } catch {
            throw LoupeError.corruptFile(path: path, reason: "term dictionary index is malformed")
        }
    }

    func termCount(field: Int) -> UInt64 { sections[field]?.termCount ?? 0 }
    func hasPositions(field: Int) -> Bool { sections[field]?.hasPositions ?? false }

    /// Index of the last block whose first term is <= `term` (nil when `term` sorts before all).
    func blockFor(_ s: FieldSection, _ term: UnsafeRawBufferPointer) -> Int? {
        let k = Self.key(term)
        // The last block whose key is ≤ k: its first term is < `term` unless the keys are equal.
        var lo = 0, hi = s.firstKeys.count
        s.firstKeys.withUnsafeBufferPointer { keys in
            while lo < hi {
                let mid = (lo + hi) >> 1
                if keys[mid] <= k { lo = mid + 1 } else { hi = mid }
            }
        }
        var b = lo - 1
        // Blocks whose first term shares the 8-byte key: compare the bytes.
        s.firstTerms.withUnsafeBytes { all in
            while b >= 0 && s.firstKeys[b] == k {
                let start = b == 0 ? 0 : s.firstTermEnds[b - 1]
                if compareBytes(UnsafeRawBufferPointer(rebasing: all[start..<s.firstTermEnds[b]]), term) <= 0 { break }
                b -= 1
            }
        }
        return b >= 0 ? b : nil
    }

    /// Exact lookup. Walks the one block that can hold `term` without rebuilding its terms:
    /// with `matched` the length the previous term shares with `term` (the previous term being
    /// smaller), an entry sharing fewer bytes with its predecessor is larger than `term` (stop),
    /// one sharing more is smaller (next), and only one sharing exactly `matched` has its
    /// suffix compared. No allocation; O(block bytes).
    func lookup(field: Int, term: UnsafeRawBufferPointer) -> TermInfo? {
        guard let s = sections[field], let b = blockFor(s, term) else { return nil }
        let entries = min(UInt64(TermDictionaryWriter.blockSize), s.termCount &- UInt64(b * TermDictionaryWriter.blockSize))
        var r = ByteReader(base: file.base, count: dataEnd, offset: s.blockOffsets[b])
        var matched = 0
        var postings: UInt64 = 0, positions: UInt64 = 0
        do {
            for _ in 0..<entries {
                let shared = try r.vintInt()
                let suffix = try r.bytes(try r.vintInt())
                if shared < matched { return nil }
                var equal = false
                if shared == matched {
                    // Compare the suffix with `term[matched...]`.
                    var i = 0
                    while i < suffix.count && matched < term.count && suffix[i] == term[matched] { i += 1; matched += 1 }
                    if i < suffix.count {
                        // Differs at `matched`, or is longer than `term`: larger unless its byte is smaller.
                        if matched == term.count || suffix[i] > term[matched] { return nil }
                    } else {
                        equal = matched == term.count
                    }
                }
                let df = try r.vint32()
                postings &+= try r.vint()
                if s.hasPositions { positions &+= try r.vint() }
                if equal { return TermInfo(docFreq: df, postingsOffset: postings, positionsOffset: positions) }
            }
        } catch {
            return nil
        }
        return nil
    }

    func lookup(field: Int, term: String) -> TermInfo? {
        var t = term
        return t.withUTF8 { lookup(field: field, term: UnsafeRawBufferPointer($0)) }
    }

    /// Calls `body` with every term of `field` starting with `prefix`, in order, until it returns false.
    func forEachTerm(field: Int, prefix: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, TermInfo) -> Bool) {
        guard let s = sections[field], !s.blockOffsets.isEmpty else { return }
        var it = Cursor(dict: self, section: s, block: blockFor(s, prefix) ?? 0)
        while let (t, info) = it.next() {
            if t.count >= prefix.count, prefix.count == 0 || memcmp(t.baseAddress!, prefix.baseAddress!, prefix.count) == 0 {
                if !body(t, info) { return }
            } else if compareBytes(t, prefix) > 0 {
                return
            }
        }
    }

    /// All terms of a field in order (for merging and checking).
    func forEachTerm(field: Int, _ body: (UnsafeRawBufferPointer, TermInfo) throws -> Void) rethrows {
        guard let s = sections[field], !s.blockOffsets.isEmpty else { return }
        var it = Cursor(dict: self, section: s, block: 0)
        while let (t, info) = it.next() { try body(t, info) }
    }

    var fields: [Int] { sections.keys.sorted() }

    /// Sequential decoder over a field's blocks from a given block on.
    struct Cursor {
        let dict: TermDictionary
        let section: FieldSection
        var block: Int
        var offset: Int
        var inBlock = 0
        var remaining: UInt64
        var term: [UInt8] = []
        var postings: UInt64 = 0
        var positions: UInt64 = 0

        init(dict: TermDictionary, section: FieldSection, block: Int) {
            self.dict = dict; self.section = section; self.block = block
            offset = section.blockOffsets.isEmpty ? 0 : section.blockOffsets[block]
            remaining = section.termCount &- UInt64(block * TermDictionaryWriter.blockSize)
            term.reserveCapacity(64)
        }

        /// The next term (valid until the following call) and its info; nil at the field's end or on damage.
        mutating func next() -> (UnsafeRawBufferPointer, TermInfo)? {
            guard remaining > 0, remaining <= section.termCount else { return nil }
            if inBlock == TermDictionaryWriter.blockSize {
                inBlock = 0; block += 1
                guard block < section.blockOffsets.count else { return nil }
                offset = section.blockOffsets[block]
            }
            if inBlock == 0 { postings = 0; positions = 0 }
            var r = ByteReader(base: dict.file.base, count: dict.dataEnd, offset: offset)
            do {
                let prefix = try r.vintInt()
                let suffix = try r.vintInt()
                guard prefix <= term.count else { return nil }
                term.removeSubrange(prefix...)
                term.append(contentsOf: try r.bytes(suffix))
                let df = try r.vint32()
                postings &+= try r.vint()
                if section.hasPositions { positions &+= try r.vint() }
                offset = r.offset
                remaining -= 1
                inBlock += 1
                let info = TermInfo(docFreq: df, postingsOffset: postings, positionsOffset: positions)
                return term.withUnsafeBytes { ($0, info) }
            } catch {
                return nil
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension TermDictionary {
    /// A cursor over all terms of `field`, nil when the field has no terms.
    func cursor(field: Int) -> Cursor? {
        guard let s = sections[field], !s.blockOffsets.isEmpty else { return nil }
        return Cursor(dict: self, section: s, block: 0)
    }
}
