import Foundation
import Loupe

/// Turns one JSON object (a JSON Lines line or an array element) into a `Document`.
///
/// `id` (string or integer) is required; `date` is optional (ISO-8601 string, or seconds since
/// 1970 as a number; null for none); every other key must be a field of the schema with a string
/// (or null) value. Keys the schema does not know are an error, or dropped with `ignoreUnknown`.
struct RecordParser {
    let schema: Schema
    let ignoreUnknown: Bool
    private let fieldNames: Set<String>

    init(schema: Schema, ignoreUnknown: Bool) {
        self.schema = schema
        self.ignoreUnknown = ignoreUnknown
        fieldNames = Set(schema.fields.map(\.name))
    }


    func document(from bytes: [UInt8], source: String) throws -> Document {
        func bad(_ reason: String) -> LoupeError { .invalidDocument(source: source, reason: reason) }
        if let offset = firstInvalidUTF8(bytes) {
            throw bad("invalid UTF-8 (byte \(offset + 1) of the record)")
        }
        let record: RawRecord
        do {
            record = try decoder.decode(RawRecord.self, from: Data(bytes))
        } catch let e as DecodingError {
            throw bad(RecordParser.explain(e))
        }
        var id: String?
        var date: Int64?
        var fields: [String: String] = [:]
        var unknown: [String] = []
        for (key, value) in record.values {
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
                        throw bad("bad date \(quoted(s)) (expected ISO-8601, such as 2025-06-01 or 2025-06-01T12:00:00Z)")
                    }
                    date = d
                case let .integer(i): date = i
                case let .double(d) where d.isFinite && abs(d) < 1e15: date = Int64(d)
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
        if !unknown.isEmpty && !ignoreUnknown {
            unknown.sort()
            let names = unknown.map { "\"\($0)\"" }.joined(separator: ", ")
            throw bad("unknown field\(unknown.count == 1 ? "" : "s") \(names) (the schema has id, date, \(schema.fields.map(\.name).joined(separator: ", ")); use --ignore-unknown to drop other keys)")
        }
        guard let id else { throw bad("the record has no \"id\"") }
        guard !id.isEmpty else { throw bad("the record's \"id\" is empty") }
        return Document(id: id, fields: fields, date: date)
    }

    private let decoder = JSONDecoder()

    private func quoted(_ s: String) -> String {
        "'" + (s.count > 40 ? String(s.prefix(40)) + "…" : s) + "'"
    }

    static func explain(_ e: DecodingError) -> String {
        switch e {
        case let .typeMismatch(_, ctx) where ctx.codingPath.isEmpty:
            return "expected a JSON object"
        case let .dataCorrupted(ctx):
            var detail = ctx.debugDescription
            if let underlying = ctx.underlyingError as NSError?,
               let d = underlying.userInfo[NSDebugDescriptionErrorKey] as? String { detail = d }
            detail = detail.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
            return "malformed JSON" + (detail.isEmpty || detail.hasPrefix("The given data was not valid JSON") ? "" : " (\(detail))")
        default:
            return "malformed JSON"
        }
    }
}

/// A JSON object's members, in any order, with their values classified.
struct RawRecord: Decodable {
    enum Value {
        case string(String), integer(Int64), double(Double), bool(Bool), null, other

        var kind: String {
            switch self {
            case .string: return "a string"
            case .integer, .double: return "a number"
            case .bool: return "a boolean"
            case .null: return "null"
            case .other: return "an array or object"
            }
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    var values: [(String, Value)] = []

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        values.reserveCapacity(c.allKeys.count)
        for key in c.allKeys {
            let v: Value
            if let s = try? c.decode(String.self, forKey: key) { v = .string(s) }
            else if try c.decodeNil(forKey: key) { v = .null }
            else if let i = try? c.decode(Int64.self, forKey: key) { v = .integer(i) }
            else if let d = try? c.decode(Double.self, forKey: key) { v = .double(d) }
            else if let b = try? c.decode(Bool.self, forKey: key) { v = .bool(b) }
            else { v = .other }
            values.append((key.stringValue, v))
        }
    }
}

/// Offset of the first byte that is not part of valid UTF-8, or nil.
func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBufferPointer { b -> Int? in
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            var need = 0
            var min: UInt32 = 0
            var cp: UInt32 = 0
            switch c {
            case 0xC2...0xDF: need = 1; min = 0x80; cp = UInt32(c & 0x1F)
            case 0xE0...0xEF: need = 2; min = 0x800; cp = UInt32(c & 0x0F)
            case 0xF0...0xF4: need = 3; min = 0x10000; cp = UInt32(c & 0x07)
            default: return i
            }
            guard i + need < n else { return i }
            for k in 1...need {
                let cc = b[i + k]
                guard cc & 0xC0 == 0x80 else { return i }
                cp = cp << 6 | UInt32(cc & 0x3F)
            }
            if cp < min || cp > 0x10FFFF || (0xD800...0xDFFF).contains(cp) { return i }
            i += need + 1
        }
        return nil
    }
}
