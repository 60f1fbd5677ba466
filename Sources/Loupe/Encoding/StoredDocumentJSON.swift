/// The JSON form of a stored document, shared by `loupe get` and `GET /documents/{id}`:
///
///     {"id": "reuters-10", "date": "1987-02-26T15:18:06Z", "title": "...", "body": "...", "url": "..."}
///
/// `id`, `date` (ISO-8601, `null` for none), then the stored fields in schema order: the shape
/// `loupe add` and `PUT /documents/{id}` read, so the output can be edited and added again.
public struct StoredDocumentJSON: Encodable, Sendable {
    /// The document to write.
    public var document: StoredDocument
    /// The schema giving the fields' order.
    public var schema: Schema

    /// The JSON form of `document`, its fields in the order of `schema`.
    public init(_ document: StoredDocument, schema: Schema) {
        self.document = document
        self.schema = schema
    }

    /// Writes `id`, `date` and the stored fields.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(document.id, forKey: "id")
        try StoredDocumentJSON.encodeDate(document.date, into: &c)
        try StoredDocumentJSON.encodeFields(of: document, schema: schema, into: &c)
    }

    /// `"date": "YYYY-MM-DD…"`, or `"date": null`.
    static func encodeDate(_ date: Int64?, into c: inout KeyedEncodingContainer<JSONKey>) throws {
        if let date { try c.encode(ISODate.format(date), forKey: "date") } else { try c.encodeNil(forKey: "date") }
    }

    /// The stored fields in schema order; a stored value of a field the schema no longer has
    /// (none normally) follows, in name order, rather than being lost.
    static func encodeFields(of document: StoredDocument, schema: Schema, into c: inout KeyedEncodingContainer<JSONKey>) throws {
        for f in schema.fields {
            if let v = document.fields[f.name] { try c.encode(v, forKey: JSONKey(f.name)) }
        }
        for (name, v) in document.fields.sorted(by: { $0.key < $1.key }) where !schema.fields.contains(where: { $0.name == name }) {
            try c.encode(v, forKey: JSONKey(name))
        }
    }
}
