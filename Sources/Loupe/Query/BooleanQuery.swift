/// A boolean combination of clauses: every `must` and `filter` clause matches, no `mustNot`
/// clause does, and, without `must` or `filter` clauses, at least one `should` clause does.
/// The score is the sum of the matching `must` and `should` clauses' scores.
///
/// A search merges identical sibling clauses (same occur, `isEqual`): `war war war` does the
/// work of one `war` whose score counts three times, and a repeated `mustNot` or `filter`
/// clause is built once.
public struct BooleanQuery: Query, Equatable {
    /// One clause: a query and how it takes part.
    public struct Clause: Equatable, Sendable {
        public var occur: Occur
        public var query: any Query

        public init(_ occur: Occur, _ query: any Query) {
            self.occur = occur
            self.query = query
        }

        public static func == (a: Clause, b: Clause) -> Bool { a.occur == b.occur && a.query.isEqual(to: b.query) }
    }

    public var clauses: [Clause]

    public init(_ clauses: [Clause]) { self.clauses = clauses }

    /// Clauses are written `+x` (must), `x` (should) and `-x` (mustNot); nested booleans are
    /// parenthesized.
    public var description: String { render(nested: false) }

    private func render(nested: Bool) -> String {
        let inner = clauses.map { clause -> String in
            let sign: String
            switch clause.occur {
            case .must: sign = "+"
            case .should: sign = ""
            case .mustNot: sign = "-"
            case .filter: sign = "#"
            }
            if let b = clause.query as? BooleanQuery { return sign + b.render(nested: true) }
            return sign + clause.query.description
        }.joined(separator: " ")
        return nested ? "(" + inner + ")" : inner
    }
}

extension BooleanQuery {
    /// `clauses` with identical siblings (same occur, `isEqual`) merged: each distinct clause
    /// once, in order of first appearance, with the index of that appearance and how many
    /// times it appears.
    static func merged(_ clauses: [Clause]) -> [(clause: Clause, first: Int, count: Int)] {
        var out: [(clause: Clause, first: Int, count: Int)] = []
        var byKey: [String: [Int]] = [:]
        for (i, c) in clauses.enumerated() {
            let key = "\(c.occur) \(c.query.description)"
            if let j = byKey[key]?.first(where: { out[$0].clause.query.isEqual(to: c.query) }) {
                out[j].count += 1
                continue
            }
            byKey[key, default: []].append(out.count)
            out.append((c, i, 1))
        }
        return out
    }
}

extension BooleanQuery: WeightBuilding {
    func weight(_ context: WeightContext) throws -> Weight {
        var must: [Weight] = [], should: [Weight] = [], mustNot: [Weight] = [], filter: [Weight] = [], positive: [Weight] = []
        // Identical siblings are built once: a repeated filter or exclusion changes nothing, and
        // n identical scoring clauses score as one whose weight is n times as large.
        for (c, _, n) in Self.merged(clauses) {
            var w = try context.weight(c.query)
            if n > 1, c.occur == .must || c.occur == .should { w = ScaledWeight(w, factor: Double(n)) }
            switch c.occur {
            case .must: must.append(w); positive.append(w)
            case .should: should.append(w); positive.append(w)
            case .mustNot: mustNot.append(w)
            case .filter: filter.append(w)
            }
        }
        return BooleanWeight(must: must, should: should, mustNot: mustNot, filter: filter,
                             highlightTerms: positive.flatMap(\.highlightTerms), fieldHighlights: positive.flatMap(\.fieldHighlights))
    }
}

final class BooleanWeight: Weight {
    let must: [Weight], should: [Weight], mustNot: [Weight], filter: [Weight]
    /// The `must` and `should` clauses' terms, in query order (what a matching document can show).
    let highlightTerms: [[String]]
    let fieldHighlights: [HighlightTerms]

    init(must: [Weight], should: [Weight], mustNot: [Weight], filter: [Weight] = [], highlightTerms: [[String]],
         fieldHighlights: [HighlightTerms]? = nil) {
        self.must = must; self.should = should; self.mustNot = mustNot; self.filter = filter
        self.highlightTerms = highlightTerms
        self.fieldHighlights = fieldHighlights ?? highlightTerms.map { HighlightTerms(terms: $0, fields: nil) }
    }

    var termDisjunction: [WeightedTerm]? {
        guard filter.isEmpty else { return nil }
        if must.isEmpty && mustNot.isEmpty && !should.isEmpty {
            var out: [WeightedTerm] = []
            for s in should {
                guard let l = s.termDisjunction else { return nil }
                out += l
            }
            return out
        }
        if must.count == 1 && should.isEmpty && mustNot.isEmpty { return must[0].termDisjunction }
        return nil
    }

    func scorer(_ segment: SegmentContext) -> Scorer? {
        var required: [Scorer] = []
        for m in must {
            guard let s = m.scorer(segment) else { return nil }
            required.append(s)
        }
        for f in filter {
            guard let s = f.scorer(segment) else { return nil }
            required.append(ZeroScorer(s))
        }
        let optional = should.compactMap { $0.scorer(segment) }
        var positive: Scorer
        if required.isEmpty {
            if optional.isEmpty { return nil }
            positive = optional.count == 1 ? optional[0] : DisjunctionScorer(optional)
        } else {
            positive = required.count == 1 ? required[0] : ConjunctionScorer(required, docCount: segment.segment.docCount, deadline: segment.deadline)
            if !optional.isEmpty {
                positive = OptionalScorer(required: positive, optional: optional.count == 1 ? optional[0] : DisjunctionScorer(optional))
            }
        }
        let excluded = mustNot.compactMap { $0.scorer(segment) }
        if !excluded.isEmpty {
            positive = ExclusionScorer(required: positive, excluded: excluded.count == 1 ? excluded[0] : DisjunctionScorer(excluded),
                                       deadline: segment.deadline)
        }
        return positive
    }

    /// Mirrors the scorers: every must matches, no mustNot does, and without musts at least
    /// one should; only then do the matched clauses' entries count.
    func explain(_ segment: SegmentContext, doc: UInt32) -> [Explanation.Entry]? {
        var entries: [Explanation.Entry] = []
        for m in must {
            guard let e = m.explain(segment, doc: doc) else { return nil }
            entries += e
        }
        for f in filter where f.explain(segment, doc: doc) == nil { return nil }
        for n in mustNot where n.explain(segment, doc: doc) != nil { return nil }
        var anyShould = false
        for s in should {
            if let e = s.explain(segment, doc: doc) { entries += e; anyShould = true }
        }
        guard !must.isEmpty || !filter.isEmpty || anyShould else { return nil }
        return entries
    }

    /// A lone required clause counts as itself; a query of only negations, or of nothing,
    /// matches nothing.
    func count(_ segment: SegmentContext) -> Int? {
        if must.count + filter.count == 1 && should.isEmpty && mustNot.isEmpty { return (must + filter)[0].count(segment) }
        if must.isEmpty && filter.isEmpty && should.isEmpty { return 0 }
        return nil
    }
}

/// A required clause whose score does not count (a `filter` clause): it moves and confirms as
/// the wrapped scorer does and scores 0.
final class ZeroScorer: Scorer {
    let inner: Scorer
    init(_ inner: Scorer) {
        self.inner = inner
        super.init()
    }
    override var cost: Int { inner.cost }
    override var width: Int { inner.width }
    override func next() -> UInt32 { doc = inner.next(); return doc }
    override func advance(_ target: UInt32) -> UInt32 { doc = inner.advance(target); return doc }
    override func score() -> Double { 0 }
    override func shallowBound(_ target: UInt32) -> (bound: Double, upTo: UInt32) { (0, Scorer.noMore - 2) }
    override var peekNext: UInt32 { inner.peekNext }
    override func prefetch(for target: UInt32) { inner.prefetch(for: target) }
    override var isTwoPhase: Bool { inner.isTwoPhase }
    override func approximate(_ target: UInt32) -> UInt32 { doc = inner.approximate(target); return doc }
    override func confirm() -> Bool { inner.confirm() }
}
