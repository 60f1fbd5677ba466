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
