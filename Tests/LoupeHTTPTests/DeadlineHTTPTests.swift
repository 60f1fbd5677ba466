import Foundation
import Hummingbird
import HummingbirdTesting
import Loupe
import LoupeHTTP
import LoupeTestSupport
import XCTest

/// The server's search timeout: a pathological query answers with `timed_out` within it, and
/// other requests are answered meanwhile (issue 19: no request holds a search thread for more
/// than the server's timeout).
final class DeadlineHTTPTests: XCTestCase {
    var tmp: TempDir!
    var dir: String { tmp.sub("index") }
    static let frequent = (0..<24).map { "w\(Character(UnicodeScalar(UInt8(97 + $0))))ord" }

    override func setUpWithError() throws {
        tmp = TempDir("loupe-http-deadline")
        var rng = SeededRandom(seed: 0xDEAD12)
        // 3,000 articles of 100 words from 24 frequent ones: a long phrase of them tests every article.
        let docs = (0..<3000).map { i -> Document in
            let words = (0..<100).map { _ in Self.frequent[Int.random(in: 0..<Self.frequent.count, using: &rng)] }
            return Document(id: "d\(i)", fields: ["title": "Note \(i)", "body": words.joined(separator: " ")], date: nil)
        }
        try TestIndex.build(at: dir, documents: docs)
    }

    override func tearDown() { tmp = nil }

    static func json(_ r: TestResponse) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as? [String: Any])
    }

    /// A 1,000-word phrase of the frequent words, URL-encoded (seconds of work without a timeout).
    static var pathological: String {
        var rng = SeededRandom(seed: 9)
        let words = (0..<1000).map { _ in frequent[Int.random(in: 0..<frequent.count, using: &rng)] }
        return "%22" + words.joined(separator: "+") + "%22"
    }

    func testPathologicalSearchesStopAtTheServerTimeoutWhileOthersAreAnswered() async throws {
        let service = try LoupeService(indexDirectory: dir,
                                       configuration: LoupeServiceConfiguration(searchTimeout: .milliseconds(200)))
        let app = makeLoupeApplication(service: service, port: 0)
        let slow = Self.pathological
        // What one such search costs without a timeout, on this machine now.
        let phrase = try XCTUnwrap(slow.removingPercentEncoding).replacingOccurrences(of: "+", with: " ")
        let clock = ContinuousClock()
        let untimed = try clock.measure { _ = try service.index.search(SearchRequest(query: phrase, limit: 3)) }
        try await app.test(.ahc(.http)) { client in
            let start = clock.now
            try await withThrowingTaskGroup(of: (slow: Bool, json: [String: Any]).self) { group in
                // More pathological searches than search threads, one asking for less than the server's timeout.
                for k in 0..<4 {
                    group.addTask {
                        let extra = k == 0 ? "&timeout=50ms" : ""
                        let r = try await client.execute(uri: "/search?q=\(slow)&limit=3\(extra)", method: .get)
                        XCTAssertEqual(r.status, .ok, String(buffer: r.body).prefix(200).description)
                        return (true, try Self.json(r))
                    }
                }
                group.addTask {
                    var last: [String: Any] = [:]
                    for _ in 0..<10 {
                        let r = try await client.execute(uri: "/search?q=waord+wbord&limit=3", method: .get)
                        XCTAssertEqual(r.status, .ok)
                        last = try Self.json(r)
                        XCTAssertEqual(last["timed_out"] as? Bool, false)
                        let h = try await client.execute(uri: "/health", method: .get)
                        XCTAssertEqual(h.status, .ok)
                    }
                    return (false, last)
                }
                for try await (isSlow, j) in group where isSlow {
                    XCTAssertEqual(j["timed_out"] as? Bool, true)
                    XCTAssertEqual(j["total_is_lower_bound"] as? Bool, true)
                    XCTAssertTrue(j["cursor"] is NSNull)
                    // Generous: the phrase takes seconds without a timeout (debug build).
                    XCTAssertLessThan(j["took_us"] as? Int ?? .max, 3_000_000)
                }
            }
            // Four such searches on two search threads, and ten others: all answered in less
            // than one of them takes without a timeout (relative, so a loaded machine slows both).
            let together = clock.now - start
            XCTAssertLessThan(together, untimed, "all answered in \(together); one untimed search takes \(untimed)")
            // A timeout above the server's is cut to it; a malformed one is a 400 naming it.
            let capped = try await client.execute(uri: "/search?q=\(slow)&timeout=1m", method: .get)
            XCTAssertEqual(capped.status, .ok)
            XCTAssertEqual(try Self.json(capped)["timed_out"] as? Bool, true)
            for bad in ["2", "0s", "-1s", "2h", "fast"] {
                let r = try await client.execute(uri: "/search?q=waord&timeout=\(bad)", method: .get)
                XCTAssertEqual(r.status, .badRequest, bad)
                XCTAssertTrue(String(buffer: r.body).contains("timeout"), String(buffer: r.body))
            }
            let quick = try Self.json(try await client.execute(uri: "/search?q=waord&timeout=2s", method: .get))
            XCTAssertEqual(quick["timed_out"] as? Bool, false)
            let similar = try await client.execute(uri: "/documents/d1/similar?timeout=250ms", method: .get)
            XCTAssertEqual(similar.status, .ok)
            XCTAssertNotNil(try Self.json(similar)["timed_out"] as? Bool)
            let badSimilar = try await client.execute(uri: "/documents/d1/similar?timeout=soon", method: .get)
            XCTAssertEqual(badSimilar.status, .badRequest)
            // The search page says so.
            let page = try await client.execute(uri: "/?q=\(slow)", method: .get)
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(String(buffer: page.body).contains("class=\"timed-out\""))
        }
    }
}
