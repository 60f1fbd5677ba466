import Foundation
import XCTest
import Loupe

/// Bad input never changes the index (unless --skip-invalid), names the file and line, and
/// exits non-zero; a damaged or locked index exits 3.
final class BadInputTests: CLITestCase {
    /// An index with two committed documents.
    func makeIndex() throws {
        try expect(0, ["init"])
        let f = try write("base.jsonl", Self.line("base-1") + "\n" + Self.line("base-2") + "\n")
        try expect(0, ["add", f])
    }

    /// An index with typed fields (`words` a number, `topic` a keyword, `places` multi-valued
    /// keywords, `updated` a date) and two committed documents.
    func makeTypedIndex() throws {
        let schema = try write("typed-schema.json", """
            {"fields": [{"name": "title"}, {"name": "body"}, {"name": "words", "type": "number"},
                        {"name": "topic", "type": "keyword"}, {"name": "places", "type": "keyword", "multiValued": true},
                        {"name": "updated", "type": "date"}]}
            """)
        try expect(0, ["init", "--schema", schema])
        let f = try write("base.jsonl", #"{"id": "base-1", "title": "t", "words": 3, "topic": "acq", "places": ["usa"]}"# + "\n"
                          + #"{"id": "base-2", "title": "t", "updated": "2025-06-01"}"# + "\n")
        try expect(0, ["add", f])
    }

    func assertRejected(_ name: String, _ content: Data, line: Int, mentions: String, extra: [String] = [],
                        file: StaticString = #filePath, testLine: UInt = #line) throws {
        let path = try write(name, content)
        let before = try snapshot()
        let r = try loupe(["add"] + extra + [path])
        XCTAssertEqual(r.status, 2, "\(name): \(r.stderr)", file: file, line: testLine)
        XCTAssertTrue(r.stderr.hasPrefix("loupe: error: "), r.stderr, file: file, line: testLine)
        XCTAssertTrue(r.stderr.contains("\(name):\(line)"), "\(name): error should name the file and line \(line): \(r.stderr)", file: file, line: testLine)
        XCTAssertTrue(r.stderr.lowercased().contains(mentions), "\(name): expected '\(mentions)' in \(r.stderr)", file: file, line: testLine)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one sentence: \(r.stderr)", file: file, line: testLine)
        let after = try snapshot()
        XCTAssertEqual(Set(before.keys), Set(after.keys), "\(name): files changed", file: file, line: testLine)
        for (k, v) in before { XCTAssertEqual(after[k], v, "\(name): \(k) changed", file: file, line: testLine) }
        XCTAssertEqual(try documentCount(), 2, file: file, line: testLine)
    }

    func good(_ id: String) -> String { Self.line(id) + "\n" }

    func testMalformedLine() throws {
        try makeIndex()
        try assertRejected("malformed.jsonl", Data((good("ok-1") + "{\"id\": \"x\", \"title\": \n" + good("ok-2")).utf8), line: 2, mentions: "malformed json")
    }

    func testInvalidUTF8() throws {
        try makeIndex()
        var data = Data((good("ok-1") + good("ok-2")).utf8)
        data += Data("{\"id\": \"bad\", \"title\": \"caf".utf8) + Data([0xC3, 0x28]) + Data("\"}\n".utf8)
        try assertRejected("utf8.jsonl", data, line: 3, mentions: "utf-8")
    }

    func testInvalidUTF8InTextFile() throws {
        try makeIndex()
        try assertRejected("bad.txt", Data("Title\nline two\nline ".utf8) + Data([0xFF]) + Data("three\n".utf8), line: 3, mentions: "utf-8")
    }

    func testMissingId() throws {
        try makeIndex()
        try assertRejected("noid.jsonl", Data((good("ok-1") + #"{"title": "no id here", "body": "x"}"# + "\n").utf8), line: 2, mentions: "id")
    }

    func testBadDate() throws {
        try makeIndex()
        try assertRejected("date.jsonl", Data((good("ok-1") + Self.line("d", date: "2025-02-30") + "\n").utf8), line: 2, mentions: "date")
    }

    /// Issue 19: a numeric date outside years 0001-9999 (here Int64.min, which used to be
    /// accepted and then crash `get`, searches and the server) is rejected with exit 2, naming
    /// the file, line and field, and leaves the index as it was; so is an ISO date of year 0000.
    func testDateOutsideTheSupportedRangeIsRejected() throws {
        try makeIndex()
        for (i, date) in ["-9223372036854775808", "9223372036854775807", "253402300800", "-62135596801", "1e300", "\"0000-12-31\""].enumerated() {
            let poison = #"{"id":"p","date":"# + date + "}\n"
            try assertRejected("poison\(i).jsonl", Data((good("ok-1") + poison).utf8), line: 2, mentions: "date")
        }
        try expect(0, ["check"])
        XCTAssertNotEqual(try loupe(["get", "p"]).status, 0, "the rejected document is not in the index")
        // The ends of the range are accepted and print back.
        let edges = try write("edges.jsonl", #"{"id":"lo","date":-62135596800}"# + "\n" + #"{"id":"hi","date":"9999-12-31T23:59:59Z"}"# + "\n")
        try expect(0, ["add", edges])
        XCTAssertEqual(try json(try expect(0, ["get", "lo"]).stdout)["date"] as? String, "0001-01-01")
        XCTAssertEqual(try json(try expect(0, ["get", "hi"]).stdout)["date"] as? String, "9999-12-31T23:59:59Z")
    }

    func testUnknownField() throws {
        try makeIndex()
        try assertRejected("unknown.jsonl", Data((good("ok-1") + #"{"id": "u", "title": "t", "topic": "acq"}"# + "\n").utf8), line: 2, mentions: "unknown field")
    }

    func testTextForANumberField() throws {
        try makeTypedIndex()
        let r = #"{"id": "n", "title": "t", "words": "abc"}"#
        try assertRejected("number.jsonl", Data((good("ok-1") + r + "\n").utf8), line: 2, mentions: #"field "words" must hold numbers"#)
        try assertRejected("number.json", Data(("[\n" + Self.line("ok-1") + ",\n" + r + "\n]\n").utf8), line: 3, mentions: #""words""#)
    }

    func testAnArrayForASingleValuedField() throws {
        try makeTypedIndex()
        try assertRejected("single.jsonl", Data((good("ok-1") + good("ok-2") + #"{"id": "s", "topic": ["acq", "crude"]}"# + "\n").utf8),
                           line: 3, mentions: #"field "topic" holds one value, not an array"#)
        try assertRejected("numbers.jsonl", Data((#"{"id": "s", "words": [1, 2]}"# + "\n").utf8), line: 1, mentions: #""words""#)
    }

    func testBadValuesOfMultiValuedAndDateFields() throws {
        try makeTypedIndex()
        try assertRejected("places.jsonl", Data((good("ok-1") + #"{"id": "p", "places": ["usa", 7]}"# + "\n").utf8),
                           line: 2, mentions: #"field "places" must hold strings"#)
        try assertRejected("updated.jsonl", Data((#"{"id": "u", "updated": "2025-13-01"}"# + "\n").utf8),
                           line: 1, mentions: #"bad date '2025-13-01' in "updated""#)
        try assertRejected("object.jsonl", Data((#"{"id": "o", "topic": {"a": 1}}"# + "\n").utf8), line: 1, mentions: #""topic""#)
    }

    func testSkipInvalidReportsBadValuesAndKeepsTheRest() throws {
        try makeTypedIndex()
        let path = try write("typed.jsonl", good("ok-1") + #"{"id": "b", "words": "many"}"# + "\n" + good("ok-2"))
        let r = try loupe(["add", "--skip-invalid", path])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("typed.jsonl:2") && r.stderr.contains("\"words\""), r.stderr)
        XCTAssertEqual(try documentCount(), 4)
    }

    func testOversizedDocument() throws {
        try makeIndex()
        let big = Self.line("big", body: String(repeating: "word ", count: 100)) + "\n"
        try assertRejected("big.jsonl", Data((good("ok-1") + good("ok-2") + big).utf8), line: 3, mentions: "limit",
                           extra: ["--max-document-bytes", "200"])
        // A line far beyond the limit is skipped without being held in memory.
        let huge = Self.line("huge", body: String(repeating: "x", count: 3 << 20)) + "\n"
        try assertRejected("huge.jsonl", Data((good("ok-1") + huge).utf8), line: 2, mentions: "limit",
                           extra: ["--max-document-bytes", "1000"])
    }

    func testMalformedJSONArray() throws {
        try makeIndex()
        try assertRejected("array.json", Data(("[\n" + Self.line("a") + ",\n" + #"{"id": "b", "title": }"# + "\n]\n").utf8), line: 3, mentions: "malformed json")
    }

    /// The bad record comes after segments were already flushed to disk: they are removed.
    func testRollbackAfterFlushedSegments() throws {
        try makeIndex()
        var text = ""
        let body = String(repeating: "lorem ipsum dolor sit amet ", count: 40)
        for i in 0..<4000 { text += Self.line("bulk-\(i)", body: body + String(i)) + "\n" }
        text += "not json\n"
        try assertRejected("bulk.jsonl", Data(text.utf8), line: 4001, mentions: "malformed json", extra: ["--memory-budget", "1"])
    }

    func testSkipInvalidCommitsTheGoodDocuments() throws {
        try makeIndex()
        let content = good("ok-1") + "garbage\n" + good("ok-2") + #"{"title": "no id"}"# + "\n" + Self.line("d", date: "soon") + "\n" + good("ok-3")
        let path = try write("mixed.jsonl", content)
        let r = try loupe(["add", "--skip-invalid", path])
        XCTAssertEqual(r.status, 2, r.stderr)
        for line in [2, 4, 5] { XCTAssertTrue(r.stderr.contains("mixed.jsonl:\(line)"), r.stderr) }
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 3, r.stderr)
        XCTAssertEqual(try documentCount(), 5)
        for id in ["ok-1", "ok-2", "ok-3"] { try expect(0, ["get", id]) }
    }

    func testIgnoreUnknownDropsExtraKeys() throws {
        try makeIndex()
        let path = try write("extra.jsonl", #"{"id": "e", "title": "t", "topic": "acq", "places": ["usa"]}"# + "\n")
        try expect(2, ["add", path])
        try expect(0, ["add", "--ignore-unknown", path])
        XCTAssertEqual(try documentCount(), 3)
    }

    func testMissingInputFileIsAnIOError() throws {
        try makeIndex()
        let r = try expect(4, ["add", tmp.appendingPathComponent("nope.jsonl").path])
        XCTAssertTrue(r.stderr.contains("nope.jsonl"), r.stderr)
    }

    func testCheckFindsACorruptedFile() throws {
        try makeIndex()
        try expect(0, ["check"])
        let names = try FileManager.default.contentsOfDirectory(atPath: indexPath)
        let post = try XCTUnwrap(names.first { $0.hasSuffix(".post") })
        let url = URL(fileURLWithPath: indexPath + "/" + post)
        var data = try Data(contentsOf: url)
        data[data.count / 2] ^= 0x40
        try data.write(to: url)
        let r = try expect(3, ["check"])
        XCTAssertTrue(r.stderr.contains(post), r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("loupe: error: "), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        // A plain open checks headers, footers and structures only, so a search that does
        // not read the flipped byte may succeed; --verify checks every checksum first.
        XCTAssertTrue([0, 3].contains(try loupe(["search", "word"]).status))
        for command in [["search", "word"], ["get", "x"], ["stats"]] {
            let v = try expect(3, command + ["--verify"])
            XCTAssertTrue(v.stderr.contains(post) && v.stderr.contains("checksum"), v.stderr)
        }
    }

    func testSecondWriterGetsTheLockError() throws {
        try makeIndex()
        let path = try write("more.jsonl", good("more"))
        let holder = try IndexWriter.open(directory: indexPath)
        let r = try expect(3, ["add", path])
        XCTAssertTrue(r.stderr.contains("locked"), r.stderr)
        XCTAssertEqual(try loupe(["delete", "base-1"]).status, 3)
        XCTAssertEqual(try loupe(["merge"]).status, 3)
        // Readers are not blocked.
        try expect(0, ["search", "body"])
        holder.close()
        try expect(0, ["add", path])
        XCTAssertEqual(try documentCount(), 3)
    }
}

/// Issue 19: input the JSON reader used to accept, misleading messages and exit statuses,
/// and the query length limit of `--batch`.
final class StrictInputCLITests: CLITestCase {
    func makeIndex() throws {
        try expect(0, ["init"])
        let f = try write("base.jsonl", Self.line("base-1") + "\n")
        try expect(0, ["add", f])
    }

    func assertBadInput(_ name: String, _ content: Data, mentions: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try write(name, content)
        let r = try loupe(["add", path])
        XCTAssertEqual(r.status, 2, "\(name): \(r.stderr)", file: file, line: line)
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "\(name): expected '\(m)' in \(r.stderr)", file: file, line: line) }
        XCTAssertEqual(try documentCount(), 1, file: file, line: line)
    }

    func testStrictJSONNamesFileLineAndKey() throws {
        try makeIndex()
        try assertBadInput("comma.jsonl", Data((Self.line("a") + "\n" + #"{"id":"b","title":"t",}"# + "\n").utf8),
                           mentions: ["comma.jsonl:2", "trailing comma"])
        try assertBadInput("dup.jsonl", Data(#"{"id":"b","title":"t","title":"u"}"#.utf8), mentions: ["dup.jsonl:1", #"duplicate key "title""#])
        try assertBadInput("tab.jsonl", Data("{\"id\":\"b\",\"title\":\"a\tb\"}".utf8), mentions: ["tab.jsonl:1", "raw tab"])
        try assertBadInput("escape.jsonl", Data(#"{"id":"b","title":"a\qb"}"#.utf8), mentions: ["invalid escape"])
        try assertBadInput("numid.jsonl", Data(#"{"id":1E2,"title":"t"}"#.utf8), mentions: [#""id" must be a string or an integer"#])
        try assertBadInput("array.json", Data("[\n{\"id\":\"b\",\n\"title\":\"t\",\n}\n]".utf8), mentions: ["array.json:4", "trailing comma"])
        try assertBadInput("array2.json", Data("[{\"id\":\"b\"},\n]".utf8), mentions: ["array2.json:2", "trailing comma before ']'"])
    }

    func testTruncatedAndCorruptGzipAreBadInput() throws {
        try makeIndex()
        let lines = (0..<2000).map { Self.line("g\($0)", body: "gzip body \($0) with some words to compress") }.joined(separator: "\n") + "\n"
        let path = try write("docs.jsonl", lines)
        try gzip(path)
        let gz = try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
        let truncated = try write("cut.jsonl.gz", gz.prefix(gz.count / 2))
        var r = try loupe(["add", truncated])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("truncated"), r.stderr)
        var corrupt = gz
        for i in stride(from: 40, to: min(corrupt.count - 20, 400), by: 7) { corrupt[i] ^= 0x5A }
        let bad = try write("bad.jsonl.gz", corrupt)
        r = try loupe(["add", bad])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("gzip"), r.stderr)
        XCTAssertEqual(try documentCount(), 1)
    }

    func testDeletedSegmentFileExitsDamaged() throws {
        try makeIndex()
        let post = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: indexPath).first { $0.hasSuffix(".post") })
        try FileManager.default.removeItem(atPath: indexPath + "/" + post)
        let r = try loupe(["search", "body"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains(post) && r.stderr.contains("damaged"), r.stderr)
    }

    func testBatchLinesHaveTheQueryLengthLimit() throws {
        try makeIndex()
        let limit = QueryParser.maxQueryBytes
        // One byte over the limit, alone on its line, must not slip through (it used to at 1 MB + 1).
        let input = String(repeating: "a", count: limit + 1) + "\n" + String(repeating: "b", count: limit) + "\nbody\n"
        let r = try expect(0, ["search", "--batch", "--limit", "1"], stdin: input)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[0].contains("\(limit + 1) bytes long, over the limit of \(limit)"), lines[0])
        XCTAssertFalse(lines[1].contains("error"), String(lines[1].prefix(200)))
        XCTAssertFalse(lines[2].contains("error"), lines[2])
        // The same limit on the command line.
        let long = try loupe(["search", String(repeating: "w ", count: limit / 2 + 1)])
        XCTAssertEqual(long.status, 2)
        XCTAssertTrue(long.stderr.contains("over the limit of \(limit) bytes"), long.stderr)
    }
}
