import Foundation
import XCTest

/// `loupe snapshot DEST`: a searchable copy, updated in place when run again.
final class SnapshotCLITests: CLITestCase {
    func testSnapshotMakesASearchableCopyAndUpdatesIt() throws {
        try expect(0, ["init"])
        let a = try write("a.jsonl", Self.line("a1", title: "zeppelin over the harbour") + "\n" + Self.line("a2", title: "walrus on the beach") + "\n")
        try expect(0, ["add", a])
        let dest = tmp.appendingPathComponent("snap").path
        let first = try expect(0, ["snapshot", dest])
        XCTAssertTrue(first.stdout.contains("2 documents"), first.stdout)
        XCTAssertTrue(first.stdout.contains("linked"), first.stdout)
        let copy = ["--index", dest]
        XCTAssertEqual(try json(loupe(["search", "--json"] + copy + ["zeppelin"], index: false).stdout)["total"] as? Int, 1)

        let b = try write("b.jsonl", Self.line("b1", title: "zeppelin at dawn") + "\n")
        try expect(0, ["add", b])
        try expect(0, ["merge"])
        let second = try expect(0, ["snapshot", dest])
        XCTAssertTrue(second.stdout.contains("3 documents"), second.stdout)
        XCTAssertTrue(second.stdout.contains("obsolete removed"), second.stdout)
        XCTAssertEqual(try json(loupe(["search", "--json"] + copy + ["zeppelin"], index: false).stdout)["total"] as? Int, 2)
        XCTAssertEqual(try loupe(["check"] + copy, index: false).status, 0)

        let third = try expect(0, ["snapshot", "--copy", tmp.appendingPathComponent("copied").path])
        XCTAssertTrue(third.stdout.contains("copied ("), third.stdout)

        // A directory holding something else is refused, and left alone.
        let other = try write("other/notes.txt", "mine")
        let refused = try loupe(["snapshot", (other as NSString).deletingLastPathComponent])
        XCTAssertEqual(refused.status, 4, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("not empty"), refused.stderr)
        XCTAssertEqual(try String(contentsOfFile: other), "mine")
        XCTAssertTrue(try expect(0, ["snapshot", "--help"]).stdout.contains("DEST"))
    }
}

/// `loupe search --index a --index b`: shards searched as one.
final class ShardedSearchCLITests: CLITestCase {
    func testSearchingSeveralIndexesAsOne() throws {
        let a = tmp.appendingPathComponent("a").path, b = tmp.appendingPathComponent("b").path
        let all = tmp.appendingPathComponent("all").path
        for dir in [a, b, all] { XCTAssertEqual(try loupe(["init", "--index", dir], index: false).status, 0) }
        let first = try write("1.jsonl", Self.line("x1", title: "zeppelin harbour", body: "a zeppelin over the harbour") + "\n"
                                + Self.line("x2", title: "walrus", body: "a walrus on the beach") + "\n")
        let second = try write("2.jsonl", Self.line("y1", title: "zeppelin dawn", body: "zeppelin zeppelin at dawn") + "\n")
        XCTAssertEqual(try loupe(["add", "--index", a, first], index: false).status, 0)
        XCTAssertEqual(try loupe(["add", "--index", b, second], index: false).status, 0)
        XCTAssertEqual(try loupe(["add", "--index", all, first, second], index: false).status, 0)

        let sharded = try json(loupe(["search", "--json", "--index", a, "--index", b, "zeppelin"], index: false).stdout)
        let single = try json(loupe(["search", "--json", "--index", all, "zeppelin"], index: false).stdout)
        XCTAssertEqual(sharded["total"] as? Int, 2)
        let hits = try XCTUnwrap(sharded["hits"] as? [[String: Any]]), wholeHits = try XCTUnwrap(single["hits"] as? [[String: Any]])
        XCTAssertEqual(hits.map { $0["id"] as? String }, wholeHits.map { $0["id"] as? String })
        XCTAssertEqual(hits.map { $0["score"] as? Double }, wholeHits.map { $0["score"] as? Double })
        XCTAssertEqual(hits.map { $0["shard"] as? Int }, [1, 0])

        let batch = try loupe(["search", "--batch", "--index", a, "--index", b], stdin: "zeppelin\nwalrus\n", index: false)
        XCTAssertEqual(batch.status, 0, batch.stderr)
        XCTAssertEqual(batch.stdout.split(separator: "\n").count, 2)
        let text = try loupe(["search", "--index", a, "--index", b, "walrus"], index: false)
        XCTAssertTrue(text.stdout.contains("walrus"), text.stdout)
        XCTAssertTrue(text.stdout.contains("shard 0"), text.stdout)

        let newest = try loupe(["search", "--json", "--index", a, "--index", b, "--sort", "newest", "zeppelin"], index: false)
        XCTAssertEqual(newest.status, 0, newest.stderr)
        let months = try json(loupe(["search", "--json", "--index", a, "--index", b, "--facet", "date:month", "zeppelin"], index: false).stdout)
        let buckets = (months["facets"] as? [String: Any])?["date:month"] as? [[String: Any]]
        XCTAssertEqual(buckets?.map { $0["count"] as? Int }, [2], "\(months)")
        let sorted = try loupe(["search", "--index", a, "--index", b, "--collapse", "near-duplicates", "zeppelin"], index: false)
        XCTAssertEqual(sorted.status, 2)
        XCTAssertTrue(sorted.stderr.contains("several indexes"), sorted.stderr)
        let french = tmp.appendingPathComponent("fr").path
        XCTAssertEqual(try loupe(["init", "--index", french, "--language", "french"], index: false).status, 0)
        let mixed = try loupe(["search", "--index", a, "--index", french, "x"], index: false)
        XCTAssertEqual(mixed.status, 2)
        XCTAssertTrue(mixed.stderr.contains("schema"), mixed.stderr)
    }
}
