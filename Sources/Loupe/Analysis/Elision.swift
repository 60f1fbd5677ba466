/// Elided articles and contractions of French, Italian, Catalan and Irish, removed from the
/// start of a word (analysis version 2, when the index's language is one of these).
///
/// These languages write a short article or pronoun fused to the next word with an apostrophe:
/// French *l'économie*, *qu'il*, *jusqu'à*; Italian *dell'anno*, *un'altra*; Catalan
/// *l'any*, *d'Andorra*; Irish *d'fhág*, *m'athair*. Without elision *l'économie* would be
/// the term `leconomi`, which a search for *économie* never finds. Only the part before the
/// first apostrophe is compared, case-insensitively, with the language's list (`aujourd'hui`
/// keeps its apostrophe-less form `aujourdhui`: *aujourd* is not an article).
struct Elision: Sendable {
    /// The articles, lower-case ASCII letters packed little-endian into a UInt64 each.
    private let keys: [UInt64]
    /// The longest article, in bytes.
    private let longest: Int

    private init(_ articles: [String]) {
        keys = articles.map(Elision.pack)
        longest = articles.map(\.utf8.count).max() ?? 0
    }

    private static func pack(_ s: String) -> UInt64 {
        var key: UInt64 = 0
        for (i, b) in s.utf8.enumerated() { key |= UInt64(b) << (8 * UInt64(i)) }
        return key
    }

    /// French: the articles and pronouns l', m', t', n', s', j', d', c' and the conjunctions
    /// qu', jusqu', lorsqu', puisqu', quoiqu'.
    static let french = Elision(["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"])
    /// Italian: articles and articulated prepositions (l', un', dell', all', dall', nell',
    /// sull', coll', pell', gl', agl', dagl', degl', negl', sugl') and the pronouns c', m', t',
    /// s', v', d'.
    static let italian = Elision(["c", "l", "all", "dall", "dell", "nell", "sull", "coll", "pell", "gl", "agl", "dagl",
                                  "degl", "negl", "sugl", "un", "m", "t", "s", "v", "d"])
    /// Catalan: the articles and pronouns d', l', m', n', s', t'.
    static let catalan = Elision(["d", "l", "m", "n", "s", "t"])
    /// Irish: d' (past tense and "de"), m' and b' (mo, ba before a vowel or fh).
    static let irish = Elision(["d", "m", "b"])

    /// The list for a Snowball language name or one of the ISO 639 codes libstemmer accepts
    /// for it; nil for languages without elision (English keeps its possessive rule).
    static func forLanguage(_ name: String?) -> Elision? {
        switch name?.lowercased() {
        case "french", "fr", "fre", "fra": return .french
        case "italian", "it", "ita": return .italian
        case "catalan", "ca", "cat": return .catalan
        case "irish", "ga", "gle": return .irish
        default: return nil
        }
    }

    /// The byte index just past the first apostrophe of the word `p[start..<end]` when the
    /// letters before it are one of the articles; nil otherwise. The word holds an apostrophe
    /// between two word characters (the tokenizer only joins those).
    @inline(__always)
    func strippedStart(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var key: UInt64 = 0
        var i = start
        while i < end && i - start <= longest {
            let b = p[i]
            if let after = Elision.afterApostrophe(p, i, end) {
                guard i > start, after < end else { return nil }
                return keys.contains(key) ? after : nil
            }
            let lower = (b &- 0x41) < 26 ? b | 0x20 : b
            guard (lower &- 0x61) < 26 else { return nil }  // articles are ASCII letters
            key |= UInt64(lower) << (8 * UInt64(i - start))
            i += 1
        }
        return nil
    }

    /// The index past the apostrophe at `p[i]` (' ’ ʼ ＇), or nil when there is none there.
    @inline(__always)
    private static func afterApostrophe(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int? {
        switch p[i] {
        case 0x27: return i + 1
        case 0xE2 where i + 2 < end && p[i + 1] == 0x80 && p[i + 2] == 0x99: return i + 3   // ’
        case 0xCA where i + 1 < end && p[i + 1] == 0xBC: return i + 2                       // ʼ
        case 0xEF where i + 2 < end && p[i + 1] == 0xBC && p[i + 2] == 0x87: return i + 3   // ＇
        default: return nil
        }
    }
}
