import Foundation
import XCTest
import Loupe
import LoupeTestSupport

/// The collector API as an embedder uses it: the DocC article's custom collector, score
/// modes, and queries built in code.
final class CollectorTests: XCTestCase {
    private var tmp: TempDir!
    private var index: Index!

    override func setUpWithError() throws {
        tmp = TempDir("loupe-collectors")
        index = try Index.create(at: tmp.sub("index"))
        // Two commits (two segments), and a deletion in the first.
        try index.write { w in
            for i in 0..<30 {
                try w.add(Document(id: "a\(i)", fields: ["title": "oil report \(i)", "body": i % 3 == 0 ? "crude oil prices rose" : "grain exports"],
                                   date: ISODate.parse(String(format: "%04d-06-01", 1980 + i % 5))))
            }
        }
        try index.write { w in
            for i in 0..<20 {
                try w.add(Document(id: "b\(i)", fields: ["title": "market \(i)", "body": i % 2 == 0 ? "oil and gas" : "wheat"],
                                   date: i % 4 == 0 ? nil : ISODate.parse("1990-01-0\(1 + i % 9)")))
            }
            try w.delete(id: "a3")
        }
    }

    override func tearDownWithError() throws {
        index = nil
        tmp = nil
    }

    /// The DocC article's example collector.
    final class YearCounter: Collector, LeafCollector {
        var perYear: [String: Int] = [:]
        private var segment: SegmentContext?
        var scoreMode: ScoreMode { .completeNoScores }
        func leafCollector(for segment: SegmentContext) -> any LeafCollector {
            self.segment = segment
            return self
        }
        func collect(_ doc: Int, score: Double) {
            guard let seconds = segment?.date(of: doc) else { return }
            perYear[String(ISODate.format(seconds).prefix(4)), default: 0] += 1
        }
    }

    func testCustomCollectorSeesEveryLiveMatchOnce() throws {
        let searcher = index.searcher
        let years = YearCounter()
        let matched = try searcher.search(try searcher.parse("oil"), collector: years)
        // Brute force over the stored documents.
        var expected: [String: Int] = [:]
        var count = 0
        try index.reader.forEachDocument { _, doc in
            let text = (doc.fields["title"] ?? "") + " " + (doc.fields["body"] ?? "")
            guard text.split(separator: " ").contains("oil") else { return }
            count += 1
            if let date = doc.date { expected[String(ISODate.format(date).prefix(4)), default: 0] += 1 }
        }
        XCTAssertEqual(matched, count)
        XCTAssertEqual(years.perYear, expected)
        XCTAssertEqual(try searcher.count(try searcher.parse("oil")), count)
    }

    func testMultiCollectorPrunesOnlyWhenAllAllowIt() {
        XCTAssertEqual(MultiCollector([TopScoreCollector(k: 3), TopScoreCollector(k: 5)]).scoreMode, .topScores)
        XCTAssertEqual(MultiCollector([TopScoreCollector(k: 3), CountCollector()]).scoreMode, .complete)
        XCTAssertEqual(MultiCollector([CountCollector(), DocSetCollector()]).scoreMode, .completeNoScores)
        XCTAssertEqual(TopScoreCollector(k: 3, exactCount: true).scoreMode, .complete)
        XCTAssertEqual(TopSortedCollector(k: 3, order: .newest).scoreMode, .complete)
    }

    func testTopCollectorsInAMultiCollectorPruneLikeOne() throws {
        // A disjunction under `.topScores` into something other than one TopScoreCollector
        // takes the scorer tree instead of the MaxScore loop: the same top hits.
        for text in ["oil OR grain OR market", "crude OR wheat", "oil"] {
            let query = try index.searcher.parse(text)
            let a = TopScoreCollector(k: 3), b = TopScoreCollector(k: 7)
            try index.searcher.search(query, collector: MultiCollector([a, b]))
            let expected = try index.search(SearchRequest(query: text, limit: 7)).hits
            XCTAssertEqual(b.topDocuments.map(\.address), expected.map(\.address), text)
            XCTAssertEqual(a.topDocuments.map(\.address), Array(expected.prefix(3)).map(\.address), text)
            // The MaxScore loop sums in fixed point (units of 2⁻⁴⁰), the scorer tree in doubles.
            for (x, y) in zip(b.topDocuments, expected) { XCTAssertEqual(x.score, y.score, accuracy: 1e-9, text) }
        }
    }

    func testQueriesBuiltInCodeEqualParsedOnes() throws {
        let built = BooleanQuery([.init(.must, PhraseQuery("crude oil")), .init(.mustNot, TermQuery("grain", field: "body"))])
        let parsed = try index.searcher.parse("\"crude oil\" -body:grain")
        XCTAssertTrue(built.isEqual(to: parsed), "\(built) vs \(parsed)")
        XCTAssertEqual(built.description, "+\"crude oil\" -body:grain")
        let a = try index.search(SearchRequest(built, limit: 50))
        let b = try index.search(SearchRequest(query: "\"crude oil\" -body:grain", limit: 50))
        XCTAssertEqual(a.hits.map(\.id), b.hits.map(\.id))
        XCTAssertEqual(a.total, 9)  // a0, a6, ... a27 less the deleted a3
    }

    func testTopSortedCollectorOrdersByDateThenScore() throws {
        let top = TopSortedCollector(k: 100, order: .oldest)
        try index.searcher.search(try index.searcher.parse("oil"), collector: top)
        let dates = top.topDocuments.map { index.reader.segments[$0.address.segment].date(of: $0.address.doc) }
        let known = dates.compactMap { $0 }
        XCTAssertEqual(known, known.sorted(), "oldest first")
        XCTAssertEqual(dates.suffix(dates.count - known.count).allSatisfy { $0 == nil }, true, "undated last")
    }

    struct ForeignQuery: Query {
        var description: String { "foreign" }
        func isEqual(to other: any Query) -> Bool { other is ForeignQuery }
    }

    func testAQueryKindFromOutsideIsATypedError() {
        XCTAssertThrowsError(try index.search(SearchRequest(ForeignQuery()))) { error in
            guard case LoupeError.unsupportedQuery = error else { return XCTFail("\(error)") }
        }
    }
}

extension SegmentReader {
    func date(of doc: Int) -> Int64? { SegmentContext(ordinal: 0, segment: self).date(of: doc) }
}
