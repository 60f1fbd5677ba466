/// Iterates one term's postings in a segment: doc ids ascending, with term frequency and,
/// on demand, positions. This is the innermost loop of search, so it works on raw pointers
/// into the mapped files, decodes a whole 128-doc block at a time into fixed buffers, skips
/// blocks by their last doc id without decoding them, and decodes positions only for the
/// blocks where a caller asks for them. No allocation happens after `init`.
///
/// Invariant: `doc` is the current document, `Self.noMore` once exhausted; before the first
/// `next()`/`advance(_:)` it is -1 (as `UInt32.max - 1` is a valid sentinel too, we keep a flag).
final class PostingsCursor {
    static let noMore = UInt32.max

    let docFreq: Int
    private let post: UnsafePointer<UInt8>
    private let pos: UnsafePointer<UInt8>?
    private let fullBlocks: Int
    private let tailCount: Int
    let blockCount: Int

    // Per-block skip data, `blockCount` entries each.
    private let lastDocs: UnsafeMutablePointer<UInt32>
    private let docOffsets: UnsafeMutablePointer<Int>
    private let posOffsets: UnsafeMutablePointer<Int>
    /// Where each block's impacts (see `Impacts`) start in the postings file.
    private let impactOffsets: UnsafeMutablePointer<Int>
    /// Whether the skip data carries impacts; a lone tail block does not.
    let hasBlockBounds: Bool

    private let docs: UnsafeMutablePointer<UInt32>
    private let tfs: UnsafeMutablePointer<UInt32>
    private(set) var block = -1
    private var idx = 0
    private var count = 0
    private(set) var doc: UInt32 = 0
    private var started = false

    // Positions of the current block, decoded lazily.
    private var posBuf: UnsafeMutablePointer<UInt32>
    private var posCapacity: Int
    private var posBlock = -1
    private let posStarts: UnsafeMutablePointer<Int>

    private let origin: (postings: UnsafeRawPointer, positions: UnsafeRawPointer?, info: TermInfo)

    /// A fresh cursor over the same list, positioned before its first document.
    func clone() -> PostingsCursor { PostingsCursor(postings: origin.postings, positions: origin.positions, info: origin.info) }

    init(postings: UnsafeRawPointer, positions: UnsafeRawPointer?, info: TermInfo) {
        origin = (postings, positions, info)
        docFreq = Int(info.docFreq)
        fullBlocks = docFreq / BitPacking.blockSize
        tailCount = docFreq % BitPacking.blockSize
        blockCount = fullBlocks + (tailCount > 0 ? 1 : 0)
        let n = max(blockCount, 1)
        lastDocs = .allocate(capacity: n); docOffsets = .allocate(capacity: n); posOffsets = .allocate(capacity: n)
        impactOffsets = .allocate(capacity: n)
        docs = .allocate(capacity: BitPacking.blockSize); tfs = .allocate(capacity: BitPacking.blockSize)
        posStarts = .allocate(capacity: BitPacking.blockSize + 1)
        posCapacity = 512
        posBuf = .allocate(capacity: posCapacity)
        let p = postings.assumingMemoryBound(to: UInt8.self) + Int(info.postingsOffset)
        post = p
        pos = positions.map { $0.assumingMemoryBound(to: UInt8.self) + Int(info.positionsOffset) }
        var off = 0
        var posOff = 0
        if fullBlocks > 0 {
            let skipLen = Int(readVIntUnchecked(p, &off))
            var dataOff = off + skipLen
            var last: Int64 = -1
            for b in 0..<fullBlocks {
                last += Int64(readVIntUnchecked(p, &off)) + 1
                lastDocs[b] = UInt32(last)
                docOffsets[b] = dataOff
                dataOff += Int(readVIntUnchecked(p, &off))
                posOffsets[b] = posOff
                posOff += Int(readVIntUnchecked(p, &off))
                impactOffsets[b] = off
                Impacts.decode(p, &off) { _, _ in }
            }
            if tailCount > 0 {
                lastDocs[fullBlocks] = UInt32.max - 1
                docOffsets[fullBlocks] = dataOff
                posOffsets[fullBlocks] = posOff
                impactOffsets[fullBlocks] = off
            }
            hasBlockBounds = true
        } else {
            lastDocs[0] = UInt32.max - 1
            docOffsets[0] = 0
            posOffsets[0] = 0
            impactOffsets[0] = 0
            hasBlockBounds = false
        }
    }

    deinit {
        lastDocs.deallocate(); docOffsets.deallocate(); posOffsets.deallocate()
        impactOffsets.deallocate()
        docs.deallocate(); tfs.deallocate(); posStarts.deallocate(); posBuf.deallocate()
    }

    @inline(__always) var freq: UInt32 { tfs[idx] }

    /// The best BM25 score any document of block `b` can have (requires `hasBlockBounds`).
    func blockMaxScore(_ b: Int, _ bm25: BM25Weight) -> Double {
        var off = impactOffsets[b]
        var best = 0.0
        Impacts.decode(post, &off) { tf, len in best = max(best, bm25.score(tf: tf, length: len)) }
        return best
    }

    /// Last doc id of block `b` (`UInt32.max - 1` for the tail block, whose end is not stored).
    @inline(__always) func lastDoc(ofBlock b: Int) -> UInt32 { lastDocs[b] }

    private func decodeBlock(_ b: Int) {
        block = b
        idx = 0
        var off = docOffsets[b]
        var prev: Int64 = b == 0 ? -1 : Int64(lastDocs[b - 1])
        if b < fullBlocks {
            let db = Int(post[off]); off += 1
            BitPacking.unpack(UnsafeRawPointer(post + off), bits: db, into: docs)
            off += BitPacking.packedByteCount(bits: db)
            let tb = Int(post[off]); off += 1
            BitPacking.unpack(UnsafeRawPointer(post + off), bits: tb, into: tfs)
            var d = UInt32(truncatingIfNeeded: prev)
            for i in 0..<BitPacking.blockSize {
                d = d &+ docs[i] &+ 1
                docs[i] = d
                tfs[i] &+= 1
            }
            count = BitPacking.blockSize
        } else {
            for i in 0..<tailCount {
                let v = readVIntUnchecked(post, &off)
                prev += Int64(v >> 1) + 1
                docs[i] = UInt32(prev)
                tfs[i] = (v & 1) != 0 ? 1 : readVIntUnchecked(post, &off)
            }
            count = tailCount
        }
    }

    /// Decodes block `b` and positions the cursor on its first document; returns the block's
    /// document count. For block-at-a-time loops that read `blockDocs`/`blockFreqs` directly.
    func load(block b: Int) -> Int {
        decodeBlock(b)
        started = true
        doc = docs[0]
        return count
    }

    var blockDocs: UnsafePointer<UInt32> { UnsafePointer(docs) }
    var blockFreqs: UnsafePointer<UInt32> { UnsafePointer(tfs) }

    /// Moves to the next document; returns it (or `noMore`).
    @inline(__always) @discardableResult
    func next() -> UInt32 {
        if started {
            idx += 1
            if idx < count { doc = docs[idx]; return doc }
            if block + 1 >= blockCount { doc = Self.noMore; idx = count - 1; return doc }
            decodeBlock(block + 1)
        } else {
            started = true
            if blockCount == 0 { doc = Self.noMore; return doc }
            decodeBlock(0)
        }
        doc = docs[idx]
        return doc
    }

    /// Moves to the first document >= `target` (never backwards); returns it (or `noMore`).
    @discardableResult
    func advance(_ target: UInt32) -> UInt32 {
        if started && doc >= target { return doc }
        if !started { started = true; if blockCount == 0 { doc = Self.noMore; return doc } }
        var b = max(block, 0)
        while b < blockCount - 1 && lastDocs[b] < target { b += 1 }
        if b != block { decodeBlock(b) }
        while idx < count && docs[idx] < target { idx += 1 }
        if idx < count { doc = docs[idx]; return doc }
        // Only possible in the last block.
        idx = count - 1
        doc = Self.noMore
        return doc
    }

    /// The block that would hold `target`, found from skip data without decoding; for block-max bounds.
    @inline(__always) func blockIndex(for target: UInt32, from start: Int) -> Int {
        var b = max(start, 0)
        while b < blockCount - 1 && lastDocs[b] < target { b += 1 }
        return b
    }

    /// Absolute positions of the current document, ascending. Valid until the cursor leaves
    /// its block. The first call in a block decodes the whole block's positions and turns each
    /// document's gaps into absolute positions in place, so later calls are O(1).
    @inline(__always)
    func positions() -> UnsafeBufferPointer<UInt32> {
        guard let pos else { return UnsafeBufferPointer(start: posBuf, count: 0) }
        if posBlock != block { decodePositions(pos) }
        return UnsafeBufferPointer(start: posBuf + posStarts[idx], count: Int(tfs[idx]))
    }

    private func decodePositions(_ pos: UnsafePointer<UInt8>) {
        var total = 0
        for i in 0..<count { posStarts[i] = total; total += Int(tfs[i]) }
        posStarts[count] = total
        let need = (total + BitPacking.blockSize - 1) / BitPacking.blockSize * BitPacking.blockSize + BitPacking.blockSize
        if need > posCapacity {
            posBuf.deallocate()
            posCapacity = need
            posBuf = .allocate(capacity: need)
        }
        var off = posOffsets[block]
        PositionsCodec.decode(pos, offset: &off, count: total, into: posBuf)
        var k = 0
        for i in 0..<count {
            let n = Int(tfs[i])
            var p: UInt32 = 0
            for j in 0..<n {
                p = j == 0 ? posBuf[k] : p &+ posBuf[k]
                posBuf[k] = p
                k += 1
            }
        }
        posBlock = block
    }
}
