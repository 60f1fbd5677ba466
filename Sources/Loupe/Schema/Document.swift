/// One value of a keyword, number or date field.
public enum FieldValue: Hashable, Sendable {
    /// A keyword field's value. Given to the index as written; read back (``StoredDocument``)
    /// as indexed, after the field's normalizer (a `lowercase` field returns `reuters` for
    /// `Reuters`), since values are read from the field's column.
    case keyword(String)
    /// A number field's value.
    case number(Double)
    /// A date field's value, in seconds since 1970-01-01 UTC.
    case date(Int64)

    /// The keyword, nil for other kinds.
    public var keyword: String? { if case let .keyword(s) = self { return s } else { return nil } }
    /// The number (a date as its seconds), nil for a keyword.
    public var number: Double? {
        switch self {
        case let .number(d): return d
        case let .date(t): return Double(t)
        case .keyword: return nil
        }
    }
}

/// A document to index: a unique external id, field values and an optional date.
public struct Document: Equatable, Sendable {
    /// The external id: unique within the index (adding an existing id replaces the document).
    public var id: String
    /// Text field values by field name; fields the schema does not define are rejected when added.
    public var fields: [String: String]
    /// Seconds since 1970-01-01 UTC.
    public var date: Int64?
    /// Keyword, number and date field values by field name (several for a multi-valued field).
    public var values: [String: [FieldValue]]

    /// A document with id `id`, text field values by name, an optional date in seconds since
    /// 1970, and values of keyword, number and date fields.
    public init(id: String, fields: [String: String] = [:], date: Int64? = nil, values: [String: [FieldValue]] = [:]) {
        self.id = id; self.fields = fields; self.date = date; self.values = values
    }

    /// The value of field `field`, nil when unset; setting nil removes it.
    public subscript(field: String) -> String? {
        get { fields[field] }
        set { fields[field] = newValue }
    }
}

/// A document read back from the index: its id, the values of its stored text fields, its
/// date, and its keyword, number and date values (read from their columns).
public struct StoredDocument: Equatable, Sendable {
    /// The external id.
    public var id: String
    /// Values of the schema's stored text fields, by name (fields the document did not set are absent).
    public var fields: [String: String]
    /// Seconds since 1970-01-01 UTC, nil when the document has no date.
    public var date: Int64?
    /// Keyword, number and date values by field name (fields without a value are absent).
    /// Multi-valued fields list their values in column order: keywords by value bytes,
    /// numbers ascending, without repeats.
    public var values: [String: [FieldValue]]

    /// A stored document with these values (for tests and for embedders building results).
    public init(id: String, fields: [String: String] = [:], date: Int64? = nil, values: [String: [FieldValue]] = [:]) {
        self.id = id; self.fields = fields; self.date = date; self.values = values
    }
}
