import Foundation
import HummingbirdTesting
import Loupe
import XCTest

/// `GET /suggest`, the `suggestion` of `/search` and the page's did-you-mean link and
/// suggestion list markup, on the test index.
extension LoupeHTTPTests {
    func testSuggestCompletesAndSearchSuggestsCorrections() async throws {
        try await withServer { client in
            var r = try await client.execute(uri: "/suggest?q=tank", method: .get)
            XCTAssertEqual(r.status, .ok, String(buffer: r.body))
            var j = try Self.json(r)
            XCTAssertEqual(j["query"] as? String, "tank")
            var s = try XCTUnwrap(j["suggestions"] as? [[String: Any]])
            XCTAssertEqual(s.first?["text"] as? String, "tanker", "shown in lower case, as it also occurs")
            XCTAssertEqual(s.first?["kind"] as? String, "word")
            XCTAssertEqual(s.first?["count"] as? Int, 1)

            r = try await client.execute(uri: "/suggest?q=the+war+l&limit=2", method: .get)
            s = try XCTUnwrap(try Self.json(r)["suggestions"] as? [[String: Any]])
            XCTAssertEqual(s.first?["text"] as? String, "the war legacy")
            XCTAssertLessThanOrEqual(s.count, 2)

            r = try await client.execute(uri: "/suggest?q=", method: .get)
            XCTAssertEqual((try Self.json(r)["suggestions"] as? [Any])?.count, 0)
            r = try await client.execute(uri: "/suggest?q=oil&limit=0", method: .get)
            XCTAssertEqual(r.status, .badRequest)
            XCTAssertTrue(String(buffer: r.body).contains("limit must be an integer from 1 to 50"))

            r = try await client.execute(uri: "/search?q=tanke+aground", method: .get)
            j = try Self.json(r)
            XCTAssertEqual(j["total"] as? Int, 0)
            XCTAssertEqual(j["suggestion"] as? String, "tanker aground")
            r = try await client.execute(uri: "/search?q=oil", method: .get)
            XCTAssertNil(try Self.json(r)["suggestion"])

            // The page: a did-you-mean link (escaped) and the suggestion list the script fills.
            r = try await client.execute(uri: "/?q=tanke+aground", method: .get)
            let html = String(buffer: r.body)
            XCTAssertTrue(html.contains("<p class=\"did-you-mean\">Did you mean <a href=\"?q=tanker%20aground\">tanker aground</a>?</p>")
                          || html.contains("Did you mean <a href=\"?q=tanker+aground\">tanker aground</a>?"), html)
            XCTAssertTrue(html.contains("<ul id=\"suggestions\" role=\"listbox\""), html)
            XCTAssertTrue(html.contains("data-endpoint=\"/suggest\""), html)
        }
    }
}
