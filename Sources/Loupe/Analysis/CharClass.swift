// Character classes used by the tokenizer, looked up by scalar value.

/// Tokenizer classes of Unicode scalars.
@usableFromInline
enum CharClass {
    /// Ends a word.
    static let separator: UInt8 = 0
    /// Starts or continues a word: letters (L*) and numbers (N*).
    static let word: UInt8 = 1
    /// Continues a word but does not start one: combining marks (M*), so NFD text stays one word.
    static let mark: UInt8 = 2
    /// ' ’ ʼ ＇: joins two word characters; removed from the term (possessive 's dropped).
    static let apostrophe: UInt8 = 3
    /// Invisible characters that may sit inside a word (soft hyphen, ZWNJ, ZWJ, word joiner):
    /// they continue a word and are removed from the term.
    static let ignorable: UInt8 = 4

    static func classify(_ s: Unicode.Scalar) -> UInt8 {
        switch s.value {
        case 0x27, 0x2019, 0x02BC, 0xFF07: return apostrophe
        case 0xAD, 0x200C, 0x200D, 0x2060: return ignorable
        default: break
        }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return word
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return mark
        default:
            return separator
        }
    }

    /// Class of every BMP scalar (64 KiB, built once); the ASCII part is the fast-path table.
    nonisolated(unsafe) static let bmp: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x10000)
        for v in 0..<0x10000 {
            if let s = Unicode.Scalar(UInt32(v)) {
                table[v] = classify(s)
            } else {
                table[v] = separator  // surrogate code points never occur in valid UTF-8
            }
        }
        return UnsafePointer(table)
    }()

    @inline(__always)
    static func of(_ v: UInt32, _ table: UnsafePointer<UInt8>) -> UInt8 {
        if v < 0x10000 { return table[Int(v)] }
        guard let s = Unicode.Scalar(v) else { return separator }
        return classify(s)
    }
}

/// Decodes the scalar starting at `p[i]` from valid UTF-8 (Swift strings are always valid).
@inline(__always)
func decodeUTF8(_ p: UnsafePointer<UInt8>, _ i: Int) -> (value: UInt32, length: Int) {
    let b0 = UInt32(p[i])
    if b0 < 0x80 { return (b0, 1) }
    if b0 < 0xE0 {
        return ((b0 & 0x1F) << 6 | (UInt32(p[i + 1]) & 0x3F), 2)
    }
    if b0 < 0xF0 {
        return ((b0 & 0x0F) << 12 | (UInt32(p[i + 1]) & 0x3F) << 6 | (UInt32(p[i + 2]) & 0x3F), 3)
    }
    return ((b0 & 0x07) << 18 | (UInt32(p[i + 1]) & 0x3F) << 12
            | (UInt32(p[i + 2]) & 0x3F) << 6 | (UInt32(p[i + 3]) & 0x3F), 4)
}
