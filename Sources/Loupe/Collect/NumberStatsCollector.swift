/// Count, minimum, maximum, sum and mean of a number or date field (`date` included: values
/// are then seconds since 1970) over the matches' values; every value of a multi-valued
/// document counts. O(values) with no allocation.
public final class NumberStatsCollector: FacetCollector {
    /// The field.
    public let field: String
    let request: FacetRequest
    let source: NumericField
    private struct State { var count = 0; var min = Double.infinity; var max = -Double.infinity; var sum = 0.0 }
    private let state = UnsafeMutablePointer<State>.allocate(capacity: 1)

    /// Statistics of number or date field `field` on `reader`'s snapshot. Throws
    /// `LoupeError.unknownField` or `.invalidRequest` for a keyword or text field.
    public convenience init(reader: IndexReader, field: String) throws {
        try self.init(reader: reader, field: field, request: .stats(field))
    }

    init(reader: IndexReader, field: String, request: FacetRequest) throws {
        self.field = field
        self.request = request
        source = try reader.numericField(field, numbers: true, use: "statistics")
        state.initialize(to: State())
    }

    deinit { state.deallocate() }

    public var scoreMode: ScoreMode { .completeNoScores }

    public func leafCollector(for segment: SegmentContext) -> any LeafCollector {
        Leaf(values: SegmentNumbers(source, segment: segment.segment), state: UnsafeMutableRawPointer(state))
    }

    /// The statistics so far.
    public var stats: NumberStats {
        let s = state.pointee
        return NumberStats(count: s.count, min: s.count > 0 ? s.min : nil, max: s.count > 0 ? s.max : nil, sum: s.sum)
    }

    public var result: FacetResult { FacetResult(request: request, buckets: [], stats: stats) }

    private final class Leaf: LeafCollector {
        let values: SegmentNumbers
        let state: UnsafeMutablePointer<State>
        init(values: SegmentNumbers, state: UnsafeMutableRawPointer) {
            self.values = values; self.state = state.assumingMemoryBound(to: State.self)
        }

        @inline(__always) func collect(_ doc: Int, score: Double) {
            let r = values.range(doc)
            guard !r.isEmpty else { return }
            // A document's values ascend: its extremes are its ends.
            let lo = values.double(r.lowerBound), hi = values.double(r.upperBound - 1)
            var sum = 0.0
            for i in r { sum += values.double(i) }
            state.pointee.count += r.count
            state.pointee.sum += sum
            if lo < state.pointee.min { state.pointee.min = lo }
            if hi > state.pointee.max { state.pointee.max = hi }
        }
    }
}
