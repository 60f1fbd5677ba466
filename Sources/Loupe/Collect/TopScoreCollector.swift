/// A document found by a search, with its score.
public struct ScoredDocument: Sendable, Hashable {
    /// Where the document is in the snapshot searched.
    public var address: IndexReader.DocAddress
    /// Its score (BM25, summed over matched clauses).
    public var score: Double
}

/// The `k` best matches by score; equal scores in index order (segment, then document).
///
/// Unless `exactCount`, it lets the search skip what cannot enter the top `k` (block-max
/// pruning), so the number of matches the search reports is then a lower bound. O(log k) per
/// collected match.
public final class TopScoreCollector: Collector, LeafCollector {
    /// How many documents to keep.
    public let k: Int
    /// Whether every match must be seen (so that counts are exact).
    public let exactCount: Bool
    let top: TopK
    /// The segment being collected, in memory of its own (see `TopK` on why not a stored `var`).
    private let segment = UnsafeMutablePointer<Int32>.allocate(capacity: 1)

    /// Hits must rank after this (a relevance cursor); nil for all.
    let after: TopK.Entry?
    /// Collected matches after the cursor (see `TopK` on why not a stored `var`).
    private let eligible = UnsafeMutablePointer<Int>.allocate(capacity: 1)

    public init(k: Int, exactCount: Bool = false) {
        self.k = max(0, k)
        self.exactCount = exactCount
        top = TopK(k: self.k)
        after = nil
        segment.initialize(to: 0)
        eligible.initialize(to: 0)
    }

    /// Keeps the `k` best matches ranking after `cursor` (made in relevance order), still
    /// pruning: a relevance page after a cursor scores as the first page did (pruned and
    /// exhaustive scoring may round a score differently), so pages never overlap.
    public init(k: Int, exactCount: Bool = false, after cursor: SearchCursor) throws {
        self.k = max(0, k)
        self.exactCount = exactCount
        top = TopK(k: self.k)
        after = try cursor.entry(for: SortKeySource(nil, reader: nil))
        segment.initialize(to: 0)
        eligible.initialize(to: 0)
    }

    deinit { segment.deallocate(); eligible.deallocate() }

    /// Matches collected after the cursor (all collected matches without one); a lower bound
    /// when the search pruned (see `isFull`).
    public var matchesAfterCursor: Int { eligible.pointee }

    public var scoreMode: ScoreMode { exactCount ? .complete : .topScores }

    public func leafCollector(for segment: SegmentContext) -> any LeafCollector {
        self.segment.pointee = Int32(segment.ordinal)
        return self
    }

    @inline(__always) public func collect(_ doc: Int, score: Double) {
        if score > top.threshold {
            let e = TopK.Entry(score: score, segment: segment.pointee, doc: UInt32(doc), key: 0)
            if let after, !top.worse(e, after) { return }
            eligible.pointee += 1
            top.insert(e)
        }
    }

    public var minCompetitiveScore: Double { top.threshold }

    /// Whether `k` documents were kept: from then on the search could prune.
    public var isFull: Bool { top.isFull }

    /// The kept documents, best first.
    public var topDocuments: [ScoredDocument] { top.sorted().map(\.scored) }
}

/// The `k` first matches in date order (newest or oldest first; documents without a date
/// last), equal dates by score, then index order. Sees every match.
public final class TopSortedCollector: Collector, LeafCollector {
    /// How many documents to keep.
    public let k: Int
    /// `.newest` or `.oldest` (`.relevance` is ``TopScoreCollector``'s order).
    public let order: SortOrder
    let top: TopK
    private var segment: Int32 = 0
    private var dates = UnsafeBufferPointer<Int64>(start: nil, count: 0)
    private let sign: Int64

    public init(k: Int, order: SortOrder) {
        self.k = max(0, k)
        self.order = order
        sign = order == .oldest ? -1 : 1
        top = TopK(k: self.k, byKey: true)
    }

    public var scoreMode: ScoreMode { .complete }

    public func leafCollector(for segment: SegmentContext) -> any LeafCollector {
        self.segment = Int32(segment.ordinal)
        dates = segment.segment.dates
        return self
    }

    @inline(__always) public func collect(_ doc: Int, score: Double) {
        let date = dates[doc]
        let key: Int64 = date == DatesFile.missing ? Int64.min : sign &* date
        top.insert(TopK.Entry(score: score, segment: segment, doc: UInt32(doc), key: key))
    }

    /// The kept documents, first in the order first.
    public var topDocuments: [ScoredDocument] { top.sorted().map(\.scored) }
}

extension TopK.Entry {
    var scored: ScoredDocument {
        ScoredDocument(address: IndexReader.DocAddress(segment: Int(segment), doc: Int(doc)), score: score)
    }
}

extension IndexReader {
    /// The external id of the document at `address`.
    public func id(of address: DocAddress) -> String { segments[address.segment].externalId(address.doc) }
}
