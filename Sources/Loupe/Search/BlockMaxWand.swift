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

    /// Runs the query over one segment into `top`; returns the number of documents scored.
    static func run(lists: [List], segment: Int32, filter: DocFilter, top: inout TopK) -> Int {
        if lists.count == 1 { return runSingle(lists[0], segment: segment, filter: filter, top: &top) }
        var lists = lists
        for l in lists { l.cursor.next() }
        lists.removeAll { $0.cursor.doc == PostingsCursor.noMore }
        var scored = 0
        while !lists.isEmpty {
            // Insertion sort by current doc (the list is almost sorted between iterations).
            for i in 1..<lists.count {
                var j = i
                let x = lists[i]
                while j > 0 && lists[j - 1].cursor.doc > x.cursor.doc { lists[j] = lists[j - 1]; j -= 1 }
                lists[j] = x
            }
            let threshold = top.threshold
            var acc = 0.0
            var pivot = -1
            for i in 0..<lists.count {
                acc += lists[i].maxScore
                if acc * slack > threshold { pivot = i; break }
            }
            if pivot < 0 { break }
            let pivotDoc = lists[pivot].cursor.doc
            if pivotDoc == PostingsCursor.noMore { break }
            // Include every list sitting on the pivot document.
            var last = pivot
            while last + 1 < lists.count && lists[last + 1].cursor.doc == pivotDoc { last += 1 }
            // Block-max test.
            var blockSum = 0.0
            var nextBoundary = UInt32.max
            for i in 0...last {
                let c = lists[i].cursor
                let b = c.blockIndex(for: pivotDoc, from: c.block)
                blockSum += lists[i].blockBounds[min(b, lists[i].blockBounds.count - 1)]
                let end = c.lastDoc(ofBlock: b)
                if end < nextBoundary { nextBoundary = end }
            }
            var exhausted = false
            if blockSum * slack <= threshold {
                // No document up to the nearest block end can make it; jump past it (but not past the next list's doc).
                var target = nextBoundary >= UInt32.max - 1 ? PostingsCursor.noMore : nextBoundary &+ 1
                if last + 1 < lists.count && lists[last + 1].cursor.doc < target { target = lists[last + 1].cursor.doc }
                if target <= pivotDoc { target = pivotDoc &+ 1 }
                for i in 0...last where lists[i].cursor.doc < target {
                    if lists[i].cursor.advance(target) == PostingsCursor.noMore { exhausted = true }
                }
            } else if lists[0].cursor.doc == pivotDoc {
                let d = Int(pivotDoc)
                if filter.passes(d) {
                    var s = 0.0
                    for i in 0...last { s += lists[i].bm25.score(tf: lists[i].cursor.freq, length: lists[i].lengths[d]) }
                    scored += 1
                    if s > threshold { top.insert(TopK.Entry(score: s, segment: segment, doc: pivotDoc, key: 0)) }
                }
                for i in 0...last where lists[i].cursor.next() == PostingsCursor.noMore { exhausted = true }
            } else {
                for i in 0..<pivot where lists[i].cursor.doc < pivotDoc {
                    if lists[i].cursor.advance(pivotDoc) == PostingsCursor.noMore { exhausted = true }
                }
            }
            if exhausted { lists.removeAll { $0.cursor.doc == PostingsCursor.noMore } }
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
        // Decode the single block through a throwaway copy of the cursor's state: simply
        // iterate the cursor and restart it afterwards is not possible, so callers pass a fresh one.
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
    let deletions: DeletionSet?
    let dates: [Int64]
    let from: Int64
    let to: Int64
    let byDate: Bool

    init(segment: SegmentReader, after: Int64?, before: Int64?) {
        deletions = segment.deletions.flatMap { $0.deletedCount > 0 ? $0 : nil }
        dates = segment.dates
        from = after ?? Int64.min
        to = before ?? Int64.max
        byDate = after != nil || before != nil
    }

    @inline(__always) func passes(_ d: Int) -> Bool {
        if let deletions, deletions.isDeleted(d) { return false }
        if byDate {
            let v = dates[d]
            return v != DatesFile.missing && v >= from && v <= to
        }
        return true
    }
}
