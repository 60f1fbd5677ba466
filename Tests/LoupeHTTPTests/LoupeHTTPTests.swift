import Foundation
import Hummingbird
import HummingbirdTesting
import Loupe
import LoupeHTTP
import LoupeTestSupport
import XCTest

/// Starts the service on a loopback port (Hummingbird's `.live` test server, or `.ahc` where
/// requests must run concurrently) over a temporary index seeded with a few documents.
final class LoupeHTTPTests: XCTestCase {
    var tmp: TempDir!
    var dir: String { tmp.sub("index") }

    override func setUpWithError() throws {
        tmp = TempDir("loupe-http")
        try TestIndex.build(at: dir, schema: Self.schema, documents: [
            Document(id: "a1", fields: [
                "title": "Oil prices rise",
                "body": "Crude oil prices rose sharply on Monday after producers agreed to cut output.",
                "url": "https://example.com/a1",
            ], date: ISODate.parse("2025-01-10"), values: [
                "source": [.keyword("Reuters")], "tags": [.keyword("energy"), .keyword("markets")],
                "words": [.number(412)], "updated": [.date(ISODate.parse("2025-01-11T09:30:00Z")!)],
            ]),
            Document(id: "a2", fields: [
                "title": "The war legacy",
                "body": "Historians argue the war legacy still shapes politics <script>alert(1)</script> & more.",
            ], date: ISODate.parse("2025-02-15T08:30:00Z")),
            Document(id: "a3", fields: [
                "title": "Tanker <b>aground</b> & oil spill",
                "body": "An oil tanker ran aground near the coast, spilling crude oil into the bay.",
            ], date: ISODate.parse("2025-03-01")),
            Document(id: "a4", fields: ["title": "Undated note", "body": "A note about markets without a date."]),
        ])
    }

    override func tearDown() {
        tmp = nil
    }

    /// The news schema and a field of each other type, so that the JSON forms carry typed values.
    static let schema = Schema(fields: Schema.news().fields + [
        .keyword("source", normalize: .lowercase), .keyword("tags", multiValued: true),
        .number("words"), .date("updated"),
    ])

    // MARK: Helpers

    func withServer(apiKey: String? = nil, maxBodyBytes: Int = 1 << 20, setup: TestingSetup = .live,
                    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let service = try LoupeService(indexDirectory: dir,
                                       configuration: LoupeServiceConfiguration(apiKey: apiKey, maxBodyBytes: maxBodyBytes))
        let app = makeLoupeApplication(service: service, port: 0)
        try await app.test(setup, body)
        // Graceful shutdown released the writer lock.
        XCTAssertNoThrow(try IndexWriter.open(directory: dir).close())
    }

    static func json(_ r: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(r.headers[.contentType], "application/json; charset=utf-8", file: file, line: line)
        return try jsonObject(Data(String(buffer: r.body).utf8), file: file, line: line)
    }

    /// Asserts the JSON error shape and status.
    static func assertError(_ r: TestResponse, _ status: HTTPResponse.Status, contains text: String = "",
                            file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(r.status, status, String(buffer: r.body), file: file, line: line)
        let j = try json(r, file: file, line: line)
        XCTAssertEqual(j["status"] as? Int, status.code, file: file, line: line)
        let message = try XCTUnwrap(j["error"] as? String, file: file, line: line)
        if !text.isEmpty { XCTAssertTrue(message.contains(text), "\(message) lacks \(text)", file: file, line: line) }
    }

    static func ids(_ j: [String: Any]) -> [String] {
        ((j["hits"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
    }

    static func body(_ s: String) -> ByteBuffer { ByteBuffer(string: s) }

    /// Writes must say their body is JSON (415 otherwise).
    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    // MARK: Search

    /// Plain strings are copied whole; anything JSON or JavaScript needs escaped is escaped,
    /// and the result parses back to the original.
    func testStringLiteralsEscapeWhatTheyMust() throws {
        let cases: [(String, String)] = [
            ("doc0001", #""doc0001""#),
            ("Hà Nội — war", #""Hà Nội — war""#),
            ("say \"hi\"", #""say \"hi\"""#),
            ("a\\b", #""a\\b""#),
            ("line\nnext\ttab\r", #""line\nnext\ttab\r""#),
            ("bell\u{07}", #""bell\u0007""#),
            ("sep\u{2028}para\u{2029}", #""sep\u2028para\u2029""#),
            // Bidirectional formatting characters and C1 controls, for terminals.
            ("evil\u{202E}gpj\u{2066}x\u{2069}\u{200F}\u{61C}", #""evil\u202egpj\u2066x\u2069\u200f\u061c""#),
            ("c1\u{85}\u{9B}del\u{7F}", #""c1\u0085\u009bdel\u007f""#),
            ("Việt Nam § 20° مرحبا", #""Việt Nam § 20° مرحبا""#),
            ("", #""""#),
        ]
        for (input, expected) in cases {
            let out = try OrderedJSONEncoder().encode(input)
            XCTAssertEqual(out, expected, "\(input.debugDescription)")
            let back = try JSONDecoder().decode(String.self, from: Data(out.utf8))
            XCTAssertEqual(back, input)
        }
    }

    func testSearchReturnsHitsWithHighlightedSnippets() async throws {
        try await withServer { client in
            let r = try await client.execute(uri: "/search?q=oil+prices", method: .get)
            XCTAssertEqual(r.status, .ok)
            let j = try Self.json(r)
            XCTAssertEqual(j["total"] as? Int, 1)
            XCTAssertEqual(j["total_is_lower_bound"] as? Bool, false)
            XCTAssertNotNil(j["took_us"] as? Int)
            let hit = try XCTUnwrap((j["hits"] as? [[String: Any]])?.first)
            XCTAssertEqual(hit["id"] as? String, "a1")
            let fields = try XCTUnwrap(hit["fields"] as? [String: Any])
            XCTAssertEqual(fields["title"] as? String, "Oil prices rise")
            XCTAssertEqual(hit["date"] as? String, "2025-01-10")
            XCTAssertEqual(fields["url"] as? String, "https://example.com/a1")
            XCTAssertGreaterThan(hit["score"] as? Double ?? 0, 0)
            let snippet = try XCTUnwrap(hit["snippet"] as? String)
            XCTAssertTrue(snippet.contains("<mark>oil</mark> <mark>prices</mark>"), snippet)
            // Raw highlights: UTF-16 offsets into snippet_text.
            let text = try XCTUnwrap(hit["snippet_text"] as? String) as NSString
            let ranges = try XCTUnwrap(hit["highlights"] as? [[Int]])
            XCTAssertEqual(ranges.map { text.substring(with: NSRange(location: $0[0], length: $0[1] - $0[0])).lowercased() }, ["oil", "prices"])
        }
    }

    func testSearchEscapesSnippetsAndFiltersSortsPages() async throws {
        try await withServer { client in
            // The stored text holds markup: the snippet must carry it escaped.
            var j = try Self.json(try await client.execute(uri: "/search?q=politics", method: .get))
            let snippet = try XCTUnwrap((j["hits"] as? [[String: Any]])?.first?["snippet"] as? String)
            XCTAssertTrue(snippet.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"), snippet)
            XCTAssertFalse(snippet.contains("<script>"))

            j = try Self.json(try await client.execute(uri: "/search?q=oil&sort=newest", method: .get))
            XCTAssertEqual(Self.ids(j), ["a3", "a1"])
            j = try Self.json(try await client.execute(uri: "/search?q=oil&sort=oldest", method: .get))
            XCTAssertEqual(Self.ids(j), ["a1", "a3"])
            j = try Self.json(try await client.execute(uri: "/search?q=oil&after=2025-02-01", method: .get))
            XCTAssertEqual(Self.ids(j), ["a3"])
            j = try Self.json(try await client.execute(uri: "/search?q=oil&before=2025-01-10", method: .get))
            XCTAssertEqual(Self.ids(j), ["a1"], "a date-only upper bound includes that whole day")
            j = try Self.json(try await client.execute(uri: "/search?q=oil&sort=newest&limit=1&offset=1", method: .get))
            XCTAssertEqual(Self.ids(j), ["a1"])
            XCTAssertEqual(j["total"] as? Int, 2)
            j = try Self.json(try await client.execute(uri: "/search?q=%22war+legacy%22&explain=true", method: .get))
            let hit = try XCTUnwrap((j["hits"] as? [[String: Any]])?.first)
            let explanation = try XCTUnwrap(hit["explanation"] as? [String: Any])
            XCTAssertEqual(explanation["score"] as? Double ?? -1, hit["score"] as? Double ?? -2, accuracy: 1e-9)
            XCTAssertFalse((explanation["entries"] as? [Any] ?? []).isEmpty)
            // A hit without a date has a null date; a field it lacks is left out of its fields.
            j = try Self.json(try await client.execute(uri: "/search?q=markets", method: .get))
            let undated = try XCTUnwrap((j["hits"] as? [[String: Any]])?.first)
            XCTAssertTrue(undated["date"] is NSNull)
            XCTAssertNil((undated["fields"] as? [String: Any])?["url"])
        }
    }

    func testSearchErrors() async throws {
        try await withServer { client in
            // Malformed query: the reason and the position.
            var r = try await client.execute(uri: "/search?q=%22oil+prices", method: .get)
            try Self.assertError(r, .badRequest, contains: "invalid query")
            XCTAssertNotNil(try Self.json(r)["position"] as? Int)
            r = try await client.execute(uri: "/search?q=oil+AND", method: .get)
            try Self.assertError(r, .badRequest, contains: "position")
            r = try await client.execute(uri: "/search?q=oil%5E-1", method: .get)
            try Self.assertError(r, .badRequest, contains: "boost")
            r = try await client.execute(uri: "/search?q=oil~3", method: .get)
            try Self.assertError(r, .badRequest, contains: "at most 2 edits")
            // A word followed by ':' that is no field is text; clauses without terms are listed.
            r = try await client.execute(uri: "/search?q=nosuchfield:oil+%26", method: .get)
            XCTAssertEqual(r.status, .ok)
            let ignored = try XCTUnwrap(try Self.json(r)["ignored"] as? [[String: Any]])
            XCTAssertEqual(ignored.first?["text"] as? String, "&")
            XCTAssertEqual(ignored.first?["position"] as? Int, 16)
            r = try await client.execute(uri: "/search", method: .get)
            try Self.assertError(r, .badRequest, contains: "missing query")
            r = try await client.execute(uri: "/search?q=oil&limit=-1", method: .get)
            try Self.assertError(r, .badRequest, contains: "limit")
            r = try await client.execute(uri: "/search?q=oil&limit=abc", method: .get)
            try Self.assertError(r, .badRequest, contains: "limit")
            r = try await client.execute(uri: "/search?q=oil&sort=sideways", method: .get)
            try Self.assertError(r, .badRequest, contains: "sort")
            r = try await client.execute(uri: "/search?q=oil&after=yesterday", method: .get)
            try Self.assertError(r, .badRequest, contains: "after")
            r = try await client.execute(uri: "/search?q=oil&explain=maybe", method: .get)
            try Self.assertError(r, .badRequest, contains: "explain")
            r = try await client.execute(uri: "/no/such/route", method: .get)
            try Self.assertError(r, .notFound, contains: "/no/such/route")
            // Issue 19: the query length limit applies to `q`, and says so.
            r = try await client.execute(uri: "/search?q=" + String(repeating: "w+", count: QueryParser.maxQueryBytes / 2 + 1), method: .get)
            try Self.assertError(r, .badRequest, contains: "over the limit of \(QueryParser.maxQueryBytes) bytes")
            // Trailing commas and duplicate keys in a document are rejected, naming the key.
            r = try await client.execute(uri: "/documents/x", method: .put, headers: Self.jsonHeaders, body: Self.body(#"{"title":"t","title":"u"}"#))
            try Self.assertError(r, .badRequest, contains: #"duplicate key "title""#)
        }
    }

    // MARK: Documents

    func testDocumentLifecycle() async throws {
        try await withServer { client in
            var r = try await client.execute(uri: "/documents/a1", method: .get)
            XCTAssertEqual(r.status, .ok)
            var j = try Self.json(r)
            XCTAssertEqual(j["id"] as? String, "a1")
            XCTAssertEqual(j["title"] as? String, "Oil prices rise")
            XCTAssertEqual(j["date"] as? String, "2025-01-10")

            try Self.assertError(try await client.execute(uri: "/documents/nope", method: .get), .notFound, contains: "nope")

            // PUT creates (201), then replaces (200); searches see each commit at once.
            let doc = #"{"title": "Copper rally", "body": "Copper futures rallied on strong demand.", "date": "2025-04-01"}"#
            r = try await client.execute(uri: "/documents/c%2F1", method: .put, headers: Self.jsonHeaders, body: Self.body(doc))
            XCTAssertEqual(r.status, .created, String(buffer: r.body))
            XCTAssertEqual(try Self.json(r)["replaced"] as? Bool, false)
            j = try Self.json(try await client.execute(uri: "/search?q=copper", method: .get))
            XCTAssertEqual(Self.ids(j), ["c/1"])
            r = try await client.execute(uri: "/documents/c%2F1", method: .get)
            XCTAssertEqual(try Self.json(r)["body"] as? String, "Copper futures rallied on strong demand.")

            r = try await client.execute(uri: "/documents/c%2F1", method: .put,
                                         headers: Self.jsonHeaders, body: Self.body(#"{"id": "c/1", "title": "Copper slump", "body": "Copper fell."}"#))
            XCTAssertEqual(r.status, .ok)
            XCTAssertEqual(try Self.json(r)["replaced"] as? Bool, true)
            j = try Self.json(try await client.execute(uri: "/search?q=copper", method: .get))
            XCTAssertEqual(j["total"] as? Int, 1)
            XCTAssertEqual(((j["hits"] as? [[String: Any]])?.first?["fields"] as? [String: Any])?["title"] as? String, "Copper slump")

            // DELETE, then 404 for the document and for a second delete.
            r = try await client.execute(uri: "/documents/c%2F1", method: .delete)
            XCTAssertEqual(r.status, .ok)
            XCTAssertEqual(try Self.json(r)["deleted"] as? Bool, true)
            try Self.assertError(try await client.execute(uri: "/documents/c%2F1", method: .get), .notFound)
            try Self.assertError(try await client.execute(uri: "/documents/c%2F1", method: .delete), .notFound)
            j = try Self.json(try await client.execute(uri: "/search?q=copper", method: .get))
            XCTAssertEqual(j["total"] as? Int, 0)
        }
    }

    func testBadDocuments() async throws {
        try await withServer { client in
            try Self.assertError(try await client.execute(uri: "/documents/x", method: .put, headers: Self.jsonHeaders, body: Self.body("{not json")),
                                 .badRequest, contains: "malformed JSON")
            try Self.assertError(try await client.execute(uri: "/documents/x", method: .put, headers: Self.jsonHeaders, body: Self.body(#"{"title": "T", "author": "me"}"#)),
                                 .badRequest, contains: "unknown field \"author\"")
            try Self.assertError(try await client.execute(uri: "/documents/x", method: .put, headers: Self.jsonHeaders, body: Self.body(#"{"title": 3}"#)),
                                 .badRequest, contains: "must be a string")
            try Self.assertError(try await client.execute(uri: "/documents/x", method: .put, headers: Self.jsonHeaders, body: Self.body(#"{"date": "last week"}"#)),
                                 .badRequest, contains: "bad date")
            try Self.assertError(try await client.execute(uri: "/documents/x", method: .put, headers: Self.jsonHeaders, body: Self.body(#"{"id": "y", "title": "T"}"#)),
                                 .badRequest, contains: "differs")
            try Self.assertError(try await client.execute(uri: "/documents/x", method: .put, headers: Self.jsonHeaders, body: Self.body("[1, 2]")),
                                 .badRequest, contains: "expected a JSON object")
            try Self.assertError(try await client.execute(uri: "/documents", method: .post, headers: Self.jsonHeaders, body: Self.body("")),
                                 .badRequest, contains: "empty")
            try Self.assertError(try await client.execute(uri: "/documents", method: .post, headers: Self.jsonHeaders, body: Self.body("[]")),
                                 .badRequest, contains: "no documents")
            // Nothing was added by the failures.
            try Self.assertError(try await client.execute(uri: "/documents/x", method: .get), .notFound)
        }
    }

    func testBatchIsAllOrNothing() async throws {
        try await withServer { client in
            // A JSON array.
            var r = try await client.execute(uri: "/documents", method: .post, headers: Self.jsonHeaders, body: Self.body("""
                [{"id": "b1", "title": "Zinc one", "body": "zinc"}, {"id": "b2", "title": "Zinc two", "body": "zinc", "date": "2025-05-05"}]
                """))
            XCTAssertEqual(r.status, .ok, String(buffer: r.body))
            XCTAssertEqual(try Self.json(r)["added"] as? Int, 2)
            var j = try Self.json(try await client.execute(uri: "/search?q=zinc", method: .get))
            XCTAssertEqual(j["total"] as? Int, 2)

            // NDJSON whose third line is bad: 400 naming the line, and nothing is added.
            r = try await client.execute(uri: "/documents", method: .post, headers: Self.jsonHeaders, body: Self.body("""
                {"id": "n1", "title": "Nickel", "body": "nickel"}

                {"id": "n2", "title": "Nickel", "body": "nickel"}
                {"id": "n3", "title": "Nickel", "colour": "grey"}
                """))
            try Self.assertError(r, .badRequest, contains: "line 4")
            j = try Self.json(try await client.execute(uri: "/search?q=nickel", method: .get))
            XCTAssertEqual(j["total"] as? Int, 0)
            // An element without an id fails the whole array.
            r = try await client.execute(uri: "/documents", method: .post,
                                         headers: Self.jsonHeaders, body: Self.body(#"[{"id": "n1", "body": "nickel"}, {"body": "nickel"}]"#))
            try Self.assertError(r, .badRequest, contains: "document 2")
            j = try Self.json(try await client.execute(uri: "/search?q=nickel", method: .get))
            XCTAssertEqual(j["total"] as? Int, 0)

            // Valid NDJSON.
            r = try await client.execute(uri: "/documents", method: .post, headers: Self.jsonHeaders, body: Self.body("""
                {"id": "n1", "title": "Nickel", "body": "nickel"}
                {"id": "n2", "title": "Nickel", "body": "nickel"}
                """))
            XCTAssertEqual(try Self.json(r)["added"] as? Int, 2)
            j = try Self.json(try await client.execute(uri: "/search?q=nickel", method: .get))
            XCTAssertEqual(j["total"] as? Int, 2)
        }
    }

    func testBodyLimit() async throws {
        // A 413 closes its connection: AsyncHTTPClient opens a new one for the next request.
        try await withServer(maxBodyBytes: 200, setup: .ahc(.http)) { client in
            let big = #"{"title": "Big", "body": "\#(String(repeating: "word ", count: 100))"}"#
            try Self.assertError(try await client.execute(uri: "/documents/big", method: .put, headers: Self.jsonHeaders, body: Self.body(big)),
                                 .contentTooLarge, contains: "200 bytes")
            try Self.assertError(try await client.execute(uri: "/documents", method: .post, headers: Self.jsonHeaders, body: Self.body("[" + big + "]")),
                                 .contentTooLarge)
            let r = try await client.execute(uri: "/documents/small", method: .put, headers: Self.jsonHeaders, body: Self.body(#"{"title": "Small"}"#))
            XCTAssertEqual(r.status, .created)
        }
    }

    func testWritesNeedTheAPIKey() async throws {
        try await withServer(apiKey: "s3cret") { client in
            let doc = Self.body(#"{"title": "Secret"}"#)
            var r = try await client.execute(uri: "/documents/k1", method: .put, headers: Self.jsonHeaders, body: doc)
            try Self.assertError(r, .unauthorized, contains: "Authorization: Bearer")
            XCTAssertEqual(r.headers[.wwwAuthenticate], "Bearer realm=\"loupe\"")
            r = try await client.execute(uri: "/documents/k1", method: .put, headers: [.contentType: "application/json", .authorization: "Bearer wrong"], body: doc)
            try Self.assertError(r, .unauthorized, contains: "wrong")
            r = try await client.execute(uri: "/documents", method: .post, headers: [.contentType: "application/json", .authorization: "Basic czNjcmV0"], body: doc)
            try Self.assertError(r, .unauthorized)
            r = try await client.execute(uri: "/documents/a1", method: .delete)
            try Self.assertError(r, .unauthorized)
            // Reads stay open.
            r = try await client.execute(uri: "/search?q=oil", method: .get)
            XCTAssertEqual(r.status, .ok)
            r = try await client.execute(uri: "/documents/k1", method: .put, headers: [.contentType: "application/json", .authorization: "Bearer s3cret"], body: doc)
            XCTAssertEqual(r.status, .created)
            r = try await client.execute(uri: "/documents/k1", method: .delete, headers: [.authorization: "bearer s3cret"])
            XCTAssertEqual(r.status, .ok)
        }
    }

    // MARK: Stats, health

    func testStatsAndHealth() async throws {
        try await withServer { client in
            var r = try await client.execute(uri: "/stats", method: .get)
            XCTAssertEqual(r.status, .ok)
            var j = try Self.json(r)
            XCTAssertEqual(j["documents"] as? Int, 4)
            XCTAssertEqual(j["language"] as? String, "english")
            XCTAssertEqual((j["fields"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["title", "body"])
            XCTAssertGreaterThan(j["total_bytes"] as? Int ?? 0, 0)
            r = try await client.execute(uri: "/health", method: .get)
            XCTAssertEqual(r.status, .ok)
            j = try Self.json(r)
            XCTAssertEqual(j["status"] as? String, "ok")
            XCTAssertEqual(j["documents"] as? Int, 4)
            XCTAssertEqual(j["writable"] as? Bool, true)
            r = try await client.execute(uri: "/health", method: .head)
            XCTAssertEqual(r.status, .ok)
        }
    }

    // MARK: Concurrency

    func testConcurrentSearchesDuringAWrite() async throws {
        try await withServer(maxBodyBytes: 8 << 20, setup: .ahc(.http)) { client in
            let batch = "[" + (0..<2000).map { i in
                #"{"id": "w\#(i)", "title": "Wheat report \#(i)", "body": "Wheat harvest figures for region \#(i), wheat prices and oil."}"#
            }.joined(separator: ",") + "]"
            try await withThrowingTaskGroup(of: [Int].self) { group in
                group.addTask {
                    let r = try await client.execute(uri: "/documents", method: .post, headers: Self.jsonHeaders, body: Self.body(batch))
                    XCTAssertEqual(r.status, .ok, String(buffer: r.body))
                    return []
                }
                for _ in 0..<6 {
                    group.addTask {
                        var totals: [Int] = []
                        for _ in 0..<25 {
                            let r = try await client.execute(uri: "/search?q=oil&limit=5", method: .get)
                            XCTAssertEqual(r.status, .ok)
                            totals.append(try Self.json(r)["total"] as? Int ?? -1)
                        }
                        return totals
                    }
                }
                for try await totals in group {
                    // Each search saw either the snapshot before the commit or the one after it,
                    // and never an older one after a newer one.
                    for t in totals { XCTAssertTrue(t == 2 || t == 2002, "total \(t)") }
                    XCTAssertEqual(totals, totals.sorted())
                }
            }
            let j = try Self.json(try await client.execute(uri: "/search?q=oil", method: .get))
            XCTAssertEqual(j["total"] as? Int, 2002)
        }
    }

    // MARK: Page

    func testSearchPage() async throws {
        try await withServer { client in
            var r = try await client.execute(uri: "/", method: .get)
            XCTAssertEqual(r.status, .ok)
            XCTAssertEqual(r.headers[.contentType], "text/html; charset=utf-8")
            var html = String(buffer: r.body)
            XCTAssertTrue(html.contains("<form"))
            XCTAssertTrue(html.contains("name=\"after\""))
            // One script: the suggestions under the search box; the form works without it.
            XCTAssertEqual(html.components(separatedBy: "<script").count, 2, "one script")
            XCTAssertTrue(html.contains("<form method=\"get\""))

            // The query is echoed escaped; snippets have <mark>; stored markup is escaped.
            r = try await client.execute(uri: "/?q=oil+%22%3Cb%3E%22+OR+tanker", method: .get)
            XCTAssertEqual(r.status, .ok)
            html = String(buffer: r.body)
            XCTAssertTrue(html.contains("value=\"oil &quot;&lt;b&gt;&quot; OR tanker\""), html)
            XCTAssertFalse(html.contains("\"<b>\""))
            XCTAssertTrue(html.contains("<mark>"), html)
            // The title is marked too (the query's "<b>" is the word b), and escaped around the marks.
            XCTAssertTrue(html.contains("<mark>Tanker</mark> &lt;<mark>b</mark>&gt;aground&lt;/<mark>b</mark>&gt; &amp; <mark>oil</mark> spill"), html)
            XCTAssertTrue(html.contains("2025-03-01"))

            r = try await client.execute(uri: "/?q=politics", method: .get)
            html = String(buffer: r.body)
            XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            XCTAssertFalse(html.contains("<script>alert"))

            // Date filter.
            r = try await client.execute(uri: "/?q=oil&after=2025-02-01&before=", method: .get)
            html = String(buffer: r.body)
            XCTAssertTrue(html.contains("Tanker"))
            XCTAssertFalse(html.contains("Oil prices rise"))
            XCTAssertTrue(html.contains("value=\"2025-02-01\""))

            // A bad query: 400, the reason, the query escaped.
            r = try await client.execute(uri: "/?q=%3Ci%3E+AND", method: .get)
            XCTAssertEqual(r.status, .badRequest)
            html = String(buffer: r.body)
            XCTAssertTrue(html.contains("invalid query"), html)
            XCTAssertTrue(html.contains("&lt;i&gt;"))
            XCTAssertFalse(html.contains("<i>"))
        }
    }

    func testSearchPagePaging() async throws {
        try await withServer { client in
            let batch = (0..<25).map { #"{"id": "p\#($0)", "title": "Barley \#($0)", "body": "barley"}"# }.joined(separator: "\n")
            let r = try await client.execute(uri: "/documents", method: .post, headers: Self.jsonHeaders, body: Self.body(batch))
            XCTAssertEqual(r.status, .ok)
            var html = String(buffer: try await client.execute(uri: "/?q=barley", method: .get).body)
            XCTAssertTrue(html.contains("Results 1–10 of 25"), html)
            XCTAssertTrue(html.contains("Page 1 of 3"))
            XCTAssertTrue(html.contains("href=\"?q=barley&amp;page=2\""), html)
            XCTAssertFalse(html.contains("rel=\"prev\""))
            html = String(buffer: try await client.execute(uri: "/?q=barley&page=3", method: .get).body)
            XCTAssertTrue(html.contains("Results 21–25 of 25"), html)
            XCTAssertTrue(html.contains("rel=\"prev\""))
            XCTAssertFalse(html.contains("rel=\"next\""))
        }
    }

    // MARK: Lifecycle and embedding

    func testTheServiceHoldsTheWriterLockUntilShutdown() async throws {
        let service = try LoupeService(indexDirectory: dir)
        XCTAssertThrowsError(try IndexWriter.open(directory: dir)) { XCTAssertEqual($0 as? LoupeError, .locked(path: dir)) }
        XCTAssertThrowsError(try LoupeService(indexDirectory: dir))
        await service.close()
        XCTAssertNoThrow(try IndexWriter.open(directory: dir).close())
        XCTAssertThrowsError(try LoupeService(indexDirectory: dir + "-none")) {
            XCTAssertEqual($0 as? LoupeError, .noIndex(path: dir + "-none"))
        }
    }

    func testRoutesMountUnderAPrefixInAnotherApplication() async throws {
        let service = try LoupeService(indexDirectory: dir)
        let router = Router()
        router.get("/hello") { _, _ in "hello" }
        addLoupeRoutes(to: router, service: service, at: "/archive")
        let app = Application(router: router, services: [service])
        try await app.test(.live) { client in
            var r = try await client.execute(uri: "/hello", method: .get)
            XCTAssertEqual(String(buffer: r.body), "hello")
            r = try await client.execute(uri: "/archive/search?q=oil", method: .get)
            XCTAssertEqual(try Self.json(r)["total"] as? Int, 2)
            r = try await client.execute(uri: "/archive/?q=oil", method: .get)
            let html = String(buffer: r.body)
            XCTAssertTrue(html.contains("action=\"/archive/\""))
            // A result without a url opens its article page, under the prefix.
            XCTAssertTrue(html.contains("href=\"/archive/articles/a3?q=oil\""), html)
        }
        XCTAssertNoThrow(try IndexWriter.open(directory: dir).close())
    }

    func testOpenAPIDocumentDescribesEveryRoute() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("openapi: 3."))
        for path in ["  /:", "  /search:", "  /documents:", "  /documents/{id}:", "  /documents/{id}/similar:",
                     "  /articles/{id}:", "  /synonyms:", "  /stats:", "  /health:"] {
            XCTAssertTrue(text.contains("\n" + path + "\n"), "openapi.yaml lacks \(path)")
        }
    }
}
