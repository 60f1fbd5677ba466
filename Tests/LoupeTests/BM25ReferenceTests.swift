import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// Randomized differential tests: every query class is run against a multi-segment index (with
/// merges, deletions and updates) and against `ReferenceEngine`, a brute-force BM25 engine.
/// Top-10 ids (in order), scores (1e-5 relative), totals, offsets and date sorting must agree,
/// with exact counting and with block-max WAND pruning.
final class BM25ReferenceTests: XCTestCase {
    static let seed: UInt64 = 0x10_0E_BE
    static var corpus: ReferenceCorpus!
    static var setupProblems: [String] = []

    override class func setUp() {
        super.setUp()
        do {
            corpus = try ReferenceCorpus(seed: seed, commits: 6, perCommit: 550)
            setupProblems = corpus.problems
        } catch {
            setupProblems = ["building the corpus failed: \(error)"]
        }
    }

    override class func tearDown() {
        corpus = nil
        super.tearDown()
    }

    var index: Index { Self.corpus.index }
    var reference: ReferenceEngine { Self.corpus.reference }
    var vocab: Vocabulary { Self.corpus.vocabulary }
    /// `SearchRequest.timeout` of every request `check` makes (nil: none).
    var timeout: Duration? = nil

    // MARK: The harness

    struct Query {
        var text: String
        var defaultOperator: DefaultOperator = .and
        var after: Int64? = nil
        var before: Int64? = nil
        /// `SearchRequest.fields`: the fields of unscoped clauses.
        var fields: [String]? = nil
    }

    func request(_ q: Query, limit: Int = 10, offset: Int = 0, sort: Loupe.SortOrder = .relevance, exact: Bool) -> SearchRequest {
        var r = SearchRequest(query: q.text, limit: limit)
        r.offset = offset
        r.sort = sort
        r.exactCount = exact
        r.defaultOperator = q.defaultOperator
        r.after = q.after
        r.before = q.before
        r.fields = q.fields
        r.snippetField = nil
        r.loadDocuments = false
        r.timeout = timeout
        return r
    }

    /// Runs each query in every mode and compares it with the reference. Returns the failures
    /// (also reported through XCTFail, the first few in full).
    @discardableResult
    func check(_ queries: [Query], _ label: String, sorts: Bool = true, file: StaticString = #filePath, line: UInt = #line) throws -> (failures: Int, pruned: Int) {
        XCTAssertEqual(Self.setupProblems, [], "the index does not hold what was written", file: file, line: line)
        var failures: [String] = []
        var matched = 0
        var prunedCount = 0
        for (n, q) in queries.enumerated() {
            let node = try QueryParser.parse(q.text, defaultOperator: q.defaultOperator, knownFields: ["title", "body"])
            var problems: [String] = []
            reference.defaultFields = q.fields ?? ["title", "body"]
            let ref = reference.search(node, after: q.after, before: q.before)
            if !ref.isEmpty { matched += 1 }

            let exact = try index.search(request(q, exact: true))
            if exact.timedOut { problems.append("timed out") }
            if exact.totalIsLowerBound { problems.append("exactCount: totalIsLowerBound is true") }
            if exact.total != ref.count { problems.append("exactCount: total \(exact.total), reference \(ref.count)") }
            if let d = compareHits(exact.hits, ref, offset: 0, limit: 10) { problems.append("exactCount top-10: \(d)") }

            let pruned = try index.search(request(q, exact: false))
            if pruned.totalIsLowerBound { prunedCount += 1 }
            if let d = compareHits(pruned.hits, ref, offset: 0, limit: 10) { problems.append("pruned top-10: \(d)") }
            if pruned.totalIsLowerBound ? pruned.total > ref.count : pruned.total != ref.count {
                problems.append("pruned: total \(pruned.total) (lower bound: \(pruned.totalIsLowerBound)), reference \(ref.count)")
            }

            // The collectors directly: an exact count (from the dictionaries where they know
            // it), every match in index order, and top hits plus a count in one pass.
            if q.after == nil && q.before == nil {
                let count = try index.searcher.count(node, fields: q.fields)
                if count != ref.count { problems.append("count: \(count), reference \(ref.count)") }
                let set = DocSetCollector()
                try index.searcher.search(node, fields: q.fields, collector: set)
                let inIndexOrder = ref.sorted { $0.address < $1.address }
                if set.ids != inIndexOrder.map(\.id) || set.addresses != inIndexOrder.map(\.address) {
                    problems.append("DocSetCollector: \(set.ids.count) matches, reference \(ref.count)")
                }
                let top = TopScoreCollector(k: 10), counter = CountCollector()
                let matched = try index.searcher.search(node, fields: q.fields, collector: MultiCollector([top, counter]))
                if counter.count != ref.count || matched != ref.count { problems.append("MultiCollector: count \(counter.count), matched \(matched), reference \(ref.count)") }
                if top.topDocuments.map(\.address) != exact.hits.map(\.address) { problems.append("MultiCollector: top-10 differs from the exact search") }
            }

            let page2 = try index.search(request(q, offset: 10, exact: false))
            if let d = compareHits(page2.hits, ref, offset: 10, limit: 10) { problems.append("offset 10: \(d)") }

            // Every 5th query: the complete ranking, and a page past the end.
            if n % 5 == 0 {
                let all = try index.search(request(q, limit: ref.count + 5, exact: false))
                if let d = compareHits(all.hits, ref, offset: 0, limit: ref.count + 5, roundingTies: true) { problems.append("full ranking: \(d)") }
                if all.total != ref.count || all.totalIsLowerBound { problems.append("full ranking: total \(all.total), reference \(ref.count)") }
                let past = try index.search(request(q, offset: ref.count, exact: true))
                if !past.hits.isEmpty || past.total != ref.count { problems.append("offset past the end: \(past.hits.count) hits, total \(past.total)") }
                let none = try index.search(request(q, limit: 0, exact: true))
                if !none.hits.isEmpty || none.total != ref.count { problems.append("limit 0: \(none.hits.count) hits, total \(none.total)") }
            }

            if sorts {
                for sort in [Loupe.SortOrder.newest, .oldest] {
                    let refSorted = ReferenceEngine.order(ref, sort: sort)
                    let r = try index.search(request(q, sort: sort, exact: false))
                    if let d = compareHits(r.hits, refSorted, offset: 0, limit: 10) { problems.append("sort \(sort): \(d)") }
                    if r.total != ref.count && !(r.totalIsLowerBound && r.total <= ref.count) {
                        problems.append("sort \(sort): total \(r.total), reference \(ref.count)")
                    }
                }
            }
            if !problems.isEmpty {
                var desc = "query \(q.text.debugDescription)"
                if q.defaultOperator == .or { desc += " (default OR)" }
                if q.after != nil || q.before != nil { desc += " after \(q.after.map(ISODate.format) ?? "-") before \(q.before.map(ISODate.format) ?? "-")" }
                failures.append(desc + ":\n  " + problems.joined(separator: "\n  "))
            }
        }
        for f in failures.prefix(4) { XCTFail("[\(label)] \(f)", file: file, line: line) }
        if failures.count > 4 { XCTFail("[\(label)] \(failures.count) of \(queries.count) queries disagree with the reference", file: file, line: line) }
        // The generators must produce queries that actually match something.
        XCTAssertGreaterThan(matched, queries.count / 3, "[\(label)] too few queries match anything", file: file, line: line)
        return (failures.count, prunedCount)
    }

    // MARK: Query material

    /// A word as a user might type it: mostly vocabulary words (frequent and rare), sometimes
    /// upper-cased, stripped of diacritics, or absent from the corpus.
    func word(_ rng: inout SeededRandom) -> String {
        switch rng.int(0...19) {
        case 0: return "zzq\(rng.int(0...9))x"
        case 1...3: return vocab.uniform(&rng)
        case 4:
            let w = vocab.zipf(&rng).uppercased()
            return ["AND", "OR", "NOT"].contains(w) ? w.lowercased() : w
        case 5: return Analyzer.normalizeTerm(rng.pick(Vocabulary.vietnamese))
        default: return vocab.zipf(&rng)
        }
    }

    /// Words of a live document's field (raw text split on spaces, punctuation kept).
    func docWords(_ rng: inout SeededRandom, field: String? = nil, minCount: Int = 2) -> [String] {
        for _ in 0..<50 {
            let d = reference.docs[rng.int(0...(reference.docs.count - 1))]
            let name = field ?? (rng.chance(0.3) ? "title" : "body")
            let words = (reference.live[d.id]?.fields[name] ?? "").split(separator: " ").map(String.init)
            if words.count >= minCount { return words }
        }
        return ["war", "legacy"]
    }

    /// A phrase of `count` consecutive words from a document (so it usually matches).
    func phraseText(_ rng: inout SeededRandom, count: Int, field: String? = nil) -> String {
        let words = docWords(&rng, field: field, minCount: count)
        let start = rng.int(0...(words.count - count))
        return words[start..<(start + count)].joined(separator: " ").replacingOccurrences(of: "\"", with: "")
    }

    func date(_ rng: inout SeededRandom) -> Int64 { Int64.random(in: TestCorpus.minDate...TestCorpus.maxDate, using: &rng) }

    func day(_ rng: inout SeededRandom) -> String { String(ISODate.format(date(&rng)).prefix(10)) }

    func generate(_ seed: UInt64, count: Int = 50, _ make: (inout SeededRandom) -> Query) -> [Query] {
        var rng = SeededRandom(seed: Self.seed ^ seed)
        return (0..<count).map { _ in make(&rng) }
    }

    // MARK: Query classes

    func testSingleTerms() throws {
        let qs = generate(1) { rng in
            if rng.chance(0.08) { return Query(text: rng.pick(Vocabulary.split)) }  // several tokens: a phrase
            return Query(text: word(&rng))
        }
        try check(qs, "term")
    }

    func testConjunctions() throws {
        let qs = generate(2) { rng in
            let ws = (0..<rng.int(2...3)).map { _ in vocab.zipf(&rng) }
            switch rng.int(0...3) {
            case 0: return Query(text: ws.joined(separator: " AND "))
            case 1: return Query(text: ws.map { "+" + $0 }.joined(separator: " "))
            default: return Query(text: ws.joined(separator: " "))
            }
        }
        try check(qs, "AND")
    }

    func testDefaultOperatorOr() throws {
        let qs = generate(3) { rng in
            var parts = (0..<rng.int(2...4)).map { _ in word(&rng) }
            if rng.chance(0.2) { parts[0] = "+" + parts[0] }
            if rng.chance(0.2) { parts.append("-" + vocab.zipf(&rng)) }
            if rng.chance(0.15) { parts.append("\"\(phraseText(&rng, count: 2))\"") }
            return Query(text: parts.joined(separator: " "), defaultOperator: .or)
        }
        let (_, pruned) = try check(qs, "default OR")
        XCTAssertGreaterThan(pruned, 0, "block-max WAND never pruned: the comparison with exact counting proves nothing")
    }

    func testExplicitOr() throws {
        let qs = generate(4) { rng in
            let a = word(&rng), b = word(&rng), c = word(&rng)
            switch rng.int(0...4) {
            case 0: return Query(text: "\(a) OR \(b)")
            case 1: return Query(text: "\(a) OR \(b) OR \(c)")
            case 2: return Query(text: "(\(a) \(b)) OR \(c)")
            case 3: return Query(text: "\(a) (\(b) OR \(c))")
            default: return Query(text: "\(a) || \(b)* OR \"\(phraseText(&rng, count: 2))\"")
            }
        }
        try check(qs, "OR")
    }

    /// Unions of three to five of the most frequent words: equally weighted dense lists, where
    /// the disjunction scorer often has one essential list and scores the next in bulk too.
    func testDisjunctionsOfFrequentWords() throws {
        let qs = generate(5) { rng in
            let count = rng.int(3...5)
            var picked: [String] = []
            while picked.count < count {
                let w = vocab.words[rng.int(0...11)]
                if !picked.contains(w) && !["and", "or", "not"].contains(w.lowercased()) { picked.append(w) }
            }
            return rng.chance(0.5) ? Query(text: picked.joined(separator: " OR ")) : Query(text: picked.joined(separator: " "), defaultOperator: .or)
        }
        let (_, pruned) = try check(qs, "frequent OR")
        XCTAssertGreaterThan(pruned, 0, "no query was pruned: the comparison with exact counting proves nothing")
    }

    func testNegations() throws {
        let qs = generate(5) { rng in
            let a = vocab.zipf(&rng), b = vocab.zipf(&rng), c = vocab.zipf(&rng)
            switch rng.int(0...6) {
            case 0: return Query(text: "\(a) -\(b)")
            case 1: return Query(text: "\(a) NOT \(b)")
            case 2: return Query(text: "-\(a)")
            case 3: return Query(text: "NOT \(a) NOT \(b)")
            case 4: return Query(text: "\(a) -(\(b) \(c))")
            case 5: return Query(text: "(\(a) OR \(b)) -\(c)")
            default: return Query(text: "\(a) -\"\(phraseText(&rng, count: 2))\"")
            }
        }
        try check(qs, "NOT")
    }

    func testPhrases() throws {
        let qs = generate(6) { rng in
            let n = rng.int(2...3)
            if rng.chance(0.15) { return Query(text: "\"\(word(&rng)) \(word(&rng))\"") }
            let text = "\"\(phraseText(&rng, count: n))\""
            return Query(text: rng.chance(0.2) ? text + " " + vocab.zipf(&rng) : text)
        }
        try check(qs, "phrase")
    }

    func testSloppyPhrases() throws {
        let qs = generate(7) { rng in
            let words = docWords(&rng, minCount: 5)
            let i = rng.int(0...(words.count - 2))
            let j = min(words.count - 1, i + rng.int(1...4))
            var picked = [words[i], words[j]]
            if rng.chance(0.3) { picked.reverse() }
            if rng.chance(0.25) { picked.append(rng.pick(words)) }
            // Repeated terms: the same positions may serve several phrase terms.
            if rng.chance(0.15) { picked = [picked[0], picked[0]] + (rng.chance(0.5) ? [picked[0]] : []) }
            if rng.chance(0.1) { picked.insert(picked[0], at: 1) }
            let text = picked.joined(separator: " ").replacingOccurrences(of: "\"", with: "")
            return Query(text: "\"\(text)\"~\(rng.chance(0.1) ? rng.int(6...40) : rng.int(0...5))")
        }
        try check(qs, "slop")
    }

    func testFieldScoped() throws {
        let qs = generate(8) { rng in
            let f = rng.pick(["title", "body"]), g = rng.pick(["title", "body"])
            let a = word(&rng), b = word(&rng)
            switch rng.int(0...7) {
            case 0: return Query(text: "\(f):\(a)")
            case 1: return Query(text: "\(f):\(a) \(g):\(b)")
            case 2: return Query(text: "\(f):(\(a) OR \(b))")
            case 3: return Query(text: "\(f):\"\(phraseText(&rng, count: 2, field: f))\"")
            case 4: return Query(text: "\(f):\(a) \(b)", defaultOperator: .or)
            case 5: return Query(text: "\(a) OR \(b)", fields: [f])
            case 6: return Query(text: "\"\(phraseText(&rng, count: 2))\" \(String(b.prefix(2)))*", defaultOperator: .or, fields: [f])
            default: return Query(text: "\(f):\(String(vocab.zipf(&rng).prefix(2)))* -\(g):\(b)")
            }
        }
        try check(qs, "field")
    }

    func testPrefixes() throws {
        let qs = generate(9) { rng in
            var w = vocab.zipf(&rng)
            if rng.chance(0.2) { w = rng.pick(Vocabulary.vietnamese) }
            let p = String(w.prefix(rng.int(1...4))) + "*"
            switch rng.int(0...3) {
            case 0: return Query(text: "\(p) \(vocab.zipf(&rng))")
            case 1: return Query(text: "\(p) \(String(vocab.zipf(&rng).prefix(2)))*", defaultOperator: .or)
            default: return Query(text: p)
            }
        }
        let (_, pruned) = try check(qs, "prefix")
        XCTAssertGreaterThan(pruned, 0, "block-max WAND never pruned")
    }

    func testDateFilters() throws {
        let qs = generate(10) { rng in
            var a = date(&rng), b = date(&rng)
            if a > b { swap(&a, &b) }
            let w = vocab.zipf(&rng), x = vocab.zipf(&rng)
            let range = "date:[\(ISODate.format(a)) TO \(ISODate.format(b))]"
            switch rng.int(0...7) {
            case 0: return Query(text: "\(w) \(range)")
            case 1: return Query(text: "(\(w) OR \(x)) \(range)")
            case 2: return Query(text: "\(w) date:\(ISODate.format(TestCorpus.minDate + Int64(rng.int(0...20)) * 86_400))")
            case 3: return Query(text: "\(w) date:[* TO \(day(&rng))]")
            case 4: return Query(text: "\(w) -\(range)")
            case 5: return Query(text: "\(w) \(x)", defaultOperator: .or, after: a, before: rng.chance(0.5) ? b : nil)
            case 6: return Query(text: range)
            default: return Query(text: "\"\(phraseText(&rng, count: 2))\" OR \(w)", before: b)
            }
        }
        try check(qs, "date")
    }

    /// A word with one or two typing mistakes: a letter dropped, doubled, replaced or two
    /// swapped (what fuzzy terms are for).
    func misspelled(_ w: String, _ rng: inout SeededRandom) -> String {
        var c = Array(w)
        for _ in 0..<rng.int(1...2) where c.count > 2 {
            let i = rng.int(1...(c.count - 2))
            switch rng.int(0...3) {
            case 0: c.remove(at: i)
            case 1: c.insert(c[i], at: i)
            case 2: c[i] = rng.pick(Array("aeiourstn"))
            default: c.swapAt(i, i + 1)
            }
        }
        return String(c)
    }

    func testFuzzyTerms() throws {
        let qs = generate(11) { rng in
            let w = misspelled(vocab.zipf(&rng), &rng), v = vocab.zipf(&rng)
            let f = rng.pick(["title", "body"])
            switch rng.int(0...7) {
            case 0: return Query(text: "\(w)~1")
            case 1: return Query(text: "\(w)~")
            case 2: return Query(text: "\(w)~2 \(v)", defaultOperator: .or)
            case 3: return Query(text: "\(w)~1 \(v)")
            case 4: return Query(text: "\(f):\(w)~2")
            case 5: return Query(text: "\(w)~1 OR \(misspelled(v, &rng))~2")
            case 6: return Query(text: "\(w)~0 \(v)~", defaultOperator: .or)
            default: return Query(text: "\(rng.pick(Vocabulary.vietnamese))~1")
            }
        }
        let (_, pruned) = try check(qs, "fuzzy")
        XCTAssertGreaterThan(pruned, 0, "block-max WAND never pruned")
    }

    func testBoosts() throws {
        let qs = generate(12) { rng in
            let a = word(&rng), b = vocab.zipf(&rng)
            let boost = rng.pick(["2", "0.5", "3.25", "10"])
            switch rng.int(0...5) {
            case 0: return Query(text: "\(a)^\(boost) \(b)", defaultOperator: .or)
            case 1: return Query(text: "\"\(phraseText(&rng, count: 2))\"^\(boost) \(b)", defaultOperator: .or)
            case 2: return Query(text: "(\(a) OR \(b))^\(boost) \(word(&rng))")
            case 3: return Query(text: "title:\(b)^\(boost) body:\(a)", defaultOperator: .or)
            case 4: return Query(text: "\(misspelled(b, &rng))~1^\(boost) \(a)", defaultOperator: .or)
            default: return Query(text: "\(String(b.prefix(2)))*^\(boost) \(a)^\(boost)", defaultOperator: .or)
            }
        }
        try check(qs, "boost")
    }

    /// Sanity of the fixture itself: it has several segments and deletions, so the tests
    /// exercise cross-segment statistics and tie-breaking.
    // MARK: Deadlines

    /// Queries of every class, for the deadline tests.
    func mixedQueries(_ seed: UInt64, count: Int) -> [Query] {
        generate(seed, count: count) { rng in
            let a = vocab.zipf(&rng), b = vocab.zipf(&rng), c = vocab.zipf(&rng)
            switch rng.int(0...7) {
            case 0: return Query(text: "\(a) \(b)")
            case 1: return Query(text: "\(a) OR \(b) OR \(c)")
            case 2: return Query(text: "\(a) -\(b)")
            case 3: return Query(text: "\"\(phraseText(&rng, count: 2))\"")
            case 4: return Query(text: "+\(a) \"\(phraseText(&rng, count: 2))\"")
            case 5: return Query(text: "\(String(a.prefix(2)))* \(b)", defaultOperator: .or)
            case 6: return Query(text: "\(a) -\"\(phraseText(&rng, count: 2))\"")
            default: return Query(text: "\"\(phraseText(&rng, count: 3))\"~2 OR \(c)")
            }
        }
    }

    /// A deadline that cannot be reached changes nothing: every mode equals the reference.
    func testFarDeadlineChangesNothing() throws {
        timeout = .seconds(3600)
        try check(mixedQueries(21, count: 40), "far deadline")
    }

    /// A search stopped part way (deterministically: at its n-th clock read, read every 16
    /// units of work) returns true matches with their true scores, and says it timed out.
    func testDeadlinePartWayReturnsTrueMatchesWithTrueScores() throws {
        var stoppedWithHits = 0
        for q in mixedQueries(22, count: 30) {
            let node = try QueryParser.parse(q.text, defaultOperator: q.defaultOperator, knownFields: ["title", "body"])
            reference.defaultFields = ["title", "body"]
            let ref = reference.search(node, after: nil, before: nil)
            let truth = Dictionary(ref.map { ($0.id, $0.score) }, uniquingKeysWith: { a, _ in a })
            for reads in [1, 2, 3, 5, 9, 17] {
                for (exact, sort) in [(true, Loupe.SortOrder.relevance), (false, .relevance), (false, .newest)] {
                    var r = request(q, limit: 20, sort: sort, exact: exact)
                    r.facets = [FacetRequest.histogram("date", .year)].filter { _ in reads % 2 == 1 }
                    r.sharedDeadline = SearchDeadline(passingAtRead: reads, interval: 16)
                    let found = try index.search(r)
                    let label = "\(q.text.debugDescription) stopped at read \(reads), exact \(exact), \(sort)"
                    for h in found.hits {
                        guard let score = truth[h.id] else { XCTFail("\(label): \(h.id) does not match"); continue }
                        XCTAssertEqual(h.score, score, accuracy: 1e-5 * max(1, abs(score)), "\(label): \(h.id)")
                    }
                    XCTAssertLessThanOrEqual(found.total, ref.count, label)
                    if found.timedOut {
                        XCTAssertTrue(found.totalIsLowerBound, label)
                        XCTAssertNil(found.cursor, label)
                        if !found.hits.isEmpty && found.total < ref.count { stoppedWithHits += 1 }
                    } else {
                        XCTAssertEqual(found.total, ref.count, label)
                    }
                    for f in found.facets {
                        for b in f.buckets { XCTAssertLessThanOrEqual(b.count, ref.count, label) }
                    }
                }
            }
            // Counting and collecting directly stop the same way.
            let counted = try index.searcher.count(node, timeout: .seconds(3600))
            XCTAssertEqual(counted.count, ref.count)
            XCTAssertFalse(counted.timedOut)
            let set = DocSetCollector()
            let collected = try index.searcher.search(node, collector: set, timeout: .zero)
            XCTAssertTrue(collected.timedOut)
            XCTAssertTrue(set.ids.isEmpty)
        }
        XCTAssertGreaterThan(stoppedWithHits, 20, "searches were hardly ever stopped part way with hits: the test proves little")
    }

    func testFixtureShape() throws {
        XCTAssertEqual(Self.setupProblems, [])
        let r = index.reader
        XCTAssertGreaterThan(r.segments.count, 2)
        XCTAssertTrue(r.segments.contains { $0.deletions != nil }, "no segment has deletions")
        XCTAssertEqual(r.liveDocCount, reference.n)
        // The empty query matches everything, all with score 0, in index order.
        try check([Query(text: "")], "match all", sorts: true)
    }
}

