import Foundation
import HummingbirdTesting
import Loupe
import XCTest

/// Keyword, number and date values go in through `PUT` and `POST` and come back from
/// `GET /documents/{id}` in the shape `PUT` reads; bad values are 400s naming the field.
extension LoupeHTTPTests {
    func testTypedValuesRoundTrip() async throws {
        try await withServer { client in
            var r = try await client.execute(uri: "/documents/a1", method: .get)
            XCTAssertEqual(Self.minified(String(buffer: r.body)), Self.minified("""
                {"id":"a1","date":"2025-01-10","title":"Oil prices rise",
                 "body":"Crude oil prices rose sharply on Monday after producers agreed to cut output.",
                 "url":"https://example.com/a1","source":"reuters","tags":["energy","markets"],
                 "words":412,"updated":"2025-01-11T09:30:00Z"}
                """))

            // The lowercase normalizer's value comes back normalized.
            // PUT what GET gave, changed: typed values of every kind, one tag, a fraction.
            let doc = #"{"title": "Copper", "source": "AFP", "tags": ["metals"], "words": 12.5, "updated": "2025-02-01"}"#
            r = try await client.execute(uri: "/documents/c1", method: .put, headers: Self.jsonHeaders, body: Self.body(doc))
            XCTAssertEqual(r.status, .created, String(buffer: r.body))
            r = try await client.execute(uri: "/documents/c1", method: .get)
            XCTAssertEqual(Self.minified(String(buffer: r.body)),
                           #"{"id":"c1","date":null,"title":"Copper","source":"afp","tags":["metals"],"words":12.5,"updated":"2025-02-01"}"#)
            let again = try await client.execute(uri: "/documents/c1", method: .put, headers: Self.jsonHeaders, body: r.body)
            XCTAssertEqual(again.status, .ok, String(buffer: again.body))

            // A batch with typed values (seconds since 1970 for a date, a number as an integer).
            let batch = #"[{"id": "b1", "title": "B", "tags": ["x", "y"], "words": 3, "updated": 86400}]"#
            r = try await client.execute(uri: "/documents", method: .post, headers: Self.jsonHeaders, body: Self.body(batch))
            XCTAssertEqual(r.status, .ok, String(buffer: r.body))
            r = try await client.execute(uri: "/documents/b1", method: .get)
            XCTAssertEqual(Self.minified(String(buffer: r.body)),
                           #"{"id":"b1","date":null,"title":"B","tags":["x","y"],"words":3,"updated":"1970-01-02"}"#)
        }
    }

    func testBadTypedValuesAreRejected() async throws {
        try await withServer { client in
            try Self.assertError(try await client.execute(uri: "/documents/x", method: .put, headers: Self.jsonHeaders, body: Self.body(#"{"title": "T", "words": "abc"}"#)),
                                 .badRequest, contains: "\"words\" must hold numbers")
            try Self.assertError(try await client.execute(uri: "/documents/x", method: .put, headers: Self.jsonHeaders, body: Self.body(#"{"title": "T", "source": ["a", "b"]}"#)),
                                 .badRequest, contains: "\"source\" holds one value, not an array")
            try Self.assertError(try await client.execute(uri: "/documents/x", method: .put, headers: Self.jsonHeaders, body: Self.body(#"{"title": "T", "updated": "soon"}"#)),
                                 .badRequest, contains: "bad date 'soon' in \"updated\"")
            let batch = "{\"id\": \"ok\", \"title\": \"T\"}\n{\"id\": \"bad\", \"tags\": [1]}\n"
            try Self.assertError(try await client.execute(uri: "/documents", method: .post, headers: Self.jsonHeaders, body: Self.body(batch)),
                                 .badRequest, contains: "line 2")
            // Nothing was added by the failures.
            try Self.assertError(try await client.execute(uri: "/documents/x", method: .get), .notFound)
            try Self.assertError(try await client.execute(uri: "/documents/ok", method: .get), .notFound)
        }
    }
}
