import Foundation
import HummingbirdTesting
import Loupe
import XCTest

/// `GET /search` with `filter`, `facet`, `sort=FIELD:dir`, `collapse` and `cursor`, and the
/// search page's sidebar, histogram, menus and paging, on the test index (a1 has source
/// reuters, tags energy and markets, words 412; dates in January, February and March 2025).
extension LoupeHTTPTests {
    func testSearchFiltersFacetsSortsCollapsesAndPages() async throws {
        try await withServer { client in
            // Facets of every kind, keyed by name in the order asked.
            var r = try await client.execute(uri: "/search?q=oil&facet=source&facet=date:month&facet=words:stats&facet=words:ranges:0-100,100-&facet=tags:1", method: .get)
            XCTAssertEqual(r.status, .ok, String(buffer: r.body))
            var j = try Self.json(r)
            let facets = try XCTUnwrap(j["facets"] as? [String: Any])
            func pairs(_ name: String) -> [String] {
                ((facets[name] as? [[String: Any]]) ?? []).map { "\($0["value"] as? String ?? "?")=\($0["count"] as? Int ?? -1)" }
            }
            XCTAssertEqual(pairs("source"), ["reuters=1"])
            XCTAssertEqual(pairs("date:month"), ["2025-01=1", "2025-02=0", "2025-03=1"])
            let stats = try XCTUnwrap(facets["words:stats"] as? [String: Any])
            XCTAssertEqual(stats["count"] as? Int, 1)
            XCTAssertEqual(stats["mean"] as? Double, 412)
            XCTAssertEqual((facets["words:ranges"] as? [[String: Any]])?.map { $0["count"] as? Int }, [0, 1])
            XCTAssertEqual((facets["tags"] as? [[String: Any]])?.count, 1)
            XCTAssertTrue(j["cursor"] is NSNull)
            XCTAssertNil(j["groups"])
            let text = String(buffer: r.body)
            XCTAssertLessThan(try XCTUnwrap(text.range(of: "\"source\":[")).lowerBound, try XCTUnwrap(text.range(of: "\"date:month\"")).lowerBound)

            // Filters (repeatable) restrict without changing scores; no q needed with one.
            r = try await client.execute(uri: "/search?q=oil&filter=source:reuters", method: .get)
            j = try Self.json(r)
            XCTAssertEqual(Self.ids(j), ["a1"])
            r = try await client.execute(uri: "/search?filter=date:2025&filter=date:%3E%3D2025-02", method: .get)
            XCTAssertEqual(Set(Self.ids(try Self.json(r))), ["a2", "a3"])
            r = try await client.execute(uri: "/search?facet=source", method: .get)
            XCTAssertEqual(try Self.json(r)["total"] as? Int, 4, "facets alone browse every document")

            // Field sorts, and the legacy names.
            r = try await client.execute(uri: "/search?q=oil&sort=date:asc", method: .get)
            j = try Self.json(r)
            XCTAssertEqual(Self.ids(j), ["a1", "a3"])
            XCTAssertEqual(j["sort"] as? String, "date:asc")
            r = try await client.execute(uri: "/search?q=oil&sort=words:desc", method: .get)
            XCTAssertEqual(Self.ids(try Self.json(r)), ["a1", "a3"], "documents without a value come last")

            // Collapse: groups and per-hit counts.
            r = try await client.execute(uri: "/search?q=oil&collapse=source", method: .get)
            j = try Self.json(r)
            XCTAssertEqual(j["groups"] as? Int, 2)
            XCTAssertEqual(((j["hits"] as? [[String: Any]]) ?? []).map { $0["collapsed"] as? Int }, [1, 1])

            // Cursors page through every hit once.
            var seen: [String] = []
            var uri = "/search?q=oil+OR+war+OR+note&limit=1&sort=date:desc"
            for _ in 0..<10 {
                j = try Self.json(try await client.execute(uri: uri, method: .get))
                seen += Self.ids(j)
                guard let cursor = j["cursor"] as? String else { break }
                uri = "/search?q=oil+OR+war+OR+note&limit=1&sort=date:desc&cursor=\(cursor)"
            }
            XCTAssertEqual(seen, ["a3", "a2", "a1", "a4"])

            // Errors are 400s saying what is wrong.
            try Self.assertError(try await client.execute(uri: "/search?q=oil&facet=body", method: .get), .badRequest, contains: "'body' is a text field")
            try Self.assertError(try await client.execute(uri: "/search?q=oil&facet=nowhere", method: .get), .badRequest, contains: "unknown field 'nowhere'")
            try Self.assertError(try await client.execute(uri: "/search?q=oil&facet=source:often", method: .get), .badRequest, contains: "malformed")
            try Self.assertError(try await client.execute(uri: "/search?q=oil&sort=body:desc", method: .get), .badRequest, contains: "'body' is a text field")
            try Self.assertError(try await client.execute(uri: "/search?q=oil&sort=words:up", method: .get), .badRequest, contains: "not asc or desc")
            try Self.assertError(try await client.execute(uri: "/search?q=oil&cursor=xyz", method: .get), .badRequest, contains: "cursor")
            try Self.assertError(try await client.execute(uri: "/search?q=oil&filter=source:%28", method: .get), .badRequest, contains: "the filter")
            try Self.assertError(try await client.execute(uri: "/search?q=oil&collapse=body", method: .get), .badRequest)
            try Self.assertError(try await client.execute(uri: "/search?q=", method: .get), .badRequest, contains: "missing query")
        }
    }

    func testSearchPageFacetsHistogramSortCollapseAndPastTheEnd() async throws {
        try await withServer { client in
            // A keyword value with markup is escaped, and its link filters to it.
            let odd = #"{"id": "x1", "title": "Oil odd", "body": "oil", "date": "2025-03-02", "tags": ["<i>a\"b</i>"], "source": "AFP"}"#
            let put = try await client.execute(uri: "/documents/x1", method: .put, headers: Self.jsonHeaders, body: Self.body(odd))
            XCTAssertEqual(put.status, .created)

            var html = String(buffer: try await client.execute(uri: "/?q=oil", method: .get).body)
            XCTAssertTrue(html.contains("<aside class=\"facets\" id=\"facets\""), html)
            XCTAssertTrue(html.contains("<section class=\"facet\" data-field=\"source\">"), html)
            XCTAssertTrue(html.contains("data-value=\"&lt;i&gt;a&quot;b&lt;/i&gt;\""), html)
            XCTAssertFalse(html.contains("<i>a"))
            XCTAssertTrue(html.contains("href=\"?q=oil&amp;filter=tags%3A%22%3Ci%3Ea%5C%22b%3C%2Fi%3E%22\""), html)
            // Three months of matches: a monthly histogram, a bar per non-empty month.
            XCTAssertTrue(html.contains("data-interval=\"month\""), html)
            XCTAssertTrue(html.contains("<svg class=\"chart\""))
            XCTAssertTrue(html.contains("data-value=\"2025-03\" data-count=\"2\""), html)
            XCTAssertTrue(html.contains("href=\"?q=oil&amp;filter=date%3A2025-03\""), html)
            XCTAssertEqual(html.components(separatedBy: "<script").count, 2, "only the suggestion script")
            // The menus: field sorts and collapsing.
            XCTAssertTrue(html.contains("<option value=\"words:desc\">words, highest first</option>"), html)
            XCTAssertTrue(html.contains("<option value=\"source:asc\">source, A–Z</option>"), html)
            XCTAssertTrue(html.contains("<option value=\"updated:desc\">updated, newest first</option>"), html)
            XCTAssertTrue(html.contains("<option value=\"source\">one per source</option>"), html)

            // The odd value's filter: one result, the value marked, a chip removing it.
            html = String(buffer: try await client.execute(uri: "/?q=oil&filter=tags%3A%22%3Ci%3Ea%5C%22b%3C%2Fi%3E%22", method: .get).body)
            XCTAssertTrue(html.contains("Results 1–1 of 1 for"), html)
            XCTAssertTrue(html.contains("aria-current=\"true\""), html)
            XCTAssertTrue(html.contains("class=\"active-filter\" href=\"?q=oil\""), html)
            XCTAssertTrue(html.contains("<input type=\"hidden\" name=\"filter\" value=\"tags:&quot;&lt;i&gt;a\\&quot;b&lt;/i&gt;&quot;\">"), html)

            // A month's bar: only that month; within two months of matches, days.
            html = String(buffer: try await client.execute(uri: "/?q=oil&filter=date%3A2025-03", method: .get).body)
            XCTAssertTrue(html.contains("Results 1–2 of 2"), html)
            XCTAssertTrue(html.contains("data-interval=\"day\""), html)
            XCTAssertTrue(html.contains("class=\"bar selected\"") == false)
            html = String(buffer: try await client.execute(uri: "/?q=oil&filter=date%3A2025-03-02", method: .get).body)
            XCTAssertTrue(html.contains("class=\"bar selected\" data-value=\"2025-03-02\""), html)

            // Sorted by a field; collapsed with "N similar".
            html = String(buffer: try await client.execute(uri: "/?q=oil&sort=date:desc", method: .get).body)
            XCTAssertLessThan(try XCTUnwrap(html.range(of: ">x1<")).lowerBound, try XCTUnwrap(html.range(of: ">a3<")).lowerBound)
            XCTAssertTrue(html.contains("<option value=\"date:desc\" selected>"), html)
            let batch = (0..<3).map { #"{"id": "s\#($0)", "title": "Oil \#($0)", "body": "oil", "source": "AFP"}"# }.joined(separator: "\n")
            let posted = try await client.execute(uri: "/documents", method: .post, headers: Self.jsonHeaders, body: Self.body(batch))
            XCTAssertEqual(posted.status, .ok)
            html = String(buffer: try await client.execute(uri: "/?q=oil&collapse=source", method: .get).body)
            XCTAssertTrue(html.contains("of 3 groups (6 matches)"), html)
            XCTAssertTrue(html.contains(">3 similar</a>"), html)
            XCTAssertTrue(html.contains("href=\"?q=oil&amp;filter=source%3A%22afp%22\""), html)

            // Past the last page: a message and a link back, not "Page 99 of 1".
            html = String(buffer: try await client.execute(uri: "/?q=oil&page=99", method: .get).body)
            XCTAssertTrue(html.contains("Page 99 is past the last page: 6 results for <b>oil</b> fill one page."), html)
            XCTAssertTrue(html.contains("<a rel=\"prev\" href=\"?q=oil\">Go to page 1</a>"), html)
            XCTAssertFalse(html.contains("Page 99 of"))

            // A bad filter shows the error, with the filter still removable.
            let r = try await client.execute(uri: "/?q=oil&filter=nowhere%3Ax", method: .get)
            XCTAssertEqual(r.status, .badRequest)
            html = String(buffer: r.body)
            XCTAssertTrue(html.contains("unknown field &#39;nowhere&#39;"), html)
            XCTAssertTrue(html.contains("class=\"active-filter\" href=\"?q=oil\""), html)
        }
    }
}
