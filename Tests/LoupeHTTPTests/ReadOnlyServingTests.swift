import Foundation
import Hummingbird
import HummingbirdTesting
import Loupe
import LoupeHTTP
import LoupeTestSupport
import XCTest

/// `loupe serve --read-only` (`LoupeServiceConfiguration.readOnly`): two read-only services on
/// one index directory while a writer holds its lock and commits; writes answer 405; each
/// service picks up a commit after its manifest poll; files a merge deletes while a service
/// still maps them keep serving the old snapshot.
final class ReadOnlyServingTests: XCTestCase {
    var tmp: TempDir!
    var dir: String { tmp.sub("index") }

    override func setUpWithError() throws {
        tmp = TempDir("loupe-readonly")
        try TestIndex.build(at: dir, documents: [
            Document(id: "a1", fields: ["title": "Harbour opens", "body": "The new harbour opened on Monday."]),
            Document(id: "a2", fields: ["title": "Storm", "body": "A storm closed the harbour for a day."]),
        ])
    }

    override func tearDown() { tmp = nil }

    static func total(_ client: any TestClientProtocol, _ query: String) async throws -> Int {
        let r = try await client.execute(uri: "/search?q=\(query)&limit=0", method: .get)
        XCTAssertEqual(r.status, .ok, String(buffer: r.body))
        return try LoupeHTTPTests.json(r)["total"] as? Int ?? -1
    }

    /// Waits (up to 10 s) until `query` has `expected` hits on `client`; returns how long it took.
    @discardableResult
    static func waitForTotal(_ client: any TestClientProtocol, _ query: String, _ expected: Int,
                             file: StaticString = #filePath, line: UInt = #line) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        var last = -1
        while clock.now - start < .seconds(10) {
            last = try await total(client, query)
            if last == expected { return clock.now - start }
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTFail("'\(query)' still has \(last) hits, not \(expected), after 10 s", file: file, line: line)
        return clock.now - start
    }

    func testTwoReadOnlyServersFollowAWriterInAnotherProcessRole() async throws {
        // The writer holds the lock first: read-only services take none, so they still start.
        let box = WriterBox(try IndexWriter.open(directory: dir))
        let configuration = LoupeServiceConfiguration(readOnly: true, pollInterval: .milliseconds(50))
        let first = try LoupeService(indexDirectory: dir, configuration: configuration)
        let second = try LoupeService(indexDirectory: dir, configuration: configuration)
        let dir = self.dir
        try await makeLoupeApplication(service: first, port: 0).test(.live) { c1 in
            try await makeLoupeApplication(service: second, port: 0).test(.live) { c2 in
                for c in [c1, c2] {
                    let total = try await Self.total(c, "harbour")
                    XCTAssertEqual(total, 2)
                    let put = try await c.execute(uri: "/documents/x", method: .put, headers: LoupeHTTPTests.jsonHeaders,
                                                  body: ByteBuffer(string: #"{"title": "t"}"#))
                    try LoupeHTTPTests.assertError(put, .methodNotAllowed, contains: "read-only")
                    XCTAssertEqual(put.headers[.allow], "GET, HEAD")
                    let delete = try await c.execute(uri: "/documents/a1", method: .delete)
                    try LoupeHTTPTests.assertError(delete, .methodNotAllowed, contains: "read-only")
                    XCTAssertEqual(delete.headers[.allow], "GET, HEAD")
                    let post = try await c.execute(uri: "/documents", method: .post, headers: LoupeHTTPTests.jsonHeaders, body: ByteBuffer(string: "[]"))
                    try LoupeHTTPTests.assertError(post, .methodNotAllowed, contains: "read-only")
                    XCTAssertEqual(post.headers[.allow], "")
                    let health = try LoupeHTTPTests.json(try await c.execute(uri: "/health", method: .get))
                    XCTAssertEqual(health["read_only"] as? Bool, true)
                    XCTAssertEqual(health["writable"] as? Bool, false)
                    let doc = try await c.execute(uri: "/documents/a1", method: .get)
                    XCTAssertEqual(doc.status, .ok, "reads still work")
                }

                let writer = box.writer
                // A commit of the writer shows up on both after their next poll.
                try writer.add(Document(id: "a3", fields: ["title": "Harbour fees", "body": "Fees at the harbour rise."]))
                try writer.commit()
                for c in [c1, c2] {
                    try await Self.waitForTotal(c, "harbour", 3)
                    let doc = try await c.execute(uri: "/documents/a3", method: .get)
                    XCTAssertEqual(doc.status, .ok)
                }

                // A deletion and a merge down to one segment: the writer unlinks the old
                // segments' files while the services still map them in their snapshots.
                let old = first.index.reader
                let oldFiles = Set(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".store") })
                try writer.delete(id: "a1")
                try writer.commit()
                try writer.forceMerge(maxSegments: 1)
                let nowFiles = Set(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".store") })
                XCTAssertTrue(oldFiles.isDisjoint(with: nowFiles), "the merge removed the old segments' files")
                let oldHits = try Searcher(reader: old).search(SearchRequest(query: "harbour"))
                XCTAssertEqual(oldHits.total, 3, "the old snapshot still searches its unlinked files")
                XCTAssertEqual(try old.document(id: "a1")?.fields["title"], "Harbour opens", "and reads their stored documents")
                for c in [c1, c2] {
                    try await Self.waitForTotal(c, "harbour", 2)
                    let gone = try await c.execute(uri: "/documents/a1", method: .get)
                    XCTAssertEqual(gone.status, .notFound)
                    let kept = try await c.execute(uri: "/documents/a2", method: .get)
                    XCTAssertEqual(kept.status, .ok)
                }
                XCTAssertEqual(first.index.reader.segments.count, 1)
            }
        }
        box.writer.close()
    }

    /// The test's writer, used by one task at a time (the test body, in order).
    final class WriterBox: @unchecked Sendable {
        let writer: IndexWriter
        init(_ writer: IndexWriter) { self.writer = writer }
    }

    /// A writing service still refreshes after each of its own writes, and a write is
    /// searchable as soon as it is answered.
    func testAWriteIsSearchableWhenAnswered() async throws {
        let service = try LoupeService(indexDirectory: dir)
        try await makeLoupeApplication(service: service, port: 0).test(.live) { c in
            let before = service.index.reader
            let put = try await c.execute(uri: "/documents/n1", method: .put, headers: LoupeHTTPTests.jsonHeaders,
                                          body: ByteBuffer(string: #"{"title": "Lighthouse", "body": "A lighthouse by the harbour."}"#))
            XCTAssertEqual(put.status, .created, String(buffer: put.body))
            let total = try await Self.total(c, "lighthouse")
            XCTAssertEqual(total, 1)
            let after = service.index.reader
            XCTAssertTrue(after.segments.contains { s in before.segments.contains { $0 === s } },
                          "the refresh after the write kept the unchanged segment's reader")
        }
    }
}
