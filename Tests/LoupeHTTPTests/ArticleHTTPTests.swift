import Foundation
import Hummingbird
import HummingbirdTesting
import Loupe
import LoupeHTTP
import LoupeTestSupport
import XCTest

/// Related articles, synonyms and article pages over HTTP, and title highlighting in `/search`.
final class ArticleHTTPTests: XCTestCase {
    var tmp: TempDir!
    var dir: String { tmp.sub("index") }

    override func setUpWithError() throws {
        tmp = TempDir("loupe-http-articles")
        let index = try Index.create(at: dir, synonyms: try Synonyms.parse("vietnam, viet nam\nusa => united states", source: "test"))
        try index.write { w in
            try w.add(Document(id: "oil-1", fields: ["title": "Oil tanker spill", "body": "An oil tanker spilled crude oil.\nThe tanker crew was safe."],
                               date: ISODate.parse("2025-03-01")))
            try w.add(Document(id: "oil-2", fields: ["title": "Tanker oil leak", "body": "Another tanker leaked oil, and oil reached the coast."]))
            try w.add(Document(id: "oil-3", fields: ["title": "Oil prices", "body": "Oil prices rose; tanker rates too. Oil oil."]))
            try w.add(Document(id: "vn", fields: ["title": "Việt Nam <b>talks</b>", "body": "Officials of Việt Nam met. <script>x()</script>"]))
            try w.add(Document(id: "other", fields: ["title": "Weather", "body": "Rain and wind."]))
            try w.add(Document(id: "web", fields: ["title": "Oil on the web", "body": "oil", "url": "https://example.com/web"]))
        }
    }

    override func tearDown() { tmp = nil }

    func withServer(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let service = try LoupeService(indexDirectory: dir)
        let app = makeLoupeApplication(service: service, port: 0)
        try await app.test(.live, body)
    }

    static func json(_ r: TestResponse) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as? [String: Any])
    }

    func testSimilarListsRelatedArticlesWithoutItself() async throws {
        try await withServer { client in
            let r = try await client.execute(uri: "/documents/oil-1/similar?limit=5", method: .get)
            XCTAssertEqual(r.status, .ok)
            let j = try Self.json(r)
            XCTAssertEqual(j["id"] as? String, "oil-1")
            let ids = (j["hits"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            XCTAssertFalse(ids.contains("oil-1"))
            XCTAssertEqual(Set(ids.prefix(2)), ["oil-2", "oil-3"])
            let terms = (j["terms"] as? [[String: Any]] ?? []).compactMap { $0["term"] as? String }
            XCTAssertTrue(terms.contains("tanker"), "\(terms)")
            XCTAssertEqual((j["terms"] as? [[String: Any]])?.first?["boost"] as? Double, 1)

            let missing = try await client.execute(uri: "/documents/nope/similar", method: .get)
            XCTAssertEqual(missing.status, .notFound)
            XCTAssertEqual(try Self.json(missing)["error"] as? String, "no document with id 'nope'")
            let bad = try await client.execute(uri: "/documents/oil-1/similar?limit=x", method: .get)
            XCTAssertEqual(bad.status, .badRequest)
        }
    }

    func testSynonymsAreReadableAndApplied() async throws {
        try await withServer { client in
            let r = try await client.execute(uri: "/synonyms", method: .get)
            let j = try Self.json(r)
            let rules = try XCTUnwrap(j["rules"] as? [[String: Any]])
            XCTAssertEqual(rules.count, 2)
            XCTAssertEqual(rules[0]["inputs"] as? [String], ["vietnam", "viet nam"])
            XCTAssertNil(rules[0]["outputs"])
            XCTAssertEqual(rules[1]["outputs"] as? [String], ["united states"])
            XCTAssertEqual(j["text"] as? String, "vietnam, viet nam\nusa => united states\n")

            let s = try Self.json(try await client.execute(uri: "/search?q=vietnam", method: .get))
            XCTAssertEqual((s["hits"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, ["vn"])
            XCTAssertEqual(s["expanded_query"] as? String, "vietnam \"viet nam\"")
        }
    }

    func testTitlesAreHighlightedAndAFieldScopeMarksOnlyItsField() async throws {
        try await withServer { client in
            let j = try Self.json(try await client.execute(uri: "/search?q=title:tanker", method: .get))
            let hit = try XCTUnwrap((j["hits"] as? [[String: Any]])?.first)
            let title = try XCTUnwrap(hit["title_snippet"] as? String)
            XCTAssertTrue(title.contains("<mark>"), title)
            XCTAssertFalse((hit["snippet"] as? String ?? "").contains("<mark>"), "title:tanker marks no body text")
            let ranges = try XCTUnwrap(hit["title_highlights"] as? [[Int]])
            let stored = try XCTUnwrap((hit["fields"] as? [String: Any])?["title"] as? String) as NSString
            XCTAssertEqual(ranges.map { stored.substring(with: NSRange(location: $0[0], length: $0[1] - $0[0])).lowercased() }, ["tanker"])

            let v = try Self.json(try await client.execute(uri: "/search?q=talks", method: .get))
            let vt = try XCTUnwrap((v["hits"] as? [[String: Any]])?.first?["title_snippet"] as? String)
            XCTAssertEqual(vt, "Việt Nam &lt;b&gt;<mark>talks</mark>&lt;/b&gt;")
            // UTF-16 offsets: "Việt Nam <b>" is 12 UTF-16 units.
            XCTAssertEqual((v["hits"] as? [[String: Any]])?.first?["title_highlights"] as? [[Int]], [[12, 17]])
        }
    }

    func testArticlePageShowsTheArticleMarkedAndRelatedLinks() async throws {
        try await withServer { client in
            let r = try await client.execute(uri: "/articles/oil-1?q=tanker", method: .get)
            XCTAssertEqual(r.status, .ok)
            let html = String(buffer: r.body)
            XCTAssertTrue(html.contains("<h1 class=\"article-title\">Oil <mark>tanker</mark> spill</h1>"), html)
            XCTAssertTrue(html.contains("<p>An oil <mark>tanker</mark> spilled crude oil.</p>"), html)
            XCTAssertTrue(html.contains("<p>The <mark>tanker</mark> crew was safe.</p>"), html)
            XCTAssertTrue(html.contains("<aside class=\"related\""), html)
            XCTAssertTrue(html.contains("href=\"/articles/oil-2?q=tanker\""), html)
            XCTAssertTrue(html.contains("href=\"/?q=tanker\""), "a link back to the results")

            let vn = String(buffer: try await client.execute(uri: "/articles/vn?q=vietnam", method: .get).body)
            XCTAssertTrue(vn.contains("<mark>Việt Nam</mark> &lt;b&gt;talks&lt;/b&gt;"), vn)
            XCTAssertTrue(vn.contains("&lt;script&gt;x()&lt;/script&gt;"))
            XCTAssertFalse(vn.contains("<script>"))

            let titleOnly = String(buffer: try await client.execute(uri: "/articles/oil-1?q=title:oil", method: .get).body)
            XCTAssertTrue(titleOnly.contains("<mark>Oil</mark> tanker spill"), titleOnly)
            XCTAssertFalse(titleOnly.contains("<p>An <mark>"), "title:oil marks only the title")

            // A query that does not parse still shows the article, unmarked.
            let bad = try await client.execute(uri: "/articles/oil-1?q=%22open", method: .get)
            XCTAssertEqual(bad.status, .ok)

            let missing = try await client.execute(uri: "/articles/nope", method: .get)
            XCTAssertEqual(missing.status, .notFound)
            XCTAssertTrue(String(buffer: missing.body).contains("no document with id &#39;nope&#39;"))
        }
    }

    func testSearchPageLinksArticlesWithoutAddressToTheirPage() async throws {
        try await withServer { client in
            let html = String(buffer: try await client.execute(uri: "/?q=oil", method: .get).body)
            XCTAssertTrue(html.contains("href=\"/articles/oil-1?q=oil\""), html)
            XCTAssertTrue(html.contains("href=\"https://example.com/web\""))
            XCTAssertFalse(html.contains("href=\"/documents/oil-1\""))
        }
    }
}
