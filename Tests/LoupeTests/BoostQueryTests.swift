import XCTest
@testable import Loupe
import LoupeTestSupport

/// A boost multiplies scores and changes nothing else.
final class BoostQueryTests: XCTestCase {
    func testBoostScalesScoresAndKeepsHits() throws {
        let tmp = TempDir("loupe-boost")
        var docs: [Document] = []
        for i in 0..<120 {
            let body = (i % 3 == 0 ? "oil prices rose " : "gas supply ") + (i % 5 == 0 ? "oil oil" : "markets")
            docs.append(Document(id: "d\(i)", fields: ["title": "report \(i)", "body": body]))
        }
        let index = try TestIndex.build(at: tmp.sub("index"), schema: .news(language: nil), documents: docs)
        let plain = try index.search(SearchRequest(TermQuery("oil"), limit: 200))
        let boosted = try index.search(SearchRequest(BoostQuery(TermQuery("oil"), boost: 2.5), limit: 200))
        XCTAssertEqual(plain.total, boosted.total)
        XCTAssertEqual(plain.hits.map(\.id), boosted.hits.map(\.id))
        for (a, b) in zip(plain.hits, boosted.hits) { XCTAssertEqual(b.score, a.score * 2.5, accuracy: 1e-9) }

        // In a disjunction the boosted clause outweighs the other.
        let mixed = BooleanQuery([.init(.should, BoostQuery(TermQuery("gas"), boost: 10)), .init(.should, TermQuery("oil"))])
        let top = try index.search(SearchRequest(mixed, limit: 1))
        XCTAssertTrue(top.hits[0].document?.fields["body"]?.contains("gas") ?? false)
        XCTAssertEqual(BoostQuery(TermQuery("oil"), boost: 2).description, "oil^2")
        XCTAssertEqual(BoostQuery(mixed, boost: 0.5).description, "(gas^10 oil)^0.5")
    }
}
