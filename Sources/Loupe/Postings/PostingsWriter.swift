/// Encodes one term's postings into the `.post` file and its positions into the `.pos` file.
///
/// Layout (see `Index/FORMAT.md`, "Postings"): with `n` documents, `n / 128` full blocks and a
/// tail of `n % 128`. When there is at least one full block, a skip section comes first:
/// its byte length (vint), then per full block the last doc id (delta from the previous
/// block's, the first from -1), the block's byte sizes in `.post` and `.pos`, and its best
/// (max tf, min field length) pair; then the tail's pair. Full blocks hold doc-id gaps
/// (`doc - previous - 1`) and `tf - 1`, each bit-packed at the block's own width (u8 width
/// then the packed bytes). The tail holds vints: `gap << 1 | (tf == 1)`, then `tf` when not 1.
/// Positions of each block are the positions of its documents in order, each document's
/// starting from its first absolute position then gaps; bit-packed in runs of 128, vint tail.
struct PostingsWriter {
    private var docBuf = [UInt32](repeating: 0, count: BitPacking.blockSize)
    private var tfBuf = [UInt32](repeating: 0, count: BitPacking.blockSize)
    private var skip = ByteWriter()
    private var blockData = ByteWriter()
    private var posData = ByteWriter()
    private var posScratch = [UInt32]()

    struct Location { var postings: UInt64; var positions: UInt64 }

    /// `positions` are absolute positions, `tfs[i]` of them per document, in document order.
    /// `lengths` gives each document's field length (for the block-max bound), indexed by doc id.
    mutating func write(docs: UnsafeBufferPointer<UInt32>, tfs: UnsafeBufferPointer<UInt32>,
                        positions: UnsafeBufferPointer<UInt32>?, lengths: UnsafeBufferPointer<UInt32>?,
                        postingsFile: FileWriter, positionsFile: FileWriter?) throws -> Location {
        let loc = Location(postings: UInt64(postingsFile.offset), positions: UInt64(positionsFile?.offset ?? 0))
        let n = docs.count
        let full = n / BitPacking.blockSize
        skip.bytes.removeAll(keepingCapacity: true)
        blockData.bytes.removeAll(keepingCapacity: true)
        var prevDoc: Int64 = -1
        var posCursor = 0
        var prevBlockLast: Int64 = -1
        for b in 0..<full {
            let start = b * BitPacking.blockSize
            var maxTf: UInt32 = 0, minLen = UInt32.max
            for i in 0..<BitPacking.blockSize {
                let d = docs[start + i]
                docBuf[i] = UInt32(Int64(d) - prevDoc - 1)
                prevDoc = Int64(d)
                let tf = tfs[start + i]
                tfBuf[i] = tf - 1
                let len = lengths.map { $0[Int(d)] } ?? 1
                maxTf = max(maxTf, tf); minLen = min(minLen, len)
            }
            let before = blockData.count
            docBuf.withUnsafeBufferPointer { p in
                let bits = BitPacking.maxBits(p.baseAddress!, count: BitPacking.blockSize)
                blockData.u8(UInt8(bits))
                BitPacking.pack(p.baseAddress!, bits: bits, into: &blockData)
            }
            tfBuf.withUnsafeBufferPointer { p in
                let bits = BitPacking.maxBits(p.baseAddress!, count: BitPacking.blockSize)
                blockData.u8(UInt8(bits))
                BitPacking.pack(p.baseAddress!, bits: bits, into: &blockData)
            }
            let posBytes = encodePositions(tfs: tfs, range: start..<(start + BitPacking.blockSize), positions: positions, cursor: &posCursor)
            skip.vint(UInt64(prevDoc - prevBlockLast - 1))
            prevBlockLast = prevDoc
            skip.vint(blockData.count - before)
            skip.vint(posBytes)
            skip.vint(maxTf)
            skip.vint(minLen)
        }
        // Tail.
        var maxTf: UInt32 = 0, minLen = UInt32.max
        for i in (full * BitPacking.blockSize)..<n {
            let d = docs[i]
            let gap = UInt64(Int64(d) - prevDoc - 1)
            prevDoc = Int64(d)
            let tf = tfs[i]
            if tf == 1 { blockData.vint(gap << 1 | 1) } else { blockData.vint(gap << 1); blockData.vint(tf) }
            maxTf = max(maxTf, tf); minLen = min(minLen, lengths.map { $0[Int(d)] } ?? 1)
        }
        if n > full * BitPacking.blockSize {
            _ = encodePositions(tfs: tfs, range: (full * BitPacking.blockSize)..<n, positions: positions, cursor: &posCursor)
        }
        if full > 0 {
            skip.vint(maxTf); skip.vint(minLen == UInt32.max ? 0 : minLen)
            postingsFile.buffer.vint(skip.count)
            postingsFile.buffer.append(contentsOf: skip.bytes)
        }
        postingsFile.buffer.append(contentsOf: blockData.bytes)
        try postingsFile.maybeFlush()
        if let positionsFile, positions != nil {
            positionsFile.buffer.append(contentsOf: posData.bytes)
            posData.bytes.removeAll(keepingCapacity: true)
            try positionsFile.maybeFlush()
        }
        return loc
    }

    /// Appends the positions of the documents in `range` to `posData`; returns the bytes used.
    private mutating func encodePositions(tfs: UnsafeBufferPointer<UInt32>, range: Range<Int>,
                                          positions: UnsafeBufferPointer<UInt32>?, cursor: inout Int) -> Int {
        guard let positions else { return 0 }
        posScratch.removeAll(keepingCapacity: true)
        for i in range {
            let tf = Int(tfs[i])
            var prev: UInt32 = 0
            for k in 0..<tf {
                let p = positions[cursor + k]
                posScratch.append(k == 0 ? p : p - prev)
                prev = p
            }
            cursor += tf
        }
        let before = posData.count
        PositionsCodec.encode(posScratch, into: &posData)
        return posData.count - before
    }
}

/// Positions of one block: runs of 128 values bit-packed (u8 width + bytes), the rest as vints.
/// The count is not stored: it is the sum of the block's term frequencies.
enum PositionsCodec {
    static func encode(_ values: [UInt32], into w: inout ByteWriter) {
        var i = 0
        values.withUnsafeBufferPointer { p in
            while i + BitPacking.blockSize <= p.count {
                let bits = BitPacking.maxBits(p.baseAddress! + i, count: BitPacking.blockSize)
                w.u8(UInt8(bits))
                BitPacking.pack(p.baseAddress! + i, bits: bits, into: &w)
                i += BitPacking.blockSize
            }
            while i < p.count { w.vint(p[i]); i += 1 }
        }
    }

    /// Decodes `count` values starting at `src + offset` into `out` (capacity >= count rounded up to 128).
    @inline(__always)
    static func decode(_ src: UnsafePointer<UInt8>, offset: inout Int, count: Int, into out: UnsafeMutablePointer<UInt32>) {
        var i = 0
        while i + BitPacking.blockSize <= count {
            let bits = Int(src[offset]); offset += 1
            BitPacking.unpack(UnsafeRawPointer(src + offset), bits: bits, into: out + i)
            offset += BitPacking.packedByteCount(bits: bits)
            i += BitPacking.blockSize
        }
        while i < count { out[i] = readVIntUnchecked(src, &offset); i += 1 }
    }
}
