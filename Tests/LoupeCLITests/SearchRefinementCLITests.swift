import Foundation
import XCTest
import LoupeTestSupport

/// `loupe search --filter --facet --sort FIELD --collapse --cursor` on the demo index (the
/// samples under samples/schema.json), and a small index with a number field for stats and
/// ranges: the terminal tables, the JSON shapes, paging, and the errors (exit 2, one line).
final class SearchRefinementCLITests: CLITestCase {
    func search(_ args: [String], status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try json(expect(status, ["search", "--json"] + args, file: file, line: line).stdout, file: file, line: line)
    }

    func hits(_ j: [String: Any]) -> [[String: Any]] { (j["hits"] as? [[String: Any]]) ?? [] }
    func ids(_ j: [String: Any]) -> [String] { hits(j).compactMap { $0["id"] as? String } }
    func buckets(_ j: [String: Any], _ name: String) -> [(String, Int)] {
        (((j["facets"] as? [String: Any])?[name] as? [[String: Any]]) ?? []).map { ($0["value"] as! String, $0["count"] as! Int) }
    }

    func assertBadRequest(_ args: [String], mentions: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try loupe(["search"] + args)
        XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("loupe: error: "), r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.contains(mentions), "\(args): expected '\(mentions)' in \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stdout, "", file: file, line: line)
    }

    /// Forgiving query text on the terminal and in JSON; `s*` ranks the same in separate
    /// processes, whose hash seeds differ (expansions are chosen in a total order).
    func testIgnoredClausesFuzzyTermsAndStablePrefixes() throws {
        try makeSampleIndex()
        let text = try expect(0, ["search", "oil & gas", "--limit", "1"]).stdout
        XCTAssertTrue(text.contains("ignored: \"&\" at position 4 (no searchable words)"), text)
        let j = try search(["oil & gas", "--limit", "3"])
        XCTAssertEqual((j["ignored"] as? [[String: Any]])?.first?["text"] as? String, "&")
        XCTAssertGreaterThan(j["total"] as? Int ?? 0, 0)
        let none = try search(["& —"])
        XCTAssertEqual(none["total"] as? Int, 0)
        XCTAssertEqual((none["ignored"] as? [[String: Any]])?.count, 2)
        XCTAssertEqual(ids(try search(["oil~1", "--limit", "5"])).isEmpty, false)
        try assertBadRequest(["oil^-1"], mentions: "position 3")
        try assertBadRequest(["oil~3"], mentions: "at most 2 edits")
        let first = ids(try search(["s*", "--limit", "20"]))
        let second = ids(try search(["s*", "--limit", "20"]))
        XCTAssertEqual(first, second)
        XCTAssertEqual(first.count, 20)
    }

    func testFiltersRestrictWithoutChangingScores() throws {
        try makeSampleIndex()
        let all = try search(["oil", "--limit", "100", "--facet", "topic"])
        let crude = try XCTUnwrap(buckets(all, "topic").first { $0.0 == "crude" }?.1)
        let filtered = try search(["oil", "--limit", "100", "--filter", "topic:crude"])
        XCTAssertEqual(filtered["total"] as? Int, crude)
        let scores = Dictionary(uniqueKeysWithValues: hits(all).map { ($0["id"] as! String, $0["score"] as! Double) })
        for h in hits(filtered) {
            XCTAssertEqual((h["fields"] as? [String: Any])?["topic"] as? String, "crude")
            XCTAssertEqual(h["score"] as? Double, scores[h["id"] as! String], "a filter changed a score")
        }
        // Repeated filters all apply; any query syntax works; '' browses every document.
        let both = try search(["", "--filter", "topic:crude", "--filter", "places:(usa OR uk)", "--limit", "100"])
        XCTAssertGreaterThan(both["total"] as! Int, 0)
        for h in hits(both) {
            let f = h["fields"] as! [String: Any]
            XCTAssertEqual(f["topic"] as? String, "crude")
            XCTAssertFalse(Set(f["places"] as? [String] ?? []).isDisjoint(with: ["usa", "uk"]))
        }
        let day = try search(["", "--filter", "date:1987-02-26", "--limit", "100"])
        XCTAssertTrue(hits(day).allSatisfy { ($0["date"] as? String)?.hasPrefix("1987-02-26") == true })
    }

    func testFacetsAsTablesAndJSON() throws {
        try makeSampleIndex()
        let text = try expect(0, ["search", "oil", "--facet", "topic", "--facet", "date:month", "--facet", "places:3", "--limit", "1"]).stdout
        XCTAssertTrue(text.contains("\ntopic\n  crude 20 ██████████████████████████████\n  acq    2 ███\n"), text)
        XCTAssertTrue(text.contains("\ndate:month\n  1987-02  7 "), text)
        XCTAssertTrue(text.contains("\nplaces\n  usa "), text)

        let j = try search(["oil", "--facet", "topic", "--facet", "date:year", "--facet", "places:3", "--limit", "0"])
        let facets = try XCTUnwrap(j["facets"] as? [String: Any])
        XCTAssertEqual(Array(facets.keys).sorted(), ["date:year", "places", "topic"])
        XCTAssertEqual(buckets(j, "topic").map(\.0), ["crude", "acq"])
        XCTAssertEqual(buckets(j, "topic").map(\.1).reduce(0, +), j["total"] as? Int)
        XCTAssertEqual(buckets(j, "date:year").map(\.0), ["1987"])
        XCTAssertEqual(buckets(j, "places").count, 3)
        // Weeks and days, and the order of "facets" is the order asked.
        let w = try expect(0, ["search", "--json", "", "--facet", "date:week", "--facet", "date:day", "--limit", "0"]).stdout
        XCTAssertLessThan(try XCTUnwrap(w.range(of: "\"date:week\"")).lowerBound, try XCTUnwrap(w.range(of: "\"date:day\"")).lowerBound)

        // Multi-select: the facet ignores the filter on its own field.
        let plain = try search(["oil", "--filter", "topic:crude", "--facet", "topic", "--limit", "0"])
        XCTAssertEqual(buckets(plain, "topic").map(\.0), ["crude"])
        let multi = try search(["oil", "--filter", "topic:crude", "--facet", "topic:multi", "--limit", "0"])
        XCTAssertEqual(buckets(multi, "topic").map(\.0), ["crude", "acq"])
        XCTAssertEqual(multi["total"] as? Int, 20)
    }

    func testStatsAndRanges() throws {
        let schema = try write("schema.json", #"{"fields": [{"name": "title"}, {"name": "body"}, {"name": "words", "type": "number"}]}"#)
        try expect(0, ["init", "--schema", schema])
        let docs = [(1, 50), (2, 150), (3, 450), (4, 900)].map { #"{"id": "d\#($0.0)", "title": "wheat", "words": \#($0.1)}"# }
        try expect(0, ["add", try write("d.jsonl", docs.joined(separator: "\n") + "\n")])
        let j = try search(["wheat", "--facet", "words:stats", "--facet", "words:ranges:0-100,100-500,500-", "--limit", "0"])
        let stats = try XCTUnwrap((j["facets"] as? [String: Any])?["words:stats"] as? [String: Any])
        XCTAssertEqual(stats["count"] as? Int, 4)
        XCTAssertEqual(stats["min"] as? Double, 50)
        XCTAssertEqual(stats["max"] as? Double, 900)
        XCTAssertEqual(stats["sum"] as? Double, 1550)
        XCTAssertEqual(stats["mean"] as? Double, 387.5)
        let ranges = try XCTUnwrap((j["facets"] as? [String: Any])?["words:ranges"] as? [[String: Any]])
        XCTAssertEqual(ranges.map { $0["value"] as? String }, ["0-100", "100-500", "500-*"])
        XCTAssertEqual(ranges.map { $0["count"] as? Int }, [1, 2, 1])
        XCTAssertTrue(ranges[2]["to"] is NSNull)
        let text = try expect(0, ["search", "wheat", "--facet", "words:stats", "--facet", "words:ranges:*-100,100-", "--limit", "0"]).stdout
        XCTAssertTrue(text.contains("words:stats\n  count 4 · min 50 · max 900 · sum 1,550 · mean 387.5\n"), text)
        XCTAssertTrue(text.contains("words:ranges\n  *-100 1 ██████████\n  100-* 3 "), text)
        // Sort by the number field.
        XCTAssertEqual(ids(try search(["wheat", "--sort", "words:desc"])), ["d4", "d3", "d2", "d1"])
        XCTAssertEqual(ids(try search(["wheat", "--sort", "words"])), ["d1", "d2", "d3", "d4"])
        try assertBadRequest(["wheat", "--facet", "words:ranges:a-b"], mentions: "'a' is not a number")
        try assertBadRequest(["wheat", "--facet", "words:ranges:5-1"], mentions: "ends before it starts")
        try assertBadRequest(["wheat", "--facet", "title"], mentions: "'title' is a text field")
    }

    func testSortByFields() throws {
        try makeSampleIndex()
        let newest = try search(["oil", "--sort", "newest", "--limit", "30"])
        let byDate = try search(["oil", "--sort", "date:desc", "--limit", "30"])
        XCTAssertEqual(ids(newest), ids(byDate))
        XCTAssertEqual(byDate["sort"] as? String, "date:desc")
        XCTAssertEqual(newest["sort"] as? String, "newest")
        let dates = hits(try search(["oil", "--sort", "date:asc", "--limit", "30"])).map { $0["date"] as! String }
        XCTAssertEqual(dates, dates.sorted())
        let topics = hits(try search(["oil", "--sort", "topic:desc", "--limit", "30"])).map { ($0["fields"] as! [String: Any])["topic"] as! String }
        XCTAssertEqual(topics, topics.sorted(by: >))
        XCTAssertEqual(topics.first, "crude")
        try assertBadRequest(["oil", "--sort", "body"], mentions: "'body' is a text field")
        try assertBadRequest(["oil", "--sort", "nowhere:desc"], mentions: "unknown field 'nowhere'")
        try assertBadRequest(["oil", "--sort", "topic:up"], mentions: "'up' is not asc or desc")
    }

    func testCursorsPageThroughEveryHitOnce() throws {
        try makeSampleIndex()
        for order in ["relevance", "date:desc", "topic:asc"] {
            let all = ids(try search(["oil", "--sort", order, "--limit", "100"]))
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let j = try search(["oil", "--sort", order, "--limit", "6"] + (cursor.map { ["--cursor", $0] } ?? []))
                seen += ids(j)
                cursor = j["cursor"] as? String
                if cursor == nil { XCTAssertTrue(j["cursor"] is NSNull, "\"cursor\": null on the last page") }
                pages += 1
            } while cursor != nil && pages < 20
            XCTAssertEqual(seen, all, order)
        }
        let text = try expect(0, ["search", "oil", "--limit", "3"]).stdout
        let line = try XCTUnwrap(text.split(separator: "\n").last)
        XCTAssertTrue(line.hasPrefix("next page: --cursor "), text)
        let next = try expect(0, ["search", "oil", "--limit", "3", "--cursor", String(line.dropFirst("next page: --cursor ".count))]).stdout
        XCTAssertTrue(next.contains("\n1. "), "a cursor page numbers its hits from 1: \(next)")

        try assertBadRequest(["oil", "--cursor", "not-a-cursor"], mentions: "the cursor 'not-a-cursor' is malformed")
        let relevance = try XCTUnwrap(try search(["oil", "--limit", "2"])["cursor"] as? String)
        try assertBadRequest(["oil", "--limit", "2", "--sort", "date:desc", "--cursor", relevance], mentions: "cursor")
        let both = try loupe(["search", "oil", "--cursor", relevance, "--offset", "2"])
        XCTAssertEqual(both.status, 1, both.stderr)
        XCTAssertTrue(both.stderr.contains("--cursor"), both.stderr)
    }

    func testCollapse() throws {
        try makeSampleIndex()
        let j = try search(["oil", "--collapse", "topic"])
        XCTAssertEqual(j["groups"] as? Int, 2)
        XCTAssertEqual(j["total"] as? Int, 22)
        XCTAssertEqual(hits(j).map { $0["collapsed"] as? Int }, [20, 2])
        XCTAssertNil(hits(try search(["oil", "--limit", "1"])).first?["collapsed"], "no \"collapsed\" without collapsing")
        let text = try expect(0, ["search", "oil", "--collapse", "topic"]).stdout
        XCTAssertTrue(text.hasPrefix("22 results in 2 groups for oil"), text)
        XCTAssertTrue(text.contains("· +19 similar"), text)
        XCTAssertTrue(text.contains("· +1 similar"), text)
        // The demo schema keeps near-duplicate signatures; the samples hold no near copies.
        let near = try search(["oil", "--collapse", "near-duplicates"])
        XCTAssertEqual(near["groups"] as? Int, 22)
        XCTAssertEqual(Set(hits(near).map { $0["collapsed"] as? Int }), [1])
        try assertBadRequest(["oil", "--collapse", "body"], mentions: "'body' is a text field")
    }

    /// A wire copy of a sample article (a dateline added, two words changed) collapses into it.
    func testCollapseNearDuplicates() throws {
        try makeSampleIndex()
        let original = try jsonObject(Data(try expect(0, ["get", "reuters-10"]).stdout.utf8))
        var body = try XCTUnwrap(original["body"] as? String)
        body = "NEW YORK (AP) -- " + body.replacingOccurrences(of: "completed", with: "finished")
            .replacingOccurrences(of: "shares", with: "stock")
        let copy = try JSONSerialization.data(withJSONObject: ["id": "ap-copy", "title": original["title"] ?? "", "body": body])
        let file = try write("copy.jsonl", String(decoding: copy, as: UTF8.self) + "\n")
        _ = try expect(0, ["add", file])
        let query = try XCTUnwrap((original["title"] as? String)?.split(separator: " ").first.map(String.init))
        let plain = try search([query, "--limit", "50"])
        let near = try search([query, "--limit", "50", "--collapse", "near-duplicates"])
        XCTAssertEqual(near["groups"] as? Int, (plain["total"] as? Int).map { $0 - 1 })
        let grouped = hits(near).filter { ($0["collapsed"] as? Int) == 2 }
        XCTAssertEqual(grouped.count, 1)
        let kept = grouped.first?["id"] as? String
        XCTAssertTrue(kept == "reuters-10" || kept == "ap-copy", "\(String(describing: kept))")
        let text = try expect(0, ["search", query, "--collapse", "near-duplicates"]).stdout
        XCTAssertTrue(text.contains("+1 similar"), text)
    }

    func testOffsetPastTheEnd() throws {
        try makeSampleIndex()
        let r = try expect(0, ["search", "oil", "--offset", "500"])
        XCTAssertTrue(r.stdout.contains("offset 500 is past the last of 22 matches"), r.stdout)
        let grouped = try expect(0, ["search", "oil", "--offset", "5", "--collapse", "topic"])
        XCTAssertTrue(grouped.stdout.contains("offset 5 is past the last of 2 groups"), grouped.stdout)
        let j = try search(["oil", "--offset", "500"])
        XCTAssertEqual(j["total"] as? Int, 22)
        XCTAssertEqual(j["offset"] as? Int, 500)
        XCTAssertEqual(hits(j).count, 0)
        XCTAssertTrue(j["cursor"] is NSNull)
    }

    func testBadFacetsAndFilters() throws {
        try makeSampleIndex()
        try assertBadRequest(["oil", "--facet", "nowhere"], mentions: "unknown field 'nowhere'")
        try assertBadRequest(["oil", "--facet", "body"], mentions: "'body' is a text field")
        try assertBadRequest(["oil", "--facet", "topic:often"], mentions: "the facet 'topic:often' is malformed")
        try assertBadRequest(["oil", "--facet", "topic:0"], mentions: "N must be 1 to")
        try assertBadRequest(["oil", "--facet", ":5"], mentions: "names no field")
        try assertBadRequest(["oil", "--facet", "topic:stats"], mentions: "'topic' is a keyword field")
        try assertBadRequest(["oil", "--filter", "topic:(crude"], mentions: "the filter 'topic:(crude' is malformed")
        try assertBadRequest(["oil", "--filter", "nowhere:x"], mentions: "nowhere")
        try assertBadRequest(["oil", "--filter", " "], mentions: "a filter is empty")
    }

    func testBatchCarriesFacetsCursorsAndGroups() throws {
        try makeSampleIndex()
        let r = try expect(0, ["search", "--batch", "--limit", "1", "--facet", "topic", "--collapse", "topic"], stdin: "oil\nvietnam\n")
        let lines = try r.stdout.split(separator: "\n").map { try json(String($0)) }
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(buckets(lines[0], "topic").map(\.0), ["crude", "acq"])
        XCTAssertEqual(lines[0]["groups"] as? Int, 2)
        XCTAssertNotNil(lines[0]["cursor"] as? String)
        XCTAssertEqual(hits(lines[0]).first?["collapsed"] as? Int, 20)
        XCTAssertEqual(Set(hits(lines[0]).first?.keys.map { $0 } ?? []), ["id", "score", "collapsed"])
        XCTAssertNil(lines[1]["cursor"], "the batch form leaves out a null cursor")
    }

    func testHelpDocumentsTheNewOptions() throws {
        let help = try expect(0, ["search", "--help"]).stdout
        for text in ["--filter", "--facet", "--sort", "--collapse", "--cursor", "topic:10:multi", "date:month", "words:stats",
                     "words:ranges:0-100,100-500,500-", "near-duplicates", "is past the last of", "\"facets\""] {
            XCTAssertTrue(help.contains(text), "loupe search --help lacks \(text)")
        }
    }
}
