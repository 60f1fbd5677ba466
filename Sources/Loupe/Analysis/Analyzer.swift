import CStemmer
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One token of analyzed text.
public struct Token: Hashable, Sendable {
    /// The normalized, folded and (optionally) stemmed term.
    public var term: String
    /// Token ordinal within the analyzed text (0-based).
    public var position: Int
    /// UTF-8 byte offset of the start of the token's word in the original, un-normalized text.
    public var startOffset: Int
    /// UTF-8 byte offset just past the end of the token's word: the word is `startOffset..<endOffset`.
    public var endOffset: Int

    /// A token with these values.
    public init(term: String, position: Int, startOffset: Int, endOffset: Int) {
        self.term = term
        self.position = position
        self.startOffset = startOffset
        self.endOffset = endOffset
    }
}

/// Turns text into terms. Not thread-safe (it owns a Snowball stemmer, caches and an ICU word
/// breaker): use one per thread.
///
/// Pipeline: split the UTF-8 bytes into words (runs of letters, numbers, in-word combining marks,
/// and apostrophes between two word characters); drop a trailing possessive 's and remove other
/// apostrophes; normalize (NFKC, lower-case, strip diacritics, map đ ø ł æ œ ß þ ð ı ... to base
/// letters); split again if NFKC produced separators; drop terms longer than 64 bytes; stem.
/// ASCII words take a table-driven path that lower-cases into a reused buffer; only words with
/// non-ASCII characters go through Foundation, once per distinct word (cached).
///
/// Offsets of a token are those of the whole original word (including a dropped possessive 's);
/// tokens that come from one word split by NFKC share that word's offsets.
///
/// The rules have versions, recorded in each index's schema (`Schema.analysisVersion`), so
/// an index keeps being searched with the analysis it was built with:
///
/// - **Version 1** (indexes created before versions were recorded): the pipeline above for
///   every script; emoji are separators.
/// - **Version 2** (new indexes): as version 1 for words of other scripts, plus
///   - *elision* for French, Italian, Catalan and Irish (`Elision`): `l'économie` is the
///     term of `économie`, its offsets those of `économie`;
///   - *CJK bigrams*: a run of Han, Hiragana, Katakana and Hangul becomes its overlapping
///     pairs of characters at consecutive positions (`北京举行` → 北京 京举 举行; a lone
///     character is one term), each with the offsets of its two characters, so a query word
///     of several characters is the phrase of its bigrams (as Lucene's CJKBigramFilter);
///   - *dictionary word breaking* for Thai, Lao, Khmer and Myanmar runs, by ICU
///     (`WordBreaker`);
///   - *emoji*: an emoji with its ZWJ sequence, skin-tone modifiers or tags, or a
///     flag's pair of regional indicators, is one term (variation selectors removed, so 🎉︎
///     and 🎉️ are 🎉); a text-presentation symbol (❤ © ™) is one only when U+FE0F or a
///     modifier follows it.
///   CJK, Southeast Asian and emoji terms are not stemmed.
public final class Analyzer {
    /// The Snowball language this analyzer stems for; nil (or "none") for no stemming.
    public let language: String?
    /// The version of the analysis rules (1 or 2; see the type's description).
    public let version: Int
    /// The version new indexes are created with.
    public static let currentVersion = 2
    /// The versions this build can analyze with.
    public static let supportedVersions = 1...currentVersion

    private let stemmer: OpaquePointer?
    /// The class table of `version` (`CharClass.bmp` or `.bmpV2`).
    private let table: UnsafePointer<UInt8>
    /// Version 2 or later: CJK bigrams, ICU word breaking, emoji.
    private let extended: Bool
    /// The language's elided articles (version 2 and French, Italian, Catalan or Irish).
    private let elision: Elision?
    /// ICU's word breaker, opened on the first Thai, Lao, Khmer or Myanmar run.
    private var wordBreaker: WordBreaker?
    private var wordBreakerFailed = false
    /// The previous folded character of a CJK run (one scalar, at most 4 bytes).
    private let cjkPrevious = UnsafeMutablePointer<UInt8>.allocate(capacity: 8)
    /// This analyzer without its stemmer (for `normalize`), made when first needed.
    private var unstemmed: Analyzer?
    /// Reused buffer for ASCII terms (at most `maxTermBytes`).
    private let buffer: UnsafeMutablePointer<UInt8>
    private lazy var cache = FoldCache()
    /// Stem cache slots: [key length][stem length][key: stemSlotBytes][stem: stemSlotBytes].
    private let stemCache: UnsafeMutablePointer<UInt8>?
    private static let stemSlots = 4096
    private static let stemSlotBytes = Folding.maxTermBytes
    private static let stemSlotStride = 2 + 2 * stemSlotBytes

    /// Longest term kept, in UTF-8 bytes after normalization (before stemming).
    static let maxTermBytes = Folding.maxTermBytes

    /// `language` is a Snowball algorithm name ("english", "french", ...), or nil / "none" for no
    /// stemming; `version` the analysis rules (the current ones by default; an index's are
    /// `Schema.analysis`). Throws `LoupeError.unknownLanguage` for a name libstemmer does not
    /// know and `LoupeError.invalidSchema` for a version this build does not know.
    public convenience init(language: String?, version: Int = Analyzer.currentVersion) throws {
        try self.init(stemming: language, elisionOf: language, version: version)
    }

    /// The analyzer an index with `schema` indexes and searches with: its language and its
    /// analysis version.
    public convenience init(schema: Schema) throws {
        try self.init(language: schema.language, version: schema.analysis)
    }

    /// The analyzer an index with `schema` folds words with, without stemming: what its word
    /// lists (completions, did you mean) hold. Same version and elision as `init(schema:)`.
    static func unstemmed(schema: Schema) throws -> Analyzer {
        try Analyzer(stemming: nil, elisionOf: schema.language, version: schema.analysis)
    }

    private init(stemming language: String?, elisionOf elisionLanguage: String?, version: Int) throws {
        guard Analyzer.supportedVersions.contains(version) else {
            throw LoupeError.invalidSchema("analysis version \(version) is not known to this build of Loupe "
                + "(it knows versions \(Analyzer.supportedVersions.lowerBound) to \(Analyzer.supportedVersions.upperBound))")
        }
        self.language = language
        self.version = version
        extended = version >= 2
        table = extended ? CharClass.bmpV2 : CharClass.bmp
        elision = extended ? Elision.forLanguage(elisionLanguage) : nil
        if let name = language, name.lowercased() != "none" {
            guard let s = sb_stemmer_new(name.lowercased(), "UTF_8") else {
                throw LoupeError.unknownLanguage(name)
            }
            stemmer = s
            let bytes = Analyzer.stemSlots * Analyzer.stemSlotStride
            stemCache = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes)
            stemCache!.initialize(repeating: 0, count: bytes)  // key length 0: empty slot
        } else {
            stemmer = nil
            stemCache = nil
        }
        buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: Folding.maxTermBytes + 8)
    }

    deinit {
        if let s = stemmer { sb_stemmer_delete(s) }
        buffer.deallocate()
        cjkPrevious.deallocate()
        stemCache?.deallocate()
    }

    /// All tokens of `text` with positions and original byte offsets.
    public func analyze(_ text: String) -> [Token] {
        var tokens = [Token]()
        tokens.reserveCapacity(text.utf8.count / 6 + 1)
        var t = text
        t.withUTF8 { bytes in
            _ = scan(bytes) { term, position, start, end in
                tokens.append(Token(term: String(decoding: term, as: UTF8.self),
                                    position: position, startOffset: start, endOffset: end))
            }
        }
        return tokens
    }

    /// Hot path for indexing and query analysis: calls `body(termBytes, position)` for each token.
    /// `termBytes` is valid only during the call (a reused buffer; no allocation per token).
    /// Returns the number of positions used (the field length).
    /// Visible to `@_spi(Benchmarks) import Loupe` only (the analysis micro-benchmark).
    @discardableResult
    @_spi(Benchmarks) public func forEachTerm(in text: String, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) -> Int {
        var t = text
        return t.withUTF8 { bytes in
            scan(bytes) { term, position, _, _ in body(term, position) }
        }
    }

    /// Like `forEachTerm`, also passing each token's original UTF-8 byte range `start..<end`.
    @discardableResult
    func forEachToken(in text: String,
                             _ body: (_ term: UnsafeBufferPointer<UInt8>, _ position: Int, _ start: Int, _ end: Int) -> Void) -> Int {
        var t = text
        return t.withUTF8 { bytes in scan(bytes, body) }
    }

    /// The terms of `text`, in order: what indexing `text` in a field adds to it.
    public func terms(_ text: String) -> [String] {
        var result = [String]()
        forEachTerm(in: text) { term, _ in result.append(String(decoding: term, as: UTF8.self)) }
        return result
    }

    /// Stems one already-normalized term (as produced with `language: nil`) with this analyzer's
    /// stemmer; returns it unchanged when there is no stemmer.
    func stem(_ term: String) -> String {
        guard stemmer != nil else { return term }
        var t = term
        return t.withUTF8 { bytes in
            guard let p = bytes.baseAddress else { return term }
            return String(decoding: stemmed(p, bytes.count), as: UTF8.self)
        }
    }

    /// Normalizes a word without stemming (NFKC, lower-case, diacritics folded, apostrophes
    /// handled as in `analyze`), with the current analysis version and no elision. When the
    /// text holds several tokens their terms are joined by a space; the result is empty when it
    /// holds none.
    static func normalizeTerm(_ word: String) -> String {
        normalizedTerms(word).joined(separator: " ")
    }

    /// The unstemmed terms of `text`, with the current analysis version and no elision.
    static func normalizedTerms(_ text: String) -> [String] {
        // an analyzer without a stemmer cannot fail to initialize
        (try? Analyzer(language: nil))?.terms(text) ?? []
    }

    /// Normalizes a word as this analyzer does (its version, its language's elision) but
    /// without stemming: a stem need not be a prefix of the words it stems from, so prefix
    /// and wildcard queries compare this with the dictionary's terms. Several terms are joined
    /// by a space; the result is empty when the word has none.
    func normalize(_ word: String) -> String {
        unstemmedTerms(word).joined(separator: " ")
    }

    /// The terms of `text` as this analyzer makes them, but not stemmed.
    func unstemmedTerms(_ text: String) -> [String] {
        if stemmer == nil { return terms(text) }
        if unstemmed == nil {
            // the same version, already checked, and no stemmer: cannot fail
            unstemmed = try? Analyzer(stemming: nil, elisionOf: language, version: version)
        }
        return unstemmed?.terms(text) ?? []
    }

    /// Names of the Snowball languages libstemmer provides.
    public static var availableLanguages: [String] {
        var names = [String]()
        guard let list = sb_stemmer_list() else { return names }
        var i = 0
        while let name = list[i] {
            names.append(String(cString: name))
            i += 1
        }
        return names
    }

    // MARK: - Implementation

    /// The stem of `p[0..<len]` (valid until the next call), or the input when there is no stemmer.
    /// Stems are memoized in a direct-mapped cache: word frequencies are Zipfian, and a hash plus
    /// a compare is several times cheaper than running the Snowball algorithm.
    @inline(__always)
    private func stemmed(_ p: UnsafePointer<UInt8>, _ len: Int) -> UnsafeBufferPointer<UInt8> {
        guard let s = stemmer else { return UnsafeBufferPointer(start: p, count: len) }
        guard len <= Analyzer.stemSlotBytes, let cache = stemCache else { return stemDirect(s, p, len) }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in 0..<len { h = (h ^ UInt64(p[i])) &* 0x0000_0100_0000_01b3 }
        let index = Int(truncatingIfNeeded: h ^ (h >> 32)) & (Analyzer.stemSlots - 1)
        let slot = cache + index * Analyzer.stemSlotStride
        let keyStart = slot + 2
        let stemStart = slot + 2 + Analyzer.stemSlotBytes
        if Int(slot[0]) == len && memcmp(keyStart, p, len) == 0 {
            return UnsafeBufferPointer(start: stemStart, count: Int(slot[1]))
        }
        let out = stemDirect(s, p, len)
        if out.count <= Analyzer.stemSlotBytes, let o = out.baseAddress {
            slot[0] = UInt8(len)
            slot[1] = UInt8(out.count)
            keyStart.update(from: p, count: len)
            stemStart.update(from: o, count: out.count)
            return UnsafeBufferPointer(start: stemStart, count: out.count)
        }
        return out
    }

    @inline(__always)
    private func stemDirect(_ s: OpaquePointer, _ p: UnsafePointer<UInt8>, _ len: Int) -> UnsafeBufferPointer<UInt8> {
        if let out = sb_stemmer_stem(s, p, Int32(len)) {
            return UnsafeBufferPointer(start: out, count: Int(sb_stemmer_length(s)))
        }
        return UnsafeBufferPointer(start: p, count: len)  // out of memory: index unstemmed
    }

    /// Tokenizes `bytes` and calls `emit(term, position, start, end)` per token; returns the count.
    private func scan(_ bytes: UnsafeBufferPointer<UInt8>,
                      _ emit: (UnsafeBufferPointer<UInt8>, Int, Int, Int) -> Void) -> Int {
        guard let p = bytes.baseAddress else { return 0 }
        let n = bytes.count
        let table = self.table
        let extended = self.extended
        let word = CharClass.word
        let buf = buffer
        let maxLen = Folding.maxTermBytes
        var position = 0
        var i = 0
        while i < n {
            // find the start of a word
            let b = p[i]
            if b < 0x80 {
                if table[Int(b)] != word { i += 1; continue }
            } else {
                let (v, len) = decodeUTF8(p, i)
                let cls = CharClass.of(v, table, extended: extended)
                if cls != word {
                    // version 2: a CJK, Southeast Asian or emoji run starts here
                    if cls >= CharClass.cjk {
                        (i, position) = scanScriptRun(cls, p, n, i, len, position, emit)
                    } else {
                        i += len
                    }
                    continue
                }
            }
            var start = i
            var ascii = b < 0x80
            var hasApostrophe = false
            // extend it
            while i < n {
                let c = p[i]
                let cls: UInt8
                let len: Int
                if c < 0x80 {
                    cls = table[Int(c)]
                    len = 1
                } else {
                    let (v, l) = decodeUTF8(p, i)
                    cls = CharClass.of(v, table, extended: extended)
                    len = l
                }
                if cls == word || cls == CharClass.mark || cls == CharClass.ignorable {
                    if c >= 0x80 { ascii = false }
                    i += len
                    continue
                }
                if cls == CharClass.apostrophe && i + len < n {
                    // only between two word characters
                    let d = p[i + len]
                    let next = d < 0x80 ? table[Int(d)] : CharClass.of(decodeUTF8(p, i + len).value, table, extended: extended)
                    if next == word {
                        if c >= 0x80 { ascii = false }
                        hasApostrophe = true
                        i += len
                        continue
                    }
                }
                break
            }
            let end = i
            if hasApostrophe, let elision, let after = elision.strippedStart(p, start, end) {
                start = after  // l'économie: the term and its offsets are those of économie
            }

            if ascii {
                var len = 0
                var tooLong = false
                var k = start
                while k < end {
                    let c = p[k]
                    if hasApostrophe && c == 0x27 {
                        if k + 2 == end && (p[k + 1] | 0x20) == 0x73 { break }  // possessive 's
                        k += 1
                        continue
                    }
                    if len == maxLen { tooLong = true; break }
                    buf[len] = (c &- 0x41) < 26 ? c | 0x20 : c
                    len += 1
                    k += 1
                }
                if !tooLong && len > 0 {
                    emit(stemmed(buf, len), position, start, end)
                    position += 1
                }
            } else {
                let terms = cache.terms(of: UnsafeBufferPointer(start: p + start, count: end - start))
                for term in terms {
                    term.withUnsafeBufferPointer { t in
                        emit(stemmed(t.baseAddress!, t.count), position, start, end)
                    }
                    position += 1
                }
            }
        }
        return position
    }

    // MARK: - Version 2: CJK bigrams, Southeast Asian word breaking, emoji

    /// Tokenizes the run of class `cls` (CJK, Southeast Asian, emoji) starting at `p[i]`, whose
    /// first scalar is `firstLength` bytes, its first token at `position`; returns the index
    /// just past the run and the next position. (Positions are passed by value, not `inout`,
    /// so the main loop keeps its own in a register.)
    @inline(never)
    private func scanScriptRun(_ cls: UInt8, _ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ firstLength: Int,
                               _ position: Int,
                               _ emit: (UnsafeBufferPointer<UInt8>, Int, Int, Int) -> Void) -> (Int, Int) {
        var position = position
        let end: Int
        switch cls {
        case CharClass.cjk:
            end = cjkBigrams(p, n, i, &position, emit)
        case CharClass.southeastAsian:
            end = southeastAsianWords(p, n, i, &position, emit)
        case CharClass.emoji:
            end = emojiSequence(p, n, i, firstLength, &position, emit)
        case CharClass.textEmoji:
            // an emoji only with an emoji presentation selector or a skin-tone modifier after it
            let next = i + firstLength < n ? decodeUTF8(p, i + firstLength).value : 0
            if next == 0xFE0F || Emoji.isModifier(next) {
                end = emojiSequence(p, n, i, firstLength, &position, emit)
            } else {
                end = i + firstLength
            }
        default:
            end = i + firstLength
        }
        return (end, position)
    }

    /// The run of Han, kana and Hangul at `p[i]` as overlapping bigrams (a lone character as
    /// itself), at consecutive positions, each with its two characters' offsets. Streams: each
    /// character, once folded, makes a bigram with the one before it (kept in `cjkPrevious`).
    private func cjkBigrams(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ position: inout Int,
                            _ emit: (UnsafeBufferPointer<UInt8>, Int, Int, Int) -> Void) -> Int {
        let previous = cjkPrevious
        let buf = buffer
        var previousLength = 0, previousStart = 0, units = 0
        /// Adds one folded character `q[0..<length]` whose original bytes are `start..<end`.
        func unit(_ q: UnsafePointer<UInt8>, _ length: Int, _ start: Int, _ end: Int) {
            if units > 0 {
                buf.update(from: previous, count: previousLength)
                (buf + previousLength).update(from: q, count: length)
                emit(UnsafeBufferPointer(start: buf, count: previousLength + length), position, previousStart, end)
                position += 1
            }
            previous.update(from: q, count: length)
            previousLength = length
            previousStart = start
            units += 1
        }
        /// Adds the character `p[start..<end]` (a scalar and what continues it), folded: most
        /// are their own term; compatibility forms (halfwidth katakana, compatibility
        /// ideographs, squared words) are normalized like other text, and one that normalizes
        /// to several characters adds each, with its offsets.
        func character(_ start: Int, _ end: Int) {
            guard end > start else { return }
            let len = decodeUTF8(p, start).length
            if len == end - start && CJK.foldsToItself(decodeUTF8(p, start).value) {
                unit(p + start, len, start, end)
                return
            }
            for term in cache.terms(of: UnsafeBufferPointer(start: p + start, count: end - start)) {
                term.withUnsafeBufferPointer { t in
                    guard let q = t.baseAddress else { return }
                    var k = 0
                    while k < t.count {
                        let l = decodeUTF8(q, k).length
                        unit(q + k, l, start, end)
                        k += l
                    }
                }
            }
        }
        var j = i
        var characterStart = i
        while j < n {
            let (v, len) = decodeUTF8(p, j)
            let cls = v < 0x10000 ? table[Int(v)] : CharClass.of(v, table, extended: true)
            if cls == CharClass.cjk && !CJK.continuesCharacter(v) {
                if j > characterStart { character(characterStart, j) }
                characterStart = j
            } else if cls != CharClass.cjk && cls != CharClass.mark && cls != CharClass.ignorable {
                break
            }
            // combining marks (kana voicing), Hangul vowel and final jamo, and invisible
            // joiners belong to the character before them
            j += len
        }
        character(characterStart, j)
        if units == 1 {  // a lone character: its own term
            emit(UnsafeBufferPointer(start: previous, count: previousLength), position, previousStart, j)
            position += 1
        }
        return j
    }

    /// The run of Thai, Lao, Khmer or Myanmar at `p[i]`, split into words by ICU, each word
    /// folded (not stemmed) with its own offsets.
    private func southeastAsianWords(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ position: inout Int,
                                     _ emit: (UnsafeBufferPointer<UInt8>, Int, Int, Int) -> Void) -> Int {
        var j = i
        while j < n {
            let (v, len) = decodeUTF8(p, j)
            let cls = CharClass.of(v, table, extended: true)
            guard cls == CharClass.southeastAsian || cls == CharClass.mark || cls == CharClass.ignorable else { break }
            j += len
        }
        func word(_ start: Int, _ end: Int) {
            for term in cache.terms(of: UnsafeBufferPointer(start: p + start, count: end - start)) {
                term.withUnsafeBufferPointer { t in emit(t, position, start, end) }
                position += 1
            }
        }
        if wordBreaker == nil && !wordBreakerFailed {
            wordBreaker = WordBreaker()
            wordBreakerFailed = wordBreaker == nil
        }
        let split = wordBreaker?.forEachWord(in: UnsafeBufferPointer(start: p + i, count: j - i)) { s, e in
            word(i + s, i + e)
        } ?? false
        if !split { word(i, j) }  // ICU failed (no data): the run as one word, as version 1 does
        return j
    }

    /// The emoji sequence at `p[i]` (its first scalar `firstLength` bytes) as one term.
    private func emojiSequence(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ firstLength: Int, _ position: inout Int,
                               _ emit: (UnsafeBufferPointer<UInt8>, Int, Int, Int) -> Void) -> Int {
        let end = Emoji.sequenceEnd(p, n, i, firstLength) { CharClass.of($0, table, extended: true) }
        var len = 0
        var k = i
        while k < end {
            let (v, l) = decodeUTF8(p, k)
            if !Emoji.isVariationSelector(v) {
                if len + l > Folding.maxTermBytes { return end }  // too long: no term
                (buffer + len).update(from: p + k, count: l)
                len += l
            }
            k += l
        }
        if len > 0 {
            emit(UnsafeBufferPointer(start: buffer, count: len), position, i, end)
            position += 1
        }
        return end
    }
}
