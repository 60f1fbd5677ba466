import Foundation
import Loupe

/// Maps JSON request bodies to `Document`s, following the index's schema.
///
/// A document is a JSON object: `id` (string, or integer), `date` (ISO-8601 string, or seconds
/// since 1970 as an integer; null or absent for none) and the schema's fields as strings (null
/// for none). Any other key is rejected: silently dropping text would lose it from the archive.
struct DocumentMapping {
    let schema: Schema
    private let fieldNames: Set<String>

    init(schema: Schema) {
        self.schema = schema
        fieldNames = Set(schema.fields.map(\.name))
    }

    /// `source` names the document in errors ("document 3", "line 7").
    /// `pathID` is the id from the URL of `PUT /documents/{id}`; a body `id` must agree with it.
    func document(from value: JSON, source: String, pathID: String? = nil) throws -> Document {
        func bad(_ reason: String) -> APIError {
            .badRequest(source.isEmpty ? "invalid document: \(reason)" : "\(source): \(reason)")
        }
        guard case let .object(members) = value else { throw bad("expected a JSON object, not \(value.kind)") }
        var id: String?
        var date: Int64?
        var fields: [String: String] = [:]
        var unknown: [String] = []
        for (key, value) in members {
            switch key {
            case "id":
                switch value {
                case let .string(s): id = s
                case let .int(i): id = String(i)
                case .null: id = nil
                default: throw bad("\"id\" must be a string, not \(value.kind)")
                }
            case "date":
                switch value {
                case let .string(s):
                    guard let d = ISODate.parse(s) else {
                        throw bad("bad date '\(s.prefix(40))' (expected ISO-8601, such as 2025-06-01 or 2025-06-01T12:00:00Z)")
                    }
                    date = d
                case let .int(i): date = i
                case .null: date = nil
                default: throw bad("\"date\" must be an ISO-8601 string, not \(value.kind)")
                }
            default:
                guard fieldNames.contains(key) else { unknown.append(key); continue }
                switch value {
                case let .string(s): fields[key] = s
                case .null: continue
                default: throw bad("field \"\(key)\" must be a string, not \(value.kind)")
                }
            }
        }
        if !unknown.isEmpty {
            let names = unknown.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            throw bad("unknown field\(unknown.count == 1 ? "" : "s") \(names) (the schema has id, date, \(schema.fields.map(\.name).joined(separator: ", ")))")
        }
        if let pathID {
            if let id, id != pathID { throw bad("the body's \"id\" '\(id)' differs from the id in the URL '\(pathID)'") }
            id = pathID
        }
        guard let id else { throw bad("the document has no \"id\"") }
        guard !id.isEmpty else { throw bad("the document's \"id\" is empty") }
        return Document(id: id, fields: fields, date: date)
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
