/// One member value of a JSON object, as the document front ends (the CLI's readers, the HTTP
/// service) classify it after parsing with their own JSON parsers.
public enum DocumentValue: Sendable, Equatable {
    /// A JSON string.
    case string(String)
    /// A JSON number without fraction or exponent that fits in 64 bits.
    case integer(Int64)
    /// Any other JSON number.
    case number(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// An array or an object.
    case other

    /// "a string", "a number", ... for error messages.
    public var kind: String {
        switch self {
        case .string: return "a string"
        case .integer, .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        case .other: return "an array or object"
        }
    }
}

extension Schema {
    /// Builds a document from a JSON object's members with the rules every front end shares:
    /// `id` is a string (or an integer) and required; `date` is an ISO-8601 string, or seconds
    /// since 1970 as a number, or null, within years 0001 to 9999 (`ISODate.range`); every other key must be a field of this schema with a
    /// string (or null) value. Unknown keys are an error naming them (append `unknownHint`, e.g.
    /// how to drop them) unless `ignoreUnknown`. Errors are `LoupeError.invalidDocument` with
    /// `source` (such as "news.jsonl:12" or "document 3").
    public func document<Members: Sequence>(members: Members, source: String, ignoreUnknown: Bool = false,
                                            unknownHint: String = "") throws -> Document
    where Members.Element == (String, DocumentValue) {
        func bad(_ reason: String) -> LoupeError { .invalidDocument(source: source, reason: reason) }
        let names = Set(fields.map(\.name))
        var id: String?
        var date: Int64?
        var values: [String: String] = [:]
        var unknown: [String] = []
        for (key, value) in members {
            switch key {
            case "id":
                switch value {
                case let .string(s): id = s
                case let .integer(i): id = String(i)
                case .null: id = nil
                default: throw bad("\"id\" must be a string, not \(value.kind)")
                }
            case "date":
                switch value {
                case let .string(s):
                    guard let d = ISODate.parse(s) else {
                        let shown = s.count > 40 ? String(s.prefix(40)) + "…" : s
                        throw bad("bad date '\(shown)' (expected ISO-8601, such as 2025-06-01 or 2025-06-01T12:00:00Z)")
                    }
                    if let why = ISODate.rangeViolation(d) { throw bad("bad date '\(s)': \(why)") }
                    date = d
                case let .integer(i):
                    if let why = ISODate.rangeViolation(i) { throw bad("\"date\": \(why)") }
                    date = i
                case let .number(d) where d.isFinite && abs(d) < 1e15:
                    if let why = ISODate.rangeViolation(Int64(d)) { throw bad("\"date\": \(why)") }
                    date = Int64(d)
                case .number:
                    throw bad("\"date\": \(ISODate.rangeViolation(Int64.max)!)")
                case .null: date = nil
                default: throw bad("\"date\" must be an ISO-8601 string, not \(value.kind)")
                }
            default:
                guard names.contains(key) else { unknown.append(key); continue }
                switch value {
                case let .string(s): values[key] = s
                case .null: continue
                default: throw bad("field \"\(key)\" must be a string, not \(value.kind)")
                }
            }
        }
        if !unknown.isEmpty && !ignoreUnknown {
            let list = unknown.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            throw bad("unknown field\(unknown.count == 1 ? "" : "s") \(list) (the schema has id, date, \(fields.map(\.name).joined(separator: ", "))\(unknownHint))")
        }
        guard let id else { throw bad("the document has no \"id\"") }
        guard !id.isEmpty else { throw bad("the document's \"id\" is empty") }
        return Document(id: id, fields: values, date: date)
    }
}
