import Foundation
import XCTest
@testable import Loupe
import LoupeTestSupport

/// Indexes written by earlier format versions keep opening. `Fixtures/index-v3` was written
/// by the version-3 code (24 Reuters samples in 4 segments, `reuters-10` deleted) before the
/// format moved on; a build that reads it can search it, read its documents, check it and
/// add to it (new segments are written in the current format).
final class FormatCompatibilityTests: XCTestCase {
    var tmp: TempDir!
    override func setUp() { tmp = TempDir("loupe-compat") }
    override func tearDown() { tmp = nil }

    /// A writable copy of a fixture (the bundle's copy may be read-only).
    func fixtureCopy(_ name: String = "index-v3") throws -> String {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
        let dir = tmp.sub(name)
        try DirTools.copy(url.path, to: dir)
        return dir
    }

    /// What both fixtures hold (the same 24 Reuters samples in 4 segments, `reuters-10`
    /// deleted): searches, a stored document and a check give the same answers in every version.
    private func assertOpensSearchesGetsAndChecks(_ dir: String) throws {
        let index = try Index.open(at: dir)
        XCTAssertEqual(index.reader.liveDocCount, 23)
        XCTAssertEqual(index.reader.segments.count, 4)
        XCTAssertEqual(try index.search("oil", limit: 100).hits.map(\.id).sorted(), ["reuters-157", "reuters-68"])
        XCTAssertEqual(try index.search("shares", limit: 100).total, 13)
        XCTAssertEqual(try index.search("date:[1987-02-26 TO 1987-02-26]", limit: 100).total, 16)
        XCTAssertEqual(try index.search("\"common stock\"", limit: 100).total, 3)
        XCTAssertNil(try index.document(id: "reuters-10"), "deleted in the fixture")
        let doc = try XCTUnwrap(index.document(id: "reuters-12"))
        XCTAssertEqual(doc.date, ISODate.parse("1987-02-26T15:19:15Z"))
        XCTAssertEqual(try IndexChecker.check(directory: dir).documents, 23)
    }

    /// Adds a document and deletes one (new segments in the current format beside the old
    /// ones), then merges everything into one segment; `afterMerge` checks more of the result.
    private func assertTakesNewDocumentsAndMerges(_ dir: String, afterMerge: (Index) throws -> Void = { _ in }) throws {
        try Index.open(at: dir).write { w in
            try w.add(Document(id: "new-1", fields: ["title": "Tanker crude oil report", "body": "crude oil tanker rates rose"],
                               date: ISODate.parse("2025-06-01")))
            try w.delete(id: "reuters-12")
        }
        var index = try Index.open(at: dir)
        XCTAssertEqual(index.reader.liveDocCount, 23)
        XCTAssertEqual(try index.search("tanker", limit: 100).hits.map(\.id).contains("new-1"), true)
        XCTAssertNil(try index.document(id: "reuters-12"))
        XCTAssertEqual(try IndexChecker.check(directory: dir).documents, 23)

        let writer = try IndexWriter.open(directory: dir)
        try writer.forceMerge(maxSegments: 1)
        writer.close()
        index = try Index.open(at: dir)
        XCTAssertEqual(index.reader.segments.count, 1)
        XCTAssertEqual(try index.search("oil", limit: 100).total, 3)
        XCTAssertEqual(try index.document(id: "new-1")?.date, ISODate.parse("2025-06-01"))
        XCTAssertEqual(try IndexChecker.check(directory: dir).documents, 23)
        try afterMerge(index)
    }

    func testVersion3IndexOpensSearchesGetsAndChecks() throws {
        try assertOpensSearchesGetsAndChecks(try fixtureCopy())
    }

    func testVersion3IndexTakesNewDocumentsAndMerges() throws {
        try assertTakesNewDocumentsAndMerges(try fixtureCopy())
    }

    // `Fixtures/index-v4` was written by the version-4 code (the release `loupe` before the
    // word files of version 5): the demo schema (`samples/schema.json`: keyword columns and
    // near-duplicate signatures), the first 24 Reuters samples added 6 at a time (4 segments),
    // then `loupe delete reuters-10`.

    func testVersion4IndexOpensSearchesGetsAndChecks() throws {
        let dir = try fixtureCopy("index-v4")
        try assertOpensSearchesGetsAndChecks(dir)
        let index = try Index.open(at: dir)
        XCTAssertEqual(try index.search("topic:acq", limit: 100).total, try index.search("topic:acq", limit: 100).hits.count)
    }

    func testVersion4IndexTakesNewDocumentsAndMerges() throws {
        let dir = try fixtureCopy("index-v4")
        let original = try Index.open(at: dir)
        let before = try original.search("topic:acq", limit: 100).total
        let removedAcq = try XCTUnwrap(original.document(id: "reuters-12")).values["topic"]?.contains(.keyword("acq")) == true ? 1 : 0
        try assertTakesNewDocumentsAndMerges(dir) { index in
            XCTAssertEqual(try index.search("topic:acq", limit: 100).total, before - removedAcq)
        }
    }
}
