/// One completion of text being typed into a search box (`Index.completions(for:limit:)`).
public struct Completion: Sendable, Hashable, Codable {
    /// What completes the text.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The last word completed from the index's words (earlier words kept as typed).
        case word
        /// A title phrase (2 to 4 words of some titles) that starts with the last words typed.
        case phrase
    }
    /// The completed query text, to show and to search for.
    public var text: String
    public var kind: Kind
    /// Documents holding the word (for `.word`), titles holding the phrase (for `.phrase`);
    /// deleted documents count until their segment is merged.
    public var count: Int

    public init(text: String, kind: Kind, count: Int) {
        self.text = text; self.kind = kind; self.count = count
    }
}

extension IndexReader {
    /// The merged suggestion vocabulary of this snapshot, built on first use.
    func vocabulary() throws -> SuggestVocabulary {
        try vocabularyCache.get {
            SuggestVocabulary(try segments.compactMap { try $0.words?.decode() })
        }
    }

    /// Completions of `text` as typed so far, at most `limit`:
    ///
    /// - **words**: the last word's completions among the words of the default fields
    ///   (`vietn` → `vietnam`), most documents first, the earlier words kept as typed
    ///   (`war leg` → `war legacy`); a word shows in its most common original form
    ///   (`Vietnam`, `Việt`). Text that ends in a space or punctuation has no word to complete.
    /// - **phrases**: title phrases of 2 to 4 words that start with the last (up to 3) words
    ///   typed and go beyond them (`war leg` → `war legacy of Vietnam`), most titles first;
    ///   a phrase is left out when it only extends one listed before it with as many titles.
    ///
    /// With one word typed, word completions come first; with several, phrases do. The other
    /// kind (less any text the first already lists) takes the last places: up to half of
    /// them, or all that the first leaves empty. Ties go to the smaller word
    /// or phrase by bytes, so results are deterministic. Matching ignores case and
    /// diacritics as search does, without stemming. Empty text has no completions.
    public func completions(for text: String, limit: Int = 10) throws -> [Completion] {
        guard limit > 0 else { return [] }
        let vocabulary = try self.vocabulary()
        let list = vocabulary.words
        // Typed words, folded, with where each starts in the text.
        let folder = try Analyzer.unstemmed(schema: schema)
        var typed: [(word: [UInt8], start: Int, end: Int)] = []
        var lastStart = -1
        folder.forEachToken(in: text) { term, _, start, end in
            if start == lastStart, !typed.isEmpty {
                typed[typed.count - 1].word += [0x20] + Array(term)  // a word NFKC split: keep its pieces together
            } else {
                typed.append((Array(term), start, end))
            }
            lastStart = start
        }
        guard let last = typed.last else { return [] }
        let utf8 = Array(text.utf8)
        let lastIsPartial = last.end == utf8.count
        func typedText(_ range: Range<Int>) -> String { String(decoding: utf8[range], as: UTF8.self) }

        var words: [Completion] = [], phrases: [Completion] = []
        if lastIsPartial {
            let range = last.word.withUnsafeBytes { list.words.prefixRange($0) }
            let before = typedText(0..<last.start)
            for i in vocabulary.wordMaxima.top(limit, in: range) {
                words.append(Completion(text: before + list.display(i), kind: .word, count: Int(list.docFreqs[i])))
            }
        }
        let m = min(typed.count, 3)
        var key = typed[(typed.count - m)...].map(\.word).joined(separator: [0x20]).map { $0 }
        if !lastIsPartial { key.append(0x20) }
        let range = key.withUnsafeBytes { list.phrases.prefixRange($0) }
        // The words typed in full are shown as typed; the phrase's other words in their display form.
        let typedInFull = typedText(0..<(lastIsPartial ? last.start : utf8.count))
        let fullPieces = key.split(separator: 0x20).count - (lastIsPartial ? last.word.split(separator: 0x20).count : 0)
        // A phrase that only extends a better-placed one found in as many titles ("vietnamese
        // defence minister" after "vietnamese defence") adds nothing: skip it, from a deeper pool.
        var kept: [Int] = []
        for i in vocabulary.phraseMaxima.top(limit * 4, in: range, accept: { list.phrases.length($0) > key.count }) where kept.count < limit {
            let extends = kept.contains { k in
                list.phraseCounts[k] == list.phraseCounts[i] && list.phrases.length(k) < list.phrases.length(i)
                    && list.phrases.array(i).starts(with: list.phrases.array(k) + [0x20])
            }
            if !extends { kept.append(i) }
        }
        for i in kept {
            let shown = list.phrases.string(i).split(separator: " ").dropFirst(fullPieces).map { word -> String in
                vocabulary.wordIndex(word: String(word)).map { list.display($0) } ?? String(word)
            }.joined(separator: " ")
            phrases.append(Completion(text: typedInFull + shown, kind: .phrase, count: Int(list.phraseCounts[i])))
        }
        let (primary, secondary) = typed.count == 1 ? (words, phrases) : (phrases, words)
        let primaryTexts = Set(primary.map(\.text))
        let others = secondary.filter { !primaryTexts.contains($0.text) }
        let places = min(others.count, max(limit / 2, limit - primary.count))
        return Array(primary.prefix(limit - places)) + others.prefix(places)
    }
}

extension SuggestVocabulary {
    func wordIndex(word: String) -> Int? {
        var w = word
        return w.withUTF8 { wordIndex(UnsafeRawBufferPointer($0)) }
    }
}

extension Index {
    /// Completions of `text` as typed so far (see `IndexReader.completions(for:limit:)`).
    public func completions(for text: String, limit: Int = 10) throws -> [Completion] {
        try reader.completions(for: text, limit: limit)
    }
}
