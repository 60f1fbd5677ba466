import CLZ4
import Foundation

/// Random access to a segment's stored documents. Fetching a document decompresses its block
/// (about 16 KB) into a buffer of its own; nothing is cached.
///
/// `@unchecked Sendable` because the mapped file is reached through a raw pointer: every
/// property is a `let` set in `init`, and reads decompress into a fresh array per call, so
/// concurrent `document(_:)` calls share nothing mutable. `ConcurrencyTests` reads documents
/// from many threads at once.
final class StoreReader: @unchecked Sendable {
    let file: MappedFile
    let docCount: Int
    private let blocksFirstDoc: [UInt32]
    private let blocks: [(offset: Int, compressed: Int, raw: Int)]
    let storedFieldNames: [String]

    init(path: String, storedFieldNames: [String], segment: FileFormat.SegmentID? = nil, verify: Bool = true) throws {
        let (f, body) = try MappedFile.open(path, kind: .store, segment: segment, verifyChecksum: verify)
        file = f
        self.storedFieldNames = storedFieldNames
        do {
            guard body.count >= 12 else { throw ByteReader.Overrun() }
            var tail = ByteReader(f.buffer, offset: body.upperBound - 12)
            let count = Int(try tail.u32())
            let indexOffset = try tail.u64Int()
            guard indexOffset >= body.lowerBound, indexOffset <= body.upperBound - 12 else { throw ByteReader.Overrun() }
            var r = ByteReader(base: f.base, count: body.upperBound - 12, offset: indexOffset)
            let n = Int(try r.u32())
            // 20 bytes per block: a count the index cannot hold is damage, not an allocation.
            guard n <= r.remaining / 20, n > 0 || count == 0 else { throw ByteReader.Overrun() }
            // Labelled like `blocks`: an unlabelled array would be converted element by element.
            var firsts = [UInt32](); var bl = [(offset: Int, compressed: Int, raw: Int)]()
            firsts.reserveCapacity(n); bl.reserveCapacity(n)
            for _ in 0..<n {
                let first = try r.u32()
                // Blocks start at document 0 and ascend, each inside the documents.
                guard firsts.isEmpty ? first == 0 : first > firsts[firsts.count - 1], Int(first) < max(count, 1) else { throw ByteReader.Overrun() }
                firsts.append(first)
                let off = try r.u64Int(); let c = Int(try r.u32()); let raw = Int(try r.u32())
                // LZ4 expands at most 255-fold: a larger raw length is damage, not an allocation.
                guard off >= body.lowerBound, off <= indexOffset, c <= indexOffset - off, raw <= c * 255 + 64 else { throw ByteReader.Overrun() }
                bl.append((off, c, raw))
            }
            docCount = count
            blocksFirstDoc = firsts
            blocks = bl
        } catch let e as LoupeError { throw e } catch {
            throw LoupeError.corruptFile(path: path, reason: "stored-documents index is malformed")
        }
    }

    /// Decompressed bytes of the block holding `doc`, and that block's first document number.
    private func block(for doc: Int) throws -> (bytes: [UInt8], firstDoc: Int) {
        var lo = 0, hi = blocksFirstDoc.count - 1
        guard hi >= 0 else { throw LoupeError.corruptFile(path: file.path, reason: "document \(doc) is not in the store") }
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if Int(blocksFirstDoc[mid]) <= doc { lo = mid } else { hi = mid - 1 }
        }
        let b = blocks[lo]
        var out = [UInt8](repeating: 0, count: b.raw)
        let n = out.withUnsafeMutableBufferPointer { dst in
            dst.withMemoryRebound(to: CChar.self) { d in
                LZ4_decompress_safe((file.base + b.offset).assumingMemoryBound(to: CChar.self), d.baseAddress, Int32(b.compressed), Int32(b.raw))
            }
        }
        guard n == b.raw else { throw LoupeError.corruptFile(path: file.path, reason: "a compressed block does not decompress") }
        return (out, Int(blocksFirstDoc[lo]))
    }

    func document(_ doc: Int) throws -> StoredDocument {
        guard doc >= 0, doc < docCount else { throw LoupeError.corruptFile(path: file.path, reason: "document \(doc) is out of range") }
        let (bytes, first) = try block(for: doc)
        return try ByteReader.decoding(file.path, "stored document \(doc) is malformed") {
            try bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                for _ in first..<doc { let n = try r.vintInt(); try r.skip(n) }
                let n = try r.vintInt()
                var rec = ByteReader(try r.bytes(n))
                return try StoredRecord.decode(&rec, storedFieldNames: storedFieldNames)
            }
        }
    }

    /// Raw record bytes of every document in order (for merging), calling `body(doc, record)`.
    func forEachRecord(_ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws {
        var doc = 0
        for (i, first) in blocksFirstDoc.enumerated() {
            let (bytes, _) = try block(for: Int(first))
            let end = i + 1 < blocksFirstDoc.count ? Int(blocksFirstDoc[i + 1]) : docCount
            try ByteReader.decoding(file.path, "the records of a stored-documents block are malformed") {
                try bytes.withUnsafeBytes { raw in
                    var r = ByteReader(raw)
                    while doc < end {
                        let n = try r.vintInt()
                        try body(doc, try r.bytes(n))
                        doc += 1
                    }
                }
            }
            if i % 256 == 255 { file.releasePages(before: blocks[i].offset) }
        }
    }
}
