/// A number or date field as a search resolves it once: the default `date` (the `.dates`
/// file) or a column of the schema.
enum NumericField: Sendable, Equatable {
    /// The document's default `date`.
    case defaultDate
    /// Column `column` (index in `schema.columnFields`); `isDate` for a date field.
    case column(Int, isDate: Bool)

    /// Whether values are dates (seconds since 1970 UTC).
    var isDate: Bool {
        switch self {
        case .defaultDate: return true
        case let .column(_, isDate): return isDate
        }
    }
}

extension IndexReader {
    /// Resolves `name`: `date` or a date field (and, with `numbers`, a number field).
    /// Throws `LoupeError.unknownField` or `.invalidRequest` naming `use`.
    func numericField(_ name: String, numbers: Bool, use: String) throws -> NumericField {
        if name == "date" { return .defaultDate }
        let n = try columnNumber(name, types: numbers ? [.number, .date] : [.date], use: use)
        return .column(n, isDate: schema.columnFields[n].type == .date)
    }
}

/// One segment's values of a number or date field. Values of a document ascend (the column
/// format guarantees it), so its minimum is the first and its maximum the last. O(1) reads,
/// no allocation: a plain value for the collectors' hot loops.
struct SegmentNumbers {
    private let dates: UnsafeBufferPointer<Int64>
    private let byDate: Bool
    private let column: ColumnValues
    private let isDouble: Bool
    /// Whether values are dates (sortable keys are then seconds, else `sortableBits`).
    let isDate: Bool

    init(_ field: NumericField, segment: SegmentReader) {
        switch field {
        case .defaultDate:
            dates = segment.dates; byDate = true
            column = ColumnReader(empty: .date("date")).hot; isDouble = false; isDate = true
        case let .column(n, isDate):
            dates = UnsafeBufferPointer(start: nil, count: 0); byDate = false
            column = segment.columns.columns[n].hot; isDouble = column.kind == .double; self.isDate = isDate
        }
    }

    /// The column's packed values when it is dense (one value per document, value `d` being
    /// document `d`'s) and not the default date: what a sort can read without `range`.
    var denseValues: PackedIntsReader? { !byDate && column.dense ? column.values : nil }

    /// Whether the column stores doubles as sortable bits (else integers or dates as themselves).
    var storesDoubles: Bool { isDouble }

    /// Positions of document `doc`'s values (empty when it has none).
    @inline(__always) func range(_ doc: Int) -> Range<Int> {
        if byDate { return dates[doc] == DatesFile.missing ? doc..<doc : doc..<doc + 1 }
        return column.range(doc)
    }

    /// Value `i` as an integer: seconds for a date; for a number, its integer value (or the
    /// double's sortable bits, see `sortable`).
    @inline(__always) func raw(_ i: Int) -> Int64 { byDate ? dates[i] : column.values[i] }

    /// Value `i` as a double (a date as its seconds).
    @inline(__always) func double(_ i: Int) -> Double {
        let v = raw(i)
        return isDouble ? ColumnKind.double(sortableBits: v) : Double(v)
    }

    /// Value `i` as an Int64 whose signed order is the values' order, comparable across
    /// segments: seconds for dates; `ColumnKind.sortableBits` of the number otherwise (a
    /// segment may store a field as integers and another as doubles).
    @inline(__always) func sortable(_ i: Int) -> Int64 {
        if isDate { return raw(i) }
        return isDouble ? raw(i) : ColumnKind.sortableBits(Double(raw(i)))
    }
}
