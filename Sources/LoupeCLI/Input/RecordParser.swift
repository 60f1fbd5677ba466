import Foundation
import Loupe

/// Turns one JSON object (a JSON Lines line or an array element) into a `Document`.
///
/// `id` (string or integer) is required; `date` is optional (ISO-8601 string, or seconds since
/// 1970 as a number; null for none); every other key must be a field of the schema with a value
/// of its type (`Schema.document(members:source:ignoreUnknown:unknownHint:)`: a string for text
/// and keyword fields, a number, a date, an array for a multi-valued field; null for none). Keys
/// the schema does not know are an error, or dropped with `ignoreUnknown`.
struct RecordParser {
    let schema: Schema
    let ignoreUnknown: Bool

    init(schema: Schema, ignoreUnknown: Bool) {
        self.schema = schema
        self.ignoreUnknown = ignoreUnknown
    }

    /// `sourceOfLine(n)` names the n-th line of a record spanning lines (an array element).
    func document(from bytes: [UInt8], source: String, sourceOfLine: ((Int) -> String)? = nil) throws -> Document {
        func bad(_ reason: String) -> LoupeError { .invalidDocument(source: source, reason: reason) }
        if let offset = firstInvalidUTF8(bytes) {
            throw bad("invalid UTF-8 (byte \(offset + 1) of the record)")
        }
        let object = try DocumentObject(json: bytes, source: source, sourceOfLine: sourceOfLine)
        return try schema.document(object, source: source, ignoreUnknown: ignoreUnknown,
                                   unknownHint: "; use --ignore-unknown to drop other keys")
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
