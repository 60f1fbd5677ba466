/// An index's synonyms compiled for one analyzer: each rule input's analyzed terms mapped to
/// the alternatives it stands for, and the rewrite of a parsed query tree (see ``Synonyms``).
///
/// Built once per snapshot (a ``Searcher`` keeps it), then only read, by any thread.
struct SynonymExpansion: Sendable {
    /// Alternatives (raw text, in rule order, without duplicates by analyzed terms) by the
    /// analyzed terms of an input.
    private let alternativesByInput: [[String]: [String]]
    /// The most terms of any input: how far a run of words is looked at.
    private let longestInput: Int
    /// Analyzed terms of every alternative (to choose a term or a phrase query for it).
    private let termsOf: [String: [String]]

    init(_ synonyms: Synonyms, analyzer: Analyzer) {
        var byInput: [[String]: [String]] = [:]
        var seen: [[String]: Set<[String]>] = [:]
        var termsOf: [String: [String]] = [:]
        var longest = 0
        for rule in synonyms.rules {
            for alt in rule.alternatives where termsOf[alt] == nil { termsOf[alt] = analyzer.terms(alt) }
            for input in rule.inputs {
                let key = analyzer.terms(input)
                guard !key.isEmpty else { continue }
                longest = max(longest, key.count)
                for alt in rule.alternatives {
                    guard let t = termsOf[alt], !t.isEmpty, seen[key, default: []].insert(t).inserted else { continue }
                    byInput[key, default: []].append(alt)
                }
            }
        }
        // An input whose only alternative is itself changes nothing.
        alternativesByInput = byInput.filter { key, alts in !(alts.count == 1 && termsOf[alts[0]] == key) }
        longestInput = longest
        self.termsOf = termsOf
    }

    var isEmpty: Bool { alternativesByInput.isEmpty }

    /// `query` with every word or run of words matching an input replaced by the disjunction
    /// of its alternatives; `query` itself when nothing matches.
    func rewrite(_ query: any Query, analyzer: Analyzer) -> any Query {
        if isEmpty { return query }
        switch query {
        case let t as TermQuery:
            return alternatives(for: analyzer.terms(t.text), field: t.field) ?? t
        case let p as PhraseQuery where p.slop == 0:
            return alternatives(for: analyzer.terms(p.text), field: p.field) ?? p
        case let b as BoostQuery:
            return BoostQuery(rewrite(b.query, analyzer: analyzer), boost: b.boost)
        case let b as BooleanQuery:
            return rewrite(b, analyzer: analyzer)
        default:
            return query
        }
    }

    /// The disjunction standing for the analyzed `terms`, or nil when they are no rule's input.
    private func alternatives(for terms: [String], field: String?) -> (any Query)? {
        guard !terms.isEmpty, let alts = alternativesByInput[terms] else { return nil }
        let queries = alts.map { alt -> any Query in
            termsOf[alt]!.count == 1 ? TermQuery(alt, field: field) : PhraseQuery(alt, field: field)
        }
        return queries.count == 1 ? queries[0] : BooleanQuery(queries.map { .init(.should, $0) })
    }

    /// A boolean query's clauses rewritten: runs of consecutive term clauses of one occur and
    /// field are matched against the inputs (longest first), other clauses recursively.
    private func rewrite(_ b: BooleanQuery, analyzer: Analyzer) -> any Query {
        var out: [BooleanQuery.Clause] = []
        let clauses = b.clauses
        // Each term clause's analyzed terms (nil for clauses of other kinds).
        let terms: [[String]?] = clauses.map { c in (c.query as? TermQuery).map { analyzer.terms($0.text) } }
        var changed = false
        var i = 0
        while i < clauses.count {
            guard let first = clauses[i].query as? TermQuery, let firstTerms = terms[i], !firstTerms.isEmpty else {
                let r = rewrite(clauses[i].query, analyzer: analyzer)
                if !(r.isEqual(to: clauses[i].query)) { changed = true }
                out.append(.init(clauses[i].occur, r))
                i += 1
                continue
            }
            // The longest run i...j whose terms are an input.
            var run = firstTerms, best: (end: Int, query: any Query)?
            var j = i
            while true {
                if run.count > longestInput { break }
                if let q = alternatives(for: run, field: first.field) { best = (j, q) }
                j += 1
                guard j < clauses.count, clauses[j].occur == clauses[i].occur,
                      let next = clauses[j].query as? TermQuery, next.field == first.field,
                      let t = terms[j], !t.isEmpty else { break }
                run += t
            }
            if let best {
                out.append(.init(clauses[i].occur, best.query))
                changed = true
                i = best.end + 1
            } else {
                out.append(clauses[i])
                i += 1
            }
        }
        return changed ? BooleanQuery(out) : b
    }
}
