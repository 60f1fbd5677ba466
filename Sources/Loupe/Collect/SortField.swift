/// Results ordered by one field's values: any number, date (including the default `date`)
/// or keyword field, ascending or descending. Equal values fall back to score (best first),
/// then index order. A multi-valued document sorts by its smallest value ascending and its
/// largest descending (Elasticsearch's default `mode`); documents without a value come last
/// in both directions. Keywords compare by their UTF-8 bytes.
public struct SortField: Sendable, Hashable, CustomStringConvertible {
    /// The field: `date`, or a keyword, number or date field of the schema.
    public var field: String
    /// Largest first.
    public var descending: Bool

    /// Sorts by `field`, ascending unless `descending`.
    public init(_ field: String, descending: Bool = false) {
        self.field = field
        self.descending = descending
    }

    /// `field:asc` or `field:desc` (what a cursor records and the CLI's `--sort` reads).
    public var description: String { "\(field):\(descending ? "desc" : "asc")" }

    /// The sort of the legacy orders: nil for relevance, `date:desc` for newest, `date:asc` for oldest.
    public init?(_ order: SortOrder) {
        switch order {
        case .relevance: return nil
        case .newest: self.init("date", descending: true)
        case .oldest: self.init("date", descending: false)
        }
    }
}

/// A sort resolved against a snapshot: where each segment's sort keys come from.
/// `nil` field: relevance (every key 0, so score decides).
struct SortKeySource {
    enum Kind {
        case relevance
        case numbers(NumericField)
        case keyword(column: Int, ordinals: GlobalOrdinals)
    }
    let kind: Kind
    let descending: Bool
    /// What cursors record to refuse continuing under another order.
    let description: String

    /// Resolves `sort` (nil: relevance) on `reader`. Throws `LoupeError.unknownField` or
    /// `.invalidRequest` for a field that cannot sort.
    init(_ sort: SortField?, reader: IndexReader?) throws {
        guard let sort, let reader else { kind = .relevance; descending = true; description = "relevance"; return }
        descending = sort.descending
        description = sort.description
        if sort.field != "date", let f = reader.schema.field(sort.field), f.type == .keyword {
            let ordinals = try reader.globalOrdinals(sort.field)
            kind = .keyword(column: try reader.columnNumber(sort.field, types: [.keyword], use: "sorting"), ordinals: ordinals)
        } else {
            kind = .numbers(try reader.numericField(sort.field, numbers: true, use: "sorting"))
        }
    }

    /// Segment `s`'s keys.
    func keys(_ s: Int, _ segment: SegmentReader) -> SegmentSortKeys {
        switch kind {
        case .relevance: return SegmentSortKeys()
        case let .numbers(field): return SegmentSortKeys(numbers: SegmentNumbers(field, segment: segment), descending: descending)
        case let .keyword(column, ordinals):
            return SegmentSortKeys(keywords: segment.columns.columns[column].hot, map: UnsafeBufferPointer(ordinals.maps[s]), descending: descending)
        }
    }
}

/// One segment's sort keys: an Int64 per document, larger first, that `TopK` compares
/// before scores. Ascending orders store `~value` (order-reversing, no overflow); a document
/// without a value gets `Int64.min`, last either way. A value type with a switch, not a
/// protocol, so the collectors' loops make no dynamic calls.
struct SegmentSortKeys {
    private enum Mode { case none, numbers, keywords }
    private let mode: Mode
    private let descending: Bool
    private let numbers: SegmentNumbers?
    private let column: ColumnValues?
    private let map: UnsafeBufferPointer<Int32>
    /// A dense number or date column's values, read directly (the common single-valued case).
    private let dense: PackedIntsReader
    private let isDense: Bool
    /// For `dense`: the values are numbers to turn into sortable bits (else dates or doubles'
    /// sortable bits already).
    private let denseNeedsBits: Bool

    /// Every key 0 (relevance).
    init() {
        mode = .none; descending = true; numbers = nil; column = nil; map = UnsafeBufferPointer(start: nil, count: 0)
        dense = PackedIntsReader(); isDense = false; denseNeedsBits = false
    }

    init(numbers: SegmentNumbers, descending: Bool) {
        mode = .numbers; self.descending = descending; self.numbers = numbers; column = nil
        map = UnsafeBufferPointer(start: nil, count: 0)
        dense = numbers.denseValues ?? PackedIntsReader(); isDense = numbers.denseValues != nil
        denseNeedsBits = !numbers.isDate && !numbers.storesDoubles
    }

    init(keywords: ColumnValues, map: UnsafeBufferPointer<Int32>, descending: Bool) {
        mode = .keywords; self.descending = descending; numbers = nil; column = keywords; self.map = map
        dense = PackedIntsReader(); isDense = false; denseNeedsBits = false
    }

    /// The key of document `doc`. O(1).
    @inline(__always) func key(_ doc: Int) -> Int64 {
        if isDense {
            let raw = dense[doc]
            let v = denseNeedsBits ? ColumnKind.sortableBits(Double(raw)) : raw
            return descending ? v : ~v
        }
        let v: Int64
        switch mode {
        case .none: return 0
        case .numbers:
            let n = numbers.unsafelyUnwrapped
            let r = n.range(doc)
            if r.isEmpty { return Int64.min }
            v = n.sortable(descending ? r.upperBound - 1 : r.lowerBound)
        case .keywords:
            let c = column.unsafelyUnwrapped
            let r = c.range(doc)
            if r.isEmpty { return Int64.min }
            let ord = Int(c.values[descending ? r.upperBound - 1 : r.lowerBound])
            guard ord >= 0, ord < map.count else { return Int64.min }
            v = Int64(map[ord])
        }
        return descending ? v : ~v
    }
}
