import Foundation
import XCTest
import LoupeTestSupport

/// `loupe init --synonyms`, `loupe synonyms` and `loupe similar`.
final class SynonymsCLITests: CLITestCase {
    var sampleSynonyms: String { LoupeBinary.packageRoot.appendingPathComponent("samples/synonyms.txt").path }

    func testSampleSynonymsFindVietNamAndHanoi() throws {
        try expect(0, ["init", "--schema", sampleSchema, "--synonyms", sampleSynonyms])
        try expect(0, ["add", sampleJSONL, seedsDir])
        let r = try expect(0, ["search", "vietnam", "--json"])
        let j = try json(r.stdout)
        let ids = (j["hits"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        XCTAssertTrue(ids.contains { $0.hasSuffix("samples/seeds/004_00cd80e0cdd47e2b.txt") }, "\(ids)")
        XCTAssertEqual(j["expanded_query"] as? String, "vietnam \"viet nam\"")
        let text = try expect(0, ["search", "hanoi", "--color", "never"]).stdout
        XCTAssertTrue(text.contains("with synonyms: hanoi \"ha noi\""), text)
        XCTAssertTrue(text.contains("**HÀ NỘI**"), text)
    }

    func testReplaceShowAndClearWithoutReindexing() throws {
        try expect(0, ["init"])
        let docs = try write("docs.jsonl", Self.line("a", title: "Việt Nam", body: "talks") + "\n" + Self.line("b", title: "gas", body: "petrol") + "\n")
        try expect(0, ["add", docs])
        XCTAssertEqual(try expect(0, ["synonyms"]).stdout, "# no synonyms\n")
        XCTAssertEqual(try json(try expect(0, ["search", "vietnam", "--json"]).stdout)["total"] as? Int, 0)
        let before = try snapshot().filter { $0.key != "manifest" }

        let file = try write("syn.txt", "# mine\nvietnam, viet nam\npetrol => gas\n")
        let set = try expect(0, ["synonyms", file])
        XCTAssertTrue(set.stdout.contains("2 synonym rules"), set.stdout)
        XCTAssertEqual(try expect(0, ["synonyms", "--show"]).stdout, "vietnam, viet nam\npetrol => gas\n")
        XCTAssertEqual(try json(try expect(0, ["search", "vietnam", "--json"]).stdout)["total"] as? Int, 1)
        XCTAssertEqual(try snapshot().filter { $0.key != "manifest" }, before, "no segment file was rewritten")

        try expect(0, ["synonyms", "--clear"])
        XCTAssertEqual(try expect(0, ["synonyms"]).stdout, "# no synonyms\n")
        XCTAssertEqual(try json(try expect(0, ["search", "vietnam", "--json"]).stdout)["total"] as? Int, 0)
        try expect(1, ["synonyms", file, "--clear"])
    }

    func testBadSynonymsFilesExitTwoNamingFileAndLine() throws {
        let bad = try write("bad.txt", "# ok\nvietnam, viet nam\na => b => c\n")
        let r = try expect(2, ["init", "--synonyms", bad])
        XCTAssertEqual(r.stderr, "loupe: error: \(bad):3: more than one '=>'\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: indexPath + "/manifest"), "no index is created")
        try expect(0, ["init"])
        let wordless = try write("w.txt", "oil, !!!\n")
        XCTAssertEqual(try expect(2, ["synonyms", wordless]).stderr, "loupe: error: \(wordless):1: '!!!' has no searchable word (rule 'oil, !!!')\n")
        let missing = try expect(4, ["synonyms", tmp.appendingPathComponent("none.txt").path])
        XCTAssertTrue(missing.stderr.contains("none.txt: no such file"), missing.stderr)
    }

    func testSimilarListsRelatedArticles() throws {
        try makeSampleIndex()
        let r = try expect(0, ["similar", "reuters-44", "--limit", "3", "--json"])
        let j = try json(r.stdout)
        XCTAssertEqual(j["id"] as? String, "reuters-44")
        let hits = j["hits"] as? [[String: Any]] ?? []
        XCTAssertEqual(hits.count, 3)
        XCTAssertFalse(hits.contains { $0["id"] as? String == "reuters-44" })
        let terms = j["terms"] as? [[String: Any]] ?? []
        XCTAssertFalse(terms.isEmpty)
        XCTAssertLessThanOrEqual(terms.count, 25)
        XCTAssertTrue(terms.allSatisfy { ($0["tf"] as? Int ?? 0) >= 2 && ($0["df"] as? Int ?? 0) >= 2 })
        let scores = hits.compactMap { $0["score"] as? Double }
        XCTAssertEqual(scores, scores.sorted(by: >))

        let text = try expect(0, ["similar", "reuters-44", "--limit", "2", "--terms", "--color", "never"]).stdout
        XCTAssertTrue(text.hasPrefix("terms: body:"), text)
        XCTAssertTrue(text.contains("for articles like reuters-44"), text)
        XCTAssertTrue(try expect(0, ["similar", "reuters-44", "--max-terms", "3", "--json"]).stdout.components(separatedBy: "\"term\"").count == 4)

        let missing = try expect(2, ["similar", "nope"])
        XCTAssertEqual(missing.stderr, "loupe: error: no document with id 'nope' in \(indexPath)\n")
        try expect(1, ["similar", "reuters-44", "--limit", "-1"])
    }
}
