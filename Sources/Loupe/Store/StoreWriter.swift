import CLZ4

/// Writes the stored-documents file (`.store`): documents serialized one after another into
/// blocks of about `blockSize` raw bytes, each compressed with LZ4; a block index at the end
/// gives random access by document number. See `Index/FORMAT.md`, "Stored documents".
final class StoreWriter {
    static let blockSize = 16 * 1024

    private let file: FileWriter
    private var block = ByteWriter(capacity: StoreWriter.blockSize + 4096)
    private var blockFirstDoc: UInt32 = 0
    private var docCount: UInt32 = 0
    private var index: [(firstDoc: UInt32, offset: UInt64, compressed: UInt32, raw: UInt32)] = []
    private var compressed = [UInt8]()

    init(path: String, segment: FileFormat.SegmentID = .none) throws {
        file = try FileWriter(path: path, kind: .store, segment: segment)
    }

    /// Adds the next document's record (already serialized by `StoredRecord.encode`).
    func add(record: UnsafeRawBufferPointer) throws {
        block.vint(record.count)
        block.bytes.append(contentsOf: record)
        docCount += 1
        if block.count >= StoreWriter.blockSize { try flushBlock() }
    }

    func add(record: [UInt8]) throws {
        try record.withUnsafeBytes { try add(record: $0) }
    }

    private func flushBlock() throws {
        guard docCount > blockFirstDoc else { return }
        let raw = block.bytes.count
        let bound = Int(LZ4_compressBound(Int32(raw)))
        if compressed.count < bound { compressed = [UInt8](repeating: 0, count: bound) }
        let n = block.bytes.withUnsafeBufferPointer { src in
            compressed.withUnsafeMutableBufferPointer { dst in
                src.withMemoryRebound(to: CChar.self) { s in
                    dst.withMemoryRebound(to: CChar.self) { d in
                        LZ4_compress_default(s.baseAddress, d.baseAddress, Int32(raw), Int32(bound))
                    }
                }
            }
        }
        precondition(n > 0, "LZ4 compression failed")
        index.append((blockFirstDoc, UInt64(file.offset), UInt32(n), UInt32(raw)))
        file.buffer.bytes.append(contentsOf: compressed[0..<Int(n)])
        try file.maybeFlush()
        block.bytes.removeAll(keepingCapacity: true)
        blockFirstDoc = docCount
    }

    /// Block index: count (u32), then per block first doc (u32), offset (u64), compressed and
    /// raw lengths (u32 each); then the document count (u32) and the index's offset (u64).
    @discardableResult
    func finish() throws -> Int {
        try flushBlock()
        let indexOffset = UInt64(file.offset)
        file.buffer.u32(UInt32(index.count))
        for e in index {
            file.buffer.u32(e.firstDoc); file.buffer.u64(e.offset); file.buffer.u32(e.compressed); file.buffer.u32(e.raw)
        }
        file.buffer.u32(docCount)
        file.buffer.u64(indexOffset)
        return try file.finish()
    }

    func abandon() { file.abandon() }
}

/// The serialized form of one stored document:
/// id (vint length + UTF-8), a date flag byte (0 or 1) and the date (i64) when 1, then for each
/// stored field of the schema in order a vint (length + 1, or 0 when the document lacks it) and the UTF-8 bytes.
enum StoredRecord {
    static func encode(id: String, date: Int64?, values: [String?], into w: inout ByteWriter) {
        w.lengthPrefixed(id)
        if let date { w.u8(1); w.i64(date) } else { w.u8(0) }
        for v in values {
            guard var v else { w.vint(0); continue }
            v.withUTF8 { p in w.vint(p.count + 1); w.append(p) }
        }
    }

    static func decode(_ r: inout ByteReader, storedFieldNames: [String]) throws -> StoredDocument {
        let id = try r.lengthPrefixedString()
        let flag = try r.u8()
        let date: Int64? = flag == 1 ? try r.i64() : nil
        var fields: [String: String] = [:]
        for name in storedFieldNames {
            let n = try r.vintInt()
            if n == 0 { continue }
            fields[name] = String(decoding: try r.bytes(n - 1), as: UTF8.self)
        }
        return StoredDocument(id: id, fields: fields, date: date)
    }
}
