/// A document to index: a unique external id, field values and an optional date.
public struct Document: Equatable, Sendable {
    public var id: String
    /// Values by field name; fields the schema does not define are rejected when added.
    public var fields: [String: String]
    /// Seconds since 1970-01-01 UTC.
    public var date: Int64?

    public init(id: String, fields: [String: String] = [:], date: Int64? = nil) {
        self.id = id; self.fields = fields; self.date = date
    }

    public subscript(field: String) -> String? {
        get { fields[field] }
        set { fields[field] = newValue }
    }
}

/// A document read back from the store.
public struct StoredDocument: Equatable, Sendable {
    public var id: String
    public var fields: [String: String]
    public var date: Int64?
}
