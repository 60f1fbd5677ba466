/// A coding key spelled at the use site: `try c.encode(hit.id, forKey: "id")`. The JSON forms
/// write their members one by one, in the order a reader expects, with field names that come
/// from the schema.
struct JSONKey: CodingKey, ExpressibleByStringLiteral {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral name: String) { stringValue = name }
}
