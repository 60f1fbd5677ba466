/// What a collector needs of the matches it is fed (Lucene's `ScoreMode`).
public enum ScoreMode: Sendable, Equatable {
    /// Every match, with its score.
    case complete
    /// Every match; scores are not needed (counting, listing ids). Matches are fed with score 0.
    case completeNoScores
    /// Only matches scoring above the leaf collector's `minCompetitiveScore`: the search may
    /// skip the others without scoring or counting them (block-max pruning).
    case topScores

    /// Whether matches must be scored.
    public var needsScores: Bool { self != .completeNoScores }
}

/// One segment of the snapshot being searched, as collectors see it.
public struct SegmentContext: Sendable {
    /// The segment's position in the snapshot (`DocAddress.segment`).
    public let ordinal: Int
    /// The segment.
    public let segment: SegmentReader
    /// When the search must stop (``SearchRequest/timeout``), for the scorers whose loops may
    /// run long between two matches (phrases, intersections, exclusions); nil for never.
    var deadline: SearchDeadline? = nil

    public init(ordinal: Int, segment: SegmentReader) {
        self.ordinal = ordinal
        self.segment = segment
    }

    init(ordinal: Int, segment: SegmentReader, deadline: SearchDeadline?) {
        self.ordinal = ordinal
        self.segment = segment
        self.deadline = deadline
    }

    /// The external id of document `doc` of the segment.
    public func id(of doc: Int) -> String { segment.externalId(doc) }

    /// The date of document `doc` (seconds since 1970 UTC), nil when it has none.
    public func date(of doc: Int) -> Int64? {
        let v = segment.dates[doc]
        return v == DatesFile.missing ? nil : v
    }

    /// Field lengths of indexed field `field`, by document.
    @inline(__always) func lengths(_ field: Int) -> UnsafePointer<UInt32> { segment.norms[field].baseAddress! }
}

/// Receives the matches of a search, segment by segment (Tantivy's `Collector`, Lucene's
/// `Collector`). A collector is a class holding what it gathers; read it after the search.
///
///     let top = TopScoreCollector(k: 10)
///     let count = CountCollector()
///     let matched = try index.searcher.search(.term("oil"), collector: MultiCollector([top, count]))
///     print(count.count, top.topDocuments.map(\.score))
///
/// A search asks every collector for its `scoreMode`: pruning happens only when all of them
/// want only competitive matches. Searches run on one thread per collector: a collector is
/// not shared by concurrent searches.
public protocol Collector: AnyObject {
    /// What this collector needs of the matches.
    var scoreMode: ScoreMode { get }

    /// The collector for the next segment; segments come in ascending ordinal order.
    func leafCollector(for segment: SegmentContext) throws -> any LeafCollector
}

/// Receives one segment's matches in ascending document order.
public protocol LeafCollector: AnyObject {
    /// One match: `doc` within the segment, its score (0 unless the score mode needs scores).
    func collect(_ doc: Int, score: Double)

    /// Under `ScoreMode.topScores`, matches scoring at most this are useless to the collector
    /// and may be skipped; `-infinity` while every match is wanted. Read after each `collect`.
    var minCompetitiveScore: Double { get }
}

extension LeafCollector {
    public var minCompetitiveScore: Double { -.infinity }
}

/// A leaf collector that takes matches in batches when scores are not needed (facets,
/// counts): the bulk scorer hands it up to 256 document numbers per call instead of making
/// one dynamic call per match. Internal: an optimization of the built-in collectors.
protocol BatchLeafCollector: LeafCollector {
    /// Matches, ascending, all within the segment.
    func collect(docs: UnsafeBufferPointer<UInt32>)
}
