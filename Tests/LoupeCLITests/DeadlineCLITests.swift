import Foundation
import LoupeTestSupport
import XCTest

/// `loupe search --timeout`, `loupe similar --timeout` and `loupe serve --search-timeout`.
final class DeadlineCLITests: CLITestCase {
    static let frequent = (0..<24).map { "w\(Character(UnicodeScalar(UInt8(97 + $0))))ord" }

    /// 2,000 articles of 100 frequent words (a long phrase of them tests every article).
    func makeIndex() throws {
        try expect(0, ["init"])
        var rng = SeededRandom(seed: 0xDEAD13)
        let lines = (0..<2000).map { i -> String in
            let words = (0..<100).map { _ in Self.frequent[Int.random(in: 0..<Self.frequent.count, using: &rng)] }
            return #"{"id": "d\#(i)", "title": "Note \#(i)", "body": "\#(words.joined(separator: " "))"}"#
        }
        try expect(0, ["add", try write("docs.jsonl", lines.joined(separator: "\n") + "\n")])
    }

    var phrase: String {
        var rng = SeededRandom(seed: 11)
        return "\"" + (0..<1000).map { _ in Self.frequent[Int.random(in: 0..<Self.frequent.count, using: &rng)] }.joined(separator: " ") + "\""
    }

    func testTimeoutStopsAPathologicalSearch() throws {
        try makeIndex()
        let text = try expect(0, ["search", phrase, "--timeout", "20ms", "--color", "never"])
        XCTAssertTrue(text.stdout.contains("timed out after 20ms"), text.stdout.prefix(400).description)
        let j = try json(try expect(0, ["search", phrase, "--timeout", "20ms", "--json"]).stdout)
        XCTAssertEqual(j["timed_out"] as? Bool, true)
        XCTAssertEqual(j["total_is_lower_bound"] as? Bool, true)
        XCTAssertTrue(j["cursor"] is NSNull)
        let quick = try json(try expect(0, ["search", "waord", "--timeout", "1m", "--json"]).stdout)
        XCTAssertEqual(quick["timed_out"] as? Bool, false)
        // --batch: each query gets the timeout; a line that timed out says so.
        let batch = try expect(0, ["search", "--batch", "--timeout", "20ms"], stdin: phrase + "\nwaord\n")
        let lines = batch.stdout.split(separator: "\n").map { try? json(String($0)) }
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[0]?["timed_out"] as? Bool, true)
        XCTAssertNil(lines[1]?["timed_out"])
        let similar = try json(try expect(0, ["similar", "d1", "--timeout", "2s", "--json"]).stdout)
        XCTAssertEqual(similar["timed_out"] as? Bool, false)
    }

    func testBadTimeoutsNameTheOption() throws {
        try makeIndex()
        for bad in ["2", "0ms", "-1s", "2h", "soon", "1.5"] {
            // `--timeout=-1s`: a separate `-1s` would be read as an option.
            let r = try expect(2, ["search", "waord", "--timeout=\(bad)"])
            XCTAssertTrue(r.stderr.contains("--timeout '\(bad)'"), r.stderr)
            XCTAssertTrue(r.stderr.contains("250ms"), r.stderr)
            let s = try expect(2, ["similar", "d1", "--timeout=\(bad)"])
            XCTAssertTrue(s.stderr.contains("--timeout"), s.stderr)
        }
        let serve = try loupe(["serve", "--search-timeout", "forever"])
        XCTAssertNotEqual(serve.status, 0)
        XCTAssertTrue(serve.stderr.contains("--search-timeout 'forever'"), serve.stderr)
        let help = try expect(0, ["search", "--help"])
        XCTAssertTrue(help.stdout.contains("--timeout"))
    }
}
