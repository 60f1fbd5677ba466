/// Documents dated within an inclusive range (`date:[2025-01-01 TO 2025-06-30]`,
/// `updated:2025-06`); either end may be open. On the default `date` or any date field of the
/// schema (a multi-valued field matches when any of its dates is in range). Scores 0: it only
/// filters. Documents without a date never match.
public struct DateRangeQuery: FieldFilterQuery, Hashable {
    /// The date field: `date` (the default) or a date field of the schema.
    public var field: String = "date"
    /// First second in range (seconds since 1970 UTC), nil for open.
    public var from: Int64?
    /// Last second in range, nil for open. A date-only upper bound covers its whole day.
    public var to: Int64?

    public init(from: Int64?, to: Int64?, field: String = "date") {
        self.from = from
        self.to = to
        self.field = field
    }

    public var description: String {
        let lower = from.map(ISODate.format) ?? "*"
        var upper = "*"
        if let to {
            // An end-of-day bound came from a date-only upper bound: show it the same way.
            let next = to &+ 1
            upper = to < Int64.max && next % 86_400 == 0 ? ISODate.format(next - 86_400) : ISODate.format(to)
        }
        return "\(field):[\(lower) TO \(upper)]"
    }
}

extension DateRangeQuery: WeightBuilding {
    func weight(_ context: WeightContext) throws -> Weight {
        let from = self.from ?? Int64.min + 1, to = self.to ?? Int64.max
        if field == QueryParserEngine.dateField {
            return ColumnFilterWeight<DatePredicate> { segment in
                from <= to ? DatePredicate(dates: segment.segment.dates, from: from, to: to) : nil
            }
        }
        let number = try context.columnNumber(field, type: .date)
        return ColumnFilterWeight<NumberPredicate> { segment in
            let column = segment.segment.columns.columns[number]
            guard from <= to, !column.isEmpty else { return nil }
            return NumberPredicate(column: column.hot, lower: Double(from), upper: Double(to))
        }
    }
}
