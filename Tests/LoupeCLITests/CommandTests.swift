import Foundation
import XCTest
import Loupe

final class CommandTests: CLITestCase {
    func testVersionAndHelp() throws {
        let v = try loupe(["--version"], index: false)
        XCTAssertEqual(v.status, 0)
        XCTAssertFalse(v.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        for cmd in ["init", "add", "search", "get", "delete", "stats", "merge", "check", "analyze"] {
            let h = try loupe([cmd, "--help"], index: false)
            XCTAssertEqual(h.status, 0, cmd)
            XCTAssertTrue(h.stdout.contains("Examples:"), "\(cmd) --help has no examples")
            XCTAssertTrue(h.stdout.contains("--index"), cmd)
        }
        XCTAssertTrue(try loupe(["--help"], index: false).stdout.contains("Exit status"))
    }

    func testUsageErrorsExitOne() throws {
        let r = try loupe(["frobnicate"], index: false)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("loupe: error: "), r.stderr)
        XCTAssertEqual(try loupe(["search", "--limit", "many", "x"]).status, 1)
        XCTAssertEqual(try loupe(["search"]).status, 1)
        XCTAssertEqual(try loupe(["add"]).status, 1)
    }

    func testMissingIndexExitsThree() throws {
        let r = try expect(3, ["search", "oil"])
        XCTAssertTrue(r.stderr.contains("loupe init"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Fatal"), r.stderr)
    }

    func testIndexFromEnvironment() throws {
        let env = ["LOUPE_INDEX": indexPath]
        XCTAssertEqual(try loupe(["init"], index: false, env: env).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: indexPath + "/manifest"))
        XCTAssertEqual(try loupe(["stats"], index: false, env: env).status, 0)
    }

    func testInit() throws {
        try expect(0, ["init"])
        let again = try expect(3, ["init"])
        XCTAssertTrue(again.stderr.contains("--force"), again.stderr)
        try expect(0, ["init", "--force", "--language", "french"])
        XCTAssertEqual(try json(expect(0, ["stats", "--json"]).stdout)["language"] as? String, "french")
        let bad = try expect(2, ["init", "--force", "--language", "klingon"])
        XCTAssertTrue(bad.stderr.contains("klingon"), bad.stderr)

        let schema = try write("schema.json", #"{"fields": [{"name": "headline", "boost": 3}, {"name": "text"}, {"name": "source", "indexed": false}], "language": "none"}"#)
        try expect(0, ["init", "--force", "--schema", schema])
        let doc = try write("d.jsonl", #"{"id": "a", "headline": "Running cats", "text": "dogs", "source": "x"}"# + "\n")
        try expect(0, ["add", doc])
        XCTAssertEqual(try json(expect(0, ["search", "--json", "headline:running"]).stdout)["total"] as? Int, 1)
        // language none: no stemming, so "run" does not match "Running".
        XCTAssertEqual(try json(expect(0, ["search", "--json", "run"]).stdout)["total"] as? Int, 0)

        let broken = try write("broken.json", #"{"fields": [{"name": "id"}]}"#)
        XCTAssertEqual(try loupe(["init", "--force", "--schema", broken]).status, 2)
    }

    func testAddEveryInputKind() throws {
        try expect(0, ["init"])
        let jsonl = try write("a.jsonl", Self.line("j1", title: "jsonl one") + "\n" + Self.line("j2", title: "jsonl two") + "\n\n")
        let ndjson = try write("b.ndjson", Self.line("n1", title: "ndjson one") + "\r\n")
        let array = try write("c.json", "[\n  " + Self.line("a1", title: "array one") + ",\n  " + Self.line("a2", title: "array [two], {braces}") + "\n]\n")
        let txt = try write("notes/d.txt", "\n\nText title line\nThe text body mentions zeppelins.\n")
        let md = try write("notes/e.md", "# Markdown heading\n\nA body about *quasars*.\n")
        try write("dir/sub/f.txt", "Directory text\nbody with walruses\n")
        try write("dir/g.jsonl", Self.line("g1", title: "in a directory") + "\n")
        try write("dir/.hidden.txt", "Hidden\nnot indexed\n")
        try write("dir/ignored.csv", "a,b\n")
        let gzPath = try write("h.jsonl", Self.line("gz1", title: "gzipped line", body: "compressed platypus") + "\n")
        try gzip(gzPath)
        let gzText = try write("i.txt", "Gzipped text\nabout narwhals\n")
        try gzip(gzText)

        for path in [jsonl, ndjson, array, txt, md, tmp.appendingPathComponent("dir").path, gzPath + ".gz", gzText + ".gz"] {
            try expect(0, ["add", path])
        }
        try expect(0, ["add", "-"], stdin: Self.line("s1", title: "from stdin") + "\n")
        try expect(0, ["add", "--format", "text", "-"], stdin: "Stdin text\nabout axolotls\n")

        XCTAssertEqual(try documentCount(), 13)
        for id in ["j1", "j2", "n1", "a1", "a2", "g1", "gz1", "s1"] { try expect(0, ["get", id]) }
        let text = try json(expect(0, ["get", txt]).stdout)
        XCTAssertEqual(text["title"] as? String, "Text title line")
        XCTAssertEqual(text["body"] as? String, "The text body mentions zeppelins.")
        XCTAssertEqual(try json(expect(0, ["get", md]).stdout)["title"] as? String, "Markdown heading")
        XCTAssertEqual(try json(expect(0, ["get", "a2"]).stdout)["title"] as? String, "array [two], {braces}")
        XCTAssertEqual(try json(expect(0, ["get", "j1"]).stdout)["date"] as? String, "2025-06-01")
        for (query, count) in [("walruses", 1), ("platypus", 1), ("narwhals", 1), ("axolotls", 1), ("quasars", 1), ("hidden", 0)] {
            XCTAssertEqual(try json(expect(0, ["search", "--json", query]).stdout)["total"] as? Int, count, query)
        }
        // Re-adding an id replaces the document.
        try expect(0, ["add", "-"], stdin: Self.line("j1", title: "replaced title") + "\n")
        XCTAssertEqual(try documentCount(), 13)
        XCTAssertEqual(try json(expect(0, ["get", "j1"]).stdout)["title"] as? String, "replaced title")
    }

    func testSearchTextAndJSON() throws {
        try makeSampleIndex()
        let text = try expect(0, ["search", "\"war legacy\""])
        XCTAssertTrue(text.stdout.contains("**war legacy**"), text.stdout)
        XCTAssertTrue(text.stdout.contains("Phan Van Giang"), text.stdout)
        XCTAssertTrue(text.stdout.contains("score"), text.stdout)
        XCTAssertFalse(text.stdout.contains("\u{1B}["), "no colour when piped")
        let coloured = try expect(0, ["search", "--color", "always", "\"war legacy\""])
        XCTAssertTrue(coloured.stdout.contains("\u{1B}[1;33m"), coloured.stdout)

        let j = try json(expect(0, ["search", "--json", "--limit", "3", "oil prices"]).stdout)
        let hits = try XCTUnwrap(j["hits"] as? [[String: Any]])
        XCTAssertEqual(hits.count, 3)
        let scores = hits.compactMap { $0["score"] as? Double }
        XCTAssertEqual(scores, scores.sorted(by: >))
        XCTAssertNotNil((hits[0]["fields"] as? [String: Any])?["title"])
        XCTAssertNotNil(hits[0]["highlights"] as? [[Int]])

        let newest = try json(expect(0, ["search", "--json", "--sort", "newest", "--limit", "20", "oil"]).stdout)
        let dates = (newest["hits"] as? [[String: Any]] ?? []).compactMap { $0["date"] as? String }
        XCTAssertEqual(dates, dates.sorted(by: >))
        let after = try json(expect(0, ["search", "--json", "--limit", "100", "--after", "1987-03-01", "oil"]).stdout)
        for h in after["hits"] as? [[String: Any]] ?? [] { XCTAssertGreaterThanOrEqual(h["date"] as? String ?? "", "1987-03-01") }
        try expect(2, ["search", "--after", "yesterday", "oil"])

        let all = try json(expect(0, ["search", "--json", "--count", "oil"]).stdout)
        XCTAssertEqual(all["total_is_lower_bound"] as? Bool, false)
        let any = try json(expect(0, ["search", "--json", "--count", "--any", "vietnam opec"]).stdout)
        let both = try json(expect(0, ["search", "--json", "--count", "vietnam opec"]).stdout)
        XCTAssertGreaterThan(any["total"] as? Int ?? 0, both["total"] as? Int ?? 0)

        let explained = try expect(0, ["search", "--explain", "--limit", "1", "crude oil"])
        XCTAssertTrue(explained.stdout.contains("k1=1.2"), explained.stdout)
        XCTAssertTrue(explained.stdout.contains("title:crude") || explained.stdout.contains("body:crude"), explained.stdout)
        let ej = try json(expect(0, ["search", "--json", "--explain", "--limit", "1", "crude oil"]).stdout)
        let e = try XCTUnwrap(((ej["hits"] as? [[String: Any]])?.first)?["explanation"] as? [String: Any])
        XCTAssertFalse((e["entries"] as? [Any] ?? []).isEmpty)

        let bad = try expect(2, ["search", "\"unclosed"])
        XCTAssertTrue(bad.stderr.hasPrefix("loupe: error: invalid query"), bad.stderr)
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1)
    }

    func testBatch() throws {
        try makeSampleIndex()
        let input = "oil\n\"unclosed\ncrude AND price\nvietnam\n"
        let r = try expect(0, ["search", "--batch", "--count", "--limit", "2"], stdin: input)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4)
        let objs = try lines.map { try json($0) }
        XCTAssertEqual(objs.map { $0["query"] as? String }, ["oil", "\"unclosed", "crude AND price", "vietnam"])
        XCTAssertNotNil(objs[1]["error"] as? String)
        XCTAssertNil(objs[1]["hits"])
        for i in [0, 2, 3] {
            XCTAssertNotNil(objs[i]["took_us"] as? Int)
            let hits = try XCTUnwrap(objs[i]["hits"] as? [[String: Any]])
            XCTAssertLessThanOrEqual(hits.count, 2)
            XCTAssertTrue(hits.allSatisfy { ($0["id"] as? String).map { !$0.isEmpty } ?? false && $0["score"] is Double })
        }
        let exact = try json(expect(0, ["search", "--json", "--count", "oil"]).stdout)["total"] as? Int
        XCTAssertEqual(objs[0]["total"] as? Int, exact)
    }

    /// Programs drive `--batch` as a line protocol: each answer must arrive before the next
    /// query is sent (standard input stays open), not at end of input.
    func testBatchAnswersEachLineBeforeTheNextArrives() throws {
        try makeSampleIndex()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: LoupeBinary.path!)
        p.arguments = ["search", "--index", indexPath, "--batch", "--limit", "1"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        var received = Data()
        for (n, query) in ["oil", "crude AND price", "\"war legacy\""].enumerated() {
            input.fileHandleForWriting.write((query + "\n").data(using: .utf8)!)
            let deadline = Date().addingTimeInterval(20)
            while received.filter({ $0 == 0x0A }).count <= n {
                guard Date() < deadline else { return XCTFail("no answer to '\(query)' while standard input stays open") }
                received.append(output.fileHandleForReading.availableData)
            }
        }
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let lines = String(decoding: received, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(try lines.map { try json(String($0))["query"] as? String }, ["oil", "crude AND price", "\"war legacy\""])
    }

    func testGetAndDelete() throws {
        try makeSampleIndex()
        let doc = try json(expect(0, ["get", "reuters-10"]).stdout)
        XCTAssertEqual(doc["id"] as? String, "reuters-10")
        XCTAssertEqual(doc["date"] as? String, "1987-02-26T15:18:06Z")
        XCTAssertTrue((doc["title"] as? String ?? "").contains("Computer Terminal"))
        let missing = try expect(2, ["get", "nope"])
        XCTAssertTrue(missing.stderr.contains("nope"))

        let before = try documentCount()
        try expect(0, ["delete", "reuters-10", "reuters-12"])
        XCTAssertEqual(try documentCount(), before - 2)
        try expect(2, ["get", "reuters-10"])

        let matches = try json(expect(0, ["search", "--json", "--count", "opec"]).stdout)["total"] as? Int ?? 0
        XCTAssertGreaterThan(matches, 0)
        let dry = try expect(0, ["delete", "--query", "opec", "--dry-run"])
        XCTAssertEqual(dry.stdout.split(separator: "\n").count, matches)
        XCTAssertEqual(try documentCount(), before - 2)
        try expect(0, ["delete", "--query", "opec"])
        XCTAssertEqual(try documentCount(), before - 2 - matches)
        XCTAssertEqual(try json(expect(0, ["search", "--json", "--count", "opec"]).stdout)["total"] as? Int, 0)
    }

    func testStatsMergeCheck() throws {
        try expect(0, ["init"])
        for i in 0..<3 {
            let f = try write("part\(i).jsonl", (0..<5).map { Self.line("p\(i)-\($0)", body: "segment \(i) doc \($0)") }.joined(separator: "\n"))
            try expect(0, ["add", "--threads", "1", f])
        }
        try expect(0, ["delete", "p0-0"])
        let s = try json(expect(0, ["stats", "--json"]).stdout)
        XCTAssertEqual(s["documents"] as? Int, 14)
        XCTAssertEqual(s["deleted_documents"] as? Int, 1)
        XCTAssertEqual(s["segments"] as? Int, 3)
        XCTAssertNotNil(s["bytes_by_kind"] as? [String: Int])
        XCTAssertGreaterThan(s["size_ratio"] as? Double ?? 0, 0)
        XCTAssertEqual((s["fields"] as? [[String: Any]])?.map { $0["name"] as? String }, ["title", "body"])
        let text = try expect(0, ["stats"]).stdout
        XCTAssertTrue(text.contains("14 live, 1 deleted"), text)

        try expect(0, ["merge"])
        let m = try json(expect(0, ["stats", "--json"]).stdout)
        XCTAssertEqual(m["segments"] as? Int, 1)
        XCTAssertEqual(m["documents"] as? Int, 14)
        XCTAssertEqual(m["deleted_documents"] as? Int, 0)
        let check = try expect(0, ["check"])
        XCTAssertTrue(check.stdout.contains("14 documents"), check.stdout)
    }

    func testAnalyze() throws {
        let r = try expect(0, ["analyze", "--json", "The war legacies of Việt Nam"])
        let tokens = try XCTUnwrap(json(r.stdout)["tokens"] as? [[String: Any]])
        XCTAssertEqual(tokens.map { $0["term"] as? String }, ["the", "war", "legaci", "of", "viet", "nam"])
        XCTAssertEqual(tokens.map { $0["position"] as? Int }, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(tokens[4]["start"] as? Int, 20)
        XCTAssertEqual(tokens[4]["end"] as? Int, 26)
        XCTAssertEqual(tokens[4]["text"] as? String, "Việt")
        let none = try json(expect(0, ["analyze", "--json", "--language", "none", "legacies"]).stdout)
        XCTAssertEqual((none["tokens"] as? [[String: Any]])?.first?["term"] as? String, "legacies")
        let plain = try expect(0, ["analyze", "running", "dogs"])
        XCTAssertTrue(plain.stdout.contains("run"), plain.stdout)
        try expect(2, ["analyze", "--language", "klingon", "x"])
    }
}
