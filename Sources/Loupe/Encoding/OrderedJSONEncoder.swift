/// Encodes `Encodable` values as JSON text with object keys in the order they were encoded.
///
/// Foundation's `JSONEncoder` either sorts keys or leaves them in an unspecified order; the
/// JSON that Loupe prints (`loupe search --json`, `loupe get`, the HTTP API) is read by people
/// too, so `id` comes before `score` and a document's fields come in schema order. Every JSON
/// output of the command-line tool and of the HTTP service goes through this encoder.
///
/// Numbers: integers as written; a finite `Double` in Swift's shortest round-trip form
/// (`2.0`, `0.1`, `1e-05`); infinities and NaN as `null`. Strings escape `"`, `\`, control
/// characters and U+2028/U+2029 (so the text is safe inside JavaScript too), and also C1
/// controls and the bidirectional formatting characters (U+061C, U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069) as `\uXXXX`: the same JSON to a parser, but a document's
/// text printed to a terminal (`loupe get`) cannot reorder or restyle what is shown.
///
///     let text = try OrderedJSONEncoder(formatting: .pretty).encode(stats)
public struct OrderedJSONEncoder: Sendable {
    /// How the text is laid out.
    public enum Formatting: Sendable {
        /// One line, no spaces: `{"id":"a","score":1.5}`.
        case compact
        /// Indented by two spaces, one member per line, `": "` after keys; an array of
        /// numbers, strings or literals stays on one line (`[6, 9]`).
        case pretty
    }

    /// The layout of the text this encoder writes.
    public var formatting: Formatting

    /// An encoder writing `formatting` (compact by default).
    public init(formatting: Formatting = .compact) {
        self.formatting = formatting
    }

    /// The JSON text of `value`. Throws only what `value`'s own `encode(to:)` throws.
    public func encode<T: Encodable>(_ value: T) throws -> String {
        let node = try JSONTreeEncoder.node(for: value, codingPath: [])
        var out = ""
        JSONText.write(node, to: &out, pretty: formatting == .pretty, indent: 0)
        return out
    }
}

// MARK: - The tree built while encoding

/// A value being encoded. Scalars are kept as their finished JSON text; objects and arrays are
/// references so that a container handed out earlier can still be filled.
enum JSONNode {
    case scalar(String)
    case object(JSONObjectBox)
    case array(JSONArrayBox)
    /// A value encoded through `superEncoder()`: whatever that encoder ends up holding.
    case deferred(JSONTreeEncoder)
}

final class JSONObjectBox {
    var members: [(String, JSONNode)] = []
}

final class JSONArrayBox {
    var items: [JSONNode] = []
}

// MARK: - Writing text

enum JSONText {
    static func write(_ node: JSONNode, to out: inout String, pretty: Bool, indent: Int) {
        switch node {
        case let .scalar(text):
            out += text
        case let .deferred(encoder):
            write(encoder.node ?? .object(JSONObjectBox()), to: &out, pretty: pretty, indent: indent)
        case let .object(box):
            if box.members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in box.members.enumerated() {
                if i > 0 { out += "," }
                if pretty { newline(&out, indent + 1) }
                writeString(key, to: &out)
                out += pretty ? ": " : ":"
                write(value, to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out += "}"
        case let .array(box):
            if box.items.isEmpty { out += "[]"; return }
            if pretty, box.items.allSatisfy({ if case .scalar = $0 { return true }; return false }) {
                // Numbers and short values read better on one line: "highlights": [[6, 9]].
                out += "["
                for (i, value) in box.items.enumerated() {
                    if i > 0 { out += ", " }
                    write(value, to: &out, pretty: pretty, indent: indent)
                }
                out += "]"
                return
            }
            out += "["
            for (i, value) in box.items.enumerated() {
                if i > 0 { out += "," }
                if pretty { newline(&out, indent + 1) }
                write(value, to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out += "]"
        }
    }

    private static func newline(_ out: inout String, _ indent: Int) {
        out += "\n"
        for _ in 0..<indent { out += "  " }
    }

    static func number(_ d: Double) -> String { d.isFinite ? "\(d)" : "null" }

    static func string(_ s: String) -> String {
        var out = ""
        writeString(s, to: &out)
        return out
    }

    /// Appends `s` as a JSON string literal (quotes, escapes; U+2028/2029 escaped too).
    static func writeString(_ s: String, to out: inout String) {
        // Most strings (ids, words, dates) need no escape: one scan of their UTF-8 and one
        // append. 0xE2 leads U+2028/2029 and the bidirectional marks, 0xC2 the C1 controls,
        // 0xD8 U+061C (and other characters, which take the slow path).
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != 0x7F && $0 != 0xE2 && $0 != 0xC2 && $0 != 0xD8 }) {
            out += "\""
            out += s
            out += "\""
            return
        }
        out += "\""
        TextEscaping.append(s, to: &out) { u in
            switch u {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case "\n": return "\\n"
            case "\r": return "\\r"
            case "\t": return "\\t"
            // U+2028/2029 are legal in JSON but not in JavaScript source; escape them as well.
            case "\u{2028}": return "\\u2028"
            case "\u{2029}": return "\\u2029"
            default:
                switch u.value {
                case 0..<0x20, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: break
                default: return nil
                }
                let hex = String(u.value, radix: 16)
                return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        out += "\""
    }
}
