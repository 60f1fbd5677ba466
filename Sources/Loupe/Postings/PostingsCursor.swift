import CLoupeSupport
import Foundation

/// Where a segment's readers record damage they find in a place that cannot throw (the
/// postings cursors of the scoring loops): the first report is kept, and the search, `get`
/// or `check` that used the cursors throws it as `LoupeError.corruptFile` once it is done.
///
/// `@unchecked Sendable`: the one mutable property is guarded by `lock`.
final class DamageReport: @unchecked Sendable {
    private let lock = NSLock()
    private var first: LoupeError?

    func report(path: String, _ reason: String) {
        lock.lock()
        if first == nil { first = .corruptFile(path: path, reason: reason) }
        lock.unlock()
    }

    /// The first damage reported, nil while there is none.
    var error: LoupeError? {
        lock.lock()
        defer { lock.unlock() }
        return first
    }

    func throwIfDamaged() throws { if let e = error { throw e } }
}

/// What a cursor may read: the bytes of its files after the term's offsets, the segment's
/// document count, and where to report damage. Values from the files are checked against
/// these once per block (not per posting); a cursor that finds them violated ends its list
/// and reports the damage instead of reading outside the files.
struct PostingsBounds {
    var postingsEnd: Int
    var positionsEnd: Int
    var docCount: Int
    var postingsPath: String
    var positionsPath: String
    var damage: DamageReport?

    /// No limits: for tests over files they just wrote.
    static let unchecked = PostingsBounds(postingsEnd: Int.max / 2, positionsEnd: Int.max / 2, docCount: Int(UInt32.max - 1),
                                          postingsPath: "", positionsPath: "", damage: nil)
}

/// Iterates one term's postings in a segment: doc ids ascending, with term frequency and,
/// on demand, positions. This is the innermost loop of search, so it works on raw pointers
/// into the mapped files, decodes a whole 128-doc block at a time into fixed buffers, skips
/// blocks by their last doc id without decoding them, and decodes positions only for the
/// blocks where a caller asks for them. No allocation happens after `init`.
///
/// Invariant: `doc` is the current document, `Self.noMore` once exhausted; before the first
/// `next()`/`advance(_:)` it is -1 (as `UInt32.max - 1` is a valid sentinel too, we keep a flag).
@_spi(Benchmarks) public final class PostingsCursor {
    /// The value of `doc` (and of `next()`) once the postings are exhausted.
    @_spi(Benchmarks) public static let noMore = UInt32.max

    /// Documents in the list (the term's document frequency in the segment, deletions included).
    @_spi(Benchmarks) public let docFreq: Int
    private let post: UnsafePointer<UInt8>
    private let pos: UnsafePointer<UInt8>?
    private let fullBlocks: Int
    private let tailCount: Int
    /// Blocks of up to 128 documents in the list (the last one may be shorter).
    @_spi(Benchmarks) public let blockCount: Int

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

    // Positions of the current document, decoded on demand into one small buffer: it stays in
    // the L1 cache, where decoding into a block-sized buffer at each document's offset missed
    // on most writes in sparse intersections.
    private var posBuf: UnsafeMutablePointer<UInt32>
    private var posCapacity: Int
    /// The block `posStarts` and `runOffsets` describe.
    private var posBlock = -1
    /// Set by the first `positions()`: from then on, block decoding prefetches positions and
    /// computes `posStarts` too.
    private var wantsPositions = false
    /// The block `posStarts` holds the starts of (-1: none).
    private var startsBlock = -1
    /// The block `tfs` holds (-1: none), and where the current full block's frequencies start.
    private var freqBlock = -1
    private var freqOffset = 0
    /// The number of positions in block `posBlock`.
    private var posTotal = 0
    private var runOffsets: UnsafeMutablePointer<Int>
    private var runCapacity: Int
    private var knownRuns = 0
    /// Where each document's positions start in the block's position stream (`count + 1` entries).
    private let posStarts: UnsafeMutablePointer<UInt32>

    private let origin: (postings: UnsafeRawPointer, positions: UnsafeRawPointer?, info: TermInfo)
    private let slab: UnsafeMutableRawPointer
    private let bounds: PostingsBounds
    /// Bytes of `.post` from the term's start (`post`) to the end of the file's body, and of
    /// `.pos` from `pos`: nothing at or past these is read (bit-unpacking's few bytes of
    /// slack fall in the footer).
    private let postLimit: Int
    private let posLimit: Int
    /// Set when the files' values break the format: the list then ends (see `damage(_:)`).
    private(set) var damaged = false

    /// A fresh cursor over the same list, positioned before its first document.
    func clone() -> PostingsCursor { PostingsCursor(postings: origin.postings, positions: origin.positions, info: origin.info, bounds: bounds) }

    /// `bounds`: the files' extents and the segment's document count (see `PostingsBounds`).
    init(postings: UnsafeRawPointer, positions: UnsafeRawPointer?, info: TermInfo, bounds: PostingsBounds = .unchecked) {
        origin = (postings, positions, info)
        self.bounds = bounds
        // A term whose offsets or document frequency are impossible has an empty list.
        let sane = info.postingsOffset < UInt64(bounds.postingsEnd) && Int(info.docFreq) <= bounds.docCount
            && (positions == nil || info.positionsOffset <= UInt64(bounds.positionsEnd))
        postLimit = sane ? bounds.postingsEnd - Int(info.postingsOffset) : 0
        posLimit = sane && positions != nil ? bounds.positionsEnd - Int(info.positionsOffset) : 0
        docFreq = sane ? Int(info.docFreq) : 0
        fullBlocks = docFreq / BitPacking.blockSize
        tailCount = docFreq % BitPacking.blockSize
        blockCount = fullBlocks + (tailCount > 0 ? 1 : 0)
        let n = max(blockCount, 1)
        groupCount = SkipGroups.count(fullBlocks: fullBlocks)
        // Every fixed-size buffer in one allocation (a query creates a cursor per term and
        // field, so a dozen mallocs each showed up in short queries); 8-byte fields first.
        let block = BitPacking.blockSize
        slab = .allocate(byteCount: 3 * n * 8 + (n + 3 * block + 1) * 4 + groupCount + 1, alignment: 64)
        var p = slab
        func carve<T>(_ count: Int, _ type: T.Type) -> UnsafeMutablePointer<T> {
            defer { p += count * MemoryLayout<T>.stride }
            return p.bindMemory(to: T.self, capacity: count)
        }
        docOffsets = carve(n, Int.self); posOffsets = carve(n, Int.self); impactOffsets = carve(n, Int.self)
        lastDocs = carve(n, UInt32.self); docs = carve(block, UInt32.self); tfs = carve(block, UInt32.self)
        posStarts = carve(block + 1, UInt32.self)
        groupDecoded = carve(groupCount + 1, Bool.self)
        groupDecoded.initialize(repeating: false, count: groupCount + 1)
        // The position buffers are allocated by the first `positions()` (capacity 0: not owned).
        posBuf = tfs; posCapacity = 0
        runOffsets = docOffsets; runCapacity = 0
        let start = postings.assumingMemoryBound(to: UInt8.self) + (sane ? Int(info.postingsOffset) : 0)
        post = start
        pos = positions.map { $0.assumingMemoryBound(to: UInt8.self) + (sane ? Int(info.positionsOffset) : 0) }
        var skipBroken = false
        if fullBlocks > 0 {
            var r = ByteReader(base: start, count: postLimit)
            let skipLen = (try? r.vintInt()) ?? Int.max
            let off = r.offset
            groupTable = off
            entriesStart = off + groupCount * SkipGroups.entryBytes
            let fits = skipLen <= postLimit - off && entriesStart <= off + skipLen
            dataStart = fits ? off + skipLen : postLimit
            hasBlockBounds = true
            if !fits { skipBroken = true }
        } else {
            groupTable = 0; entriesStart = 0; dataStart = 0
            lastDocs[0] = UInt32.max - 1
            docOffsets[0] = 0
            posOffsets[0] = 0
            impactOffsets[0] = 0
            groupDecoded[0] = true
            hasBlockBounds = false
        }
        if !sane {
            damaged = true
            bounds.damage?.report(path: bounds.postingsPath, "a term's postings offset or document frequency is out of range")
        } else if skipBroken {
            damaged = true
            bounds.damage?.report(path: bounds.postingsPath, "a skip section runs past the file")
        }
    }

    /// Records damage: the list ends here, and the segment's `DamageReport` gets the reason.
    private func fail(_ path: String, _ reason: String) {
        if !damaged { bounds.damage?.report(path: path, reason) }
        damaged = true
    }

    /// Ends the list at the current block: no document from it is trusted.
    private func exhaust() {
        docs[0] = Self.noMore
        tfs[0] = 1
        count = 1
        idx = 0
        block = blockCount - 1
        freqBlock = block
    }

    // Skip entries are decoded lazily, a group of `SkipGroups.size` at a time, as far as a
    // caller looks; the group table lets a far `advance` land in the right group without
    // decoding the ones it passes over, so a rare term intersected with a frequent one decodes
    // O(matches) skip entries, not the frequent term's whole skip list.
    private let groupCount: Int
    private let groupDecoded: UnsafeMutablePointer<Bool>
    /// Offsets in the postings (from the term's start) of the group table, the first skip entry and the first block.
    private let groupTable: Int
    private let entriesStart: Int
    private let dataStart: Int

    @inline(__always) private func group(of b: Int) -> Int { min(b / SkipGroups.size, groupCount) }

    @inline(__always) private func ensureSkip(_ b: Int) {
        let g = group(of: b)
        if !groupDecoded[g] { decodeGroup(g) }
    }

    /// The last doc id of block `h · SkipGroups.size - 1`, from the group table (`1 ≤ h ≤ groupCount`).
    @inline(__always) private func groupLastDoc(_ h: Int) -> UInt32 {
        UInt32(littleEndian: UnsafeRawPointer(post + groupTable + (h - 1) * SkipGroups.entryBytes).loadUnaligned(as: UInt32.self))
    }

    /// Decodes group `g`'s skip entries, checking each against the files' extents and the
    /// document count (once per block); damage fills the group with empty blocks.
    private func decodeGroup(_ g: Int) {
        let first = g * SkipGroups.size
        let end = min(first + SkipGroups.size, fullBlocks)
        if damaged || !decodeGroupChecked(g, first, end) {
            fail(bounds.postingsPath, "a skip entry is out of range")
            for k in first..<(end == fullBlocks ? blockCount : end) {
                lastDocs[k] = UInt32.max - 1; docOffsets[k] = 0; posOffsets[k] = 0; impactOffsets[k] = 0
            }
        }
        groupDecoded[g] = true
    }

    private func decodeGroupChecked(_ g: Int, _ first: Int, _ end: Int) -> Bool {
        var off: Int, last: Int64, dataOff: Int, posOff: Int
        let docLimit = Int64(bounds.docCount)
        if g == 0 {
            off = entriesStart; last = -1; dataOff = dataStart; posOff = 0
        } else {
            let e = UnsafeRawPointer(post + groupTable + (g - 1) * SkipGroups.entryBytes)
            last = Int64(UInt32(littleEndian: e.loadUnaligned(as: UInt32.self)))
            off = entriesStart + Int(UInt32(littleEndian: e.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
            let d = UInt64(littleEndian: e.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            let q = UInt64(littleEndian: e.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            guard last < docLimit, off <= dataStart, d <= UInt64(postLimit), q <= UInt64(max(posLimit, 0)) else { return false }
            dataOff = dataStart + Int(d)
            posOff = Int(q)
            lastDocs[first - 1] = UInt32(last) // read by `decodeBlock(first)`
        }
        var r = ByteReader(base: post, count: dataStart, offset: off)
        do {
            for k in first..<end {
                last += Int64(try r.vint32()) + 1
                guard last < docLimit else { return false }
                lastDocs[k] = UInt32(last)
                guard dataOff < postLimit else { return false }
                docOffsets[k] = dataOff
                dataOff += try r.vintInt()
                posOffsets[k] = posOff
                guard posOff <= posLimit else { return false }
                posOff += try r.vintInt()
                impactOffsets[k] = r.offset
                try r.skip(try r.vintInt())
                guard dataOff <= postLimit, posOff <= posLimit || pos == nil else { return false }
            }
            if end == fullBlocks && tailCount > 0 {
                lastDocs[fullBlocks] = UInt32.max - 1
                docOffsets[fullBlocks] = dataOff
                posOffsets[fullBlocks] = posOff
                impactOffsets[fullBlocks] = r.offset
                try r.skip(try r.vintInt())
                guard dataOff < postLimit else { return false }
            }
        } catch {
            return false
        }
        return true
    }

    deinit {
        slab.deallocate()
        if posCapacity > 0 { posBuf.deallocate() }
        if runCapacity > 0 { runOffsets.deallocate() }
    }

    /// The current document's term frequency. A block's frequencies are decoded on first use:
    /// a frequent term intersected with rarer ones is often only asked whether it holds a
    /// document (a three-word phrase whose first two words are not adjacent never reads the
    /// third word's frequencies or positions).
    @_spi(Benchmarks) @inline(__always) public var freq: UInt32 {
        ensureFreqs()
        return tfs[idx]
    }

    @inline(__always) private func ensureFreqs() {
        if freqBlock != block { decodeFreqs() }
    }

    private func decodeFreqs() {
        let tb = Int(post[freqOffset])
        guard tb <= 32, freqOffset + 1 + BitPacking.packedByteCount(bits: tb) <= postLimit else {
            fail(bounds.postingsPath, "a block's frequencies run past the file")
            tfs.update(repeating: 1, count: BitPacking.blockSize)
            freqBlock = block
            return
        }
        // Once positions are read, the block's position starts come with the frequencies.
        BitPacking.unpackPlusOne(UnsafeRawPointer(post + freqOffset + 1), bits: tb, into: tfs, starts: wantsPositions ? posStarts : nil)
        if wantsPositions { startsBlock = block }
        freqBlock = block
    }

    /// The best BM25 score any document of block `b` can have (requires `hasBlockBounds`).
    func blockMaxScore(_ b: Int, _ bm25: BM25Weight) -> Double {
        ensureSkip(b)
        var off = impactOffsets[b]
        var best = 0.0
        Impacts.decode(post, &off) { tf, len in best = max(best, bm25.score(tf: tf, length: len)) }
        return best
    }

    /// Last doc id of block `b` (`UInt32.max - 1` for the tail block, whose end is not stored).
    @inline(__always) func lastDoc(ofBlock b: Int) -> UInt32 { ensureSkip(b); return lastDocs[b] }

    private func decodeBlock(_ b: Int) {
        block = b
        idx = 0
        startsBlock = -1
        ensureSkip(b)
        if damaged { exhaust(); return }
        var off = docOffsets[b]
        var prev: Int64 = b == 0 ? -1 : Int64(lastDocs[b - 1])
        if b < fullBlocks {
            let db = Int(post[off]); off += 1
            guard db <= 32, off + BitPacking.packedByteCount(bits: db) < postLimit else {
                fail(bounds.postingsPath, "a postings block runs past the file"); exhaust(); return
            }
            // The frequencies follow the docs, and a cursor that has read positions will likely
            // read this block's: start both fetches before the docs are unpacked (the blocks of
            // a frequent term met by a sparse intersection are rarely in cache).
            loupe_prefetch(post + off + BitPacking.packedByteCount(bits: db))
            if wantsPositions, let pos { loupe_prefetch(pos + posOffsets[b]) }
            BitPacking.unpackGaps(UnsafeRawPointer(post + off), bits: db, after: UInt32(truncatingIfNeeded: prev), into: docs)
            freqOffset = off + BitPacking.packedByteCount(bits: db) // decoded by `ensureFreqs`
            count = BitPacking.blockSize
            // The block must end at its skip entry's last doc, with no gap wrapping around:
            // with `prev + 128 · 2^db` below 2^32 none can, else every doc is checked.
            var ok = docs[BitPacking.blockSize - 1] == lastDocs[b]
            if ok && (prev + 1) + Int64(BitPacking.blockSize) << Int64(db) > Int64(UInt32.max) {
                var p = prev
                for i in 0..<BitPacking.blockSize {
                    ok = ok && Int64(docs[i]) > p
                    p = Int64(docs[i])
                }
            }
            if !ok { fail(bounds.postingsPath, "a postings block disagrees with its skip entry"); exhaust(); return }
        } else {
            var r = ByteReader(base: post, count: postLimit, offset: off)
            do {
                for i in 0..<tailCount {
                    let v = try r.vint()
                    // A gap past the segment's documents is damage (and must not overflow `prev`).
                    guard v >> 1 < UInt64(bounds.docCount) else { throw ByteReader.Overrun() }
                    prev += Int64(v >> 1) + 1
                    guard prev < Int64(bounds.docCount) else { throw ByteReader.Overrun() }
                    docs[i] = UInt32(prev)
                    tfs[i] = (v & 1) != 0 ? 1 : try r.vint32()
                }
            } catch {
                fail(bounds.postingsPath, "a postings list's last block is malformed"); exhaust(); return
            }
            freqBlock = b
            count = tailCount
        }
    }

    /// Decodes block `b` and positions the cursor on its first document; returns the block's
    /// document count. For block-at-a-time loops that read `blockDocs`/`blockFreqs` directly.
    @_spi(Benchmarks) public func load(block b: Int) -> Int {
        decodeBlock(b)
        ensureFreqs()
        started = true
        doc = docs[0]
        return damaged ? 0 : count
    }

    /// The document ids of the block last loaded with `load(block:)`.
    @_spi(Benchmarks) public var blockDocs: UnsafePointer<UInt32> { UnsafePointer(docs) }
    /// The term frequencies of the block last loaded with `load(block:)`, parallel to `blockDocs`.
    @_spi(Benchmarks) public var blockFreqs: UnsafePointer<UInt32> { ensureFreqs(); return UnsafePointer(tfs) }

    /// Moves to the next document; returns it (or `noMore`).
    @_spi(Benchmarks) @inline(__always) @discardableResult
    public func next() -> UInt32 {
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
    @discardableResult @inline(__always)
    func advance(_ target: UInt32) -> UInt32 {
        if started && doc >= target { return doc }
        // Within the decoded block (the common step of a dense intersection): no skip data.
        if started && block >= 0 && docs[count &- 1] >= target {
            let i = firstIndex(atLeast: target, from: idx)
            idx = i
            doc = docs[i]
            return doc
        }
        return advanceSlow(target)
    }

    private func advanceSlow(_ target: UInt32) -> UInt32 {
        if !started { started = true; if blockCount == 0 { doc = Self.noMore; return doc } }
        let b = blockIndex(for: target, from: block)
        if b != block { decodeBlock(b) }
        let i = firstIndex(atLeast: target, from: idx)
        idx = i
        if i < count { doc = docs[i]; return doc }
        // Only possible in the last block.
        idx = count - 1
        doc = Self.noMore
        return doc
    }

    /// The document after the current one when it is in the decoded block (else `noMore`):
    /// a look ahead that decodes nothing.
    @inline(__always) var peekNext: UInt32 {
        started && idx &+ 1 < count ? docs[idx &+ 1] : Self.noMore
    }

    /// Starts fetching what `advance(target)` will read when `target` lies in a later block:
    /// the block's docs and frequencies and, once positions are read, its position widths.
    /// For an intersection led by a rare term, whose every candidate lands in a cold block
    /// of the frequent ones: issued one candidate ahead, these misses overlap the current
    /// candidate's work instead of following it. Skip entries it needs are decoded now
    /// rather than by the `advance`.
    @inline(__always) func prefetch(for target: UInt32) {
        guard started, block >= 0, target != Self.noMore, docs[count &- 1] < target, block + 1 < blockCount else { return }
        let b = blockIndex(for: target, from: block)
        let at = post + docOffsets[b]
        loupe_prefetch(at)
        loupe_prefetch(at + 64)
        if wantsPositions, let pos { loupe_prefetch(pos + posOffsets[b]) }
    }

    /// Hands `body` the decoded block's documents and frequencies from the current one to the
    /// last ≤ `last` (contiguous, `count` > 0), then decodes the next block, until a document
    /// past `last` or the end of the list; leaves the cursor on the first document after `last`
    /// (or `noMore`). A bulk scorer reads the runs in place. Requires a started cursor.
    @inline(__always)
    func forEachRun(through last: UInt32, _ body: (UnsafePointer<UInt32>, UnsafePointer<UInt32>, Int) -> Void) {
        guard started, doc != Self.noMore else { return }
        while true {
            ensureFreqs()
            let end = docs[count &- 1] <= last ? count : firstIndex(atLeast: last &+ 1, from: idx)
            if end > idx { body(docs + idx, tfs + idx, end &- idx) }
            if end < count { idx = end; doc = docs[end]; return }
            if block + 1 >= blockCount { idx = count - 1; doc = Self.noMore; return }
            decodeBlock(block + 1)
            doc = docs[0]
        }
    }

    /// The first index in `from ..< count` of the decoded block whose doc is ≥ `target` (`count`
    /// if none). With AVX2, the smaller docs are counted 8 at a time without a data-dependent
    /// branch (≤ 16 steps). Otherwise a short step (the common case in dense intersections) is
    /// a few comparisons and a far one a binary search, O(log 128).
    @inline(__always) private func firstIndex(atLeast target: UInt32, from: Int) -> Int {
        var i = from
        let probe = min(i + 8, count - 1)
        if probe < i || docs[probe] >= target {
            while i < count && docs[i] < target { i &+= 1 }
            return i
        }
        if BitPacking.simd { return loupe_first_at_least_avx2(docs, probe + 1, count, target) }
        var base = probe + 1, len = count - base
        if len == 0 { return count }
        let t = Int64(target)
        while len > 1 {
            let half = len >> 1
            // `base += half` when docs[base + half] < target, selected from the sign bit (LLVM
            // may still emit a branch here; profiles of sparse phrases show it mispredicting).
            base &+= Int(truncatingIfNeeded: (Int64(docs[base &+ half]) &- t) &>> 63) & half
            len &-= half
        }
        return docs[base] < target ? base + 1 : base
    }

    /// The block that would hold `target`, found from skip data without decoding; for block-max bounds.
    @inline(__always) func blockIndex(for target: UInt32, from start: Int) -> Int {
        var b = max(start, 0)
        if b >= blockCount - 1 || lastDoc(ofBlock: b) >= target { return b }
        if groupCount > 0 {
            // Whole groups ending before `target` are passed by the group table, undecoded.
            var g = b / SkipGroups.size
            while g < groupCount && groupLastDoc(g + 1) < target { g += 1 }
            b = max(b, g * SkipGroups.size)
        }
        // The block is in `b`'s group (the table says the group ends at or after `target`;
        // the last group ends with the last block): search its decoded last doc ids.
        ensureSkip(b)
        var hi = min((group(of: b) + 1) * SkipGroups.size, blockCount) - 1
        if group(of: b) == groupCount { hi = blockCount - 1 }
        if BitPacking.simd { return loupe_first_at_least_avx2(lastDocs, b, hi, target) }
        var lo = b
        while lo < hi {
            let mid = (lo + hi) >> 1
            if lastDocs[mid] < target { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Absolute positions of the current document, ascending. Valid until the next call or
    /// until the cursor moves. Only this document's values are decoded, read in place from the
    /// bit-packed runs that hold them (runs before it are located from the block's width
    /// table), so a sparse intersection decodes little. O(tf) after the block's O(128) set-up.
    @inline(__always)
    func positions() -> UnsafeBufferPointer<UInt32> {
        guard let pos, !damaged else { return UnsafeBufferPointer(start: posBuf, count: 0) }
        ensureFreqs()
        if posBlock != block { preparePositions() }
        if damaged { return UnsafeBufferPointer(start: posBuf, count: 0) }
        let start = Int(posStarts[idx])
        let n = Int(tfs[idx])
        if n > posCapacity { growPositions(n) }
        let out = posBuf // a local pointer: the loop does not reload `posBuf`
        if n > 0 {
            let firstRun = start >> 7, lastRun = (start + n - 1) >> 7
            for r in firstRun...lastRun { decodeRange(r, start, start + n, pos, into: out) }
            var p = out[0]
            var wrapped = false
            for j in 1..<n {
                let q = p &+ out[j]
                wrapped = wrapped || q < p
                p = q
                out[j] = p
            }
            // Positions must ascend: a sum that wrapped around is damage, not a position.
            if wrapped { fail(bounds.positionsPath, "positions wrap around"); return UnsafeBufferPointer(start: out, count: 0) }
        }
        return UnsafeBufferPointer(start: out, count: n)
    }

    private func growPositions(_ n: Int) {
        if posCapacity > 0 { posBuf.deallocate() }
        posCapacity = max(BitPacking.blockSize, 1 << (Int.bitWidth - (n - 1).leadingZeroBitCount))
        posBuf = .allocate(capacity: posCapacity)
    }

    private func preparePositions() {
        wantsPositions = true
        // Unless computed with the frequencies.
        if startsBlock != block { BitPacking.exclusiveSums(tfs, count: count, into: posStarts) }
        posTotal = Int(posStarts[count])
        let runs = (posTotal + 127) >> 7
        // Once per block: the frequencies' sum did not wrap, and the width table and every run
        // lie inside the file with widths of at most 32 bits. Then every read below is in bounds.
        var sum = 0
        for i in 0..<count { sum &+= Int(tfs[i]) }
        let widths = posOffsets[block]
        var ok = sum == posTotal && widths >= 0 && widths + runs <= posLimit
        if ok, let pos {
            var end = widths + runs
            for r in 0..<runs {
                let w = Int(pos[widths + r])
                if w > 32 { ok = false; break }
                end += BitPacking.packedByteCount(bits: w, count: min(BitPacking.blockSize, posTotal - r << 7))
            }
            ok = ok && end <= posLimit
        }
        if !ok {
            fail(bounds.positionsPath, "a positions block runs past the file")
            posTotal = 0
            posStarts.update(repeating: 0, count: count + 1)
            posBlock = block
            return
        }
        if runs + 1 > runCapacity {
            if runCapacity > 0 { runOffsets.deallocate() }
            runCapacity = max(runs + 1, 8)
            runOffsets = .allocate(capacity: runCapacity)
        }
        runOffsets[0] = posOffsets[block] + runs // packed data starts after the width table
        knownRuns = 1
        posBlock = block
    }

    /// Decodes the part of `lo ..< hi` that lies in run `r` (up to 128 bit-packed values) into
    /// `out`, value `lo` first, reading only those values.
    @inline(__always)
    private func decodeRange(_ r: Int, _ lo: Int, _ hi: Int, _ pos: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt32>) {
        // Run offsets from the block's width table (see `PositionsCodec`), extended as needed;
        // every run before `r` is a full one.
        let widths = posOffsets[block]
        while knownRuns <= r {
            let prev = knownRuns - 1
            runOffsets[knownRuns] = runOffsets[prev] + BitPacking.packedByteCount(bits: Int(pos[widths + prev]))
            knownRuns += 1
        }
        let base = r << 7
        let a = max(lo, base), b = min(hi, base + BitPacking.blockSize)
        let bits = Int(pos[widths + r])
        // A full run, and enough values to pay for the call: a group of 8 at a time with AVX2.
        if BitPacking.simd && b - a >= 8 && bits <= BitPacking.simdMaxBits && base + BitPacking.blockSize <= posTotal {
            loupe_unpack_range_avx2(pos + runOffsets[r], UInt32(bits), a - base, b - a, out + (a - lo))
        } else {
            BitPacking.unpack(UnsafeRawPointer(pos + runOffsets[r]), bits: bits, from: a - base, count: b - a, into: out + (a - lo))
        }
    }
}
