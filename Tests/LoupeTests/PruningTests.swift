import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// Block-max pruning must never change the top-k: each bound it uses has to hold.
final class PruningTests: XCTestCase {
    var tmp: TempDir!
    var dir: String { tmp.sub("index") }

    override func setUp() { tmp = TempDir("loupe-prune") }
    override func tearDown() { tmp = nil }

    private func topIds(_ index: Index, _ q: String, exact: Bool, limit: Int = 3) throws -> [String] {
        var r = SearchRequest(query: q, limit: limit)
        r.exactCount = exact
        return try index.search(r).hits.map(\.id)
    }

    /// A sloppy phrase can match more often than its rarest term occurs (several first-term
    /// positions may share one position of a later term), so its bound must come from the first term.
    /// Prefetching starts at the first list at least 16 times the lead's length (cost order).
    func testPrefetchStartsAtListsFarLongerThanTheLead() {
        XCTAssertEqual(ConjunctionScorer.prefetchFrom(costs: [10, 20, 159, 160, 5000]), 3)
        XCTAssertEqual(ConjunctionScorer.prefetchFrom(costs: [1, 16]), 1)
        XCTAssertEqual(ConjunctionScorer.prefetchFrom(costs: [100, 200, 300]), 3, "no list far longer: none")
        XCTAssertEqual(ConjunctionScorer.prefetchFrom(costs: [0, 15, 16]), 2, "an empty lead counts as one")
        XCTAssertEqual(ConjunctionScorer.prefetchFrom(costs: [7]), 1)
    }

    /// Conjunction candidates are pruned one by one only where at least a quarter of the lead's
    /// documents are expected in the intersection (the other lists' shares multiplied).
    func testConjunctionsPruneCandidatesOnlyOverDenseLists() {
        XCTAssertTrue(ConjunctionScorer.prunesCandidates(costs: [500, 700, 800], docCount: 1000))
        XCTAssertTrue(ConjunctionScorer.prunesCandidates(costs: [10, 250], docCount: 1000), "a rare lead with a dense list")
        XCTAssertFalse(ConjunctionScorer.prunesCandidates(costs: [10, 249], docCount: 1000))
        XCTAssertFalse(ConjunctionScorer.prunesCandidates(costs: [300, 400, 500], docCount: 1000), "0.4 × 0.5 < 0.25")
        XCTAssertTrue(ConjunctionScorer.prunesCandidates(costs: [900, 2000], docCount: 1000), "a share above 1 (several fields) counts as 1")
    }

    func testSloppyPhraseFrequencyCanExceedRarestTerm() throws {
        // 300 filler documents spread the terms over several postings blocks.
        let filler = (0..<300).map { Document(id: "f\($0)", fields: ["body": "alpha beta filler words here \($0)"]) }
        let index = try TestIndex.build(at: dir, schema: .news(language: nil),
                                        documents: filler + [Document(id: "many", fields: ["body": "alpha alpha alpha alpha beta"])])
        XCTAssertEqual(try topIds(index, "\"alpha beta\"~4", exact: false, limit: 1), ["many"])
        XCTAssertEqual(try topIds(index, "\"alpha beta\"~4", exact: false, limit: 5), try topIds(index, "\"alpha beta\"~4", exact: true, limit: 5))
    }

    /// A disjunction of three or more lists stretches short windows to `minWindow` ids; each
    /// list's bound must then cover every block the window overlaps, not just its first. Here
    /// every document holds the three words once in a long text, so each window's first block
    /// bounds low; the best document sits in the second block of a stretched window, after an
    /// early document has raised the threshold above those first-block bounds.
    func testStretchedDisjunctionWindowsBoundEveryBlockTheyOverlap() throws {
        XCTAssertGreaterThanOrEqual(BlockMaxScore.minWindow, 4 * 128, "the window must span the blocks below")
        let filler = (0..<40).map { "filler\($0)" }.joined(separator: " ")
        let documents = (0..<2048).map { i in
            let body: String
            switch i {
            case 3: body = "alpha alpha alpha beta beta beta gamma gamma gamma"
            case 700: body = "alpha alpha alpha alpha alpha beta beta beta beta beta gamma gamma gamma gamma gamma"
            default: body = "alpha beta gamma " + filler
            }
            return Document(id: "d\(i)", fields: ["body": body])
        }
        let index = try TestIndex.build(at: dir, schema: .news(language: nil), documents: documents)
        for q in ["alpha OR beta OR gamma", "gamma OR alpha OR beta"] {
            XCTAssertEqual(try topIds(index, q, exact: false, limit: 1), ["d700"], q)
            XCTAssertEqual(try topIds(index, q, exact: false, limit: 2), try topIds(index, q, exact: true, limit: 2), q)
        }
    }

    /// Conjunctions and phrases skip whole windows by their bounds; the survivors must equal an exhaustive run.
    func testPrunedAndExhaustiveAgreeAcrossBlocks() throws {
        var rng = SeededRandom(seed: 2000)
        let words = ["war", "legacy", "the", "of", "nation", "peace", "river", "bank"]
        let documents = (0..<2000).map { i in
            let n = 5 + Int(rng.next() % 40)
            let body = (0..<n).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
            return Document(id: "d\(i)", fields: ["title": words[i % words.count], "body": body])
        }
        let index = try TestIndex.build(at: dir, schema: .news(language: nil), documents: documents)
        for q in ["war legacy", "+the +of", "\"war legacy\"", "\"the of\"~2", "war -peace", "(war OR peace) river", "\"legacy of the\""] {
            for limit in [1, 10, 50] {
                XCTAssertEqual(try topIds(index, q, exact: false, limit: limit), try topIds(index, q, exact: true, limit: limit), "\(q) limit \(limit)")
            }
        }
    }
}
