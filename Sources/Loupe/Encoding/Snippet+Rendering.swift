/// Escapes text for HTML element content and quoted attribute values.
public enum HTMLText {
    /// `s` with `&`, `<`, `>`, `"` and `'` replaced by character references.
    public static func escape<S: StringProtocol>(_ s: S) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        TextEscaping.append(s, to: &out) { c in
            switch c {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\"": return "&quot;"
            case "'": return "&#39;"
            default: return nil
            }
        }
        return out
    }
}

extension Snippet {
    /// The passage as HTML: its text escaped, each match inside `<mark>` … `</mark>`.
    public var html: String {
        rendered(open: "<mark>", close: "</mark>", escape: HTMLText.escape)
    }

    /// The highlights as UTF-16 offsets into `text` (JavaScript string indices), where
    /// `highlights` holds UTF-8 byte offsets.
    public var utf16Highlights: [Range<Int>] {
        let bytes = Array(text.utf8)
        func utf16(_ n: Int) -> Int { String(decoding: bytes[0..<min(n, bytes.count)], as: UTF8.self).utf16.count }
        return highlights.map { utf16($0.lowerBound)..<utf16($0.upperBound) }
    }
}
