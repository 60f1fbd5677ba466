/// Counts of matches with a value in each of the given half-open ranges `[from, to)` of a
/// number or date field (ranges may overlap or leave gaps; a document counts at most once
/// per range). O(values × ranges) per match, no allocation.
public final class NumberRangesCollector: FacetCollector {
    /// The field.
    public let field: String
    /// The ranges, in the order results list them.
    public let ranges: [NumberRange]
    let request: FacetRequest
    let source: NumericField
    private let bounds: UnsafeMutableBufferPointer<(Double, Double)>
    private let counts: UnsafeMutableBufferPointer<Int>

    /// Counts matches per range of number or date field `field` on `reader`'s snapshot.
    /// Throws `LoupeError.unknownField` or `.invalidRequest` for a keyword or text field.
    public convenience init(reader: IndexReader, field: String, ranges: [NumberRange]) throws {
        try self.init(reader: reader, field: field, ranges: ranges, request: .ranges(field, ranges))
    }

    init(reader: IndexReader, field: String, ranges: [NumberRange], request: FacetRequest) throws {
        self.field = field
        self.ranges = ranges
        self.request = request
        source = try reader.numericField(field, numbers: true, use: "ranges")
        bounds = .allocate(capacity: max(1, ranges.count))
        for (i, r) in ranges.enumerated() { bounds[i] = (r.from ?? -.infinity, r.to ?? .infinity) }
        counts = .allocate(capacity: max(1, ranges.count))
        counts.initialize(repeating: 0)
    }

    deinit { bounds.deallocate(); counts.deallocate() }

    public var scoreMode: ScoreMode { .completeNoScores }

    public func leafCollector(for segment: SegmentContext) -> any LeafCollector {
        Leaf(values: SegmentNumbers(source, segment: segment.segment), bounds: bounds.baseAddress!,
             counts: counts.baseAddress!, n: ranges.count)
    }

    /// One bucket per range, in order, named like `100-500`.
    public var buckets: [FacetBucket] {
        ranges.enumerated().map { FacetBucket(value: $1.description, count: counts[$0], range: $1) }
    }

    public var result: FacetResult { FacetResult(request: request, buckets: buckets) }

    private final class Leaf: LeafCollector {
        let values: SegmentNumbers
        let bounds: UnsafeMutablePointer<(Double, Double)>
        let counts: UnsafeMutablePointer<Int>
        let n: Int
        init(values: SegmentNumbers, bounds: UnsafeMutablePointer<(Double, Double)>, counts: UnsafeMutablePointer<Int>, n: Int) {
            self.values = values; self.bounds = bounds; self.counts = counts; self.n = n
        }

        @inline(__always) func collect(_ doc: Int, score: Double) {
            let r = values.range(doc)
            guard !r.isEmpty else { return }
            for k in 0..<n {
                let (lo, hi) = bounds[k]
                for i in r {
                    let v = values.double(i)
                    if v >= lo && v < hi { counts[k] += 1; break }
                }
            }
        }
    }
}
