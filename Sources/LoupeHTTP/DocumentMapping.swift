import Foundation
import Loupe

/// Maps JSON request bodies to `Document`s, following the index's schema.
///
/// A document is a JSON object: `id` (string, or integer), `date` (ISO-8601 string, or seconds
/// since 1970 as an integer; null or absent for none) and the schema's fields as strings (null
/// for none). Any other key is rejected: silently dropping text would lose it from the archive.
struct DocumentMapping {
    let schema: Schema

    init(schema: Schema) {
        self.schema = schema
    }

    /// `source` names the document in errors ("document 3", "line 7").
    /// `pathID` is the id from the URL of `PUT /documents/{id}`; a body `id` must agree with it.
    /// The field rules themselves are the library's (`Schema.document(members:source:)`).
    func document(from value: JSON, source: String, pathID: String? = nil) throws -> Document {
        func bad(_ reason: String) -> APIError {
            .badRequest(source.isEmpty ? "invalid document: \(reason)" : "\(source): \(reason)")
        }
        guard case let .object(members) = value else { throw bad("expected a JSON object, not \(value.kind)") }
        var converted: [(String, DocumentValue)] = members.map { key, v in
            switch v {
            case let .string(s): return (key, .string(s))
            case let .int(i): return (key, .integer(i))
            case let .double(d): return (key, .number(d))
            case let .bool(b): return (key, .bool(b))
            case .null: return (key, .null)
            case .array, .object: return (key, .other)
            }
        }
        if let pathID {
            for (key, v) in converted where key == "id" {
                let bodyID: String? = { if case let .string(s) = v { return s }; if case let .integer(i) = v { return String(i) }; return nil }()
                if let bodyID, bodyID != pathID { throw bad("the body's \"id\" '\(bodyID)' differs from the id in the URL '\(pathID)'") }
            }
            // A well-typed body id is replaced by the URL's; an ill-typed one stays, to be reported.
            converted.removeAll { key, v in
                guard key == "id" else { return false }
                switch v { case .string, .integer, .null: return true; default: return false }
            }
            converted.append(("id", .string(pathID)))
        }
        do {
            return try schema.document(members: converted, source: source)
        } catch let e as LoupeError {
            throw APIError.badRequest(e.description)
        }
    }

    /// A batch body: a JSON array of documents, or NDJSON (one object per line).
    func documents(fromBatch bytes: [UInt8]) throws -> [Document] {
        guard let first = bytes.firstIndex(where: { !Self.isSpace($0) }) else {
            throw APIError.badRequest("the request body is empty (send a JSON array of documents or NDJSON)")
        }
        if bytes[first] == UInt8(ascii: "[") {
            let value: JSON
            do { value = try JSON.parse(bytes) } catch let e as JSON.ParseError { throw APIError.badRequest("the body is not a JSON array: \(e.reason)") }
            guard case let .array(items) = value else { throw APIError.badRequest("the body is not a JSON array") }
            return try items.enumerated().map { i, item in try document(from: item, source: "document \(i + 1)") }
        }
        // NDJSON: one object per non-blank line.
        var docs: [Document] = []
        var line = 0
        for slice in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            line += 1
            guard slice.contains(where: { !Self.isSpace($0) }) else { continue }
            let value: JSON
            do { value = try JSON.parse(slice) } catch let e as JSON.ParseError { throw APIError.badRequest("line \(line): \(e.reason)") }
            docs.append(try document(from: value, source: "line \(line)"))
        }
        return docs
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}
