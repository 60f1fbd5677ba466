/// The loop shared by the JSON and HTML escapers.
enum TextEscaping {
    /// Appends `s` to `out`, replacing each scalar for which `replacement` returns a string.
    static func append<S: StringProtocol>(_ s: S, to out: inout String, replacing replacement: (Unicode.Scalar) -> String?) {
        for u in s.unicodeScalars {
            if let r = replacement(u) { out += r } else { out.unicodeScalars.append(u) }
        }
    }
}
