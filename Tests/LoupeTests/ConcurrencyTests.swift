import Foundation
import XCTest
@testable import Loupe
import LoupeTestSupport

/// The `@unchecked Sendable` types (`Index`, `IndexReader`, `SegmentReader`, `TermDictionary`,
/// `StoreReader`, `MappedFile`, `IdsReader`) promise that one snapshot can be searched and read
/// from many threads at once. These tests do that and require every answer to equal the one a
/// single thread gets.
final class ConcurrencyTests: XCTestCase {
    var tmp: TempDir!
    override func setUp() { tmp = TempDir("loupe-concurrency") }
    override func tearDown() { tmp = nil }

    /// Everything of a result that does not depend on timing.
    struct Answer: Equatable {
        var total: Int
        var totalIsLowerBound: Bool
        var hits: [Hit]
        struct Hit: Equatable {
            var id: String
            var score: Double
            var document: StoredDocument?
            var snippet: Snippet?
        }

        init(_ r: SearchResults) {
            total = r.total
            totalIsLowerBound = r.totalIsLowerBound
            hits = r.hits.map { Hit(id: $0.id, score: $0.score, document: $0.document, snippet: $0.snippet) }
        }
    }

    static let queries = [
        "war", "legacy", "war legacy", "\"war legacy\"", "+search -post", "run OR connect", "title:index",
        "hanoi block term", "\"connect run\"", "café", "naïve", "Đà Nẵng", "o'neil", "search*", "zz",
    ]

    /// An index of several segments with deletions; returns it and its live ids.
    func buildIndex(_ name: String, seed: UInt64) throws -> (Index, [String]) {
        let dir = tmp.sub(name)
        var corpus = TestCorpus(seed: seed)
        var options = IndexWriterOptions()
        options.memoryBudgetBytes = 1   // a segment per chunk
        options.autoMerge = false
        let writer = try IndexWriter.create(directory: dir, options: options)
        var live = Set<String>()
        for i in 0..<600 {
            let id = "d\(i)"
            try writer.add(corpus.document(id: id)); live.insert(id)
            if i % 150 == 149 { try writer.commit() }
            if i % 7 == 3 { try writer.delete(id: "d\(i / 2)"); live.remove("d\(i / 2)") }
        }
        try writer.commit()
        writer.close()
        let index = try Index.open(at: dir)
        XCTAssertGreaterThan(index.reader.segments.count, 2)
        return (index, live.sorted())
    }

    func request(_ query: String, _ variant: Int) -> SearchRequest {
        var r = SearchRequest(query: query, limit: [10, 3, 50][variant % 3])
        r.defaultOperator = variant % 2 == 0 ? .and : .or
        r.exactCount = variant % 4 == 1
        return r
    }

    /// Runs `body` on `threads` threads at once and fails with every message they report.
    func onManyThreads(_ threads: Int, _ body: @Sendable (Int) -> [String]) {
        let lock = NSLock()
        nonisolated(unsafe) var failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let f = body(t)
            lock.lock(); failures += f; lock.unlock()
        }
        XCTAssertEqual(failures.prefix(10), [], "\(failures.count) mismatches")
    }

    func testConcurrentSearchesAndDocumentReadsEqualSingleThreadedOnes() throws {
        let (index, ids) = try buildIndex("search", seed: 21)
        var expected: [String: Answer] = [:]
        for q in Self.queries { for v in 0..<4 { expected["\(v) \(q)"] = Answer(try index.search(request(q, v))) } }
        XCTAssertTrue(expected.values.contains { $0.hits.count > 3 }, "the queries should find something")
        var documents: [String: StoredDocument] = [:]
        for id in ids { documents[id] = try index.document(id: id) }
        XCTAssertEqual(documents.count, ids.count)

        let keys = expected.keys.sorted()
        let answers = expected, stored = documents
        onManyThreads(8) { t in
            var failures: [String] = []
            var rng = SeededRandom(seed: UInt64(t))
            for _ in 0..<6 {
                for key in keys.shuffled(using: &rng) {
                    let space = key.firstIndex(of: " ")!
                    let r = self.request(String(key[key.index(after: space)...]), Int(key[..<space])!)
                    do {
                        if Answer(try index.search(r)) != answers[key] { failures.append("thread \(t): \(key) differs") }
                    } catch { failures.append("thread \(t): \(key) threw \(error)") }
                }
                for id in ids.shuffled(using: &rng).prefix(80) {
                    do {
                        if try index.document(id: id) != stored[id] { failures.append("thread \(t): document \(id) differs") }
                    } catch { failures.append("thread \(t): document \(id) threw \(error)") }
                }
            }
            return failures
        }
    }

    func testReaderSharedByTasksGivesEveryTaskTheSameDocuments() async throws {
        let (index, _) = try buildIndex("reader", seed: 22)
        let reader = index.reader
        var expected: [IndexReader.DocAddress: StoredDocument] = [:]
        try reader.forEachDocument { address, doc in expected[address] = doc }
        let all = expected
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for t in 0..<8 {
                group.addTask {
                    var bad = 0
                    var rng = SeededRandom(seed: UInt64(100 + t))
                    for (address, doc) in all.shuffled(using: &rng) {
                        if try reader.storedDocument(address) != doc { bad += 1 }
                        if reader.segments[address.segment].externalId(address.doc) != doc.id { bad += 1 }
                    }
                    return bad
                }
            }
            return try await group.reduce(0, +)
        }
        XCTAssertEqual(mismatches, 0)
    }

    /// Searches running while another thread commits and refreshes see either the old or the
    /// new snapshot, whole: never a mixture, never an error.
    func testSearchesDuringRefreshSeeOneSnapshotOrTheOther() throws {
        let (index, _) = try buildIndex("refresh", seed: 23)
        let queries = Self.queries.map { SearchRequest(query: $0, limit: 20) }
        let before = try queries.map { Answer(try index.search($0)) }
        // The next commit, built in a copy, gives the answers after the refresh.
        let copy = tmp.sub("refresh-copy")
        try DirTools.copy(index.directory, to: copy)
        var corpus = TestCorpus(seed: 24)
        let additions = (0..<40).map { corpus.document(id: "new\($0)") }
        @Sendable func apply(_ writer: IndexWriter) throws {
            for d in additions { try writer.add(d) }
            for i in stride(from: 0, to: 600, by: 11) { try writer.delete(id: "d\(i)") }
        }
        let copyIndex = try Index.open(at: copy)
        try copyIndex.write { try apply($0) }
        let after = try queries.map { Answer(try copyIndex.search($0)) }
        XCTAssertNotEqual(before, after, "the commit should change some answers")

        onManyThreads(6) { t in
            if t == 0 {
                do {
                    try index.write { try apply($0) }
                } catch { return ["writer: \(error)"] }
                return []
            }
            var failures: [String] = []
            for round in 0..<5 {
                for (i, q) in queries.enumerated() {
                    do {
                        let a = Answer(try index.search(q))
                        if a != before[i] && a != after[i] { failures.append("thread \(t) round \(round): \(q.query) matches neither snapshot") }
                    } catch { failures.append("thread \(t): \(q.query) threw \(error)") }
                }
            }
            return failures
        }
        XCTAssertEqual(try queries.map { Answer(try index.search($0)) }, after)
    }
}
