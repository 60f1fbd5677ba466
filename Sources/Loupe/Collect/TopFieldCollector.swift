/// The `k` first matches in a field's order (``SortField``; nil for relevance), equal values
/// by score, then index order, optionally only those after a cursor (search_after).
///
/// Sees every match (no pruning), O(log k) per match: the page after a cursor costs a top-k
/// of the page size, whatever the page number. Keyword fields compare by global ordinals.
public final class TopFieldCollector: Collector {
    /// How many documents to keep.
    public let k: Int
    /// The order; nil for relevance.
    public let sort: SortField?
    let source: SortKeySource
    let top: TopK
    /// Hits must rank after this (from a cursor); nil for all.
    let after: TopK.Entry?
    /// Matches ranked after the cursor (all matches without one), in memory of its own
    /// (see `TopK` on why not a stored `var`).
    private let eligible = UnsafeMutablePointer<Int>.allocate(capacity: 1)

    /// Keeps the `k` first matches by `sort` on `reader`'s snapshot, after `cursor` when
    /// given. Throws `LoupeError.unknownField` or `.invalidRequest` for a field that cannot
    /// sort, and `.invalidRequest` for a cursor made under another order.
    public init(reader: IndexReader, k: Int, sort: SortField?, after cursor: SearchCursor? = nil) throws {
        self.k = max(0, k)
        self.sort = sort
        let source = try SortKeySource(sort, reader: reader)
        self.source = source
        after = try cursor.map { try $0.entry(for: source) }
        top = TopK(k: self.k, byKey: true)
        eligible.initialize(to: 0)
    }

    deinit { eligible.deallocate() }

    public var scoreMode: ScoreMode { .complete }

    public func leafCollector(for segment: SegmentContext) -> any LeafCollector {
        Leaf(top: top, keys: source.keys(segment.ordinal, segment.segment), segment: Int32(segment.ordinal),
             after: after, eligible: eligible)
    }

    /// The kept documents, first in the order first.
    public var topDocuments: [ScoredDocument] { top.sorted().map(\.scored) }

    /// Matches after the cursor (all matches without one): more than `k` means another page.
    public var matchesAfterCursor: Int { eligible.pointee }

    /// The kept entries, with their sort keys (for the next cursor).
    var entries: [TopK.Entry] { top.sorted() }

    final class Leaf: LeafCollector {
        let top: TopK
        let keys: SegmentSortKeys
        let segment: Int32
        let after: TopK.Entry?
        let eligible: UnsafeMutablePointer<Int>
        init(top: TopK, keys: SegmentSortKeys, segment: Int32, after: TopK.Entry?, eligible: UnsafeMutablePointer<Int>) {
            self.top = top; self.keys = keys; self.segment = segment; self.after = after; self.eligible = eligible
        }

        @inline(__always) func collect(_ doc: Int, score: Double) {
            let e = TopK.Entry(score: score, segment: segment, doc: UInt32(doc), key: keys.key(doc))
            if let after, !top.worse(e, after) { return }
            eligible.pointee += 1
            top.insert(e)
        }

        /// The same, scoring the match only when its key leaves the order undecided (Lucene's
        /// lazy `Scorable`): a match whose key is below the kept hits' worst cannot enter, and
        /// one whose key differs from the cursor's is placed by the key alone. On a frequent
        /// term sorted by a number field most matches are never scored. A score computed after
        /// `deadline` expired (in the scoring itself) may be partial: that match is not kept.
        @inline(__always) func collect(_ doc: Int, scorer: Scorer, deadline: SearchDeadline? = nil) {
            let key = keys.key(doc)
            if let after {
                if key > after.key { return }
                if key == after.key {
                    let e = TopK.Entry(score: scorer.score(), segment: segment, doc: UInt32(doc), key: key)
                    if deadline?.expired == true { return }
                    if !top.worse(e, after) { return }
                    eligible.pointee += 1
                    top.insert(e)
                    return
                }
            }
            eligible.pointee += 1
            if let bottom = top.bottomKey, key < bottom { return }
            let score = scorer.score()
            if deadline?.expired == true { return }
            top.insert(TopK.Entry(score: score, segment: segment, doc: UInt32(doc), key: key))
        }
    }
}

extension SearchCursor {
    /// The cursor's entry, checked to come from a search in `source`'s order.
    func entry(for source: SortKeySource) throws -> TopK.Entry {
        guard order == source.description else {
            throw LoupeError.invalidRequest("the cursor continues results sorted by \(order), not by \(source.description)")
        }
        return entry
    }
}
