/// Documents whose keyword field holds one of some values (`source:reuters`,
/// `source:(reuters OR afp)`), or a value starting with a prefix (`source:reu*`).
///
/// Values are compared whole, after the field's normalizer (`"normalize": "lowercase"`), with
/// no analysis: `section:"World News"` matches that exact value. A multi-valued field matches
/// when any of its values does. Scores 0: it only filters. Reads the field's column: as a
/// clause beside a scoring query it costs O(1) per candidate; alone, a scan of the column.
public struct KeywordQuery: FieldFilterQuery, Hashable {
    /// The keyword field.
    public var field: String
    /// Accepted values (before normalization); empty when `prefix` is set.
    public var values: [String]
    /// Accept every value starting with this (before normalization).
    public var prefix: String?

    /// Documents whose `field` holds any of `values`.
    public init(field: String, values: [String]) {
        self.field = field
        self.values = values
        self.prefix = nil
    }

    /// Documents whose `field` holds a value starting with `prefix`.
    public init(field: String, prefix: String) {
        self.field = field
        self.values = []
        self.prefix = prefix
    }

    public var description: String {
        func quoted(_ v: String) -> String {
            v.isEmpty || v.contains(where: { QueryLexer.isWordBoundary($0) || $0 == "*" || $0 == "\\" })
                ? "\"" + v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
                : v
        }
        if let prefix { return "\(field):\(QuerySyntax.escapeWord(prefix))*" }
        if values.count == 1 { return "\(field):\(quoted(values[0]))" }
        return "\(field):(" + values.map(quoted).joined(separator: " OR ") + ")"
    }
}

extension KeywordQuery: WeightBuilding {
    func weight(_ context: WeightContext) throws -> Weight {
        let number = try context.columnNumber(field, type: .keyword)
        let definition = context.reader.schema.columnFields[number]
        let wanted = values.map(definition.normalized)
        let prefix = self.prefix.map(definition.normalized)
        return ColumnFilterWeight<KeywordPredicate> { segment in
            let column = segment.segment.columns.columns[number]
            var ords: [Int] = []
            if let prefix {
                var o = column.lowerBound(prefix)
                while o < column.valueCount, column.keyword(o).utf8.starts(with: prefix.utf8) { ords.append(o); o += 1 }
            } else {
                ords = wanted.compactMap { column.ord(of: $0) }
            }
            return KeywordPredicate(column: column, ords: ords)
        }
    }
}
