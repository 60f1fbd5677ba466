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

    /// Parses JSON text holding one value. Malformed JSON throws `LoupeError.invalidDocument`
    /// with `source` and the parser's reason; a value that is not an object is kept, to be
    /// rejected (naming its kind) when it is turned into a document.
    public init(json: some Collection<UInt8>, source: String) throws {
        do {
            self = try JSONDecoder().decode(DocumentObject.self, from: Data(json))
        } catch let e as DecodingError {
            throw LoupeError.invalidDocument(source: source, reason: e.reason)
        }
    }

    /// Parses JSON text holding an array of values (documents). Malformed JSON throws
    /// `LoupeError.invalidDocument` with `source` and the parser's reason.
    public static func array(json: some Collection<UInt8>, source: String) throws -> [DocumentObject] {
        do {
            return try JSONDecoder().decode([DocumentObject].self, from: Data(json))
        } catch let e as DecodingError {
            throw LoupeError.invalidDocument(source: source, reason: e.reason)
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
