import Foundation

/// The slow path of normalization, for words with non-ASCII characters:
/// NFKC, full lower-casing, removal of diacritics (NFD, drop the marks), mappings for letters
/// that do not decompose (đ ø ł æ œ ß þ ð ı ...), NFC, and split into word runs.
enum Folding {
    /// Longest term kept, in UTF-8 bytes after normalization; longer tokens are dropped.
    static let maxTermBytes = 64

    /// Removes apostrophes (a trailing possessive 's is dropped with its apostrophe) and
    /// in-word ignorable characters from one raw word, then folds it.
    /// Returns the terms (usually one; several when NFKC splits the word, e.g. ½ → 1⁄2),
    /// each at most `maxTermBytes` long (longer ones are left out).
    static func foldWord(_ word: UnsafeBufferPointer<UInt8>) -> [[UInt8]] {
        guard let p = word.baseAddress else { return [] }
        let n = word.count
        let table = CharClass.bmp
        var scalars = String.UnicodeScalarView()
        var ascii = true
        var i = 0
        while i < n {
            let (v, len) = decodeUTF8(p, i)
            let cls = CharClass.of(v, table)
            if cls == CharClass.apostrophe {
                // possessive: apostrophe + s/S ending the word
                if i + len + 1 == n && (p[i + len] | 0x20) == 0x73 { break }
                i += len
                continue
            }
            if cls == CharClass.ignorable { i += len; continue }
            if v >= 0x80 { ascii = false }
            scalars.append(Unicode.Scalar(v)!)
            i += len
        }
        if ascii {
            // e.g. "don’t": only the apostrophe was non-ASCII
            var bytes = [UInt8]()
            bytes.reserveCapacity(scalars.count)
            for s in scalars {
                let b = UInt8(truncatingIfNeeded: s.value)
                bytes.append((b &- 0x41) < 26 ? b | 0x20 : b)
            }
            return bytes.isEmpty || bytes.count > maxTermBytes ? [] : [bytes]
        }
        return split(fold(String(scalars)))
    }

    /// NFKC, lower-case, strip diacritics, special letter mappings, NFC.
    static func fold(_ text: String) -> String {
        let decomposed = text.precomposedStringWithCompatibilityMapping
            .lowercased()
            .decomposedStringWithCanonicalMapping
        var out = String.UnicodeScalarView()
        var base: UInt32 = 0
        var nonASCII = false
        for u in decomposed.unicodeScalars {
            let v = u.value
            if v < 0x80 {
                out.append(u)
                base = v
                continue
            }
            if isFoldableMark(u) {
                // keep the breve of Cyrillic й / ў: a distinct letter, needed by the stemmers
                if v == 0x306 && (0x400...0x4FF).contains(base) {
                    out.append(u)
                    nonASCII = true
                }
                continue
            }
            base = v
            if let mapped = specialMapping(v) {
                out.unicodeScalars(append: mapped)
                if mapped.utf8.contains(where: { $0 >= 0x80 }) { nonASCII = true }
            } else {
                out.append(u)
                nonASCII = true
            }
        }
        let folded = String(out)
        // recompose what remains (Hangul jamo, kana voicing marks, Cyrillic й, ...)
        return nonASCII ? folded.precomposedStringWithCanonicalMapping : folded
    }

    /// Diacritics removed by folding: nonspacing marks of the combining-diacritics blocks and
    /// the Hebrew and Arabic vowel points. Other scripts' marks (Indic vowel signs, kana
    /// voicing marks, Thai vowels) are part of the letters and are kept.
    @inline(__always)
    static func isFoldableMark(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        let inRange = (0x300...0x36F).contains(v) || (0x1AB0...0x1AFF).contains(v)
            || (0x1DC0...0x1DFF).contains(v) || (0x20D0...0x20FF).contains(v)
            || (0xFE20...0xFE2F).contains(v) || (0x591...0x5C7).contains(v)
            || (0x610...0x61A).contains(v) || (0x64B...0x65F).contains(v) || v == 0x670
        return inRange && u.properties.generalCategory == .nonspacingMark
    }

    /// Letters with a stroke, ligatures and other letters that have no canonical decomposition.
    /// Input is already lower-cased; upper-case forms are listed for safety.
    static func specialMapping(_ v: UInt32) -> String? {
        switch v {
        case 0xDF, 0x1E9E: return "ss"        // ß ẞ
        case 0xE6, 0xC6: return "ae"          // æ Æ
        case 0x153, 0x152: return "oe"        // œ Œ
        case 0xFE, 0xDE: return "th"          // þ Þ
        case 0xF0, 0xD0: return "d"           // ð Ð
        case 0x111, 0x110: return "d"         // đ Đ
        case 0xF8, 0xD8: return "o"           // ø Ø
        case 0x142, 0x141: return "l"         // ł Ł
        case 0x131: return "i"                // ı dotless i
        case 0x127, 0x126: return "h"         // ħ Ħ
        case 0x167, 0x166: return "t"         // ŧ Ŧ
        case 0x14B, 0x14A: return "n"         // ŋ Ŋ
        case 0x138: return "k"                // ĸ kra
        case 0x180, 0x253, 0x183: return "b"  // ƀ ɓ ƃ
        case 0x188, 0x23C: return "c"         // ƈ ȼ
        case 0x256, 0x257, 0x18C, 0x221: return "d"  // ɖ ɗ ƌ ȡ
        case 0x247: return "e"                // ɇ
        case 0x192: return "f"                // ƒ
        case 0x1E5, 0x260: return "g"         // ǥ ɠ
        case 0x266: return "h"                // ɦ
        case 0x268: return "i"                // ɨ
        case 0x249: return "j"                // ɉ
        case 0x199: return "k"                // ƙ
        case 0x19A, 0x234, 0x26B, 0x26C, 0x26D: return "l"  // ƚ ȴ ɫ ɬ ɭ
        case 0x272, 0x19E, 0x235: return "n"  // ɲ ƞ ȵ
        case 0x275: return "o"                // ɵ
        case 0x1A5: return "p"                // ƥ
        case 0x24B: return "q"                // ɋ
        case 0x24D, 0x27D: return "r"         // ɍ ɽ
        case 0x23F, 0x282: return "s"         // ȿ ʂ
        case 0x1AD, 0x288, 0x236: return "t"  // ƭ ʈ ȶ
        case 0x289: return "u"                // ʉ
        case 0x28B: return "v"                // ʋ
        case 0x1B4, 0x24F: return "y"         // ƴ ɏ
        case 0x1B6, 0x225, 0x290, 0x240: return "z"  // ƶ ȥ ʐ ɀ
        case 0x3C2: return "σ"                // Greek final sigma ς → σ (case folding)
        default: return nil
        }
    }

    /// Splits folded text into runs of word characters (NFKC may have produced separators,
    /// e.g. the fraction slash of ½ → 1⁄2); apostrophes and ignorables are removed.
    static func split(_ folded: String) -> [[UInt8]] {
        let table = CharClass.bmp
        var terms = [[UInt8]]()
        var current = [UInt8]()
        for u in folded.unicodeScalars {
            let cls = CharClass.of(u.value, table)
            switch cls {
            case CharClass.word:
                UTF8.encode(u) { current.append($0) }
            case CharClass.mark:
                if !current.isEmpty { UTF8.encode(u) { current.append($0) } }
            case CharClass.apostrophe, CharClass.ignorable:
                continue
            default:
                if !current.isEmpty {
                    if current.count <= maxTermBytes { terms.append(current) }
                    current.removeAll(keepingCapacity: true)
                }
            }
        }
        if !current.isEmpty && current.count <= maxTermBytes { terms.append(current) }
        return terms
    }
}

private extension String.UnicodeScalarView {
    mutating func unicodeScalars(append s: String) {
        append(contentsOf: s.unicodeScalars)
    }
}
