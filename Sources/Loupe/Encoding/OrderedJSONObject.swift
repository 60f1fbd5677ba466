/// A JSON object whose members are written in the order given, for answers too small to need
/// a type of their own:
///
///     try OrderedJSONEncoder().encode(OrderedJSONObject(["id": id, "deleted": true, "generation": 7]))
///     // {"id":"a1","deleted":true,"generation":7}
///
/// A member whose value is `nil` is written as `null`; leave it out to omit the key.
public struct OrderedJSONObject: Encodable {
    /// The members, in the order they are written.
    public var members: [(key: String, value: any Encodable)]

    /// An object with `members`, in the order of the literal.
    public init(_ members: KeyValuePairs<String, any Encodable>) {
        self.members = members.map { ($0.key, $0.value) }
    }

    /// An object with `members`, in the order of the array.
    public init(members: [(key: String, value: any Encodable)]) {
        self.members = members
    }

    /// Writes the members in order.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        for (key, value) in members { try c.encode(value, forKey: JSONKey(key)) }
    }
}
