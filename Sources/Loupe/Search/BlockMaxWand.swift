/// Top-k of a pure disjunction of term lists with block-max WAND (Ding & Suel, 2011).
///
/// Each list has an upper bound on its contribution overall and per 128-doc block (from the
/// block's max tf and min field length, stored in the skip data). Lists are kept sorted by
/// current doc; the pivot is the first list where the summed overall bounds exceed the
/// heap's threshold, so documents before it cannot enter the top-k. Before scoring the pivot
/// document, the block bounds of the lists up to the pivot are summed; if they cannot beat
/// the threshold either, the lists jump past the shallowest of those blocks. Only documents
/// that survive both tests are scored, so a top-10 over frequent terms scores a small part of
/// their postings. The hit count is then a lower bound (the documents scored).
struct BlockMaxWand {
    final class List {
        let cursor: PostingsCursor
        let bm25: BM25Weight
        let lengths: UnsafePointer<UInt32>
        var maxScore: Double = 0
        var blockBounds: [Double]

        init(cursor: PostingsCursor, bm25: BM25Weight, lengths: UnsafePointer<UInt32>) {
            self.cursor = cursor; self.bm25 = bm25; self.lengths = lengths
            blockBounds = []
            if cursor.hasBlockBounds {
                blockBounds.reserveCapacity(cursor.blockCount)
                for b in 0..<cursor.blockCount {
                    let s = cursor.blockMaxScore(b, bm25)
                    blockBounds.append(s)
                    maxScore = max(maxScore, s)
                }
            } else {
                // A short list without skip data: its exact maximum, from one pass over it.
                let probe = PostingsCursorProbe.maxScore(cursor: cursor, bm25: bm25, lengths: lengths)
                maxScore = probe
                blockBounds = [probe]
            }
        }
    }

    /// Slightly inflates bounds so rounding in a different summation order never prunes a true hit.
    static let slack = 1 + 1e-9

    /// A list's state in the hot loop: no reference counting (the `List` objects outlive the run).
    private struct Slot {
        var cursor: Unmanaged<PostingsCursor>
        var bm25: BM25Weight
        var lengths: UnsafePointer<UInt32>
        var maxScore: Double
        var bounds: UnsafePointer<Double>
        var boundCount: Int
        /// Position in the query's list order: contributions are summed in this order so that
        /// equal documents get bit-identical scores and tie by index order.
        var index: Int
        /// The shallow block last looked up: its last doc and bound (re-read only when the pivot passes it).
        var shallowBlock: Int = 0
        var shallowEnd: UInt32 = 0
        var shallowBound: Double = 0
        var shallowValid = false
        @inline(__always) var doc: UInt32 { cursor._withUnsafeGuaranteedRef { $0.doc } }
        @inline(__always) func with<R>(_ body: (PostingsCursor) -> R) -> R { cursor._withUnsafeGuaranteedRef(body) }
    }

    /// Runs the query over one segment into `top`; returns the number of documents scored.
    static func run(lists: [List], segment: Int32, filter: DocFilter, top: inout TopK) -> Int {
        if lists.count == 1 { return runSingle(lists[0], segment: segment, filter: filter, top: &top) }
        return withExtendedLifetime(lists) { () -> Int in
            let bounds = lists.map { l -> UnsafeMutablePointer<Double> in
                let p = UnsafeMutablePointer<Double>.allocate(capacity: max(l.blockBounds.count, 1))
                for (i, b) in l.blockBounds.enumerated() { p[i] = b }
                return p
            }
            defer { bounds.forEach { $0.deallocate() } }
            let slots = UnsafeMutablePointer<Slot>.allocate(capacity: lists.count)
            defer { slots.deallocate() }
            var n = 0
            for (i, l) in lists.enumerated() where l.cursor.next() != PostingsCursor.noMore {
                slots[n] = Slot(cursor: .passUnretained(l.cursor), bm25: l.bm25, lengths: l.lengths, maxScore: l.maxScore,
                                bounds: UnsafePointer(bounds[i]), boundCount: max(l.blockBounds.count, 1), index: i)
                n += 1
            }
            let contributions = UnsafeMutablePointer<Double>.allocate(capacity: lists.count)
            defer { contributions.deallocate() }
            contributions.initialize(repeating: 0, count: lists.count)
            return runMany(slots, n, contributions, lists.count, segment: segment, filter: filter, top: &top)
        }
    }

    private static func runMany(_ slots: UnsafeMutablePointer<Slot>, _ count: Int, _ contributions: UnsafeMutablePointer<Double>, _ listCount: Int,
                                segment: Int32, filter: DocFilter, top: inout TopK) -> Int {
        var n = count
        var scored = 0
        while n > 0 {
            // Insertion sort by current doc (the lists are almost sorted between iterations).
            if n > 1 {
                for i in 1..<n {
                    var j = i
                    let x = slots[i]
                    let xd = x.doc
                    while j > 0 && slots[j - 1].doc > xd { slots[j] = slots[j - 1]; j -= 1 }
                    slots[j] = x
                }
            }
            let threshold = top.threshold
            var acc = 0.0
            var pivot = -1
            for i in 0..<n {
                acc += slots[i].maxScore
                if acc * slack > threshold { pivot = i; break }
            }
            if pivot < 0 { break }
            let pivotDoc = slots[pivot].doc
            // Include every list sitting on the pivot document.
            var last = pivot
            while last + 1 < n && slots[last + 1].doc == pivotDoc { last += 1 }
            // Block-max test.
            var blockSum = 0.0
            var nextBoundary = UInt32.max
            for i in 0...last {
                if !slots[i].shallowValid || pivotDoc > slots[i].shallowEnd {
                    let from = slots[i].shallowValid ? slots[i].shallowBlock : 0
                    let (b, end) = slots[i].with { c -> (Int, UInt32) in
                        let b = c.blockIndex(for: pivotDoc, from: max(from, c.block))
                        return (b, c.lastDoc(ofBlock: b))
                    }
                    slots[i].shallowBlock = b
                    slots[i].shallowEnd = end
                    slots[i].shallowBound = slots[i].bounds[min(b, slots[i].boundCount - 1)]
                    slots[i].shallowValid = true
                }
                blockSum += slots[i].shallowBound
                if slots[i].shallowEnd < nextBoundary { nextBoundary = slots[i].shallowEnd }
            }
            var exhausted = false
            if blockSum * slack <= threshold {
                // No document up to the nearest block end can make it; jump past it (but not past the next list's doc).
                var target = nextBoundary >= UInt32.max - 1 ? PostingsCursor.noMore : nextBoundary &+ 1
                if last + 1 < n && slots[last + 1].doc < target { target = slots[last + 1].doc }
                if target <= pivotDoc { target = pivotDoc &+ 1 }
                for i in 0...last where slots[i].doc < target {
                    if slots[i].with({ $0.advance(target) }) == PostingsCursor.noMore { exhausted = true }
                }
            } else if slots[0].doc == pivotDoc {
                let d = Int(pivotDoc)
                if filter.passes(d) {
                    for i in 0...last {
                        contributions[slots[i].index] = slots[i].bm25.score(tf: slots[i].with { $0.freq }, length: slots[i].lengths[d])
                    }
                    var s = 0.0
                    for i in 0..<listCount { s += contributions[i]; contributions[i] = 0 }
                    scored += 1
                    if s > threshold { top.insert(TopK.Entry(score: s, segment: segment, doc: pivotDoc, key: 0)) }
                }
                for i in 0...last where slots[i].with({ $0.next() }) == PostingsCursor.noMore { exhausted = true }
            } else {
                for i in 0..<pivot where slots[i].doc < pivotDoc {
                    if slots[i].with({ $0.advance(pivotDoc) }) == PostingsCursor.noMore { exhausted = true }
                }
            }
            if exhausted {
                var k = 0
                for i in 0..<n where slots[i].doc != PostingsCursor.noMore { slots[k] = slots[i]; k += 1 }
                n = k
            }
        }
        return scored
    }

    /// One list: whole blocks whose bound cannot beat the threshold are skipped undecoded;
    /// the others are scored document by document straight from the decoded block.
    static func runSingle(_ list: List, segment: Int32, filter: DocFilter, top: inout TopK) -> Int {
        let c = list.cursor
        let bm25 = list.bm25
        let lengths = list.lengths
        var scored = 0
        var threshold = top.threshold
        for b in 0..<c.blockCount {
            if list.blockBounds[min(b, list.blockBounds.count - 1)] * slack <= threshold { continue }
            let n = c.load(block: b)
            let docs = c.blockDocs, tfs = c.blockFreqs
            for i in 0..<n {
                let d = Int(docs[i])
                guard filter.passes(d) else { continue }
                scored += 1
                let s = bm25.score(tf: tfs[i], length: lengths[d])
                if s > threshold {
                    top.insert(TopK.Entry(score: s, segment: segment, doc: docs[i], key: 0))
                    threshold = top.threshold
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

/// Which documents of a segment may be returned: live ones, within the request's date range.
struct DocFilter {
    let deleted: UnsafePointer<UInt8>?
    let dates: UnsafePointer<Int64>
    let from: Int64
    let to: Int64
    let byDate: Bool

    init(segment: SegmentReader, after: Int64?, before: Int64?) {
        deleted = segment.deletedBits
        dates = segment.dates.baseAddress!
        from = after ?? Int64.min
        to = before ?? Int64.max
        byDate = after != nil || before != nil
    }

    @inline(__always) func passes(_ d: Int) -> Bool {
        if let deleted, deleted[d >> 3] & (1 << UInt8(d & 7)) != 0 { return false }
        if byDate {
            let v = dates[d]
            return v != DatesFile.missing && v >= from && v <= to
        }
        return true
    }
}
