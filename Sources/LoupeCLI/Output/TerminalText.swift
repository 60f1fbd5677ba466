/// Text from documents and queries made safe to print on a terminal.
///
/// A hostile document could otherwise spoof what the CLI shows: an ANSI escape sequence in a
/// title can recolour, clear or rewrite the screen, `\r` can overwrite the line's start, and a
/// bidirectional override (U+202E) can make `gpj.exe` read as `exe.jpg` or reorder an id. Such
/// characters are written as `\uXXXX`: C0 controls (but those listed in `keeping`), DEL, C1
/// controls, the bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E,
/// U+2066–U+2069) and the line and paragraph separators (U+2028, U+2029). Everything else
/// (accents, scripts written right to left, emoji) is printed as it is. JSON output needs none
/// of this: the JSON encoder escapes what JSON requires and a terminal shows JSON's escapes.
enum TerminalText {
    static func escaped(_ text: String, keeping: Set<Unicode.Scalar> = []) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0) && !keeping.contains($0) }) else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
        for s in text.unicodeScalars {
            if needsEscape(s) && !keeping.contains(s) {
                let hex = String(s.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }

    /// Escaped, keeping line breaks and tabs: for whole messages and lines the CLI writes.
    static func escapedKeepingLines(_ text: String) -> String { escaped(text, keeping: ["\n", "\t"]) }

    static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: return true
        default: return false
        }
    }
}
