import Foundation
import XCTest

/// A hostile document cannot spoof the CLI's text output (issue 19): control characters
/// (ANSI escape sequences, carriage returns, C1 controls) and bidirectional overrides in ids
/// and field values are printed as `\uXXXX`; JSON output keeps the exact text.
final class TerminalEscapingCLITests: CLITestCase {
    static let hostileID = "evil\u{202E}gpj.exe"

    /// Scalars that must never reach the terminal from a document.
    static let forbidden: [Unicode.Scalar] = ["\u{1B}", "\u{202E}", "\u{2066}", "\u{2069}", "\r", "\u{85}", "\u{7}", "\u{200F}"]

    func assertSafe(_ text: String, allowingStyles: Bool = false, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        var t = text
        if allowingStyles {
            // The CLI's own colours (bold, dim, highlight, reset) are the only escapes allowed.
            for code in ["\u{1B}[1m", "\u{1B}[2m", "\u{1B}[0m", "\u{1B}[1;33m", "\u{1B}[31m"] { t = t.replacingOccurrences(of: code, with: "") }
        }
        for s in Self.forbidden where t.unicodeScalars.contains(s) {
            XCTFail("\(message): U+\(String(s.value, radix: 16, uppercase: true)) printed raw in \(t.debugDescription)", file: file, line: line)
        }
    }

    func addHostileDocument() throws {
        try expect(0, ["init"])
        let doc = #"{"id": "evil\u202Egpj.exe", "title": "Oil \u001b[2J\u001b[31mFAKE\u202E", "body": "oil prices \u2066spoof\u2069 \r overwritten \u0085 bell \u0007 \u200F end", "url": "https://x.example/\u202Eabc"}"#
        try expect(0, ["add", try write("hostile.jsonl", doc + "\n")])
    }

    func testSearchSimilarSuggestAndDeleteEscapeHostileText() throws {
        try addHostileDocument()
        for color in ["never", "always"] {
            let r = try expect(0, ["search", "oil", "--color", color])
            assertSafe(r.stdout, allowingStyles: color == "always", "search --color \(color)")
            XCTAssertTrue(r.stdout.contains(#"evil\u202Egpj.exe"#), r.stdout)
            XCTAssertTrue(r.stdout.contains(#"\u001B[2J\u001B[31mFAKE\u202E"#), r.stdout)
            XCTAssertTrue(r.stdout.contains(#"\u2066spoof\u2069 \u000D overwritten \u0085 bell \u0007 \u200F end"#), r.stdout)
            XCTAssertTrue(r.stdout.contains(#"https://x.example/\u202Eabc"#), r.stdout)
        }
        // The query is echoed escaped too.
        let q = try expect(0, ["search", "oil \u{202E}\u{1B}x"])
        assertSafe(q.stdout, "search's echo of the query")
        // So is a malformed query in its error message.
        let bad = try loupe(["search", "oil \u{1B}[2J"])
        XCTAssertEqual(bad.status, 2)
        assertSafe(bad.stderr, "a query error")
        // Facet values and explanations.
        let f = try expect(0, ["search", "oil", "--explain"])
        assertSafe(f.stdout, "search --explain")

        let s = try expect(0, ["suggest", "fak"])
        assertSafe(s.stdout, "suggest")
        let d = try expect(0, ["delete", Self.hostileID, "--dry-run"])
        assertSafe(d.stdout, "delete --dry-run")
        XCTAssertEqual(d.stdout, "evil\\u202Egpj.exe\n")
        // An error naming an id is escaped on stderr.
        let g = try loupe(["get", "nope\u{1B}[31m\u{202E}"])
        XCTAssertNotEqual(g.status, 0)
        assertSafe(g.stderr, "get's error")
        XCTAssertTrue(g.stderr.contains(#"nope\u001B[31m\u202E"#), g.stderr)
    }

    /// JSON carries the exact text: a program reading it gets the document back.
    func testJSONOutputIsUnchanged() throws {
        try addHostileDocument()
        let g = try expect(0, ["get", Self.hostileID])
        let doc = try json(g.stdout)
        XCTAssertEqual(doc["id"] as? String, Self.hostileID)
        XCTAssertEqual(doc["title"] as? String, "Oil \u{1B}[2J\u{1B}[31mFAKE\u{202E}")
        // JSON escapes the controls and bidirectional characters itself (`\u202e` is the same
        // JSON string), so the terminal never sees them raw.
        assertSafe(g.stdout, "get's JSON")
        XCTAssertTrue(g.stdout.contains(#""id": "evil\u202egpj.exe""#), g.stdout)
        let r = try expect(0, ["search", "oil", "--json"])
        let hit = try XCTUnwrap((try json(r.stdout)["hits"] as? [[String: Any]])?.first)
        XCTAssertEqual(hit["id"] as? String, Self.hostileID)
    }
}
