import Foundation

/// One JSON value as a document front end reads it: an object's members with their values
/// classified, ready for `Schema.document(_:source:ignoreUnknown:unknownHint:)`, which applies
/// the schema's rules. `loupe add` and the HTTP service both read documents through it.
public struct DocumentObject: Decodable, Sendable {
    /// The object's members, in the order the parser lists them.
    public var members: [(String, DocumentValue)]
    /// When the value is not an object: what it is ("an array", "a string", ...) for the error.
    public var nonObjectKind: String?

    /// An object with `members`.
    public init(members: [(String, DocumentValue)]) {
        self.members = members
    }

    /// Parses JSON text holding one value, strictly (RFC 8259: no trailing commas, no
    /// duplicate keys, no raw control characters or unknown escapes in strings). Malformed JSON
    /// throws `LoupeError.invalidDocument` with `source` and what is wrong (when the record
    /// spans lines, the source of the line at fault is `sourceOfLine(n)`, n counted from 1 in
    /// `json`); a value that is not an object is kept, to be rejected (naming its kind) when it
    /// is turned into a document.
    public init(json: some Collection<UInt8>, source: String, sourceOfLine: ((Int) -> String)? = nil) throws {
        let value: StrictJSON.Value
        do {
            value = try StrictJSON.parse(json)
        } catch let f as StrictJSON.Failure {
            throw LoupeError.invalidDocument(source: f.line == 1 ? source : sourceOfLine?(f.line) ?? "\(source) (line \(f.line) of the record)",
                                             reason: "malformed JSON: \(f.reason)")
        }
        self.init(value)
    }

    /// Parses JSON text holding an array of values (documents), strictly as
    /// `init(json:source:sourceOfLine:)`. Malformed JSON throws `LoupeError.invalidDocument`
    /// with `source` and what is wrong (and on which line, past the first).
    public static func array(json: some Collection<UInt8>, source: String) throws -> [DocumentObject] {
        let value: StrictJSON.Value
        do {
            value = try StrictJSON.parse(json)
        } catch let f as StrictJSON.Failure {
            throw LoupeError.invalidDocument(source: source, reason: "malformed JSON: \(f.reason)\(f.line == 1 ? "" : " (line \(f.line))")")
        }
        guard case let .array(items) = value else {
            throw LoupeError.invalidDocument(source: source, reason: "expected an array, not \(Self.kind(value))")
        }
        return items.map(DocumentObject.init)
    }

    private init(_ value: StrictJSON.Value) {
        guard case let .object(members) = value else {
            self.members = []
            nonObjectKind = Self.kind(value)
            return
        }
        self.members = members.map { ($0.0, Self.documentValue($0.1)) }
    }

    private static func kind(_ value: StrictJSON.Value) -> String {
        switch value {
        case .string: return "a string"
        case .integer, .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    private static func documentValue(_ value: StrictJSON.Value, nested: Bool = false) -> DocumentValue {
        switch value {
        case let .string(s): return .string(s)
        case let .integer(i): return .integer(i)
        case let .number(d): return .number(d)
        case let .bool(b): return .bool(b)
        case .null: return .null
        case .object: return .other
        case let .array(items):
            if nested { return .other }
            var out: [DocumentValue] = []
            out.reserveCapacity(items.count)
            for item in items {
                let v = documentValue(item, nested: true)
                if case .other = v { return .other }
                out.append(v)
            }
            return .array(out)
        }
    }

    /// Reads an object's members (classifying each value), or notes what else the value is.
    public init(from decoder: any Decoder) throws {
        guard let c = try? decoder.container(keyedBy: MemberKey.self) else {
            members = []
            if (try? decoder.unkeyedContainer()) != nil {
                nonObjectKind = "an array"
            } else {
                nonObjectKind = DocumentObject.classify(try decoder.singleValueContainer()).kind
            }
            return
        }
        var members: [(String, DocumentValue)] = []
        members.reserveCapacity(c.allKeys.count)
        for key in c.allKeys {
            let v: DocumentValue
            if let s = try? c.decode(String.self, forKey: key) { v = .string(s) }
            else if try c.decodeNil(forKey: key) { v = .null }
            else if let i = try? c.decode(Int64.self, forKey: key) { v = .integer(i) }
            else if let d = try? c.decode(Double.self, forKey: key) { v = .number(d) }
            else if let b = try? c.decode(Bool.self, forKey: key) { v = .bool(b) }
            else if let a = try? c.decode([Scalar].self, forKey: key) { v = .array(a.map(\.value)) }
            else { v = .other }
            members.append((key.stringValue, v))
        }
        self.members = members
    }

    private static func classify(_ c: any SingleValueDecodingContainer) -> DocumentValue {
        if c.decodeNil() { return .null }
        if let s = try? c.decode(String.self) { return .string(s) }
        if let b = try? c.decode(Bool.self) { return .bool(b) }
        if let d = try? c.decode(Double.self) { return .number(d) }
        return .other
    }

    /// An array element: a string, number, boolean or null (anything else fails the array).
    private struct Scalar: Decodable {
        var value: DocumentValue
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { value = .null }
            else if let s = try? c.decode(String.self) { value = .string(s) }
            else if let i = try? c.decode(Int64.self) { value = .integer(i) }
            else if let d = try? c.decode(Double.self) { value = .number(d) }
            else { value = .bool(try c.decode(Bool.self)) }
        }
    }

    private struct MemberKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension Schema {
    /// Builds a document from a parsed JSON value with the rules of
    /// `document(members:source:ignoreUnknown:unknownHint:)`; a value that is not an object
    /// throws `LoupeError.invalidDocument` naming what it is.
    public func document(_ object: DocumentObject, source: String, ignoreUnknown: Bool = false,
                         unknownHint: String = "") throws -> Document {
        if let kind = object.nonObjectKind {
            throw LoupeError.invalidDocument(source: source, reason: "expected a JSON object, not \(kind)")
        }
        return try document(members: object.members, source: source, ignoreUnknown: ignoreUnknown, unknownHint: unknownHint)
    }
}
