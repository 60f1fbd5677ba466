/// The JSON form of a stored document, shared by `loupe get` and `GET /documents/{id}`:
///
///     {"id": "reuters-10", "date": "1987-02-26T15:18:06Z", "title": "...", "body": "...", "url": "...",
///      "topic": "crude", "places": ["usa", "uk"], "words": 412, "updated": "1987-03-01"}
///
/// `id`, `date` (ISO-8601, `null` for none), then the fields in schema order: stored text
/// fields as strings; keyword fields as a string, or an array of strings for a multi-valued
/// field (even with one value); number fields as numbers (integers without a fraction, so
/// `412`, not `412.0`), date fields as ISO-8601 strings (`"1987-03-01"`, or with the time of
/// day when it is not midnight UTC), each an array when the field is multi-valued (values in
/// column order, without repeats; a normalized keyword field's values as normalized). Fields
/// without a value are left out. This is the shape `loupe add` and `PUT /documents/{id}`
/// read, so the output can be edited and added again.
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

    /// The stored text fields and the typed values in schema order; a value of a field the
    /// schema does not have (none normally) follows, in name order, rather than being lost.
    static func encodeFields(of document: StoredDocument, schema: Schema, into c: inout KeyedEncodingContainer<JSONKey>) throws {
        for f in schema.fields {
            if f.type == .text {
                if let v = document.fields[f.name] { try c.encode(v, forKey: JSONKey(f.name)) }
            } else if let values = document.values[f.name], !values.isEmpty {
                if f.multiValued {
                    try c.encode(values.map(FieldValueJSON.init), forKey: JSONKey(f.name))
                } else {
                    try c.encode(FieldValueJSON(values[0]), forKey: JSONKey(f.name))
                }
            }
        }
        for (name, v) in document.fields.sorted(by: { $0.key < $1.key }) where schema.field(name)?.type != .text {
            try c.encode(v, forKey: JSONKey(name))
        }
        for (name, values) in document.values.sorted(by: { $0.key < $1.key })
        where !values.isEmpty && (schema.field(name).map { $0.type == .text } ?? true) {
            try c.encode(values.map(FieldValueJSON.init), forKey: JSONKey(name))
        }
    }
}

/// One keyword, number or date value as JSON: a string, a number (an integer without a
/// fraction when it is one, exactly representable), or an ISO-8601 date.
struct FieldValueJSON: Encodable {
    let value: FieldValue

    init(_ value: FieldValue) { self.value = value }

    /// The largest magnitude below which every integer is exact in a Double (2^53).
    static let exactIntegers = 9_007_199_254_740_992.0

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch value {
        case let .keyword(s): try c.encode(s)
        case let .number(d):
            if d == d.rounded(), abs(d) <= FieldValueJSON.exactIntegers, !(d == 0 && d.sign == .minus) {
                try c.encode(Int64(d))
            } else {
                try c.encode(d)
            }
        case let .date(t): try c.encode(ISODate.format(t))
        }
    }
}
