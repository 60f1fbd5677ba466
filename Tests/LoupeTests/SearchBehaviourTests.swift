import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// Behaviour around searching: explanations add up, snapshots change only on refresh, and
/// concurrent searches agree with sequential ones.
final class SearchBehaviourTests: XCTestCase {
    static var corpus: ReferenceCorpus!

    override class func setUp() {
        super.setUp()
        do {
            // Two indexing threads: documents of one chunk go to two segments at once.
            corpus = try ReferenceCorpus(seed: 0xBE4A_710, commits: 3, perCommit: 400, threads: 2)
        } catch {
            XCTFail("setup failed: \(error)")
        }
    }

    override class func tearDown() {
        corpus = nil
        super.tearDown()
    }

    var tmp: TempDir!
    override func setUp() { super.setUp(); tmp = TempDir("loupe-tiny") }
    override func tearDown() { tmp = nil; super.tearDown() }

    func tinyIndex(_ docs: [Document]) throws -> Index {
        try TestIndex.build(at: tmp.sub("index-\(UUID().uuidString)"), documents: docs)
    }

    /// Random queries of every shape, including nested booleans and negations.
    func mixedQueries(seed: UInt64, count: Int) -> [SearchRequest] {
        var rng = SeededRandom(seed: seed)
        let v = Self.corpus.vocabulary
        return (0..<count).map { _ in
            let a = v.zipf(&rng), b = v.zipf(&rng), c = v.zipf(&rng)
            let p = String(v.zipf(&rng).prefix(2))
            let text: String
            switch rng.int(0...9) {
            case 0: text = a
            case 1: text = "\(a) \(b)"
            case 2: text = "\(a) OR \(b)"
            case 3: text = "(\(a) \(b)) OR \(c)"
            case 4: text = "\(a) (\(b) OR \(c))"
            case 5: text = "\"\(a) \(b)\"~3 OR \(c)"
            case 6: text = "\(p)* \(a)"
            case 7: text = "\(a) -\(b)"
            case 8: text = "title:\(a) OR body:\(b)"
            default: text = "\(a) OR (\(b) -\(c))"
            }
            var r = SearchRequest(query: text, limit: 10)
            if rng.chance(0.3) { r.defaultOperator = .or }
            r.snippetField = nil
            return r
        }
    }

    func testTwoThreadWriterHoldsWhatWasWritten() {
        XCTAssertEqual(Self.corpus.problems, [])
    }

    // MARK: Explanations

    func testExplanationEntriesSumToScore() throws {
        var bad: [String] = []
        for var r in mixedQueries(seed: 11, count: 120) {
            r.explain = true
            for hit in try Self.corpus.index.search(r).hits {
                guard let e = hit.explanation else { bad.append("\(r.query): \(hit.id) has no explanation"); continue }
                let sum = e.entries.reduce(0) { $0 + $1.score }
                if !ReferenceEngine.nearlyEqual(sum, hit.score, 1e-9) || !ReferenceEngine.nearlyEqual(e.score, hit.score, 1e-9) {
                    bad.append("\(r.query.debugDescription): \(hit.id) score \(hit.score), explanation \(e.score), entries \(e.entries.map(\.clause))")
                }
            }
        }
        for b in bad.prefix(5) { XCTFail(b) }
        XCTAssertEqual(bad.count, 0, "\(bad.count) hits whose explanation does not add up")
    }

    /// The smallest case: a should-clause that is itself a conjunction which does not match.
    func testExplanationOfUnmatchedNestedConjunction() throws {
        let index = try tinyIndex([Document(id: "1", fields: ["body": "alpha gamma"])])
        var r = SearchRequest(query: "(alpha beta) OR gamma")
        r.explain = true
        let hit = try XCTUnwrap(index.search(r).hits.first)
        let e = try XCTUnwrap(hit.explanation)
        XCTAssertEqual(e.entries.map(\.clause), ["body:gamma"])
        XCTAssertEqual(e.entries.reduce(0) { $0 + $1.score }, hit.score, accuracy: 1e-9)
    }

    func testExplanationEntriesFollowTheFormula() throws {
        var r = SearchRequest(query: "\"war legacy\" vietnam title:war")
        r.explain = true
        let index = try tinyIndex([
            Document(id: "1", fields: ["title": "War legacy", "body": "the war legacy of Vietnam, the war legacy"]),
            Document(id: "2", fields: ["title": "war", "body": "vietnam"]),
            Document(id: "3", fields: ["title": "other", "body": "nothing here"]),
        ])
        let hits = try index.search(r).hits
        XCTAssertEqual(hits.map(\.id), ["1"])
        for entry in try XCTUnwrap(hits.first?.explanation).entries {
            let tf = Double(entry.tf), dl = Double(entry.dl)
            let expected = entry.boost * entry.idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * dl / entry.avgdl))
            XCTAssertEqual(entry.score, expected, accuracy: 1e-9, entry.clause)
            let idf = entry.df.reduce(0.0) { $0 + log(1 + (3 - Double($1) + 0.5) / (Double($1) + 0.5)) }
            XCTAssertEqual(entry.idf, idf, accuracy: 1e-12, entry.clause)
        }
    }

    // MARK: Phrases of a rare and a frequent word

    /// The ids (indices) of the token sequences that hold `phrase`: the brute-force reference.
    static func documentsContaining(_ phrase: [String], in tokens: [[String]]) -> [String] {
        tokens.indices.filter { d in
            let t = tokens[d]
            return t.count >= phrase.count && (0...(t.count - phrase.count)).contains { Array(t[$0..<$0 + phrase.count]) == phrase }
        }.map(String.init)
    }

    /// A rare word next to a word in every document, many times each: the frequent word's
    /// positions fill whole runs of 128 (decoded a range at a time) and the rare word has few
    /// positions (matched start by start, see `PhraseMatcher`). Counts and the matching
    /// documents must equal a brute-force scan of the token sequences, including phrases whose
    /// words repeat and an offset past the document's start.
    func testPhrasesOfARareWordAndAFrequentWordMatchABruteForceScan() throws {
        var rng = SeededRandom(seed: 77)
        let filler = ["red", "green", "blue", "cyan"]
        var docs: [Document] = [], tokens: [[String]] = []
        for d in 0..<400 {
            var words: [String] = []
            for _ in 0..<rng.int(20...160) { words.append(rng.chance(0.4) ? "the" : filler[rng.int(0...3)]) }
            for _ in 0..<rng.int(0...12) where rng.chance(0.5) { words[rng.int(0...(words.count - 1))] = "odd" }
            tokens.append(words)
            docs.append(Document(id: String(d), fields: ["body": words.joined(separator: " ")]))
        }
        let index = try tinyIndex(docs)
        for phrase in [["odd", "the"], ["the", "odd"], ["odd", "the", "the"], ["the", "odd", "red"], ["odd", "odd"]] {
            let expected = Self.documentsContaining(phrase, in: tokens)
            var r = SearchRequest(query: "\"" + phrase.joined(separator: " ") + "\"")
            r.limit = 1000
            r.exactCount = true
            let results = try index.search(r)
            XCTAssertEqual(results.total, expected.count, phrase.joined(separator: " "))
            XCTAssertEqual(Set(results.hits.map(\.id)), Set(expected), phrase.joined(separator: " "))
        }
    }

    /// Exact phrases of three and four words whose later words' lists are far longer than the
    /// rarest word's: those lists are moved to a candidate only after the rarer words'
    /// positions form the phrase there (see `PhraseScorer.deferFrom`). A long word missing
    /// from some documents, and documents where only the rarer words match, must not change
    /// the counts or the matching documents of a brute-force scan.
    func testPhrasesWithFarLongerLastWordsMatchABruteForceScan() throws {
        var rng = SeededRandom(seed: 91)
        let filler = ["red", "green", "blue", "cyan"]
        var tokens: [[String]] = []
        for _ in 0..<2000 {
            var words: [String] = []
            let hasThe = rng.chance(0.7)
            for _ in 0..<rng.int(10...90) {
                words.append(hasThe && rng.chance(0.6) ? "the" : rng.chance(0.005) ? "mid" : filler[rng.int(0...3)])
            }
            if rng.chance(0.03) {
                for _ in 0..<rng.int(1...3) { words[rng.int(0...(words.count - 1))] = "odd" }
                // Often the rare words side by side, with or without "the" after them.
                if rng.chance(0.6) {
                    let at = rng.int(0...(words.count - 3))
                    words[at] = "odd"; words[at + 1] = "mid"
                    if hasThe && rng.chance(0.5) { words[at + 2] = "the" }
                }
            }
            tokens.append(words)
        }
        let index = try tinyIndex(tokens.indices.map { Document(id: String($0), fields: ["body": tokens[$0].joined(separator: " ")]) })
        let phrases = [["odd", "mid", "the"], ["odd", "the", "the"], ["the", "odd", "mid"], ["odd", "mid", "red"],
                       ["mid", "odd", "mid", "the"], ["odd", "mid", "the", "the"], ["the", "odd", "mid", "the"]]
        for phrase in phrases {
            let expected = Self.documentsContaining(phrase, in: tokens)
            for exactCount in [true, false] {
                var r = SearchRequest(query: "\"" + phrase.joined(separator: " ") + "\"")
                r.limit = 2000
                r.exactCount = exactCount
                let results = try index.search(r)
                let label = phrase.joined(separator: " ") + (exactCount ? "" : " (pruned)")
                if exactCount { XCTAssertEqual(results.total, expected.count, label) }
                XCTAssertEqual(Set(results.hits.map(\.id)), Set(expected), label)
            }
        }
    }

    // MARK: Tie-breaking

    /// Identical documents have equal scores in exact arithmetic and must rank by address. The
    /// pure-disjunction path (relevance, exactCount false) adds a document's contributions in
    /// an order that depends on its window (which lists were essential there); summed in
    /// floating point, three or more contributions could differ by an ulp and the later
    /// document would rank first. It sums in fixed point, which this test pins down.
    func testIdenticalDocumentsTieByAddressUnderDisjunctionPruning() throws {
        let index = try tinyIndex([
            Document(id: "0", fields: ["body": "c b d"]),
            Document(id: "1", fields: ["body": "a a"]),
            Document(id: "2", fields: ["body": "d b"]),
            Document(id: "3", fields: ["body": "c b d"]),
        ])
        var r = SearchRequest(query: "b c d")
        r.defaultOperator = .or
        r.exactCount = true
        let exact = try index.search(r).hits
        XCTAssertEqual(exact.map(\.id), ["0", "3", "2"])
        r.exactCount = false
        let pruned = try index.search(r).hits
        XCTAssertEqual(pruned.map(\.id), ["0", "3", "2"], "scores \(pruned.map(\.score))")
        XCTAssertEqual(pruned.first?.score, pruned.dropFirst().first?.score, "identical documents score differently")
    }

    // MARK: Snapshots

    func testCommitVisibleOnlyAfterRefresh() throws {
        let index = try tinyIndex([Document(id: "old", fields: ["body": "existing text"])])
        XCTAssertFalse(try index.refresh(), "refresh without a new commit")
        let oldSearcher = index.searcher
        let w = try index.writer()
        try w.add(Document(id: "new", fields: ["body": "freshly committed quokka"]))
        try w.delete(id: "old")
        XCTAssertEqual(try index.search("quokka").total, 0, "visible before commit")
        try w.commit()
        w.close()
        XCTAssertEqual(try index.search("quokka").total, 0, "visible after commit but before refresh")
        XCTAssertEqual(try index.search("existing").hits.map(\.id), ["old"], "deletion visible before refresh")
        XCTAssertTrue(try index.refresh())
        XCTAssertEqual(try index.search("quokka").hits.map(\.id), ["new"])
        XCTAssertEqual(try index.search("existing").total, 0)
        XCTAssertEqual(try index.search("").total, 1)
        // A searcher taken before the refresh keeps its snapshot.
        XCTAssertEqual(try oldSearcher.search("existing").hits.map(\.id), ["old"])
        XCTAssertEqual(try oldSearcher.search("quokka").total, 0)
        XCTAssertFalse(try index.refresh())
    }

    // MARK: Concurrency

    struct Outcome: Equatable {
        var total: Int
        var lowerBound: Bool
        var hits: [String]
        var scores: [Double]
    }

    func run(_ r: SearchRequest) -> Outcome {
        do {
            let res = try Self.corpus.index.search(r)
            return Outcome(total: res.total, lowerBound: res.totalIsLowerBound, hits: res.hits.map(\.id), scores: res.hits.map(\.score))
        } catch {
            return Outcome(total: -1, lowerBound: false, hits: ["error: \(error)"], scores: [])
        }
    }

    func testConcurrentSearchesMatchSequential() throws {
        var requests = mixedQueries(seed: 22, count: 40)
        for i in requests.indices where i % 4 == 0 { requests[i].snippetField = "body" }  // snippets share the analyzer pool
        for i in requests.indices where i % 5 == 0 { requests[i].sort = .newest }
        let sequential = requests.map(run)
        XCTAssertTrue(sequential.contains { !$0.hits.isEmpty })
        let lock = NSLock()
        var mismatches: [String] = []
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            // Each thread walks the queries from a different starting point.
            for k in 0..<requests.count {
                let i = (k + t * 5) % requests.count
                let o = run(requests[i])
                if o != sequential[i] {
                    lock.lock(); mismatches.append("\(requests[i].query): \(o) vs \(sequential[i])"); lock.unlock()
                }
            }
        }
        XCTAssertEqual(mismatches.count, 0, mismatches.prefix(3).joined(separator: "\n"))
    }
}

