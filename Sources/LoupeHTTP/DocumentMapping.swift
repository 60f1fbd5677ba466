import Foundation
import Loupe

/// Maps JSON request bodies to `Document`s with the library's reader (`DocumentObject`) and
/// rules (`Schema.document(_:source:)`), the same as `loupe add`.
///
/// A document is a JSON object: `id` (string, or integer), `date` (ISO-8601 string, or seconds
/// since 1970 as an integer; null or absent for none) and the schema's fields: text and keyword
/// fields as strings, number fields as numbers, date fields as ISO-8601 strings or seconds, a
/// multi-valued field as an array of those (null for none). Any other key, or a value of the
/// wrong kind, is rejected (400): silently dropping text would lose it from the archive.
struct DocumentMapping {
    let schema: Schema

    init(schema: Schema) {
        self.schema = schema
    }

    /// The document in the body of `PUT /documents/{pathID}`. A body `id` may be left out;
    /// when present it must be a string equal to the URL's (null, a number or anything else
    /// is a 400: the id is the URL's, and a body that says otherwise is a mistake).
    func document(fromBody bytes: [UInt8], pathID: String) throws -> Document {
        var object = try badRequest { try DocumentObject(json: bytes, source: "") }
        for (key, v) in object.members where key == "id" {
            guard case let .string(bodyID) = v else {
                throw APIError.badRequest("invalid document: the body's \"id\" must be a string (the id in the URL, '\(pathID)') or left out, not \(v.kind)")
            }
            if bodyID != pathID {
                throw APIError.badRequest("invalid document: the body's \"id\" '\(bodyID)' differs from the id in the URL '\(pathID)'")
            }
        }
        object.members.removeAll { key, _ in key == "id" }
        object.members.append(("id", .string(pathID)))
        return try document(object, source: "")
    }

    /// A batch body: a JSON array of documents, or NDJSON (one object per line).
    func documents(fromBatch bytes: [UInt8]) throws -> [Document] {
        guard let first = bytes.firstIndex(where: { !Self.isSpace($0) }) else {
            throw APIError.badRequest("the request body is empty (send a JSON array of documents or NDJSON)")
        }
        if bytes[first] == UInt8(ascii: "[") {
            let objects: [DocumentObject]
            do {
                objects = try DocumentObject.array(json: bytes, source: "")
            } catch let LoupeError.invalidDocument(_, reason) {
                throw APIError.badRequest("the body is not a JSON array: \(reason)")
            }
            return try objects.enumerated().map { i, object in try document(object, source: "document \(i + 1)") }
        }
        // NDJSON: one object per non-blank line.
        var docs: [Document] = []
        var line = 0
        for slice in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            line += 1
            guard slice.contains(where: { !Self.isSpace($0) }) else { continue }
            let source = "line \(line)"
            let object = try badRequest { try DocumentObject(json: slice, source: source) }
            docs.append(try document(object, source: source))
        }
        return docs
    }

    private func document(_ object: DocumentObject, source: String) throws -> Document {
        try badRequest { try schema.document(object, source: source) }
    }

    /// Runs `body`, answering a rejected document with 400.
    private func badRequest<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as LoupeError { throw APIError.badRequest(e.description) }
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}
