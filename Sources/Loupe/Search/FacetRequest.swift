/// The calendar unit of a date histogram. Buckets are UTC; weeks are ISO weeks, Monday to
/// Sunday (a week bucket is named by its Monday's date, and a week spanning New Year is one
/// bucket, as in ISO 8601 and Elasticsearch's `calendar_interval: week`).
public enum HistogramInterval: String, Sendable, CaseIterable, Hashable {
    /// Calendar years: `1987`.
    case year
    /// Calendar months: `1987-02`.
    case month
    /// ISO weeks (Monday first), named by their Monday: `1987-02-23`.
    case week
    /// Days: `1987-02-26`.
    case day
}

/// A half-open number range `[from, to)`; nil ends are open.
public struct NumberRange: Sendable, Hashable, CustomStringConvertible {
    /// Smallest value in range (inclusive), nil for no lower bound.
    public var from: Double?
    /// First value past the range (exclusive), nil for no upper bound.
    public var to: Double?

    public init(from: Double?, to: Double?) { self.from = from; self.to = to }

    /// Whether `v` lies in the range.
    @inline(__always) public func contains(_ v: Double) -> Bool {
        (from.map { v >= $0 } ?? true) && (to.map { v < $0 } ?? true)
    }

    /// `100-500`, `*-100`, `500-*` (integers without a decimal point).
    public var description: String {
        func f(_ v: Double?) -> String {
            guard let v else { return "*" }
            return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
        }
        return "\(f(from))-\(f(to))"
    }
}

/// One aggregation asked of a search (`SearchRequest.facets`), computed exactly over every
/// match, whatever the page size.
public struct FacetRequest: Sendable, Hashable {
    /// What to compute.
    public enum Kind: Sendable, Hashable {
        /// The `size` most frequent values of a keyword field, ties by value.
        case terms(size: Int)
        /// Counts per calendar period of `date` or a date field, first to last match.
        case histogram(HistogramInterval)
        /// Count, minimum, maximum, sum and mean of a number or date field.
        case stats
        /// Counts of matches with a value in each range of a number or date field.
        case ranges([NumberRange])
    }

    /// The field aggregated.
    public var field: String
    /// What to compute.
    public var kind: Kind
    /// Multi-select (Elasticsearch's post_filter): count as if the request's filters on this
    /// field (`SearchRequest.filters`) were absent, so the other values keep their counts
    /// while one is selected. Costs a second pass over the matches of the other filters.
    public var multiSelect: Bool

    public init(field: String, kind: Kind, multiSelect: Bool = false) {
        self.field = field; self.kind = kind; self.multiSelect = multiSelect
    }

    /// The `size` (default 10) most frequent values of keyword field `field`.
    public static func terms(_ field: String, size: Int = 10, multiSelect: Bool = false) -> FacetRequest {
        FacetRequest(field: field, kind: .terms(size: size), multiSelect: multiSelect)
    }

    /// Counts per `interval` of date field `field` (`date` for the default one).
    public static func histogram(_ field: String = "date", _ interval: HistogramInterval, multiSelect: Bool = false) -> FacetRequest {
        FacetRequest(field: field, kind: .histogram(interval), multiSelect: multiSelect)
    }

    /// Statistics of number or date field `field`.
    public static func stats(_ field: String) -> FacetRequest { FacetRequest(field: field, kind: .stats) }

    /// Counts per range of number or date field `field`.
    public static func ranges(_ field: String, _ ranges: [NumberRange], multiSelect: Bool = false) -> FacetRequest {
        FacetRequest(field: field, kind: .ranges(ranges), multiSelect: multiSelect)
    }

    /// The result's name: `topic` for terms, `date:year` for a histogram, `words:stats`,
    /// `words:ranges` (the keys of `"facets"` in JSON output).
    public var name: String {
        switch kind {
        case .terms: return field
        case let .histogram(i): return "\(field):\(i.rawValue)"
        case .stats: return "\(field):stats"
        case .ranges: return "\(field):ranges"
        }
    }
}

/// One bucket of a facet: a value (a keyword, a period such as `1987-02`, a range such as
/// `100-500`) and the number of matches in it.
public struct FacetBucket: Sendable, Hashable {
    /// The value, period or range, as text.
    public var value: String
    /// Matching documents in the bucket.
    public var count: Int
    /// For a histogram, the period's first second (UTC); for ranges, nil.
    public var start: Int64?
    /// For ranges, the range.
    public var range: NumberRange?

    public init(value: String, count: Int, start: Int64? = nil, range: NumberRange? = nil) {
        self.value = value; self.count = count; self.start = start; self.range = range
    }
}

/// Statistics of a number or date field over the matches' values (every value of a
/// multi-valued document counts).
public struct NumberStats: Sendable, Hashable {
    /// Values seen.
    public var count: Int
    /// Smallest value, nil when there are none.
    public var min: Double?
    /// Largest value, nil when there are none.
    public var max: Double?
    /// Sum of the values.
    public var sum: Double
    /// `sum / count`, nil when there are no values.
    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    public init(count: Int, min: Double?, max: Double?, sum: Double) {
        self.count = count; self.min = min; self.max = max; self.sum = sum
    }
}

/// The outcome of one ``FacetRequest``.
public struct FacetResult: Sendable, Hashable {
    /// `FacetRequest.name`.
    public var name: String
    /// What was asked.
    public var request: FacetRequest
    /// Terms: most frequent first, ties by value; histograms: in time order, empty periods
    /// as 0; ranges: in the order asked. Empty for stats.
    public var buckets: [FacetBucket]
    /// Stats only.
    public var stats: NumberStats?

    public init(request: FacetRequest, buckets: [FacetBucket], stats: NumberStats? = nil) {
        self.name = request.name; self.request = request; self.buckets = buckets; self.stats = stats
    }
}
