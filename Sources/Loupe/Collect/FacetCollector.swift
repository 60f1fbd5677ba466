/// A collector that computes one facet (terms, histogram, stats or ranges) over every match.
/// Scores nothing; read `result` after the search.
public protocol FacetCollector: Collector {
    /// The facet over the matches collected so far.
    var result: FacetResult { get }
}

extension FacetRequest {
    /// The collector computing this facet on `reader`'s snapshot. Throws
    /// `LoupeError.unknownField` or `.invalidRequest` for a field of the wrong type (terms
    /// need a keyword field, histograms a date field, stats and ranges a number or date field).
    public func collector(reader: IndexReader) throws -> any FacetCollector {
        switch kind {
        case let .terms(size): return try TermsFacetCollector(reader: reader, field: field, size: size, request: self)
        case let .histogram(interval): return try DateHistogramCollector(reader: reader, field: field, interval: interval, request: self)
        case .stats: return try NumberStatsCollector(reader: reader, field: field, request: self)
        case let .ranges(ranges): return try NumberRangesCollector(reader: reader, field: field, ranges: ranges, request: self)
        }
    }
}

/// Counts by ordinal for one segment, owned by its leaf: the hot loop increments an array
/// slot, and the counts are folded into global ordinals once per segment.
final class OrdinalCounts {
    let counts: UnsafeMutableBufferPointer<Int32>
    init(_ n: Int) {
        counts = .allocate(capacity: max(1, n))
        counts.initialize(repeating: 0)
    }
    deinit { counts.deallocate() }
}
