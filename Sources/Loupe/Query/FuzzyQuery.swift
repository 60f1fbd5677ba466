/// A word and the dictionary terms within 1 or 2 edits of it (`legasy~`, `vietnm~1`), in one
/// field or the default fields: Lucene's `FuzzyQuery`.
///
/// An edit is an insertion, a deletion, a substitution or the transposition of two adjacent
/// characters (Unicode scalars); see ``LevenshteinAutomaton``. The dictionary holds analyzed
/// terms (folded, and stemmed when the index has a language), so the word is matched in two
/// forms: analyzed like indexed text (`legasy` → `legasi`, one edit from the indexed
/// `legaci` of "legacy") and only folded (`Vietnm` → `vietnm`, one edit from `vietnam`). A
/// term's distance is the smaller of the two. A word that analyzes to several terms (`e-mial`)
/// is searched as a plain ``TermQuery`` (a phrase), without edits.
///
/// **Which terms.** A term within `maxEdits` of a form is kept when its distance is smaller
/// than the shorter of the two lengths (so `a~1` does not match every one-letter word), and the
/// first `prefixLength` characters of the form must match exactly (0 by default, as Lucene;
/// a longer prefix reads less of the dictionary). At most `maxExpansions` terms (50, Lucene's
/// default) per field are kept: the closest first (similarity `1 − distance / min(length of
/// the form, length of the term)`), ties broken by live document frequency (highest first),
/// then by term bytes, so the same index always expands the same way.
///
/// **Scoring** (Lucene's `TopTermsBlendedFreqScoringRewrite`). The kept terms are scored as
/// terms whose scores add up, each with the inverse document frequency of the most frequent
/// kept term (blended), and with its similarity as a boost. A misspelling's rare neighbour
/// would otherwise outrank the word meant, since rare terms have the highest idf; blended, an
/// exact match scores highest and nearer terms more than farther ones.
public struct FuzzyQuery: Query, Hashable {
    /// The default of `maxExpansions` (Lucene's).
    public static let defaultMaxExpansions = 50
    /// The default of `maxEdits` (`word~` without a number).
    public static let defaultMaxEdits = 2

    /// The raw word.
    public var text: String
    /// The field searched; nil for the default fields.
    public var field: String?
    /// The most edits, 0 to 2 (0 matches the word's own terms only).
    public var maxEdits: Int
    /// Characters at the start of the word that must match exactly.
    public var prefixLength: Int
    /// The most terms kept per field.
    public var maxExpansions: Int

    /// Terms within `maxEdits` (0, 1 or 2) edits of `text`; `prefixLength` leading characters
    /// must match exactly; at most `maxExpansions` (at least 1) terms per field.
    public init(_ text: String, field: String? = nil, maxEdits: Int = FuzzyQuery.defaultMaxEdits,
                prefixLength: Int = 0, maxExpansions: Int = FuzzyQuery.defaultMaxExpansions) {
        precondition((0...LevenshteinAutomaton.maxSupportedDistance).contains(maxEdits), "maxEdits must be 0, 1 or 2")
        precondition(prefixLength >= 0 && maxExpansions >= 1, "prefixLength must be ≥ 0 and maxExpansions ≥ 1")
        self.text = text
        self.field = field
        self.maxEdits = maxEdits
        self.prefixLength = prefixLength
        self.maxExpansions = maxExpansions
    }

    /// `word~N` (the prefix length and expansion cap have no query syntax).
    public var description: String {
        QuerySyntax.fieldPrefix(field) + QuerySyntax.escapeWord(text) + "~" + String(maxEdits)
    }
}

extension Query where Self == FuzzyQuery {
    /// Terms within `maxEdits` edits of `text` (see ``FuzzyQuery``).
    public static func fuzzy(_ text: String, field: String? = nil, maxEdits: Int = FuzzyQuery.defaultMaxEdits) -> FuzzyQuery {
        FuzzyQuery(text, field: field, maxEdits: maxEdits)
    }
}

extension FuzzyQuery: WeightBuilding {
    func weight(_ context: WeightContext) throws -> Weight {
        let analyzed = context.analyze(text)
        if analyzed.isEmpty { return MatchNoneWeight() }
        if analyzed.count > 1 { return try TermQuery(text, field: field).weight(context) }
        let fields = try context.fieldNumbers(field)
        var forms = [Array(String(decoding: analyzed[0].term, as: UTF8.self).unicodeScalars)]
        let folded = context.analyzer.unstemmedTerms(text)
        if folded.count == 1 {
            let f = Array(folded[0].unicodeScalars)
            if f != forms[0] { forms.append(f) }
        }
        var leaves: [WeightedTerm] = []
        for f in fields {
            let similarities = candidates(field: f, forms: forms, reader: context.reader, deadline: context.deadline)
            if context.deadline?.expired == true { return MatchNoneWeight() }
            let kept = Self.keep(similarities, cap: maxExpansions) { context.termStates(field: f, term: $0) }
            guard let maxDF = kept.map(\.states.docFreq).max() else { continue }
            // Blended: every kept term scores with the idf of the most frequent one.
            let idf = BM25.idf(docCount: context.statistics.docCount, docFreq: maxDF)
            for (states, similarity) in kept.sorted(by: { $0.states.term.lexicographicallyPrecedes($1.states.term) }) {
                let boost = context.reader.fieldBoosts[f] * similarity
                leaves.append(WeightedTerm(states: states, idf: idf, boost: boost,
                                           bm25: BM25Weight(boost: boost, idf: idf, averageLength: context.statistics.averageLengths[f])))
            }
        }
        if leaves.isEmpty { return MatchNoneWeight() }
        return TermsWeight(leaves, context: context, highlight: leaves.map { [$0.states.text] })
    }

    /// The terms of `field` within reach of a form, over all segments, with their best
    /// similarity. Forms with the same exact prefix share one walk of each dictionary.
    private func candidates(field: Int, forms: [[Unicode.Scalar]], reader: IndexReader,
                            deadline: SearchDeadline?) -> [[UInt8]: Double] {
        var found: [[UInt8]: Double] = [:]
        var walks: [(fixed: [UInt8], automata: [LevenshteinAutomaton], lengths: [Int])] = []
        for form in forms {
            let fixedLength = min(prefixLength, form.count)
            let fixed = Array(String(String.UnicodeScalarView(form[..<fixedLength])).utf8)
            let automaton = LevenshteinAutomaton(scalars: Array(form[fixedLength...]), maxDistance: maxEdits)
            if let w = walks.firstIndex(where: { $0.fixed == fixed }) {
                walks[w].automata.append(automaton)
                walks[w].lengths.append(form.count)
            } else {
                walks.append((fixed, [automaton], [form.count]))
            }
        }
        for walk in walks {
            // Compiled once for all segments: each transition is computed once per query.
            var dfas = LevenshteinDFA.compile(walk.automata)
            for seg in reader.segments {
                // A segment's walk is not interrupted (the automaton skips dead prefixes; at 1M
                // articles a walk takes ~20 ms); the deadline is read between segments.
                if let deadline, deadline.readClock() { break }
                seg.terms.intersect(field: field, fixed: walk.fixed, dfas: &dfas) { term, _, a, distance in
                    guard let s = Self.similarity(distance: distance, formLength: walk.lengths[a], term: term) else { return }
                    let key = Array(term)
                    if let old = found[key], old >= s { return }
                    found[key] = s
                }
            }
        }
        return found
    }

    /// Lucene's similarity of a term at `distance` edits: 1 for the form itself, else
    /// `1 − distance / min(lengths)`, nil (not kept) when the distance reaches the shorter length.
    static func similarity(distance: Int, formLength: Int, term: UnsafeRawBufferPointer) -> Double? {
        if distance == 0 { return 1 }
        var termLength = 0
        for b in term where UTF8Scalars.isStart(b) { termLength += 1 }
        let shorter = min(formLength, termLength)
        guard distance < shorter else { return nil }
        return 1 - Double(distance) / Double(shorter)
    }

    /// The `cap` terms kept: by similarity (highest first), then live document frequency
    /// (highest first), then term bytes; terms without a live document are dropped. Statistics
    /// are looked up only for the similarity levels that are needed.
    static func keep(_ candidates: [[UInt8]: Double], cap: Int,
                     states: ([UInt8]) -> TermStates) -> [(states: TermStates, similarity: Double)] {
        var levels: [Double: [[UInt8]]] = [:]
        for (t, s) in candidates { levels[s, default: []].append(t) }
        var kept: [(states: TermStates, similarity: Double)] = []
        for s in levels.keys.sorted(by: >) {
            var level = levels[s]!.map { states($0) }.filter { $0.docFreq > 0 }
            level.sort { $0.docFreq != $1.docFreq ? $0.docFreq > $1.docFreq : $0.term.lexicographicallyPrecedes($1.term) }
            for st in level.prefix(cap - kept.count) { kept.append((st, s)) }
            if kept.count == cap { break }
        }
        return kept
    }
}
