/// A document to index: a unique external id, field values and an optional date.
public struct Document: Equatable, Sendable {
    /// The external id: unique within the index (adding an existing id replaces the document).
    public var id: String
    /// Values by field name; fields the schema does not define are rejected when added.
    public var fields: [String: String]
    /// Seconds since 1970-01-01 UTC.
    public var date: Int64?

    /// A document with id `id`, field values by name and an optional date in seconds since 1970.
    public init(id: String, fields: [String: String] = [:], date: Int64? = nil) {
        self.id = id; self.fields = fields; self.date = date
    }

    /// The value of field `field`, nil when unset; setting nil removes it.
    public subscript(field: String) -> String? {
        get { fields[field] }
        set { fields[field] = newValue }
    }
}

/// A document read back from the store: its id, the values of its stored fields, its date.
public struct StoredDocument: Equatable, Sendable {
    /// The external id.
    public var id: String
    /// Values of the schema's stored fields, by name (fields the document did not set are absent).
    public var fields: [String: String]
    /// Seconds since 1970-01-01 UTC, nil when the document has no date.
    public var date: Int64?

    /// A stored document with these values (for tests and for embedders building results).
    public init(id: String, fields: [String: String] = [:], date: Int64? = nil) {
        self.id = id; self.fields = fields; self.date = date
    }
}
