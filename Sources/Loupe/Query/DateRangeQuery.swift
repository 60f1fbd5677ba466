/// Documents dated within an inclusive range (`date:[2025-01-01 TO 2025-06-30]`); either end
/// may be open. Scores 0: it only filters. Documents without a date never match.
public struct DateRangeQuery: Query, Hashable {
    /// First second in range (seconds since 1970 UTC), nil for open.
    public var from: Int64?
    /// Last second in range, nil for open. A date-only upper bound covers its whole day.
    public var to: Int64?

    public init(from: Int64?, to: Int64?) {
        self.from = from
        self.to = to
    }

    public var description: String {
        let lower = from.map(ISODate.format) ?? "*"
        var upper = "*"
        if let to {
            // An end-of-day bound came from a date-only upper bound: show it the same way.
            let next = to &+ 1
            upper = to < Int64.max && next % 86_400 == 0 ? ISODate.format(next - 86_400) : ISODate.format(to)
        }
        return "date:[\(lower) TO \(upper)]"
    }
}

extension DateRangeQuery: WeightBuilding {
    func weight(_ context: WeightContext) throws -> Weight { DateRangeWeight(from: from ?? Int64.min + 1, to: to ?? Int64.max) }
}

final class DateRangeWeight: Weight {
    let from: Int64, to: Int64
    init(from: Int64, to: Int64) { self.from = from; self.to = to }

    func scorer(_ segment: SegmentContext) -> Scorer? { DateRangeScorer(dates: segment.segment.dates, from: from, to: to) }

    func explain(_ segment: SegmentContext, doc: UInt32) -> [Explanation.Entry]? {
        let v = segment.segment.dates[Int(doc)]
        return v != DatesFile.missing && v >= from && v <= to ? [] : nil
    }
}

/// Documents whose date lies in [from, to] (inclusive); scores 0, so it only filters.
final class DateRangeScorer: Scorer {
    let dates: UnsafeBufferPointer<Int64>
    let from: Int64, to: Int64
    private var started = false
    init(dates: UnsafeBufferPointer<Int64>, from: Int64, to: Int64) {
        self.dates = dates; self.from = from; self.to = to
        super.init()
    }
    override var cost: Int { dates.count }
    @inline(__always) private func scan(_ start: Int) -> UInt32 {
        var d = start
        while d < dates.count {
            let v = dates[d]
            if v != DatesFile.missing && v >= from && v <= to { return UInt32(d) }
            d += 1
        }
        return Scorer.noMore
    }
    override func next() -> UInt32 {
        let start = started ? Int(doc) + 1 : 0
        started = true
        doc = scan(start)
        return doc
    }
    override func advance(_ target: UInt32) -> UInt32 {
        started = true
        doc = scan(Int(target))
        return doc
    }
    override func shallowBound(_ target: UInt32) -> (bound: Double, upTo: UInt32) { (0, Scorer.noMore - 2) }
}
