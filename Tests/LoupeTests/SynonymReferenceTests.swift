import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// Synonym-expanded and related-article queries against brute force, on a random multi-segment
/// index with merges, deletions and updates: the reference expands the query with its own
/// longest-match scan over the words and scores the result by the BM25 formula; for related
/// articles it picks the terms by tf × idf over the live documents itself and scores the
/// weighted OR. Top-10 ids, scores (1e-5 relative) and totals must agree, with exact counting
/// and with pruning.
final class SynonymReferenceTests: XCTestCase {
    static let seed: UInt64 = 0x5_1A_0E
    static var corpus: ReferenceCorpus!
    static var rules: [SynonymRule] = []
    static var setupProblems: [String] = []

    override class func setUp() {
        super.setUp()
        do {
            corpus = try ReferenceCorpus(seed: seed, commits: 5, perCommit: 400)
            setupProblems = corpus.problems
            var rng = SeededRandom(seed: seed)
            // Frequent words, so rules (and phrases of them) match often.
            let common = Array(Set((0..<400).map { _ in corpus.vocabulary.zipf(&rng) })).sorted()
            func word() -> String { rng.pick(Array(common.prefix(40))) }
            func phrase() -> String { rng.pick(Array(common.prefix(12))) + " " + rng.pick(Array(common.prefix(12))) }
            for _ in 0..<6 { rules.append(SynonymRule(inputs: [word(), word()])) }
            for _ in 0..<4 { rules.append(SynonymRule(inputs: [word(), phrase()])) }
            for _ in 0..<2 { rules.append(SynonymRule(inputs: [phrase()], outputs: [word(), phrase()])) }
            for _ in 0..<2 { rules.append(SynonymRule(inputs: [word()], outputs: [phrase(), word()])) }
            rules = rules.map { r in SynonymRule(inputs: dedupe(r.inputs), outputs: r.outputs.map(dedupe)) }
            try corpus.index.setSynonyms(Synonyms(rules: rules))
        } catch {
            setupProblems = ["building the corpus failed: \(error)"]
        }
    }

    static func dedupe(_ items: [String]) -> [String] {
        var out: [String] = []
        for i in items where !out.contains(i) { out.append(i) }
        return out
    }

    override class func tearDown() {
        corpus = nil
        super.tearDown()
    }

    var index: Index { Self.corpus.index }
    var reference: ReferenceEngine { Self.corpus.reference }

    // MARK: The reference's expansion

    /// Alternatives by analyzed input (joined by spaces), computed from the rules directly.
    func referenceMap() -> [String: [String]] {
        var map: [String: [String]] = [:]
        var seen: [String: [String]] = [:]
        for r in Self.rules {
            for input in r.inputs {
                let key = reference.terms(input).joined(separator: " ")
                for alt in r.outputs ?? r.inputs {
                    let t = reference.terms(alt).joined(separator: " ")
                    if seen[key, default: []].contains(t) { continue }
                    seen[key, default: []].append(t)
                    map[key, default: []].append(alt)
                }
            }
        }
        for (key, alts) in map where alts.count == 1 && reference.terms(alts[0]).joined(separator: " ") == key { map[key] = nil }
        return map
    }

    func disjunction(_ alts: [String], field: String?) -> any Query {
        BooleanQuery(alts.map { a in
            .init(.should, reference.terms(a).count == 1 ? TermQuery(a, field: field) as any Query : PhraseQuery(a, field: field))
        })
    }

    /// The words of `clauses` (one occur, one field) with the longest inputs replaced, left to right.
    func expand(_ words: [String], occur: Occur, field: String?, map: [String: [String]]) -> [BooleanQuery.Clause] {
        var out: [BooleanQuery.Clause] = []
        var i = 0
        while i < words.count {
            var matched = 0
            for len in stride(from: words.count - i, through: 1, by: -1) {
                let key = words[i..<(i + len)].flatMap { reference.terms($0) }.joined(separator: " ")
                if let alts = map[key] { out.append(.init(occur, disjunction(alts, field: field))); matched = len; break }
            }
            if matched == 0 { out.append(.init(occur, TermQuery(words[i], field: field))); matched = 1 }
            i += matched
        }
        return out
    }

    // MARK: Synonyms

    func testSynonymExpandedQueriesMatchTheReference() throws {
        XCTAssertEqual(Self.setupProblems, [])
        let map = referenceMap()
        XCTAssertFalse(map.isEmpty)
        var rng = SeededRandom(seed: Self.seed &+ 1)
        let inputs = Self.rules.flatMap(\.inputs)
        var failures: [String] = [], expandedCount = 0, matched = 0
        for n in 0..<160 {
            // 1 to 3 groups of words; a group is a rule input (split into words) or a random word.
            var words: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                if Bool.random(using: &rng) { words += rng.pick(inputs).split(separator: " ").map(String.init) }
                else { words.append(Self.corpus.vocabulary.zipf(&rng)) }
            }
            let field: String? = n % 5 == 4 ? "title" : nil
            let occur: Occur = n % 3 == 0 ? .should : .must
            let query: any Query = words.count == 1 && n % 2 == 0
                ? TermQuery(words[0], field: field)
                : BooleanQuery(words.map { .init(occur, TermQuery($0, field: field)) })
            var expectedClauses = expand(words, occur: occur, field: field, map: map)
            // An excluded word too, sometimes: `-w` is expanded like any other run.
            var engineQuery = query
            if n % 7 == 6, let b = query as? BooleanQuery {
                let w = rng.pick(inputs)
                let excluded = w.split(separator: " ").map(String.init)
                engineQuery = BooleanQuery(b.clauses + excluded.map { .init(.mustNot, TermQuery($0, field: field)) })
                expectedClauses += expand(excluded, occur: .mustNot, field: field, map: map)
            }
            let expected: any Query = query is TermQuery ? expectedClauses[0].query : BooleanQuery(expectedClauses)
            let ref = reference.search(expected)
            if !ref.isEmpty { matched += 1 }
            for exact in [true, false] {
                var r = SearchRequest(engineQuery, limit: 10)
                r.exactCount = exact
                r.snippetField = nil
                r.loadDocuments = false
                let got = try index.search(r)
                if got.expandedQuery != nil { expandedCount += 1 }
                if exact ? got.total != ref.count : (got.totalIsLowerBound ? got.total > ref.count : got.total != ref.count) {
                    failures.append("\(engineQuery) (exact \(exact)): total \(got.total), reference \(ref.count)")
                }
                if let d = compareHits(got.hits, ref, offset: 0, limit: 10) { failures.append("\(engineQuery) → \(got.expandedQuery ?? "-") (exact \(exact)): \(d)") }
            }
        }
        XCTAssertEqual(failures.count, 0, failures.prefix(3).joined(separator: "\n"))
        XCTAssertGreaterThan(expandedCount, 100, "too few queries were expanded to test anything")
        XCTAssertGreaterThan(matched, 80, "too few queries matched")
    }

    // MARK: Related articles

    /// The reference's related-articles terms of `doc`: tf × idf per field, filtered and capped
    /// as `MoreLikeThis` documents it.
    func referenceTerms(_ doc: Document, settings: MoreLikeThis) -> [(field: String, term: String, score: Double)] {
        var out: [(field: String, term: String, score: Double)] = []
        for (f, name) in ReferenceEngine.fieldNames.enumerated() {
            var tf: [String: Int] = [:]
            for t in reference.terms(doc.fields[name] ?? "") { tf[t, default: 0] += 1 }
            for (t, c) in tf where c >= settings.minTermFrequency && t.count >= settings.minWordLength {
                let df = reference.docFreq(field: f, t)
                guard df >= settings.minDocumentFrequency, Double(df) <= settings.maxDocumentFrequencyRatio * Double(reference.n) else { continue }
                out.append((name, t, Double(c) * reference.idf(df)))
            }
        }
        out.sort { a, b in
            if a.score != b.score { return a.score > b.score }
            if a.field != b.field { return ReferenceEngine.fieldNames.firstIndex(of: a.field)! < ReferenceEngine.fieldNames.firstIndex(of: b.field)! }
            return Array(a.term.utf8).lexicographicallyPrecedes(Array(b.term.utf8))
        }
        return Array(out.prefix(settings.maxQueryTerms))
    }

    func testRelatedArticlesMatchTheReference() throws {
        XCTAssertEqual(Self.setupProblems, [])
        var rng = SeededRandom(seed: Self.seed &+ 2)
        var failures: [String] = [], withHits = 0
        for n in 0..<40 {
            var settings = MoreLikeThis()
            if n % 4 == 3 { settings.minTermFrequency = 1; settings.maxQueryTerms = 10 }
            let doc = reference.docs[Int.random(in: 0..<reference.docs.count, using: &rng)]
            let stored = try XCTUnwrap(reference.live[doc.id])
            let expectedTerms = referenceTerms(stored, settings: settings)
            let related = try index.similar(to: doc.id, limit: 10, settings: settings)
            let got = related.terms.map { "\($0.field):\($0.term)" }, want = expectedTerms.map { "\($0.field):\($0.term)" }
            // Terms whose scores tie within rounding may swap; compare as sets when the scores agree.
            if got != want && (Set(got) != Set(want) || got.count != want.count) {
                failures.append("\(doc.id): terms \(got.prefix(6)) …, reference \(want.prefix(6)) …")
                continue
            }
            guard let best = expectedTerms.first?.score else {
                if !related.results.hits.isEmpty { failures.append("\(doc.id): hits without terms") }
                continue
            }
            for (t, e) in zip(related.terms, expectedTerms) where !ReferenceEngine.nearlyEqual(t.score, e.score, 1e-9) {
                failures.append("\(doc.id): score of \(t.term) \(t.score), reference \(e.score)")
            }
            let query = BooleanQuery(expectedTerms.map {
                .init(.should, BoostQuery(IndexedTermQuery($0.term, field: $0.field), boost: $0.score / best))
            })
            let ref = reference.search(query).filter { $0.id != doc.id }
            if !ref.isEmpty { withHits += 1 }
            let total = related.results.total
            if related.results.totalIsLowerBound ? total > ref.count : total != ref.count {
                failures.append("\(doc.id): total \(total) (lower bound: \(related.results.totalIsLowerBound)), reference \(ref.count)")
            }
            if related.results.hits.contains(where: { $0.id == doc.id }) { failures.append("\(doc.id) is related to itself") }
            if let d = compareHits(related.results.hits, ref, offset: 0, limit: 10) { failures.append("\(doc.id): \(d)") }
        }
        XCTAssertEqual(failures.count, 0, failures.prefix(3).joined(separator: "\n"))
        XCTAssertGreaterThan(withHits, 25)
    }
}
