/// A strict JSON reader (RFC 8259) for documents: what `DocumentObject` parses with.
///
/// It rejects what a lenient parser lets through and would otherwise reach the index unseen or
/// be reported misleadingly: trailing commas, duplicate keys (at any depth: the second value
/// would never be validated), raw control characters and unknown escapes in strings, lone
/// surrogates, malformed numbers, nesting deeper than `maxDepth`, data after the value. A
/// number is an integer only when written as one (`-12`, not `1E2` or `1.0`) and it fits in
/// 64 bits.
struct StrictJSON {
    /// A syntax error: what is wrong and on which line of the text (1-based).
    struct Failure: Error {
        var reason: String
        var line: Int
    }

    indirect enum Value {
        case string(String)
        case integer(Int64)
        case number(Double)
        case bool(Bool)
        case null
        case array([Value])
        case object([(String, Value)])
    }

    static let maxDepth = 512

    private let b: UnsafeBufferPointer<UInt8>
    private var i = 0

    private init(_ b: UnsafeBufferPointer<UInt8>) { self.b = b }

    /// The one value `json` holds (a leading UTF-8 byte-order mark is allowed).
    static func parse(_ json: some Collection<UInt8>) throws -> Value {
        let bytes = Array(json)
        return try bytes.withUnsafeBufferPointer { buffer in
            var reader = StrictJSON(buffer)
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { reader.i = 3 }
            reader.skipSpace()
            guard reader.i < buffer.count else { throw reader.fail("no JSON value (the text is empty)") }
            let v = try reader.value(depth: 0)
            reader.skipSpace()
            if reader.i < buffer.count { throw reader.fail("unexpected \(reader.describe(reader.i)) after the JSON value") }
            return v
        }
    }

    private func fail(_ reason: String, at offset: Int? = nil) -> Failure {
        let end = min(offset ?? i, b.count)
        var line = 1
        for k in 0..<end where b[k] == 0x0A { line += 1 }
        return Failure(reason: reason, line: line)
    }

    /// The byte at `k` for a message: `'x'`, or a control character's name.
    private func describe(_ k: Int) -> String {
        guard k < b.count else { return "the end of the text" }
        let c = b[k]
        if c < 0x20 || c == 0x7F { return Self.controlName(c) }
        if c < 0x80 { return "'\(Character(Unicode.Scalar(c)))'" }
        return "a non-ASCII character"
    }

    private static func controlName(_ c: UInt8) -> String {
        let hex = String(c, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: 4 - hex.count) + hex
        switch c {
        case 0x09: return "a raw tab (\(code))"
        case 0x0A: return "a raw line feed (\(code))"
        case 0x0D: return "a raw carriage return (\(code))"
        default: return "the control character \(code)"
        }
    }

    private mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
    }

    private mutating func value(depth: Int) throws -> Value {
        guard i < b.count else { throw fail("the text ends where a value was expected (truncated?)") }
        switch b[i] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: throw fail("unexpected \(describe(i)) where a value was expected")
        }
    }

    private mutating func literal(_ word: String) throws {
        let start = i
        let bytes = Array(word.utf8)
        guard i + bytes.count <= b.count, bytes.indices.allSatisfy({ b[start + $0] == bytes[$0] }) else {
            throw fail("unexpected \(describe(start)) where a value was expected", at: start)
        }
        i += bytes.count
    }

    private mutating func object(depth: Int) throws -> Value {
        guard depth <= Self.maxDepth else { throw fail("values nested more than \(Self.maxDepth) levels deep") }
        i += 1
        var members: [(String, Value)] = []
        var keys = Set<String>()
        skipSpace()
        if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipSpace()
            guard i < b.count else { throw fail("the text ends inside an object (truncated?)") }
            guard b[i] == UInt8(ascii: "\"") else {
                if b[i] == UInt8(ascii: "}"), !members.isEmpty { throw fail("a trailing comma before '}'") }
                throw fail("expected a key in double quotes, found \(describe(i))")
            }
            let keyStart = i
            let key = try string()
            guard keys.insert(key).inserted else { throw fail("duplicate key \"\(key)\"", at: keyStart) }
            skipSpace()
            guard i < b.count else { throw fail("the text ends inside an object (truncated?)") }
            guard b[i] == UInt8(ascii: ":") else { throw fail("expected ':' after the key \"\(key)\", found \(describe(i))") }
            i += 1
            skipSpace()
            members.append((key, try value(depth: depth)))
            skipSpace()
            guard i < b.count else { throw fail("the text ends inside an object (truncated?)") }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw fail("expected ',' or '}' after the value of \"\(key)\", found \(describe(i))")
        }
    }

    private mutating func array(depth: Int) throws -> Value {
        guard depth <= Self.maxDepth else { throw fail("values nested more than \(Self.maxDepth) levels deep") }
        i += 1
        var items: [Value] = []
        skipSpace()
        if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipSpace()
            guard i < b.count else { throw fail("the text ends inside an array (truncated?)") }
            if b[i] == UInt8(ascii: "]"), !items.isEmpty { throw fail("a trailing comma before ']'") }
            items.append(try value(depth: depth))
            skipSpace()
            guard i < b.count else { throw fail("the text ends inside an array (truncated?)") }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw fail("expected ',' or ']' in an array, found \(describe(i))")
        }
    }

    private mutating func string() throws -> String {
        let open = i
        i += 1
        var out: [UInt8] = []
        var runStart = i
        while true {
            guard i < b.count else { throw fail("the text ends inside a string (truncated?)", at: open) }
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                out.append(contentsOf: b[runStart..<i])
                i += 1
                break
            }
            if c < 0x20 {
                throw fail("\(Self.controlName(c)) inside a string: control characters must be escaped (\\t, \\n, \\u0009)")
            }
            if c != UInt8(ascii: "\\") { i += 1; continue }
            out.append(contentsOf: b[runStart..<i])
            guard i + 1 < b.count else { throw fail("the text ends inside a string (truncated?)", at: open) }
            let e = b[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else {
                        throw fail("invalid escape in a string: \\u\(String(scalar, radix: 16)) is half of a surrogate pair")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw fail("invalid escape in a string: \\u\(String(scalar, radix: 16)) is half of a surrogate pair")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw fail("invalid escape in a string: \\u\(String(scalar, radix: 16)) is half of a surrogate pair")
                }
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
            default:
                throw fail("invalid escape '\\\(e < 0x20 || e >= 0x80 ? "…" : String(Character(Unicode.Scalar(e))))' in a string (JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", at: i - 2)
            }
            runStart = i
        }
        let s = String(decoding: out, as: UTF8.self)
        guard s.utf8.elementsEqual(out) else { throw fail("invalid UTF-8 in a string", at: open) }
        return s
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= b.count else { throw fail("the text ends inside a \\u escape (truncated?)") }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = b[i + k]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid escape in a string: \\u needs four hexadecimal digits")
            }
            v = v << 4 | d
        }
        i += 4
        return v
    }

    private mutating func number() throws -> Value {
        let start = i
        func digits() -> Int {
            let s = i
            while i < b.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[i]) { i += 1 }
            return i - s
        }
        if b[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        let n = digits()
        guard n > 0 else { throw fail("invalid number: '-' must be followed by digits", at: start) }
        if n > 1, b[intStart] == UInt8(ascii: "0") { throw fail("invalid number: a leading zero", at: start) }
        var integral = true
        if i < b.count, b[i] == UInt8(ascii: ".") {
            integral = false
            i += 1
            guard digits() > 0 else { throw fail("invalid number: '.' must be followed by digits", at: start) }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            integral = false
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw fail("invalid number: the exponent has no digits", at: start) }
        }
        let text = String(decoding: b[start..<i], as: UTF8.self)
        if integral, let v = Int64(text) { return .integer(v) }
        guard let d = Double(text) else { throw fail("invalid number '\(text)'", at: start) }
        return .number(d)
    }
}
