import Foundation
import XCTest
@testable import Loupe
import LoupeTestSupport

/// Multi-passage snippets: passages chosen by density of matches, shown in document order.
final class SnippetTests: XCTestCase {
    let analyzer = try! Analyzer(language: "english")

    func snippet(_ text: String, _ words: [[String]], length: Int = 80, passages: Int = 3) -> Snippet {
        Snippet.make(text: text, sequences: words, analyzer: analyzer, length: length, passages: passages)
    }

    func testBestPassagesInDocumentOrder() {
        let text = """
            Filler sentence number one about nothing. Oil rose today. Another filler about weather and rain. \
            More filler text follows here. Oil and gas and oil again in markets. Quiet sentence. \
            Nothing to see. Gas prices fell. The end of the story comes now.
            """
        let s = snippet(text, [["oil"], ["gas"]])
        XCTAssertEqual(s.rendered(open: "[", close: "]"),
                       "… [Oil] rose today. … [Oil] and [gas] and [oil] again in markets. … [Gas] prices fell. …")
        // Two passages: the densest two, still in document order.
        XCTAssertEqual(snippet(text, [["oil"], ["gas"]], passages: 2).rendered(open: "[", close: "]"),
                       "… [Oil] rose today. … [Oil] and [gas] and [oil] again in markets. …")
        XCTAssertEqual(snippet(text, [["oil"], ["gas"]], passages: 1).rendered(open: "[", close: "]"),
                       "… [Oil] and [gas] and [oil] again in markets. …")
    }

    func testWithoutMatchesTheFirstPassage() {
        let s = snippet("First sentence here. Second one.", [["zzz"]])
        XCTAssertEqual(s.text, "First sentence here. …")
        XCTAssertEqual(s.highlights, [])
        XCTAssertEqual(snippet("", [["oil"]]).text, "")
    }

    func testLongSentencesAreCutIntoPiecesAtTokenBoundaries() {
        let words = (0..<60).map { $0 == 45 ? "oil" : "word\($0)" }
        let s = snippet(words.joined(separator: " ") + ".", [["oil"]], length: 60)
        XCTAssertTrue(s.text.hasPrefix("… ") && s.text.hasSuffix(" …"), s.text)
        XCTAssertLessThanOrEqual(s.text.utf8.count, 60 + 8)
        XCTAssertTrue(s.rendered(open: "[", close: "]").contains("[oil]"))
        for piece in s.text.dropFirst(2).dropLast(2).split(separator: " ") { XCTAssertTrue(words.contains(String(piece)) || piece == "oil", String(piece)) }
    }

    func testPhrasesAndUnicodeOffsets() {
        let s = snippet("Họp ở Hà Nội. Việt Nam và war legacies được bàn.", [["war", "legaci"], ["viet", "nam"]])
        XCTAssertEqual(s.rendered(open: "[", close: "]"), "… [Việt Nam] và [war legacies] được bàn.")
        // UTF-16 offsets of the same marks.
        let u = s.utf16Highlights
        let ns = s.text as NSString
        XCTAssertEqual(u.map { ns.substring(with: NSRange(location: $0.lowerBound, length: $0.count)) }, ["Việt Nam", "war legacies"])
    }

    func testParagraphsKeepTheirMarks() {
        let s = Snippet.whole(text: "Oil rose.\n\n  Gas and oil fell.\n", sequences: [["oil"]], analyzer: analyzer)
        XCTAssertEqual(s.paragraphs.map { $0.rendered(open: "[", close: "]") }, ["[Oil] rose.", "Gas and [oil] fell."])
    }

    /// `title:x` marks the title only; an unscoped word marks both fields.
    func testFieldScopedQueriesMarkOnlyTheirField() throws {
        let tmp = TempDir("loupe-snippet")
        let index = try TestIndex.build(at: tmp.sub("index"), documents: [
            Document(id: "a", fields: ["title": "Oil prices", "body": "Oil rose and oil fell."]),
        ])
        func marks(_ q: String) throws -> (title: String?, body: String?) {
            var r = SearchRequest(query: q)
            r.titleField = "title"
            let hit = try XCTUnwrap(try index.search(r).hits.first)
            return (hit.titleHighlight?.rendered(open: "[", close: "]"), hit.snippet?.rendered(open: "[", close: "]"))
        }
        XCTAssertEqual(try marks("title:oil").title, "[Oil] prices")
        XCTAssertEqual(try marks("title:oil").body, "Oil rose and oil fell.")
        XCTAssertEqual(try marks("body:oil").title, "Oil prices")
        XCTAssertEqual(try marks("oil").title, "[Oil] prices")
        XCTAssertEqual(try marks("oil").body, "[Oil] rose and [oil] fell.")
        XCTAssertEqual(try marks("\"oil prices\"").title, "[Oil prices]")
        XCTAssertEqual(try marks("oil*").body, "[Oil] rose and [oil] fell.")
        XCTAssertEqual(try marks("title:oil -body:gas").body, "Oil rose and oil fell.")
    }
}
