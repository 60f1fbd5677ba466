// Character classes used by the tokenizer, looked up by scalar value.

import CLoupeICU

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

    // Classes of analysis version 2 only (see `Analyzer.currentVersion`); the version-1 table
    // has `word` or `separator` there, as before versions were recorded.

    /// A letter or number of Han, Hiragana, Katakana or Hangul (and the marks and prolonged
    /// sound mark those scripts share): runs of these become overlapping bigrams.
    static let cjk: UInt8 = 5
    /// A letter or number of Thai, Lao, Khmer or Myanmar, written without spaces between
    /// words: runs of these are split by ICU's dictionary word breaker.
    static let southeastAsian: UInt8 = 6
    /// Starts an emoji: emoji presentation by default (🎉, 🇫 of a flag, 🏽), or a code point
    /// reserved for future emoji.
    static let emoji: UInt8 = 7
    /// Starts an emoji only when a variation selector 16 (U+FE0F) or a skin-tone modifier
    /// follows (❤️, ☀️); a separator otherwise, as text-presentation symbols (❤ © ™ ↔) are.
    static let textEmoji: UInt8 = 8

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

    /// The class of `s` in analysis version 2: as `classify`, except that letters and numbers
    /// of the CJK and Southeast Asian scripts get their own classes, and emoji stop being
    /// separators. ASCII classes are the same in both versions.
    static func classifyV2(_ s: Unicode.Scalar) -> UInt8 {
        let base = classify(s)
        let v = s.value
        if v < 0x80 { return base }
        switch base {
        case word:
            if let script = scriptClass(v) { return script }
            return word
        case separator:
            let p = s.properties
            if p.isEmojiPresentation { return emoji }
            let pictographic = loupe_is_extended_pictographic(v) != 0
            if pictographic && p.generalCategory == .unassigned { return emoji }  // future emoji
            if pictographic && p.isEmoji { return textEmoji }
            return separator
        default:
            return base
        }
    }

    /// `cjk` or `southeastAsian` for a letter or number of those scripts, by its Script, or for
    /// a Common one by its Script_Extensions (the prolonged sound mark ー is Hiragana and Katakana).
    private static func scriptClass(_ v: UInt32) -> UInt8? {
        switch loupe_script_group(v) {
        case LOUPE_SCRIPT_CJK: return cjk
        case LOUPE_SCRIPT_SOUTHEAST_ASIAN: return southeastAsian
        default: return nil
        }
    }

    /// Class of every BMP scalar (64 KiB, built once); the ASCII part is the fast-path table.
    /// Analysis version 1.
    nonisolated(unsafe) static let bmp: UnsafePointer<UInt8> = table(classify)

    /// Class of every BMP scalar in analysis version 2 (its ASCII part equals `bmp`'s).
    nonisolated(unsafe) static let bmpV2: UnsafePointer<UInt8> = table(classifyV2)

    private static func table(_ classify: (Unicode.Scalar) -> UInt8) -> UnsafePointer<UInt8> {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x10000)
        for v in 0..<0x10000 {
            if let s = Unicode.Scalar(UInt32(v)) {
                table[v] = classify(s)
            } else {
                table[v] = separator  // surrogate code points never occur in valid UTF-8
            }
        }
        return UnsafePointer(table)
    }

    /// The version-1 class of scalar `v`, looked up in `table` when it is in the BMP.
    @inline(__always)
    static func of(_ v: UInt32, _ table: UnsafePointer<UInt8>) -> UInt8 {
        if v < 0x10000 { return table[Int(v)] }
        guard let s = Unicode.Scalar(v) else { return separator }
        return classify(s)
    }

    /// The class of scalar `v` in the analysis version whose BMP table is `table`
    /// (`extended`: version 2).
    @inline(__always)
    static func of(_ v: UInt32, _ table: UnsafePointer<UInt8>, extended: Bool) -> UInt8 {
        if v < 0x10000 { return table[Int(v)] }
        guard let s = Unicode.Scalar(v) else { return separator }
        return extended ? classifyV2(s) : classify(s)
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
