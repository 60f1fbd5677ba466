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

/// Turns text into terms. Not thread-safe (it owns a Snowball stemmer): use one per thread.
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
public final class Analyzer {
    /// The Snowball language this analyzer stems for; nil (or "none") for no stemming.
    public let language: String?
    private let stemmer: OpaquePointer?
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

    /// `language` is a Snowball algorithm name ("english", "french", ...), or nil / "none" for no stemming.
    /// Throws `LoupeError.unknownLanguage` for a name libstemmer does not know.
    public init(language: String?) throws {
        self.language = language
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
    /// handled as in `analyze`). When the text holds several tokens their terms are joined by
    /// a space; the result is empty when it holds none. Useful for prefix and wildcard queries.
    static func normalizeTerm(_ word: String) -> String {
        normalizedTerms(word).joined(separator: " ")
    }

    /// The unstemmed terms of `text`.
    static func normalizedTerms(_ text: String) -> [String] {
        // an analyzer without a stemmer cannot fail to initialize
        (try? Analyzer(language: nil))?.terms(text) ?? []
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
        let table = CharClass.bmp
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
                if CharClass.of(v, table) != word { i += len; continue }
            }
            let start = i
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
                    cls = CharClass.of(v, table)
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
                    let next = d < 0x80 ? table[Int(d)] : CharClass.of(decodeUTF8(p, i + len).value, table)
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
}
