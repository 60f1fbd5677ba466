/// Counts of matches per calendar period (year, month, ISO week or day, UTC) of `date` or a
/// date field, from the first to the last match's period, empty periods as 0. Documents
/// without a date are not counted; a multi-valued document counts once per distinct period.
///
/// Periods are numbered arithmetically (days since 1970, weeks since the Monday before it,
/// `year * 12 + month`, years: `ISODate.civilFromDays`), and counted in an array that grows
/// to cover the periods seen: O(1) per value, no hashing, no allocation per document.
public final class DateHistogramCollector: FacetCollector {
    /// The date field (`date` for the default one).
    public let field: String
    /// The period.
    public let interval: HistogramInterval
    let request: FacetRequest
    let source: NumericField
    let counts = PeriodCounts()

    /// Counts matches per `interval` of date field `field` on `reader`'s snapshot. Throws
    /// `LoupeError.unknownField` or `.invalidRequest` unless it is `date` or a date field.
    public convenience init(reader: IndexReader, field: String = "date", interval: HistogramInterval) throws {
        try self.init(reader: reader, field: field, interval: interval, request: .histogram(field, interval))
    }

    init(reader: IndexReader, field: String, interval: HistogramInterval, request: FacetRequest) throws {
        self.field = field
        self.interval = interval
        self.request = request
        source = try reader.numericField(field, numbers: false, use: "a date histogram")
    }

    public var scoreMode: ScoreMode { .completeNoScores }

    public func leafCollector(for segment: SegmentContext) -> any LeafCollector {
        Leaf(values: SegmentNumbers(source, segment: segment.segment), interval: interval, counts: counts)
    }

    /// The periods from the first to the last one holding a match, in time order.
    public var buckets: [FacetBucket] {
        counts.nonEmptyRange.map { p in
            let start = DateHistogramCollector.start(of: p, interval)
            return FacetBucket(value: DateHistogramCollector.label(start, interval), count: counts[p], start: start)
        }
    }

    public var result: FacetResult { FacetResult(request: request, buckets: buckets) }

    /// The number of the period holding `t` (seconds since 1970 UTC).
    @inline(__always) static func period(_ t: Int64, _ interval: HistogramInterval) -> Int64 {
        let day = floorDiv(t, 86_400)
        switch interval {
        case .day: return day
        // 1970-01-01 was a Thursday: the Monday before is day -3.
        case .week: return floorDiv(day + 3, 7)
        case .month:
            if let m = MonthTable.month(ofDay: day) { return m }
            let c = ISODate.civilFromDays(day)
            return c.year * 12 + Int64(c.month - 1)
        case .year:
            if let m = MonthTable.month(ofDay: day) { return m / 12 }
            return ISODate.civilFromDays(day).year
        }
    }

    /// The first second of period `p`.
    static func start(of p: Int64, _ interval: HistogramInterval) -> Int64 {
        switch interval {
        case .day: return p * 86_400
        case .week: return (p * 7 - 3) * 86_400
        case .month: return ISODate.daysFromCivil(floorDiv(p, 12), Int(p - floorDiv(p, 12) * 12) + 1, 1) * 86_400
        case .year: return ISODate.daysFromCivil(p, 1, 1) * 86_400
        }
    }

    /// `1987`, `1987-02`, or `1987-02-23` (a week by its Monday, a day).
    static func label(_ start: Int64, _ interval: HistogramInterval) -> String {
        let c = ISODate.civilFromDays(floorDiv(start, 86_400))
        func pad(_ v: Int64, _ w: Int) -> String {
            let s = String(abs(v))
            return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, w - s.count)) + s
        }
        switch interval {
        case .year: return pad(c.year, 4)
        case .month: return pad(c.year, 4) + "-" + pad(Int64(c.month), 2)
        case .week, .day: return pad(c.year, 4) + "-" + pad(Int64(c.month), 2) + "-" + pad(Int64(c.day), 2)
        }
    }

    @inline(__always) static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private final class Leaf: BatchLeafCollector {
        let values: SegmentNumbers
        let interval: HistogramInterval
        let counts: PeriodCounts
        init(values: SegmentNumbers, interval: HistogramInterval, counts: PeriodCounts) {
            self.values = values; self.interval = interval; self.counts = counts
        }

        func collect(docs: UnsafeBufferPointer<UInt32>) {
            guard interval == .month || interval == .year else {
                for d in docs { collect(Int(d), score: 0) }
                return
            }
            // Months and years: the day's month from the table, read through a local copy
            // of its pointer (no lazy-initialization check per value).
            let table = MonthTable.table, first = MonthTable.firstDay, count = Int64(table.count)
            let years = interval == .year
            for d in docs {
                var last = Int64.min
                for i in values.range(Int(d)) {
                    let t = values.raw(i)
                    let k = (t >= 0 ? t / 86_400 : DateHistogramCollector.floorDiv(t, 86_400)) &- first
                    var p = k >= 0 && k < count ? Int64(table[Int(k)]) : DateHistogramCollector.period(t, .month)
                    if years { p = DateHistogramCollector.floorDiv(p, 12) }
                    if p != last { counts.increment(p); last = p }
                }
            }
        }

        @inline(__always) func collect(_ doc: Int, score: Double) {
            var last = Int64.min
            for i in values.range(doc) {
                let p = DateHistogramCollector.period(values.raw(i), interval)
                // A document's dates ascend, so its periods do: count each once.
                if p != last { counts.increment(p); last = p }
            }
        }
    }
}

/// Counts by period number over a window that grows (doubling) to cover the periods seen;
/// its state lives in memory it owns (see `TopK` on why not stored `var`s).
final class PeriodCounts {
    private struct State {
        var base: Int64 = 0
        var capacity = 0
        var counts: UnsafeMutablePointer<Int>? = nil
        var low = Int64.max
        var high = Int64.min
    }
    private let state = UnsafeMutablePointer<State>.allocate(capacity: 1)

    init() { state.initialize(to: State()) }
    deinit { state.pointee.counts?.deallocate(); state.deallocate() }

    /// Adds one to period `p`.
    @inline(__always) func increment(_ p: Int64) {
        let s = state.pointee
        let i = p &- s.base
        if i < 0 || i >= Int64(s.capacity) { grow(to: p) }
        state.pointee.counts.unsafelyUnwrapped[Int(p &- state.pointee.base)] += 1
        if p < state.pointee.low { state.pointee.low = p }
        if p > state.pointee.high { state.pointee.high = p }
    }

    private func grow(to p: Int64) {
        let old = state.pointee
        let low = old.capacity == 0 ? p : min(old.base, p)
        let high = old.capacity == 0 ? p : max(old.base + Int64(old.capacity) - 1, p)
        let span = Int(high - low + 1)
        let capacity = max(16, span * 2)
        // Extra room on the side that grew.
        let base = old.capacity == 0 ? p - Int64(capacity / 4) : (p < old.base ? high - Int64(capacity) + 1 : low)
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        counts.initialize(repeating: 0, count: capacity)
        if let c = old.counts {
            (counts + Int(old.base - base)).update(from: c, count: old.capacity)
            c.deallocate()
        }
        state.pointee.base = base
        state.pointee.capacity = capacity
        state.pointee.counts = counts
    }

    /// Periods from the first to the last counted (empty when nothing was).
    var nonEmptyRange: ClosedRange<Int64>.SubSequence {
        let s = state.pointee
        return s.low <= s.high ? (s.low...s.high)[...] : (0...0).dropFirst()
    }

    /// The count of period `p` (0 outside the window).
    subscript(p: Int64) -> Int {
        let s = state.pointee
        let i = p - s.base
        return i >= 0 && i < Int64(s.capacity) ? s.counts![Int(i)] : 0
    }
}

/// `year * 12 + month - 1` of every day from 1900-01-01 to 2099-12-31, computed once per
/// process (73,049 entries, 290 KB): a month or year histogram then costs a table read per
/// value instead of a civil-calendar conversion (several divisions). Days outside fall back
/// to `ISODate.civilFromDays`.
enum MonthTable {
    static let firstDay = ISODate.daysFromCivil(1900, 1, 1)
    /// Allocated once and never freed, so the hot loops index it without reference counting;
    /// immutable after initialization (Swift's lazy global initialization is thread-safe).
    nonisolated(unsafe) static let table: UnsafeBufferPointer<Int32> = {
        var out = [Int32]()
        for year in Int64(1900)..<2100 {
            for month in 1...12 {
                let start = ISODate.daysFromCivil(year, month, 1)
                let end = month == 12 ? ISODate.daysFromCivil(year + 1, 1, 1) : ISODate.daysFromCivil(year, month + 1, 1)
                out.append(contentsOf: repeatElement(Int32(year * 12 + Int64(month - 1)), count: Int(end - start)))
            }
        }
        let buffer = UnsafeMutableBufferPointer<Int32>.allocate(capacity: out.count)
        _ = buffer.initialize(from: out)
        return UnsafeBufferPointer(buffer)
    }()

    @inline(__always) static func month(ofDay day: Int64) -> Int64? {
        let i = day &- firstDay
        return i >= 0 && i < Int64(table.count) ? Int64(table[Int(i)]) : nil
    }
}
