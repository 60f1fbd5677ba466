import CLoupeSupport

/// Top-k of a pure disjunction of term lists with block-max MaxScore (Turtle & Flood's MaxScore,
/// with the per-block bounds of Ding & Suel; the same plan as Lucene's `MaxScoreBulkScorer`).
///
/// Documents are taken in windows of at most `windowSize` ids that end at the nearest end of a
/// postings block (or `minWindow` ids on, over many lists), so inside a window each list's
/// contribution is bounded by the stored bounds of the blocks it overlaps. In each window the
/// lists are ordered by that bound; the longest prefix whose bounds sum to at most the heap's
/// threshold is *non-essential*: a document found only in those lists cannot enter the top-k.
/// Any subset of that prefix may be treated as essential too, and two are, where lookups would
/// cost more than bulk scoring: a lone non-essential list no longer than the essential ones, and
/// the best non-essential list when a lone essential list has many candidates that would ask it
/// (`postingsPerLookup`). The essential lists are walked in bulk over their decoded blocks (four
/// postings a step with AVX2), adding scores into a window-sized accumulator; each accumulated
/// document then asks the non-essential lists, best bound first, and is dropped as soon as its
/// partial score plus the remaining bounds cannot beat the threshold. A window whose bounds sum
/// to at most the threshold is skipped without decoding anything. Cost: O(postings of the
/// essential lists in surviving windows + n log n per window); the hit count is a lower bound
/// (documents scored).
///
/// Scores are summed in fixed point (units of 2⁻⁴⁰, far below any meaningful difference):
/// integer addition is associative, so a document's score does not depend on which lists were
/// essential in its window or on the segment's path, and identical documents tie exactly (then
/// rank by address, like everywhere else).
enum BlockMaxScore {
    final class List {
        let cursor: PostingsCursor
        let bm25: BM25Weight
        let lengths: UnsafePointer<UInt32>
        /// The best score in each block (one entry for a short list without skip data), in a
        /// buffer the window loop reads without copying or reference counting.
        let blockBounds: UnsafeMutablePointer<Double>
        let boundCount: Int

        init(cursor: PostingsCursor, bm25: BM25Weight, lengths: UnsafePointer<UInt32>) {
            self.cursor = cursor; self.bm25 = bm25; self.lengths = lengths
            if cursor.hasBlockBounds {
                boundCount = cursor.blockCount
                blockBounds = .allocate(capacity: boundCount)
                for b in 0..<boundCount { blockBounds[b] = cursor.blockMaxScore(b, bm25) }
            } else {
                // A short list without skip data: its exact maximum, from one pass over it.
                boundCount = 1
                blockBounds = .allocate(capacity: 1)
                blockBounds[0] = PostingsCursorProbe.maxScore(cursor: cursor, bm25: bm25, lengths: lengths)
            }
        }

        deinit { blockBounds.deallocate() }

        /// The bound of block `b` (the last entry for blocks past it).
        @inline(__always) func bound(_ b: Int) -> Double { blockBounds[min(b, boundCount - 1)] }
    }

    /// Slightly inflates bounds so rounding in a different summation order never prunes a true hit.
    static let slack = 1 + 1e-9

    /// Postings that bulk scoring may add per lookup it saves. A lookup (a skip search, often a
    /// block decode, and a BM25 division the candidate's next test waits on) cost about as much
    /// as scoring four postings in bulk on the 100k peer corpus (`not will his an`).
    static let postingsPerLookup = 4.0

    /// Window length in document ids: the accumulator (8 bytes a document) stays in L1/L2.
    static let windowSize = 4096

    /// Shortest window, in document ids, over three or more lists. Windows end at the nearest
    /// block end of any list, so n dense lists cut them to about 1/n of a block's span (58 ids
    /// on average for `not OR will OR his OR an` at 100k documents), and the per-window work
    /// (skip searches, sorting the bounds) outweighed the scoring. A longer window takes each
    /// list's largest bound over the blocks it overlaps: looser, but with this many lists
    /// hardly any window is skipped anyway (32 of 1,706 there). Two lists keep block-sized
    /// windows, whose skipping is what prunes a two-word union.
    static let minWindow = 512
    static let minWindowLists = 3

    /// Fixed-point unit of the accumulated scores.
    @usableFromInline static let scale = 1_099_511_627_776.0 // 2^40
    /// Rounds half up: scores are never negative, so this equals `(s * scale).rounded()`
    /// (exact below 2⁵², far above any score), without the libm call `rounded()` compiles to
    /// for baseline x86-64, one per scored posting.
    @inline(__always) static func fixed(_ s: Double) -> Int64 { loupe_fixed_score(s) }
    @inline(__always) static func real(_ f: Int64) -> Double { Double(f) / scale }
    /// The largest fixed-point score at most `x` (clamped to Int64): a partial sum `s` with
    /// `s <= fixedFloor(x)` has `real(s) <= x`.
    @inline(__always) static func fixedFloor(_ x: Double) -> Int64 {
        let y = x * scale
        return y >= 9.0e18 ? Int64.max : y > -9.0e18 ? Int64(y.rounded(.down)) : Int64.min
    }

    /// Runs the query over one segment, feeding `collector` the documents that beat its
    /// `minCompetitiveScore`; returns the number of documents scored. The collector is the
    /// concrete top-k one: its collect inlines into the window loop, which an existential or a
    /// generic collector did not (medium disjunctions ran 20 % slower through them).
    static func run(lists: [List], filter: DocFilter, collector: TopScoreCollector) -> Int {
        if lists.count == 1 { return runSingle(lists[0], filter: filter, collector: collector) }
        return withExtendedLifetime(lists) { runWindows(lists, filter: filter, collector: collector) }
    }

    /// A list's state in the window loop; no reference counting (the `List` objects outlive the run).
    private struct Slot {
        var cursor: Unmanaged<PostingsCursor>
        var bm25: BM25Weight
        var lengths: UnsafePointer<UInt32>
        var bounds: UnsafePointer<Double>
        var boundCount: Int
        /// The block holding the window's first document (from skip data; not decoded).
        var block = 0
        /// The list's bound inside the current window (0 when it has no document there).
        var windowBound = 0.0
        var exhausted = false
        /// The share of the segment's documents in the list: its expected postings per document id.
        var density = 0.0
        @inline(__always) func with<R>(_ body: (PostingsCursor) -> R) -> R { cursor._withUnsafeGuaranteedRef(body) }
    }

    private static func runWindows(_ lists: [List], filter: DocFilter, collector: TopScoreCollector) -> Int {
        let n = lists.count
        let simd = BitPacking.simd
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: n)
        let order = UnsafeMutablePointer<Int>.allocate(capacity: n)
        let acc = UnsafeMutablePointer<Int64>.allocate(capacity: windowSize)
        acc.initialize(repeating: 0, count: windowSize)
        let seen = UnsafeMutablePointer<UInt64>.allocate(capacity: windowSize / 64)
        seen.initialize(repeating: 0, count: windowSize / 64)
        let limits = UnsafeMutablePointer<Int64>.allocate(capacity: n)
        defer { slots.deallocate(); order.deallocate(); acc.deallocate(); seen.deallocate(); limits.deallocate() }
        for (i, l) in lists.enumerated() {
            l.cursor.next()
            slots[i] = Slot(cursor: .passUnretained(l.cursor), bm25: l.bm25, lengths: l.lengths, bounds: UnsafePointer(l.blockBounds),
                            boundCount: l.boundCount, exhausted: l.cursor.doc == PostingsCursor.noMore,
                            density: Double(l.cursor.docFreq) / Double(max(filter.docCount, 1)))
        }
        var scored = 0
        var threshold = collector.minCompetitiveScore
        var windowMin = 0
        while windowMin < filter.docCount {
            // Where each list's next document can be (a lower bound, from skip data when the
            // cursor lags behind), the window's start, and its end: the nearest block end.
            var start = Int.max
            var live = 0
            for i in 0..<n where !slots[i].exhausted {
                let doc = Int(slots[i].with { $0.doc })
                var lower = doc
                if doc < windowMin {
                    let b = slots[i].with { $0.blockIndex(for: UInt32(windowMin), from: max(slots[i].block, $0.block)) }
                    slots[i].block = b
                    // Past the last block's end: nothing is left (the cursor just has not been moved there).
                    if Int(slots[i].with { $0.lastDoc(ofBlock: b) }) < windowMin { slots[i].exhausted = true; continue }
                    lower = b == 0 ? windowMin : max(windowMin, Int(slots[i].with { $0.lastDoc(ofBlock: b - 1) }) + 1)
                }
                start = min(start, lower)
                order[live] = i
                live += 1
            }
            if live == 0 || start >= filter.docCount { break }
            windowMin = start
            var windowMax = min(windowMin + windowSize - 1, filter.docCount - 1)
            for k in 0..<live {
                let i = order[k]
                let b = slots[i].with { $0.blockIndex(for: UInt32(windowMin), from: max(slots[i].block, $0.block)) }
                slots[i].block = b
                windowMax = min(windowMax, Int(slots[i].with { $0.lastDoc(ofBlock: b) }))
            }
            if live >= minWindowLists {
                windowMax = max(windowMax, min(windowMin + minWindow - 1, windowMin + windowSize - 1, filter.docCount - 1))
            }
            // The deadline is ticked once per window, by the postings blocks it may read (a
            // list's share of 128 ids each): only term lists score here, so a window is always
            // finished or not started, and what was collected is exact.
            if let deadline = filter.deadline, deadline.tick(live &* ((windowMax &- windowMin) >> 7 &+ 1)) { break }
            for k in 0..<live {
                let i = order[k]
                let doc = Int(slots[i].with { $0.doc })
                let b = slots[i].block
                let first = b == 0 ? 0 : Int(slots[i].with { $0.lastDoc(ofBlock: b - 1) }) + 1
                if max(doc, first) > windowMax { slots[i].windowBound = 0; continue }
                // The largest bound of the blocks the window overlaps (one, unless `minWindow` applied).
                var bound = slots[i].bounds[min(b, slots[i].boundCount - 1)]
                if slots[i].boundCount > 1 {
                    let e = slots[i].with { $0.blockIndex(for: UInt32(windowMax), from: b) }
                    var x = b + 1
                    while x <= e && x < slots[i].boundCount { bound = max(bound, slots[i].bounds[x]); x += 1 }
                }
                slots[i].windowBound = bound
            }
            // Order by bound (insertion sort: a handful of lists), then split off the non-essential prefix.
            if live > 1 {
                for k in 1..<live {
                    let x = order[k], xb = slots[x].windowBound
                    var j = k
                    while j > 0 && slots[order[j - 1]].windowBound > xb { order[j] = order[j - 1]; j -= 1 }
                    order[j] = x
                }
            }
            var nonEssentialSum = 0.0
            var essential = 0
            while essential < live && (nonEssentialSum + slots[order[essential]].windowBound) * slack <= threshold {
                nonEssentialSum += slots[order[essential]].windowBound
                essential += 1
            }
            if essential == live { windowMin = windowMax + 1; continue }
            // A lone non-essential list is asked by nearly every candidate. When it holds no
            // more documents in the window than the essential lists (by density: the window's
            // span is common to all), scoring it in bulk with them costs less than one lookup
            // per candidate. (With more lists left out, bulk scoring one of them would add its
            // documents to the candidates, which costs more.)
            if essential == 1 {
                var essentialDensity = 0.0
                for k in 1..<live { essentialDensity += slots[order[k]].density }
                if slots[order[0]].density <= essentialDensity { essential = 0; nonEssentialSum = 0 }
            }

            // Essential lists: every document in the window, in bulk. Returns how many of the
            // list's scores exceed `limit` (fixed point).
            let base = windowMin
            let last = UInt32(windowMax)
            func scoreInBulk(_ i: Int, countAbove limit: Int64 = .max) -> Int {
                let bm25 = slots[i].bm25, lengths = slots[i].lengths
                let kernel = simd && bm25.weight >= 0 && bm25.weight < 4096
                var above = 0
                slots[i].exhausted = slots[i].with { c -> Bool in
                    if Int(c.doc) < base { c.advance(UInt32(base)) }
                    c.forEachRun(through: last) { docs, tfs, n in
                        if kernel {
                            above &+= loupe_accumulate_bm25_avx2(docs, tfs, n, lengths, bm25.weight, bm25.constant,
                                                                 bm25.perLength, base, acc, seen, limit)
                            return
                        }
                        // Without AVX2, or for a weight outside the kernel's exact range: the same sums.
                        var runAbove = 0
                        for j in 0..<n {
                            let d = Int(docs[j]), off = d &- base
                            let f = fixed(bm25.score(tf: tfs[j], length: lengths[d]))
                            acc[off] &+= f
                            runAbove &+= f > limit ? 1 : 0
                            seen[off >> 6] |= 1 &<< UInt64(off & 63)
                        }
                        above &+= runAbove
                    }
                    return c.doc == PostingsCursor.noMore
                }
                return above
            }

            // Candidates in document order; the non-essential lists are asked best bound first.
            // Before asking list `order[k]`, a candidate whose partial sum `s` (fixed point)
            // is at most `limits[k]` cannot compete: `limits[k]` is the fixed-point floor of
            // threshold / slack minus the bounds of the lists not yet asked, so the test per
            // list is one integer comparison (recomputed when the threshold rises).
            func computeLimits() {
                var remaining = nonEssentialSum
                for k in stride(from: essential - 1, through: 0, by: -1) {
                    limits[k] = fixedFloor(threshold / slack - remaining)
                    remaining -= slots[order[k]].windowBound
                }
            }
            computeLimits()
            if essential > 0 && essential == live - 1 {
                // One essential list: its candidates' partial scores are its own, so the bulk
                // pass counts those that would ask the best non-essential list. When
                // they are many against that list's expected postings in the window (the
                // equally weighted frequent words of `not will his an`), that list is scored
                // in bulk as well (its own documents become candidates too).
                let asking = scoreInBulk(order[essential], countAbove: limits[essential - 1])
                let i = order[essential - 1]
                let expected = slots[i].density * Double(windowMax - windowMin + 1)
                if !slots[i].exhausted && Double(asking) * postingsPerLookup >= expected {
                    _ = scoreInBulk(i)
                    essential -= 1
                    nonEssentialSum = 0
                    for k in 0..<essential { nonEssentialSum += slots[order[k]].windowBound }
                    computeLimits()
                }
            } else {
                for k in essential..<live { _ = scoreInBulk(order[k]) }
            }
            let words = (windowMax - windowMin) / 64 + 1
            /// Hands `body` each accumulated document (its offset in the window and its partial
            /// score) in document order, clearing the accumulator and the bitmap behind it.
            @inline(__always) func drainCandidates(_ body: (Int, Int64) -> Void) {
                for w in 0..<words where seen[w] != 0 {
                    var bits = seen[w]
                    seen[w] = 0
                    while bits != 0 {
                        let off = w << 6 | bits.trailingZeroBitCount
                        bits &= bits &- 1
                        let s = acc[off]
                        acc[off] = 0
                        body(off, s)
                    }
                }
            }
            if essential == 0 && filter.acceptsAll {
                // Every list was scored in bulk and every document is live: a candidate's score
                // is final, and one integer comparison rejects nearly all of them.
                var limit = fixedFloor(threshold / slack)
                drainCandidates { off, s in
                    scored &+= 1
                    guard s > limit else { return }
                    let score = real(s)
                    if score > threshold {
                        collector.collect(base + off, score: score)
                        threshold = collector.minCompetitiveScore
                        limit = fixedFloor(threshold / slack)
                    }
                }
                windowMin = windowMax + 1
                continue
            }
            drainCandidates { off, partial in
                var s = partial
                let d = base + off
                guard filter.passes(d) else { return }
                var k = essential - 1
                while k >= 0 {
                    if s <= limits[k] { return }
                    let i = order[k]
                    if !slots[i].exhausted {
                        let bm25 = slots[i].bm25, length = slots[i].lengths[d]
                        let (hit, tf, done) = slots[i].with { c -> (Bool, UInt32, Bool) in
                            let at = c.advance(UInt32(d))
                            return (Int(at) == d, at == UInt32(d) ? c.freq : 0, at == PostingsCursor.noMore)
                        }
                        if hit { s &+= fixed(bm25.score(tf: tf, length: length)) }
                        if done { slots[i].exhausted = true }
                    }
                    k -= 1
                }
                scored += 1
                let score = real(s)
                if score > threshold {
                    collector.collect(d, score: score)
                    threshold = collector.minCompetitiveScore
                    computeLimits()
                }
            }
            windowMin = windowMax + 1
        }
        return scored
    }

    /// One list: whole blocks whose bound cannot beat the threshold are skipped undecoded;
    /// the others are scored document by document straight from the decoded block. Scores are
    /// rounded to the same fixed point as `runWindows`, so a document matching one list scores
    /// the same whichever path its segment took.
    static func runSingle(_ list: List, filter: DocFilter, collector: TopScoreCollector) -> Int {
        let c = list.cursor
        let bm25 = list.bm25
        let lengths = list.lengths
        var scored = 0
        var threshold = collector.minCompetitiveScore
        let deadline = filter.deadline
        for b in 0..<c.blockCount {
            if let deadline, deadline.tick() { break }
            if list.bound(b) * slack <= threshold { continue }
            let n = c.load(block: b)
            let docs = c.blockDocs, tfs = c.blockFreqs
            for i in 0..<n {
                let d = Int(docs[i])
                guard filter.passes(d) else { continue }
                scored += 1
                let s = real(fixed(bm25.score(tf: tfs[i], length: lengths[d])))
                if s > threshold {
                    collector.collect(d, score: s)
                    threshold = collector.minCompetitiveScore
                }
            }
        }
        return scored
    }
}

enum PostingsCursorProbe {
    /// The best BM25 contribution in a list, by scoring every entry (used for short lists only).
    static func maxScore(cursor: PostingsCursor, bm25: BM25Weight, lengths: UnsafePointer<UInt32>) -> Double {
        // A clone, so the caller's cursor stays before its first document.
        var m = 0.0
        let probe = cursor.clone()
        while probe.next() != PostingsCursor.noMore {
            m = max(m, bm25.score(tf: probe.freq, length: lengths[Int(probe.doc)]))
        }
        return m
    }
}
