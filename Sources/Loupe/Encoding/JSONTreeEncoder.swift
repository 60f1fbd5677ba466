/// The `Encoder` behind `OrderedJSONEncoder`: builds a `JSONNode` tree whose objects keep their
/// members in encoding order.
final class JSONTreeEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// What the value encoded so far; nil until it asks for a container.
    var node: JSONNode?

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    /// The node of `value`; scalars of the common types skip building an encoder.
    static func node<T: Encodable>(for value: T, codingPath: [any CodingKey]) throws -> JSONNode {
        switch value {
        case let s as String: return .scalar(JSONText.string(s))
        case let i as Int: return .scalar(String(i))
        case let d as Double: return .scalar(JSONText.number(d))
        case let b as Bool: return .scalar(b ? "true" : "false")
        // The other integer types and Float: their `encode(to:)` would come back here through
        // the containers' default implementations.
        case let i as any BinaryInteger: return .scalar("\(i)")
        case let f as Float: return .scalar(JSONText.number(Double(f)))
        default:
            let encoder = JSONTreeEncoder(codingPath: codingPath)
            try value.encode(to: encoder)
            // A value that encoded nothing is an empty object, as with Foundation's encoder.
            return encoder.node ?? .object(JSONObjectBox())
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: JSONObjectBox
        if case let .object(existing)? = node { box = existing } else { box = JSONObjectBox(); node = .object(box) }
        return KeyedEncodingContainer(KeyedContainer<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: JSONArrayBox
        if case let .array(existing)? = node { box = existing } else { box = JSONArrayBox(); node = .array(box) }
        return UnkeyedContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(encoder: self) }

    // MARK: Containers

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: JSONObjectBox
        let codingPath: [any CodingKey]

        private func put(_ key: Key, _ node: JSONNode) { box.members.append((key.stringValue, node)) }

        mutating func encodeNil(forKey key: Key) throws { put(key, .scalar("null")) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { put(key, .scalar(value ? "true" : "false")) }
        mutating func encode(_ value: String, forKey key: Key) throws { put(key, .scalar(JSONText.string(value))) }
        mutating func encode(_ value: Double, forKey key: Key) throws { put(key, .scalar(JSONText.number(value))) }
        mutating func encode(_ value: Float, forKey key: Key) throws { put(key, .scalar(JSONText.number(Double(value)))) }
        mutating func encode(_ value: Int, forKey key: Key) throws { put(key, .scalar(String(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { put(key, .scalar(String(value))) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            put(key, try JSONTreeEncoder.node(for: value, codingPath: codingPath + [key]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = JSONObjectBox()
            put(key, .object(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = JSONArrayBox()
            put(key, .array(nested))
            return UnkeyedContainer(box: nested, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let encoder = JSONTreeEncoder(codingPath: codingPath + [key])
            put(key, .deferred(encoder))
            return encoder
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let box: JSONArrayBox
        let codingPath: [any CodingKey]
        var count: Int { box.items.count }

        private var nextKey: IndexKey { IndexKey(intValue: box.items.count) }

        mutating func encodeNil() throws { box.items.append(.scalar("null")) }
        mutating func encode(_ value: Bool) throws { box.items.append(.scalar(value ? "true" : "false")) }
        mutating func encode(_ value: String) throws { box.items.append(.scalar(JSONText.string(value))) }
        mutating func encode(_ value: Double) throws { box.items.append(.scalar(JSONText.number(value))) }
        mutating func encode(_ value: Int) throws { box.items.append(.scalar(String(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            box.items.append(try JSONTreeEncoder.node(for: value, codingPath: codingPath + [nextKey]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let key = nextKey
            let nested = JSONObjectBox()
            box.items.append(.object(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let key = nextKey
            let nested = JSONArrayBox()
            box.items.append(.array(nested))
            return UnkeyedContainer(box: nested, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder {
            let encoder = JSONTreeEncoder(codingPath: codingPath + [nextKey])
            box.items.append(.deferred(encoder))
            return encoder
        }
    }

    struct SingleValueContainer: SingleValueEncodingContainer {
        let encoder: JSONTreeEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws { encoder.node = .scalar("null") }
        mutating func encode(_ value: Bool) throws { encoder.node = .scalar(value ? "true" : "false") }
        mutating func encode(_ value: String) throws { encoder.node = .scalar(JSONText.string(value)) }
        mutating func encode(_ value: Double) throws { encoder.node = .scalar(JSONText.number(value)) }
        mutating func encode(_ value: Float) throws { encoder.node = .scalar(JSONText.number(Double(value))) }
        mutating func encode(_ value: Int) throws { encoder.node = .scalar(String(value)) }
        mutating func encode(_ value: Int64) throws { encoder.node = .scalar(String(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.node = try JSONTreeEncoder.node(for: value, codingPath: codingPath)
        }
    }

    /// The coding key of an array element.
    struct IndexKey: CodingKey {
        var intValue: Int?
        var stringValue: String { "\(intValue ?? 0)" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }
}
