import Foundation

/// The parameters of a URL query string (`a=1&b=x+y`), decoded as HTML forms encode them:
/// `+` is a space, `%XX` a byte of UTF-8. The last of repeated keys wins in `subscript`;
/// `all(_:)` gives every value of a repeatable key (`filter`, `facet`) in order.
struct QueryString {
    private(set) var values: [String: String] = [:]
    private(set) var repeated: [String: [String]] = [:]

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = QueryString.decode(parts[0])
            let value = parts.count > 1 ? QueryString.decode(parts[1]) : ""
            values[key] = value
            repeated[key, default: []].append(value)
        }
    }

    subscript(key: String) -> String? { values[key] }

    /// Every non-blank value of `key`, in the order given.
    func all(_ key: String) -> [String] {
        (repeated[key] ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The value trimmed, "" when given blank (`limit=`), nil when absent: for parameters
    /// whose blank value is an error (a number, a boolean), not "the default".
    func given(_ key: String) -> String? {
        values[key]?.trimmingCharacters(in: .whitespaces)
    }

    /// The value, or nil when absent or blank.
    func nonEmpty(_ key: String) -> String? {
        guard let v = values[key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }

    static func decode(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "+") { bytes.append(0x20); continue }
            if b == UInt8(ascii: "%"), it.count >= 2, let hi = hex(it[it.startIndex]), let lo = hex(it[it.startIndex + 1]) {
                bytes.append(hi << 4 | lo)
                it = it.dropFirst(2)
                continue
            }
            bytes.append(b)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    /// Percent-encodes `s` for a query value or a path segment (everything but unreserved characters).
    static func encode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// `a=1&b=2` from pairs, skipping nil values.
    static func build(_ pairs: [(String, String?)]) -> String {
        pairs.compactMap { k, v in v.map { "\(encode(k))=\(encode($0))" } }.joined(separator: "&")
    }
}
