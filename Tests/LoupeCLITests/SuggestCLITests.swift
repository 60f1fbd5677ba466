import Foundation
import XCTest
import LoupeTestSupport

/// `loupe suggest` (completions) and `loupe search`'s "did you mean" on the demo index.
final class SuggestCLITests: CLITestCase {
    func testSuggestCompletesTheLastWordAndTitlePhrases() throws {
        try makeSampleIndex()
        let text = try expect(0, ["suggest", "vietn"]).stdout
        let first = try XCTUnwrap(text.split(separator: "\n").first)
        XCTAssertTrue(first.hasPrefix("Vietnamese "), text)
        XCTAssertTrue(first.hasSuffix(" docs"), text)
        let j = try json(expect(0, ["suggest", "war leg", "--json", "--limit", "3"]).stdout)
        XCTAssertEqual(j["query"] as? String, "war leg")
        let suggestions = try XCTUnwrap(j["suggestions"] as? [[String: Any]])
        XCTAssertLessThanOrEqual(suggestions.count, 3)
        XCTAssertEqual(suggestions.first?["text"] as? String, "war legacies", "\(suggestions)")
        XCTAssertEqual(suggestions.first?["kind"] as? String, "word")
        XCTAssertTrue(suggestions.allSatisfy { ($0["count"] as? Int ?? 0) >= 1 })
        XCTAssertEqual(try expect(0, ["suggest", "zzzzq"]).stdout, "no suggestions for 'zzzzq'\n")
        // Batch: one JSON line per input line, with the time taken.
        let lines = try expect(0, ["suggest", "--batch", "--limit", "2"], stdin: "vietn\ncrude o\n").stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let second = try json(String(lines[1]))
        XCTAssertEqual(second["query"] as? String, "crude o")
        XCTAssertNotNil(second["took_us"] as? Int)
        XCTAssertEqual((second["suggestions"] as? [[String: Any]])?.first?["text"] as? String, "crude oil")
    }

    func testSuggestRejectsBadOptions() throws {
        try makeSampleIndex()
        let r = try expect(1, ["suggest", "oil", "--limit", "0"])
        XCTAssertTrue(r.stderr.contains("--limit must be 1 to 100"), r.stderr)
        XCTAssertTrue(try expect(1, ["suggest", "--batch", "oil"]).stderr.contains("give no TEXT"))
    }

    func testSearchSaysDidYouMean() throws {
        try makeSampleIndex()
        let text = try expect(0, ["search", "vietnm legasy"]).stdout
        XCTAssertTrue(text.contains("did you mean: vietnam legacy?"), text)
        let j = try json(expect(0, ["search", "--json", "vietnm legasy"]).stdout)
        XCTAssertEqual(j["total"] as? Int, 0)
        XCTAssertEqual(j["suggestion"] as? String, "vietnam legacy")
        let fine = try json(expect(0, ["search", "--json", "oil"]).stdout)
        XCTAssertNil(fine["suggestion"], "a query with many hits gets no suggestion")
    }
}
