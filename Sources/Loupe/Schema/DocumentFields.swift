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
    /// An array of scalar values (strings, numbers, booleans, nulls).
    case array([DocumentValue])
    /// An object, or an array holding arrays or objects.
    case other

    /// "a string", "a number", ... for error messages.
    public var kind: String {
        switch self {
        case .string: return "a string"
        case .integer, .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        case .array: return "an array"
        case .other: return "an object"
        }
    }
}

extension Schema {
    /// Builds a document from a JSON object's members with the rules every front end shares:
    /// `id` is a string (or an integer written with digits only, within 64 bits, taken as its
    /// digits; `1E2` or `1.0` is an error) and required; `date` is an ISO-8601 string, or seconds
    /// since 1970 as a number, or null, within years 0001 to 9999 (`ISODate.range`); every other key must be a field of this schema: a text
    /// field takes a string, a keyword field a string, a number field a number, a date field
    /// an ISO-8601 string or seconds since 1970; a multi-valued field also takes an array of
    /// those; null (or an empty array) means no value. Unknown keys are an error naming them
    /// (append `unknownHint`, e.g. how to drop them) unless `ignoreUnknown`. Errors are
    /// `LoupeError.invalidDocument` with `source` (such as "news.jsonl:12" or "document 3").
    public func document<Members: Sequence>(members: Members, source: String, ignoreUnknown: Bool = false,
                                            unknownHint: String = "") throws -> Document
    where Members.Element == (String, DocumentValue) {
        func bad(_ reason: String) -> LoupeError { .invalidDocument(source: source, reason: reason) }
        var id: String?
        var date: Int64?
        var values: [String: String] = [:]
        var typed: [String: [FieldValue]] = [:]
        var unknown: [String] = []
        for (key, value) in members {
            switch key {
            case "id":
                switch value {
                case let .string(s): id = s
                case let .integer(i): id = String(i)
                case .null: id = nil
                case .number:
                    // `1E2`, `1.0` or an integer past 64 bits: turning it into a string would
                    // not give back what was written.
                    throw bad("\"id\" must be a string or an integer written with digits only (such as 42), not a number with a fraction, an exponent or more than 64 bits: quote it")
                default: throw bad("\"id\" must be a string or an integer, not \(value.kind)")
                }
            case "date":
                if case .null = value { date = nil; continue }
                date = try Schema.dateValue(value, field: "date", bad: bad)
            default:
                guard let field = field(key) else { unknown.append(key); continue }
                switch field.type {
                case .text:
                    switch value {
                    case let .string(s): values[key] = s
                    case .null: continue
                    default: throw bad("field \"\(key)\" must be a string, not \(value.kind)")
                    }
                case .keyword, .number, .date:
                    let items: [DocumentValue]
                    switch value {
                    case .null: continue
                    case let .array(a):
                        guard field.multiValued else {
                            throw bad("field \"\(key)\" holds one value, not an array (make it \"multiValued\" in the schema)")
                        }
                        items = a
                    default: items = [value]
                    }
                    var out: [FieldValue] = []
                    out.reserveCapacity(items.count)
                    for item in items {
                        if case .null = item { continue }
                        out.append(try Schema.typedValue(item, field: field, bad: bad))
                    }
                    if !out.isEmpty { typed[key] = out }
                }
            }
        }
        if !unknown.isEmpty && !ignoreUnknown {
            let list = unknown.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            throw bad("unknown field\(unknown.count == 1 ? "" : "s") \(list) (the schema has id, date, \(fields.map(\.name).joined(separator: ", "))\(unknownHint))")
        }
        guard let id else { throw bad("the document has no \"id\"") }
        guard !id.isEmpty else { throw bad("the document's \"id\" is empty") }
        return Document(id: id, fields: values, date: date, values: typed)
    }

    /// One value of a keyword, number or date field.
    static func typedValue(_ value: DocumentValue, field: FieldDefinition, bad: (String) -> LoupeError) throws -> FieldValue {
        switch field.type {
        case .keyword:
            guard case let .string(s) = value else { throw bad("field \"\(field.name)\" must hold strings, not \(value.kind)") }
            guard s.utf8.count <= FieldValue.maxKeywordBytes else {
                throw bad("a value of field \"\(field.name)\" is longer than \(FieldValue.maxKeywordBytes) bytes")
            }
            return .keyword(s)
        case .number:
            switch value {
            case let .integer(i): return .number(Double(i))
            case let .number(d) where d.isFinite: return .number(d)
            case let .string(s):
                throw bad("field \"\(field.name)\" must hold numbers, not a string ('\(s.count > 40 ? String(s.prefix(40)) + "…" : s)')")
            default: throw bad("field \"\(field.name)\" must hold numbers, not \(value.kind)")
            }
        case .date:
            return .date(try dateValue(value, field: field.name, bad: bad))
        case .text:
            throw bad("field \"\(field.name)\" is a text field")
        }
    }

    /// A date from an ISO-8601 string or seconds since 1970, within `ISODate.range`.
    static func dateValue(_ value: DocumentValue, field: String, bad: (String) -> LoupeError) throws -> Int64 {
        let seconds: Int64
        switch value {
        case let .string(s):
            guard let d = ISODate.parse(s) else {
                let shown = s.count > 40 ? String(s.prefix(40)) + "…" : s
                throw bad("bad date '\(shown)' in \"\(field)\" (expected ISO-8601, such as 2025-06-01 or 2025-06-01T12:00:00Z)")
            }
            seconds = d
        case let .integer(i): seconds = i
        case let .number(d) where d.isFinite && abs(d) < 1e15: seconds = Int64(d)
        case .number: throw bad("\"\(field)\": \(ISODate.rangeViolation(Int64.max)!)")
        default: throw bad("\"\(field)\" must be an ISO-8601 string or seconds since 1970, not \(value.kind)")
        }
        if let why = ISODate.rangeViolation(seconds) { throw bad("\"\(field)\": \(why)") }
        return seconds
    }
}

extension FieldValue {
    /// The longest keyword value, in UTF-8 bytes.
    public static let maxKeywordBytes = 4096
}
