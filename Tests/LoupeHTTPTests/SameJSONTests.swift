import Foundation
import HummingbirdTesting
import Loupe
import XCTest

/// The command-line tool and the HTTP service write one JSON form: for the same index and
/// query, `loupe search --json` and `GET /search` are the same text (keys, key order and
/// values) but for the time taken; likewise `loupe get` and `loupe stats --json`.
extension LoupeHTTPTests {
    func testCLIAndHTTPWriteTheSameSearchJSON() async throws {
        let dir = self.dir
        try await withServer { client in
            let r = try await client.execute(uri: "/search?q=oil&explain=true", method: .get)
            XCTAssertEqual(r.status, .ok)
            let http = String(buffer: r.body)
            let cli = try Self.runLoupe(["search", "--index", dir, "--json", "--explain", "oil"])
            XCTAssertEqual(Self.withoutTime(Self.minified(cli)), Self.withoutTime(Self.minified(http)))

            let hit = try XCTUnwrap((try Self.json(r)["hits"] as? [[String: Any]])?.first)
            XCTAssertEqual(Set(hit.keys), ["rank", "id", "score", "date", "fields", "snippet", "snippet_text", "highlights",
                                         "title_snippet", "title_highlights", "explanation"])
        }
    }

    /// Facets of every kind, filters, a field sort, collapsing and a cursor: the same text.
    func testCLIAndHTTPWriteTheSameFacetsCursorsAndGroups() async throws {
        let dir = self.dir
        try await withServer { client in
            let facets = ["source", "tags:1", "date:month", "words:stats", "words:ranges:0-100,100-"]
            var uri = "/search?q=oil+OR+war&limit=1&sort=date:desc&filter=date:2025&collapse=source"
            var cli = ["search", "--index", dir, "--json", "oil OR war", "--limit", "1", "--sort", "date:desc", "--filter", "date:2025", "--collapse", "source"]
            for f in facets { uri += "&facet=" + f; cli += ["--facet", f] }
            let r = try await client.execute(uri: uri, method: .get)
            XCTAssertEqual(r.status, .ok, String(buffer: r.body))
            let http = String(buffer: r.body)
            XCTAssertEqual(Self.withoutTime(Self.minified(try Self.runLoupe(cli))), Self.withoutTime(Self.minified(http)))
            let j = try Self.json(r)
            XCTAssertEqual(Set(j.keys), ["query", "total", "total_is_lower_bound", "timed_out", "took_us", "offset", "limit", "sort", "hits", "facets", "cursor", "groups"])
            XCTAssertEqual(Set((j["facets"] as? [String: Any])?.keys.map { $0 } ?? []), ["source", "tags", "date:month", "words:stats", "words:ranges"])
            let cursor = try XCTUnwrap(j["cursor"] as? String)
            XCTAssertNotNil((j["hits"] as? [[String: Any]])?.first?["collapsed"] as? Int)

            // The next page, by the cursor, is the same text too.
            let next = try await client.execute(uri: uri + "&cursor=" + cursor, method: .get)
            XCTAssertEqual(Self.withoutTime(Self.minified(try Self.runLoupe(cli + ["--cursor", cursor]))),
                           Self.withoutTime(Self.minified(String(buffer: next.body))))
        }
    }

    func testCLIAndHTTPWriteTheSameDocumentAndStatsJSON() async throws {
        let dir = self.dir
        try await withServer { client in
            let document = String(buffer: try await client.execute(uri: "/documents/a1", method: .get).body)
            XCTAssertEqual(Self.minified(try Self.runLoupe(["get", "--index", dir, "a1"])), Self.minified(document))
            let stats = String(buffer: try await client.execute(uri: "/stats", method: .get).body)
            XCTAssertEqual(Self.minified(try Self.runLoupe(["stats", "--index", dir, "--json"])), Self.minified(stats))
        }
    }

    /// Standard output of the built `loupe` ($LOUPE_BIN, else .build/debug/loupe; skips the
    /// test when it is not built).
    static func runLoupe(_ arguments: [String]) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = ProcessInfo.processInfo.environment["LOUPE_BIN"] ?? root.appendingPathComponent(".build/debug/loupe").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("the loupe binary is not built: run `swift build` first")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "loupe \(arguments.joined(separator: " "))")
        return String(decoding: data, as: UTF8.self)
    }

    /// `json` without the whitespace between tokens (the CLI indents, the service does not).
    static func minified(_ json: String) -> String {
        var out = ""
        var inString = false, escaped = false
        for c in json.unicodeScalars {
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            } else if c == "\"" {
                inString = true
            } else if c == " " || c == "\n" || c == "\t" || c == "\r" {
                continue
            }
            out.unicodeScalars.append(c)
        }
        return out
    }

    /// `json` with the search time blanked: it is measured per run.
    static func withoutTime(_ json: String) -> String {
        json.replacingOccurrences(of: #""took_us":[0-9]+"#, with: #""took_us":0"#, options: .regularExpression)
    }
}
