/// A phrase in one field. Documents come from a leapfrog intersection of the terms' postings
/// (rarest first); positions are decoded only for documents in the intersection.
///
/// Matching (the phrase frequency, its tf for BM25): for each position `p` of the first term,
/// each later term `i` contributes its displacement `min |q - (p + offset_i)|` over its
/// positions `q`; `p` is a match when the displacements sum to at most `slop`. With slop 0
/// this is the exact phrase. Each term's positions are walked with one forward pointer, so a
/// document costs O(sum of the terms' frequencies).
final class PhraseScorer: Scorer {
    let cursors: [PostingsCursor]
    /// Offset of each term within the phrase (0, 1, 2, ... for a plain phrase).
    let offsets: [UInt32]
    let slop: Int
    let bm25: BM25Weight
    let lengths: UnsafePointer<UInt32>
    private let order: [Int]
    private(set) var phraseFreq: UInt32 = 0
    private var positionLists: [[UInt32]]

    init(cursors: [PostingsCursor], offsets: [UInt32], slop: Int, bm25: BM25Weight, lengths: UnsafePointer<UInt32>) {
        self.cursors = cursors; self.offsets = offsets; self.slop = slop; self.bm25 = bm25; self.lengths = lengths
        order = cursors.indices.sorted { cursors[$0].docFreq < cursors[$1].docFreq }
        positionLists = cursors.map { _ in [] }
        super.init()
    }

    override var cost: Int { cursors.map(\.docFreq).min() ?? 0 }

    private func align(_ start: UInt32) -> UInt32 {
        var target = start
        let lead = cursors[order[0]]
        while target != Scorer.noMore {
            var agreed = true
            for k in order.dropFirst() {
                let c = cursors[k]
                let d = c.advance(target)
                if d > target { target = lead.advance(d); agreed = false; break }
            }
            if agreed {
                phraseFreq = PhraseScorer.countMatches(cursors: cursors, offsets: offsets, slop: slop, scratch: &positionLists)
                if phraseFreq > 0 { return target }
                target = lead.next()
            }
        }
        return Scorer.noMore
    }

    override func next() -> UInt32 { doc = align(cursors[order[0]].next()); return doc }
    override func advance(_ target: UInt32) -> UInt32 { doc = align(cursors[order[0]].advance(target)); return doc }
    override func score() -> Double { bm25.score(tf: phraseFreq, length: lengths[Int(doc)]) }

    /// Phrase frequency in the document all cursors are on.
    static func countMatches(cursors: [PostingsCursor], offsets: [UInt32], slop: Int, scratch: inout [[UInt32]]) -> UInt32 {
        let n = cursors.count
        for i in 1..<n {
            scratch[i].removeAll(keepingCapacity: true)
            scratch[i].append(contentsOf: cursors[i].positions())
        }
        let first = cursors[0].positions()
        return countMatches(first: first, others: scratch, offsets: offsets, slop: slop)
    }

    /// The matching rule itself, on plain position lists (shared with explanations and tests).
    static func countMatches(first: UnsafeBufferPointer<UInt32>, others: [[UInt32]], offsets: [UInt32], slop: Int) -> UInt32 {
        let n = offsets.count
        var ptr = [Int](repeating: 0, count: n)
        var count: UInt32 = 0
        for p in first {
            var total = 0
            var ok = true
            for i in 1..<n {
                let list = others[i]
                if list.isEmpty { return 0 }
                let want = Int64(p) + Int64(offsets[i])
                // Advance while the next position is at least as close to `want`.
                var j = ptr[i]
                while j + 1 < list.count && abs(Int64(list[j + 1]) - want) <= abs(Int64(list[j]) - want) { j += 1 }
                ptr[i] = j
                total += Int(abs(Int64(list[j]) - want))
                if total > slop { ok = false; break }
            }
            if ok { count += 1 }
        }
        return count
    }
}
