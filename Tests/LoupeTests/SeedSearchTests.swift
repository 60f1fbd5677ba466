import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// The phrases the product is built around, on the two seed articles.
final class SeedSearchTests: XCTestCase {
    var tmp: TempDir!
    var index: Index!

    override func setUpWithError() throws {
        tmp = TempDir("loupe-seed")
        let articles = try ["000_fd2d3813decb2b3a", "004_00cd80e0cdd47e2b"].map { name in
            let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures")!
            let text = try String(contentsOf: url, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            return Document(id: name, fields: ["title": String(lines[0]), "body": lines.dropFirst().joined(separator: "\n")],
                            date: ISODate.parse("2025-06-0\(name.hasPrefix("000") ? 1 : 2)"))
        }
        index = try TestIndex.build(at: tmp.sub("index"), documents: articles)
    }

    override func tearDownWithError() throws {
        index = nil
        tmp = nil
    }

    func ids(_ q: String) throws -> Set<String> { Set(try index.search(q).hits.map(\.id)) }

    func testWarLegacyFindsBothSpellings() throws {
        XCTAssertEqual(try ids("\"war legacy\""), ["000_fd2d3813decb2b3a", "004_00cd80e0cdd47e2b"])
    }

    func testNameWithAndWithoutDiacritics() throws {
        XCTAssertEqual(try ids("\"Phan Van Giang\""), ["000_fd2d3813decb2b3a", "004_00cd80e0cdd47e2b"])
        XCTAssertEqual(try ids("\"Phan Văn Giang\""), ["000_fd2d3813decb2b3a", "004_00cd80e0cdd47e2b"])
    }

    func testHaNoiMatchesUpperCaseWithDiacritics() throws {
        XCTAssertEqual(try ids("\"ha noi\""), ["004_00cd80e0cdd47e2b"])
    }

    func testSnippetMarksThePhrase() throws {
        let r = try index.search("\"war legacies\"")
        XCTAssertEqual(r.total, 2)
        for hit in r.hits {
            let s = try XCTUnwrap(hit.snippet)
            XCTAssertFalse(s.highlights.isEmpty, "no highlight in \(s.text)")
            let marked = s.rendered(open: "[", close: "]")
            XCTAssertTrue(marked.lowercased().contains("[war legacy") || marked.lowercased().contains("[war legacies]"), marked)
        }
    }

    func testExplanationAddsUpToScore() throws {
        var req = SearchRequest(query: "vietnam \"war legacy\"")
        req.explain = true
        let r = try index.search(req)
        XCTAssertFalse(r.hits.isEmpty)
        for hit in r.hits {
            let e = try XCTUnwrap(hit.explanation)
            XCTAssertEqual(e.score, hit.score, accuracy: 1e-9 * max(1, hit.score))
        }
    }
}
