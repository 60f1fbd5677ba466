import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

// A brute-force search engine used as the oracle of the search-correctness tests: it keeps its
// own model of the live documents, re-analyzes every one of them with `Analyzer`, and scores
// a parsed `Query` tree directly with the BM25 formula (no postings, no skipping, no pruning).
// Anything the real engine gets wrong in postings, phrase matching, boolean scorers, block-max
// WAND, deletions, merges or statistics shows up as a disagreement with this file.

/// One analyzed field of a reference document.
struct RefField {
    var positions: [String: [Int]] = [:]
    var length = 0
}

struct RefDoc {
    var id: String
    var date: Int64?
    var fields: [RefField]
    var address: IndexReader.DocAddress
    /// Keyword, number and date values as written (see `ReferenceValues.swift`).
    var values: [String: [FieldValue]] = [:]
}

struct RefHit: CustomStringConvertible {
    var id: String
    var score: Double
    var address: IndexReader.DocAddress
    var date: Int64?
    var description: String { "\(id)@\(address.segment):\(address.doc) \(score)" }
}

final class ReferenceEngine {
    static let fieldNames = ["title", "body"]
    static let boosts = [2.0, 1.0]
    static let k1 = 1.2, b = 0.75

    /// Live documents by id, and the order ids were first added in.
    private(set) var live: [String: Document] = [:]
    private var ids: [String] = []
    private var idSet: Set<String> = []

    private let analyzer = try! Analyzer(language: "english")

    // Snapshot state (from `prepare`).
    private(set) var docs: [RefDoc] = []
    private var df: [[String: Int]] = [[:], [:]]
    private var avgdl: [Double] = [0, 0]
    var n: Int { docs.count }

    func put(_ d: Document) {
        live[d.id] = d
        if idSet.insert(d.id).inserted { ids.append(d.id) }
    }

    func remove(_ id: String) { live[id] = nil }

    func randomId(_ rng: inout SeededRandom) -> String? {
        for _ in 0..<8 {
            let id = rng.pick(ids)
            if live[id] != nil { return id }
        }
        return nil
    }

    /// Analyzes the model against `reader`: addresses come from the reader's stored documents
    /// (for tie-breaking); returns a list of disagreements between the model and the index.
    @discardableResult
    func prepare(reader: IndexReader) throws -> [String] {
        var problems: [String] = []
        var addresses: [String: IndexReader.DocAddress] = [:]
        try reader.forEachDocument { a, stored in
            if addresses[stored.id] != nil { problems.append("id \(stored.id) is live twice") }
            addresses[stored.id] = a
            if let m = live[stored.id] {
                for name in ["title", "body", "url"] where m.fields[name] != stored.fields[name] {
                    problems.append("\(stored.id): stored \(name) differs from the last version written")
                }
                if m.date != stored.date { problems.append("\(stored.id): stored date \(String(describing: stored.date)) != \(String(describing: m.date))") }
            } else {
                problems.append("\(stored.id) is live in the index but was deleted")
            }
        }
        for id in live.keys where addresses[id] == nil { problems.append("\(id) is missing from the index") }
        if reader.liveDocCount != live.count { problems.append("liveDocCount \(reader.liveDocCount) != \(live.count)") }

        docs = []
        fuzzyCache = [:]
        df = [[:], [:]]
        var sums = [0.0, 0.0]
        for (id, d) in live {
            guard let a = addresses[id] else { continue }
            var fields: [RefField] = []
            for (f, name) in ReferenceEngine.fieldNames.enumerated() {
                var rf = RefField()
                rf.length = analyzer.forEachTerm(in: d.fields[name] ?? "") { t, p in
                    rf.positions[String(decoding: t, as: UTF8.self), default: []].append(p)
                }
                for t in rf.positions.keys { df[f][t, default: 0] += 1 }
                sums[f] += Double(rf.length)
                fields.append(rf)
            }
            docs.append(RefDoc(id: id, date: d.date, fields: fields, address: a, values: d.values))
        }
        docs.sort { $0.address < $1.address }
        avgdl = sums.map { docs.isEmpty ? 0 : $0 / Double(docs.count) }
        return problems
    }

    /// Live documents holding the analyzed `term` in field number `f`.
    func docFreq(field f: Int, _ term: String) -> Int { df[f][term] ?? 0 }

    /// `text`'s terms as the index analyzes them.
    func terms(_ text: String) -> [String] { analyzer.terms(text) }

    // MARK: Scoring

    func idf(_ df: Int) -> Double { log(1 + (Double(n) - Double(df) + 0.5) / (Double(df) + 0.5)) }

    func bm25(field f: Int, tf: Int, dl: Int, idf: Double) -> Double {
        let k1 = ReferenceEngine.k1, b = ReferenceEngine.b
        let t = Double(tf)
        return ReferenceEngine.boosts[f] * idf * t * (k1 + 1) / (t + k1 * (1 - b + b * Double(dl) / avgdl[f]))
    }

    /// Fields of clauses without `field:` (`SearchRequest.fields`).
    var defaultFields = ["title", "body"]

    private func fields(_ name: String?) -> [Int] {
        guard let name else { return defaultFields.compactMap { ReferenceEngine.fieldNames.firstIndex(of: $0) } }
        return ReferenceEngine.fieldNames.firstIndex(of: name).map { [$0] } ?? []
    }

    private func termScore(_ term: String, field: String?, doc: RefDoc) -> Double? {
        var score: Double?
        for f in fields(field) {
            guard let ps = doc.fields[f].positions[term] else { continue }
            score = (score ?? 0) + bm25(field: f, tf: ps.count, dl: doc.fields[f].length, idf: idf(df[f][term] ?? 0))
        }
        return score
    }

    /// The phrase frequency: positions p of the first term with Σ_i min_q |q − (p + offset_i)| ≤ slop.
    static func phraseFreq(_ lists: [[Int]], offsets: [Int], slop: Int) -> Int {
        var count = 0
        for p in lists[0] {
            var total = 0
            for i in 1..<lists.count {
                total += lists[i].map { abs($0 - (p + offsets[i])) }.min()!
            }
            if total <= slop { count += 1 }
        }
        return count
    }

    private func phraseScore(_ tokens: [Token], field: String?, slop: Int, doc: RefDoc) -> Double? {
        let offsets = tokens.map { $0.position - tokens[0].position }
        var score: Double?
        for f in fields(field) {
            let lists = tokens.map { doc.fields[f].positions[$0.term] ?? [] }
            if lists.contains(where: \.isEmpty) { continue }
            let tf = ReferenceEngine.phraseFreq(lists, offsets: offsets, slop: slop)
            guard tf > 0 else { continue }
            let idf = tokens.reduce(0.0) { $0 + self.idf(df[f][$1.term] ?? 0) }
            score = (score ?? 0) + bm25(field: f, tf: tf, dl: doc.fields[f].length, idf: idf)
        }
        return score
    }

    /// Memo of prefix expansions per (field, prefix) for one snapshot.
    private var prefixCache: [String: [String]] = [:]


    private func expansions(_ prefix: String, field f: Int) -> [String] {
        let key = "\(f)\u{0}\(prefix)"
        if let e = prefixCache[key] { return e }
        let e = df[f].keys.filter { $0.hasPrefix(prefix) }.sorted()
        prefixCache[key] = e
        return e
    }

    /// Optimal string alignment distance over Unicode scalars (edits and adjacent
    /// transpositions), by the full dynamic programme.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        let m = a.count, n = b.count
        if m == 0 || n == 0 { return max(m, n) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: n + 1), count: m + 1)
        for i in 0...m { d[i][0] = i }
        for j in 0...n { d[0][j] = j }
        for i in 1...m {
            for j in 1...n {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[m][n]
    }

    private var fuzzyCache: [String: [(term: String, similarity: Double)]] = [:]

    /// A fuzzy query's kept terms in field `f`: every live term against both forms of the word
    /// (stemmed, folded), Lucene's similarity, the top `maxExpansions` by similarity, live
    /// document frequency, then bytes.
    private func fuzzyExpansions(_ q: FuzzyQuery, stem: String, field f: Int) -> [(term: String, similarity: Double)] {
        let key = "\(f)\u{0}\(q.text)\u{0}\(q.maxEdits)\u{0}\(q.prefixLength)\u{0}\(q.maxExpansions)"
        if let e = fuzzyCache[key] { return e }
        var forms = [Array(stem.unicodeScalars)]
        let folded = Analyzer.normalizedTerms(q.text)
        if folded.count == 1, Array(folded[0].unicodeScalars) != forms[0] { forms.append(Array(folded[0].unicodeScalars)) }
        var best: [String: Double] = [:]
        for t in df[f].keys {
            let ts = Array(t.unicodeScalars)
            for form in forms {
                let pl = min(q.prefixLength, form.count)
                guard ts.count >= pl, Array(ts[..<pl]) == Array(form[..<pl]) else { continue }
                let d = ReferenceEngine.editDistance(form, ts)
                guard d <= q.maxEdits else { continue }
                let shorter = min(form.count, ts.count)
                guard d == 0 || d < shorter else { continue }
                let s = d == 0 ? 1 : 1 - Double(d) / Double(shorter)
                best[t] = max(best[t] ?? 0, s)
            }
        }
        let e = best.map { (term: $0.key, similarity: $0.value) }.sorted { a, b in
            if a.similarity != b.similarity { return a.similarity > b.similarity }
            let da = df[f][a.term]!, db = df[f][b.term]!
            if da != db { return da > db }
            return Array(a.term.utf8).lexicographicallyPrecedes(Array(b.term.utf8))
        }.prefix(q.maxExpansions).map { $0 }
        fuzzyCache[key] = e
        return e
    }

    /// The score of `node` on `doc`, or nil when it does not match.
    func score(_ node: any Query, _ doc: RefDoc) -> Double? {
        switch node {
        case let q as TermQuery:
            let tokens = analyzer.analyze(q.text)
            if tokens.isEmpty { return nil }
            if tokens.count > 1 { return phraseScore(tokens, field: q.field, slop: 0, doc: doc) }
            return termScore(tokens[0].term, field: q.field, doc: doc)
        case let q as PhraseQuery:
            let tokens = analyzer.analyze(q.text)
            if tokens.isEmpty { return nil }
            if tokens.count == 1 { return termScore(tokens[0].term, field: q.field, doc: doc) }
            return phraseScore(tokens, field: q.field, slop: max(0, q.slop), doc: doc)
        case let q as PrefixQuery:
            let folded = Analyzer.normalizeTerm(q.prefix)
            if folded.isEmpty { return nil }
            var score: Double?
            for f in fields(q.field) {
                for t in expansions(folded, field: f) {
                    guard let ps = doc.fields[f].positions[t] else { continue }
                    score = (score ?? 0) + bm25(field: f, tf: ps.count, dl: doc.fields[f].length, idf: idf(df[f][t]!))
                }
            }
            return score
        case let q as FuzzyQuery:
            let tokens = analyzer.analyze(q.text)
            if tokens.isEmpty { return nil }
            if tokens.count > 1 { return score(TermQuery(q.text, field: q.field), doc) }
            var score: Double?
            for f in fields(q.field) {
                let kept = fuzzyExpansions(q, stem: tokens[0].term, field: f)
                guard let maxDF = kept.map({ df[f][$0.term]! }).max() else { continue }
                for (t, similarity) in kept {
                    guard let ps = doc.fields[f].positions[t] else { continue }
                    score = (score ?? 0) + similarity * bm25(field: f, tf: ps.count, dl: doc.fields[f].length, idf: idf(maxDF))
                }
            }
            return score
        case let q as BoostQuery:
            return score(q.query, doc).map { $0 * q.boost }
        case is MatchNoneQuery:
            return nil
        case let q as DateRangeQuery:
            let dates = q.field == "date" ? (doc.date.map { [$0] } ?? []) : doc.numbers(q.field).map { Int64($0) }
            return dates.contains { $0 >= (q.from ?? Int64.min) && $0 <= (q.to ?? Int64.max) } ? 0 : nil
        case let q as KeywordQuery:
            let have = doc.keywords(q.field)
            if let p = q.prefix { return have.contains { $0.hasPrefix(p) } ? 0 : nil }
            return have.contains { q.values.contains($0) } ? 0 : nil
        case let q as NumberRangeQuery:
            return doc.numbers(q.field).contains { v in
                (q.lower.map { q.includeLower ? v >= $0 : v > $0 } ?? true) && (q.upper.map { q.includeUpper ? v <= $0 : v < $0 } ?? true)
            } ? 0 : nil
        case is MatchAllQuery:
            return 0
        case let q as BoostQuery:
            return score(q.query, doc).map { $0 * q.boost }
        case let q as IndexedTermQuery:
            return q.term.isEmpty ? nil : termScore(q.term, field: q.field, doc: doc)
        case let q as BooleanQuery:
            var total = 0.0
            var anyPositive = false
            var hasMust = false
            for c in q.clauses {
                let s = score(c.query, doc)
                switch c.occur {
                case .must:
                    hasMust = true
                    guard let s else { return nil }
                    total += s
                case .should:
                    if let s { total += s; anyPositive = true }
                case .mustNot:
                    if s != nil { return nil }
                case .filter:
                    hasMust = true
                    guard s != nil else { return nil }
                }
            }
            return hasMust || anyPositive ? total : nil
        default:
            preconditionFailure("the reference engine does not know \(type(of: node))")
        }
    }

    /// All matching documents in result order.
    func search(_ node: any Query, after: Int64? = nil, before: Int64? = nil, sort: Loupe.SortOrder = .relevance) -> [RefHit] {
        var hits: [RefHit] = []
        for d in docs {
            if after != nil || before != nil {
                guard let date = d.date, date >= (after ?? Int64.min), date <= (before ?? Int64.max) else { continue }
            }
            if let s = score(node, d) { hits.append(RefHit(id: d.id, score: s, address: d.address, date: d.date)) }
        }
        return ReferenceEngine.order(hits, sort: sort)
    }

    /// Sorts by (date key,) score descending, then address; scores equal within rounding
    /// (a different summation order) count as ties, as they are ties in exact arithmetic.
    static func order(_ hits: [RefHit], sort: Loupe.SortOrder) -> [RefHit] {
        func key(_ h: RefHit) -> Int64 {
            if sort == .relevance { return 0 }
            guard let d = h.date else { return Int64.min }
            switch sort {
            case .relevance: return 0
            case .newest: return d
            case .oldest: return -d
            }
        }
        var sorted = hits.sorted { a, b in
            let ka = key(a), kb = key(b)
            if ka != kb { return ka > kb }
            if a.score != b.score { return a.score > b.score }
            return a.address < b.address
        }
        var i = 0
        while i < sorted.count {
            var j = i + 1
            while j < sorted.count, key(sorted[j]) == key(sorted[i]), nearlyEqual(sorted[j - 1].score, sorted[j].score, 1e-9) { j += 1 }
            if j - i > 1 { sorted[i..<j].sort { $0.address < $1.address } }
            i = j
        }
        return sorted
    }

    static func nearlyEqual(_ a: Double, _ b: Double, _ rel: Double) -> Bool {
        abs(a - b) <= rel * max(abs(a), abs(b), 1e-12)
    }
}

/// Compares one page of engine results with the reference; returns a description of the
/// first difference, or nil when they agree. With `roundingTies`, engine hits whose scores
/// differ only by rounding may come in any order (used for whole rankings: the reference sums
/// in floating point and the engine's disjunction path in fixed point, see
/// `testIdenticalDocumentsTieByAddressUnderDisjunctionPruning`, so near-ties may swap).
func compareHits(_ engineHits: [SearchHit], _ ref: [RefHit], offset: Int, limit: Int, roundingTies: Bool = false) -> String? {
    let expected = Array(ref.dropFirst(offset).prefix(limit))
    var engine = engineHits
    if roundingTies {
        var i = 0
        while i < engine.count {
            var j = i + 1
            while j < engine.count, ReferenceEngine.nearlyEqual(engine[j - 1].score, engine[j].score, 1e-9) { j += 1 }
            if j - i > 1 { engine[i..<j].sort { $0.address < $1.address } }
            i = j
        }
    }
    let got = engine.map(\.id)
    if got != expected.map(\.id) {
        let first = (0..<min(got.count, expected.count)).first { got[$0] != expected[$0].id } ?? min(got.count, expected.count)
        let window = max(0, first - 2)..<(first + 4)
        let e = engine.indices.clamped(to: window).map { "\(engine[$0].id)@\(engine[$0].address.segment):\(engine[$0].address.doc) \(engine[$0].score)" }
        let r = expected.indices.clamped(to: window).map { expected[$0].description }
        return "ids differ from rank \(offset + first) (engine \(got.count) hits, reference \(expected.count))\n  engine:    \(e)\n  reference: \(r)"
    }
    for (h, r) in zip(engine, expected) where !ReferenceEngine.nearlyEqual(h.score, r.score, 1e-5) {
        return "score of \(h.id): engine \(h.score), reference \(r.score)"
    }
    for (h, r) in zip(engine, expected) where h.address != r.address {
        return "address of \(h.id): engine \(h.address), reference \(r.address)"
    }
    return nil
}
