/// "Did you mean": a corrected query for one that finds nothing, or far less than a close
/// variant does, built from the index's words (the `.words` files; see `SuggestVocabulary`).
///
/// Each word of the query text (up to `maxWords`) gets candidates:
/// - a word the index does not hold: the `candidatesPerWord` closest words of the index,
///   within 1 edit for words of 3 or 4 bytes and 2 edits from 5 bytes on (Damerau: an
///   insertion, deletion, substitution or transposition of neighbours is one edit, counted
///   on characters, through `LevenshteinAutomaton`), sharing the first letter (as Lucene's `DirectSpellChecker` does: typos in the
///   first letter are rare and it bounds the work to one letter's words), ranked by
///   distance, then documents (more first), then bytes;
/// - a rare word (in at most `rareDocs` documents): itself, and such candidates that are in
///   at least `popularFactor` times as many documents (a misspelling the archive also holds);
/// - any other word, and words of 1 or 2 bytes, field names (a word followed by `:`) and
///   operators: only itself.
/// Then how often the candidates occur together decides among the combinations (at most
/// `maxCombinations`, fewest edits first): each is counted with the index itself under the
/// same filters; of those that match, the one with the fewest edits wins, then the one
/// matching the most documents, then the one whose words are in the most documents. The suggestion is the query text with the winning words in place
/// (operators, quotes and fields kept), offered when it differs and finds documents where the
/// query found none, or at least `gain` times as many.
///
/// Only queries finding fewer than `fewHits` documents are looked at, so well-answered
/// queries cost nothing extra. Segments without a word file (written before format 5) offer
/// no candidates.
struct DidYouMean {
    static let fewHits = 10
    static let gain = 10
    static let maxWords = 8
    static let candidatesPerWord = 3
    static let rareDocs = 2
    static let popularFactor = 20
    static let maxCombinations = 27

    let searcher: Searcher

    /// `deadline`: the search's; the candidate searches share what is left of it, and a
    /// candidate whose search timed out is not offered.
    func suggestion(for request: SearchRequest, total: Int, deadline: SearchDeadline? = nil) throws -> String? {
        let vocabulary = try searcher.reader.vocabulary()
        let list = vocabulary.words
        guard list.words.count > 0 else { return nil }
        let text = Array(request.query.utf8)
        let folder = try Analyzer.unstemmed(schema: searcher.reader.schema)
        var tokens: [(word: [UInt8], start: Int, end: Int)] = []
        var lastStart = -1
        folder.forEachToken(in: request.query) { term, _, start, end in
            guard start != lastStart else { return }
            lastStart = start
            tokens.append((Array(term), start, end))
        }
        guard !tokens.isEmpty, tokens.count <= DidYouMean.maxWords else { return nil }
        // Per token: its options, each (replacement bytes, edits, documents); the first is the original when kept.
        var options: [[(word: [UInt8], edits: Int, docs: Int)]] = []
        for t in tokens {
            let df = t.word.withUnsafeBytes { vocabulary.wordIndex($0) }.map { Int(list.docFreqs[$0]) } ?? 0
            let isFieldName = t.end < text.count && text[t.end] == UInt8(ascii: ":")
            let isOperator = ["AND", "OR", "NOT"].contains(String(decoding: text[t.start..<t.end], as: UTF8.self))
            if isFieldName || isOperator || (df > DidYouMean.rareDocs) {
                options.append([(t.word, 0, df)])
                continue
            }
            var o: [(word: [UInt8], edits: Int, docs: Int)] = df > 0 ? [(t.word, 0, df)] : []
            for c in candidates(t.word, in: vocabulary) where df == 0 || c.docs >= DidYouMean.popularFactor * df {
                o.append(c)
            }
            if o.isEmpty { o.append((t.word, 0, 0)) }  // nothing close: keep the word as typed
            options.append(o)
        }
        guard options.contains(where: { $0.count > 1 || $0[0].edits > 0 }) else { return nil }
        // Combinations, fewest edits first (ties: earlier options first), at most maxCombinations.
        var combos: [[Int]] = [[]]
        for o in options {
            combos = combos.flatMap { c in o.indices.map { c + [$0] } }
            combos.sort { a, b in edits(a, options) != edits(b, options) ? edits(a, options) < edits(b, options) : a.lexicographicallyPrecedes(b) }
            if combos.count > DidYouMean.maxCombinations { combos.removeLast(combos.count - DidYouMean.maxCombinations) }
        }
        var best: (text: String, hits: Int, edits: Int, docs: Int)? = nil
        for c in combos where edits(c, options) > 0 {
            var out = text
            for (k, t) in tokens.enumerated().reversed() where options[k][c[k]].edits > 0 {
                out.replaceSubrange(t.start..<t.end, with: options[k][c[k]].word)
            }
            let candidate = String(decoding: out, as: UTF8.self)
            var r = request
            r.query = candidate
            r.limit = 0; r.offset = 0; r.facets = []; r.collapse = nil; r.explain = false
            r.loadDocuments = false; r.snippetField = nil; r.suggest = false; r.exactCount = true
            r.sharedDeadline = deadline
            if let deadline, deadline.readClock() { break }
            guard let found = try? searcher.search(r), !found.timedOut else { continue }
            let hits = found.total
            guard hits > 0 else { continue }
            let e = edits(c, options), docs = c.enumerated().reduce(0) { $0 + options[$1.offset][$1.element].docs }
            if let b = best, !(e < b.edits || (e == b.edits && (hits > b.hits || (hits == b.hits && docs > b.docs)))) { continue }
            best = (candidate, hits, e, docs)
        }
        guard let best, total == 0 || best.hits >= DidYouMean.gain * total else { return nil }
        return best.text
    }

    private func edits(_ combo: [Int], _ options: [[(word: [UInt8], edits: Int, docs: Int)]]) -> Int {
        combo.enumerated().reduce(0) { $0 + options[$1.offset][$1.element].edits }
    }

    /// The closest words of the vocabulary to `word` (see the type's documentation).
    func candidates(_ word: [UInt8], in vocabulary: SuggestVocabulary) -> [(word: [UInt8], edits: Int, docs: Int)] {
        let n = word.count
        guard n >= 3 else { return [] }
        let maxEdits = n <= 4 ? 1 : 2
        let list = vocabulary.words
        let range = [word[0]].withUnsafeBytes { list.words.prefixRange($0) }
        var found: [(index: Int, edits: Int)] = []
        let automaton = LevenshteinAutomaton(String(decoding: word, as: UTF8.self), maxDistance: maxEdits)
        for i in range {
            let d = list.words.with(i) { automaton.run(utf8: $0, from: automaton.start).flatMap(automaton.distance) }
            if let d, d > 0 { found.append((i, d)) }
        }
        found.sort { a, b in
            a.edits != b.edits ? a.edits < b.edits
                : list.docFreqs[a.index] != list.docFreqs[b.index] ? list.docFreqs[a.index] > list.docFreqs[b.index] : a.index < b.index
        }
        return found.prefix(DidYouMean.candidatesPerWord).map { (list.words.array($0.index), $0.edits, Int(list.docFreqs[$0.index])) }
    }
}
