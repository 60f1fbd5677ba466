/// Documents whose number field has a value within a range (`words:[100 TO 500]`,
/// `words:>=100`, `words:{0 TO 10}`, `words:42`); either end may be open. A multi-valued field
/// matches when any of its values does. Scores 0: it only filters. Reads the field's column
/// (two-phase beside a scoring query, a scan alone).
public struct NumberRangeQuery: FieldFilterQuery, Hashable {
    /// The number field.
    public var field: String
    /// The lower end, nil for open.
    public var lower: Double?
    /// The upper end, nil for open.
    public var upper: Double?
    /// Whether `lower` itself is in the range.
    public var includeLower: Bool
    /// Whether `upper` itself is in the range.
    public var includeUpper: Bool

    /// Values from `lower` to `upper` (nil for an open end), inclusive unless said otherwise.
    public init(field: String, lower: Double?, upper: Double?, includeLower: Bool = true, includeUpper: Bool = true) {
        self.field = field
        self.lower = lower; self.upper = upper
        self.includeLower = includeLower; self.includeUpper = includeUpper
    }

    public var description: String {
        func show(_ v: Double?) -> String {
            guard let v else { return "*" }
            return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
        }
        return "\(field):\(includeLower ? "[" : "{")\(show(lower)) TO \(show(upper))\(includeUpper ? "]" : "}")"
    }

    /// The closed range of doubles this range covers (exclusive ends moved to the next double).
    var closedBounds: (Double, Double) {
        var lo = lower ?? -.infinity, hi = upper ?? .infinity
        if !includeLower, lower != nil { lo = lo.nextUp }
        if !includeUpper, upper != nil { hi = hi.nextDown }
        return (lo, hi)
    }
}

extension NumberRangeQuery: WeightBuilding {
    func weight(_ context: WeightContext) throws -> Weight {
        let number = try context.columnNumber(field, type: .number)
        let (lo, hi) = closedBounds
        return ColumnFilterWeight<NumberPredicate> { segment in
            let column = segment.segment.columns.columns[number]
            guard lo <= hi, !column.isEmpty else { return nil }
            return NumberPredicate(column: column.hot, lower: lo, upper: hi)
        }
    }
}
