import Foundation
import XCTest
import Loupe

/// `loupe search` end to end on text in several scripts (analysis version 2): CJK bigrams and
/// their phrases, Thai word breaking, emoji terms, French elision; `loupe analyze` reports
/// the analysis version.
final class ScriptSearchCLITests: CLITestCase {
    private func ids(_ query: String) throws -> [String] {
        let hits = try json(expect(0, ["search", "--json", "--limit", "50", query]).stdout)["hits"] as? [[String: Any]] ?? []
        return hits.compactMap { $0["id"] as? String }.sorted()
    }

    func testSearchAcrossScripts() throws {
        try expect(0, ["init", "--language", "french"])
        let docs = [
            #"{"id": "zh-1", "title": "经济会议", "body": "北京举行经济会议，讨论明年的发展目标。"}"#,
            #"{"id": "zh-2", "title": "会议", "body": "北京的会议今天举行。"}"#,
            #"{"id": "th-1", "title": "ภาษา", "body": "ภาษาไทยเป็นภาษาที่สวยงาม"}"#,
            #"{"id": "fr-1", "title": "Économie", "body": "L'économie française a progressé 🎉 grâce au pétrole (oil)."}"#,
            #"{"id": "fr-2", "title": "Pétrole", "body": "Le prix du pétrole (oil) baisse."}"#,
        ]
        try expect(0, ["add", try write("docs.jsonl", docs.joined(separator: "\n") + "\n")])
        XCTAssertEqual(try ids("经济"), ["zh-1"])
        XCTAssertEqual(try ids("北京举行"), ["zh-1"])
        XCTAssertEqual(try ids("北京 举行"), ["zh-1", "zh-2"])
        XCTAssertEqual(try ids("ไทย"), ["th-1"])
        XCTAssertEqual(try ids("🎉 oil"), ["fr-1"])
        XCTAssertEqual(try ids("économie"), ["fr-1"])
        XCTAssertEqual(try ids("l'économie"), ["fr-1"])

        let analyzed = try json(expect(0, ["analyze", "--json", "L'économie 经济会议"]).stdout)
        XCTAssertEqual(analyzed["analysis_version"] as? Int, Analyzer.currentVersion)
        XCTAssertEqual((analyzed["tokens"] as? [[String: Any]])?.compactMap { $0["term"] as? String }, ["econom", "经济", "济会", "会议"])
        XCTAssertTrue(try expect(0, ["analyze", "北京"]).stdout.contains("analysis version 2"))
        XCTAssertEqual(try json(expect(0, ["stats", "--json"]).stdout)["analysis_version"] as? Int, 2)
        XCTAssertTrue(try expect(0, ["stats"]).stdout.contains("language french, analysis version 2"))
    }
}
