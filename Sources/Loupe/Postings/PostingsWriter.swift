/// Encodes one term's postings into the `.post` file and its positions into the `.pos` file.
///
/// Layout (see `Index/FORMAT.md`, "Postings"): with `n` documents, `n / 128` full blocks and a
/// tail of `n % 128`. When there is at least one full block, a skip section comes first:
/// its byte length (vint); a fixed-width **skip group** table with one entry per 32 full
/// blocks after the first 32 (where that group's skip entries, block data and positions
/// start, and the last doc id before it), so a reader can jump to any block by decoding at most
/// 32 skip entries; then per full block the last doc id (delta from the previous block's, the
/// first from -1), the block's byte sizes in `.post` and `.pos`, and its competitive
/// (tf, field length) pairs; then the tail's pairs. Full blocks hold doc-id gaps
/// (`doc - previous - 1`) and `tf - 1`, each bit-packed at the block's own width (u8 width
/// then the packed bytes). The tail holds vints: `gap << 1 | (tf == 1)`, then `tf` when not 1.
/// Positions of each block are the positions of its documents in order, each document's
/// starting from its first absolute position then gaps; bit-packed in runs of 128, vint tail.
struct PostingsWriter {
    private var docBuf = [UInt32](repeating: 0, count: BitPacking.blockSize)
    private var tfBuf = [UInt32](repeating: 0, count: BitPacking.blockSize)
    private var skip = ByteWriter()
    private var groups = ByteWriter()
    private var blockData = ByteWriter()
    private var posData = ByteWriter()
    private var posScratch = [UInt32]()
    private var impacts: [(tf: UInt32, length: UInt32)] = []

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
        groups.bytes.removeAll(keepingCapacity: true)
        blockData.bytes.removeAll(keepingCapacity: true)
        var prevDoc: Int64 = -1
        var posCursor = 0
        var prevBlockLast: Int64 = -1
        var posTotal = 0
        for b in 0..<full {
            if b > 0 && b % SkipGroups.size == 0 {
                groups.u32(UInt32(prevBlockLast))
                groups.u32(UInt32(skip.count))
                groups.u64(UInt64(blockData.count))
                groups.u64(UInt64(posTotal))
            }
            let start = b * BitPacking.blockSize
            impacts.removeAll(keepingCapacity: true)
            for i in 0..<BitPacking.blockSize {
                let d = docs[start + i]
                docBuf[i] = UInt32(Int64(d) - prevDoc - 1)
                prevDoc = Int64(d)
                let tf = tfs[start + i]
                tfBuf[i] = tf - 1
                let len = lengths.map { $0[Int(d)] } ?? 1
                impacts.append((tf, len))
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
            posTotal += posBytes
            Impacts.encode(&impacts, into: &skip)
        }
        // Tail.
        impacts.removeAll(keepingCapacity: true)
        for i in (full * BitPacking.blockSize)..<n {
            let d = docs[i]
            let gap = UInt64(Int64(d) - prevDoc - 1)
            prevDoc = Int64(d)
            let tf = tfs[i]
            if tf == 1 { blockData.vint(gap << 1 | 1) } else { blockData.vint(gap << 1); blockData.vint(tf) }
            // The tail's impacts are written only after full blocks (most terms have none).
            if full > 0 { impacts.append((tf, lengths.map { $0[Int(d)] } ?? 1)) }
        }
        if n > full * BitPacking.blockSize {
            _ = encodePositions(tfs: tfs, range: (full * BitPacking.blockSize)..<n, positions: positions, cursor: &posCursor)
        }
        if full > 0 {
            Impacts.encode(&impacts, into: &skip)
            postingsFile.buffer.vint(groups.count + skip.count)
            postingsFile.buffer.append(contentsOf: groups.bytes)
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

/// The skip group table at the start of a skip section: an entry per `size` full blocks after
/// the first `size`, for group `g` (blocks `g·size ..< (g+1)·size`): the last doc id of block
/// `g·size - 1` (u32), where block `g·size`'s skip entry starts, from the first skip entry
/// (u32), where its data starts, from the first block (u64), and where its positions start,
/// from the term's positions offset (u64). All little-endian.
enum SkipGroups {
    static let size = 32
    static let entryBytes = 24

    /// Entries in a list with `fullBlocks` full blocks.
    @inline(__always) static func count(fullBlocks: Int) -> Int { fullBlocks > 0 ? (fullBlocks - 1) / size : 0 }
}

/// A block's competitive (tf, field length) pairs: the Pareto frontier, where no other
/// document of the block has both a higher-or-equal tf and a shorter-or-equal field. BM25
/// grows with tf and shrinks with length, so for any avgdl the block's best score is the best
/// score over these pairs: an exact block-max bound that survives merges and deletions.
/// Encoded as the pairs' byte length (vint; a reader that only passes by skips them in O(1))
/// then the pairs by ascending tf (both tf and length ascend along the frontier) as deltas
/// from the previous pair (the first absolute). At most `maxPairs`
/// pairs are kept; beyond that, neighbours are merged into a pair dominating both (the
/// higher tf with the shorter length), which keeps the bound valid if slightly looser.
enum Impacts {
    static let maxPairs = 8

    /// Reduces `pairs` (in place, so its contents are consumed) to the frontier and writes it.
    /// Only a tf's shortest length can be on the frontier, and a block has few distinct tfs,
    /// so the pairs are first reduced to those (O(pairs × distinct tfs), no sort of all 128).
    static func encode(_ pairs: inout [(tf: UInt32, length: UInt32)], into w: inout ByteWriter) {
        var m = 0
        pairs.withUnsafeMutableBufferPointer { p in
            // Shortest length per distinct tf, compacted into p[0..<m].
            for i in 0..<p.count {
                let (tf, length) = p[i]
                var k = 0
                while k < m && p[k].tf != tf { k += 1 }
                if k == m { p[m] = (tf, length); m += 1 } else if length < p[k].length { p[k].length = length }
            }
            // By ascending tf (insertion sort: m is small).
            for i in 1..<max(m, 1) {
                let x = p[i]
                var k = i
                while k > 0 && p[k - 1].tf > x.tf { p[k] = p[k - 1]; k -= 1 }
                p[k] = x
            }
            // Keep a pair only if every higher tf needs a longer field: sweep from the highest tf
            // keeping strictly decreasing lengths, packed at the top (the write index never
            // passes the read index), then moved down.
            var top = m
            var best = UInt32.max
            for i in stride(from: m - 1, through: 0, by: -1) where p[i].length < best {
                best = p[i].length
                top -= 1
                p[top] = p[i]
            }
            for i in top..<m { p[i - top] = p[i] }
            m -= top
            while m > maxPairs {
                // Merge the pair whose removal loosens least: combine neighbours i, i+1 into (tf[i+1], len[i]).
                var bestIdx = 0
                var bestCost = UInt64.max
                for i in 0..<(m - 1) {
                    let cost = UInt64(p[i + 1].length - p[i].length) * UInt64(p[i + 1].tf - p[i].tf)
                    if cost < bestCost { bestCost = cost; bestIdx = i }
                }
                p[bestIdx] = (p[bestIdx + 1].tf, p[bestIdx].length)
                for i in (bestIdx + 1)..<(m - 1) { p[i] = p[i + 1] }
                m -= 1
            }
        }
        let frontier = pairs.prefix(m)
        var pt: UInt32 = 0, pl: UInt32 = 0
        var length = 0
        for p in frontier {
            length += vintSize(p.tf - pt) + vintSize(p.length - pl)
            pt = p.tf; pl = p.length
        }
        w.vint(length)
        pt = 0; pl = 0
        for p in frontier {
            w.vint(p.tf - pt); w.vint(p.length - pl)
            pt = p.tf; pl = p.length
        }
    }

    @inline(__always) private static func vintSize(_ v: UInt32) -> Int {
        v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : v < 1 << 28 ? 4 : 5
    }

    /// Reads an encoded frontier, returning the pairs through `body`.
    @inline(__always)
    static func decode(_ p: UnsafePointer<UInt8>, _ offset: inout Int, _ body: (UInt32, UInt32) -> Void) {
        let end = Int(readVIntUnchecked(p, &offset)) + offset
        var tf: UInt32 = 0, len: UInt32 = 0
        while offset < end {
            tf &+= readVIntUnchecked(p, &offset)
            len &+= readVIntUnchecked(p, &offset)
            body(tf, len)
        }
    }

    /// Steps over an encoded frontier without reading its pairs.
    @inline(__always)
    static func skip(_ p: UnsafePointer<UInt8>, _ offset: inout Int) {
        offset += Int(readVIntUnchecked(p, &offset))
    }
}

/// Positions of one block: the bit widths of its runs of 128 values (one u8 each, the last run
/// possibly shorter), then those runs bit-packed. The widths come first so a reader finds
/// where any run starts from one contiguous read, instead of hopping from run to run through
/// the packed data; every run, the short one included, is bit-packed so any value in it is
/// read directly (a vint tail would have to be decoded from its start). The count is not
/// stored: it is the sum of the block's term frequencies.
enum PositionsCodec {
    static func encode(_ values: [UInt32], into w: inout ByteWriter) {
        values.withUnsafeBufferPointer { p in
            let runs = (p.count + BitPacking.blockSize - 1) / BitPacking.blockSize
            let table = w.count
            for _ in 0..<runs { w.u8(0) }
            for r in 0..<runs {
                let n = min(BitPacking.blockSize, p.count - r * BitPacking.blockSize)
                let bits = BitPacking.maxBits(p.baseAddress! + r * BitPacking.blockSize, count: n)
                w.bytes[table + r] = UInt8(bits)
                BitPacking.pack(p.baseAddress! + r * BitPacking.blockSize, bits: bits, count: n, into: &w)
            }
        }
    }

    /// Decodes `count` values starting at `src + offset` into `out` (capacity >= count rounded up to 128).
    @inline(__always)
    static func decode(_ src: UnsafePointer<UInt8>, offset: inout Int, count: Int, into out: UnsafeMutablePointer<UInt32>) {
        let runs = (count + BitPacking.blockSize - 1) / BitPacking.blockSize
        let widths = offset
        offset += runs
        for r in 0..<runs {
            let bits = Int(src[widths + r])
            let n = min(BitPacking.blockSize, count - r * BitPacking.blockSize)
            if n == BitPacking.blockSize {
                BitPacking.unpack(UnsafeRawPointer(src + offset), bits: bits, into: out + r * BitPacking.blockSize)
            } else {
                BitPacking.unpack(UnsafeRawPointer(src + offset), bits: bits, from: 0, count: n, into: out + r * BitPacking.blockSize)
            }
            offset += BitPacking.packedByteCount(bits: bits, count: n)
        }
    }
}
