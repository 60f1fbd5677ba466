/// Character facts the CJK bigrams need (analysis version 2).
enum CJK {
    /// Whether `v` continues the character before it rather than starting one: Hangul vowel
    /// and final jamo (text in NFD spells a syllable 한 as ᄒ ᅡ ᆫ, which must stay one
    /// character, like 한 itself).
    @inline(__always)
    static func continuesCharacter(_ v: UInt32) -> Bool {
        (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v)
    }

    /// Whether `v` is its own normalized form (NFKC, lower-cased, diacritics folded), so it
    /// can be copied without Foundation: the unified ideographs, hiragana and katakana
    /// letters, the iteration and prolonged sound marks, and precomposed Hangul syllables.
    /// Other CJK characters (halfwidth katakana, compatibility ideographs, ゟ, ヿ, squared
    /// words) go through `Folding`.
    @inline(__always)
    static func foldsToItself(_ v: UInt32) -> Bool {
        switch v {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0xAC00...0xD7A3,  // ideographs, Hangul syllables
             0x3041...0x3096, 0x309D...0x309E,                   // hiragana, ゝ ゞ
             0x30A1...0x30FA, 0x30FC...0x30FE,                   // katakana, ー ヽ ヾ
             0x3005...0x3007,                                    // 々 〆 〇
             0x20000...0x2A6DF, 0x2A700...0x2EBEF, 0x30000...0x323AF:  // ideographs, planes 2 and 3
            return true
        default:
            return false
        }
    }
}
