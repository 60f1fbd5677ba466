import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// Near-real-time refresh (`IndexReader.refreshed()`, `Index.refresh()`): unchanged segments
/// keep their readers, a segment whose deletions changed shares everything but them, and what
/// a refreshed snapshot answers equals what a fresh open answers and what the brute-force
/// reference computes, commit after commit (adds, deletions, replacements, merges).
final class RefreshTests: XCTestCase {
    var tmp: TempDir!
    override func setUp() { tmp = TempDir("loupe-refresh") }
    override func tearDown() { tmp = nil }

    static func options() -> IndexWriterOptions {
        var o = IndexWriterOptions()
        o.autoMerge = false
        return o
    }

    func testUnchangedSegmentReadersAreSharedAndOnlyDeletionsReload() throws {
        let dir = tmp.sub("index")
        let w = try IndexWriter.create(directory: dir, options: Self.options())
        for batch in 0..<3 {
            for i in 0..<5 { try w.add(Document(id: "b\(batch)-\(i)", fields: ["title": "batch \(batch)", "body": "harbour number \(i)"])) }
            try w.commit()
        }
        let index = try Index.open(at: dir)
        let before = index.reader
        XCTAssertEqual(before.segments.count, 3)
        XCTAssertNil(try before.refreshed(), "nothing committed: no new reader")
        XCTAssertFalse(try index.refresh())

        // A commit that adds a segment and deletes a document of the first one.
        try w.add(Document(id: "new", fields: ["title": "fresh", "body": "harbour news"]))
        try w.delete(id: "b0-1")
        try w.commit()
        XCTAssertTrue(try index.refresh())
        let after = index.reader
        XCTAssertEqual(after.segments.count, 4)
        XCTAssertTrue(after.segments[1] === before.segments[1], "an unchanged segment keeps its reader")
        XCTAssertTrue(after.segments[2] === before.segments[2], "an unchanged segment keeps its reader")
        let changed = after.segments[0], old = before.segments[0]
        XCTAssertFalse(changed === old, "new deletions: a new segment reader")
        XCTAssertTrue(changed.terms === old.terms && changed.postings === old.postings && changed.store === old.store
                      && changed.columns === old.columns && changed.norms[0].baseAddress == old.norms[0].baseAddress,
                      "it shares the mapped files and decoded structures")
        XCTAssertEqual(changed.deletions?.deletedCount, 1)
        XCTAssertNil(old.deletions, "the old snapshot keeps its deletions")
        XCTAssertEqual(try index.search("harbour").total, 15)
        XCTAssertEqual(try Searcher(reader: before).search(SearchRequest(query: "harbour")).total, 15 - 1 + 1,
                       "the old snapshot still answers as of its commit")
        XCTAssertNil(try after.refreshed())

        // A merge replaces segments: the merged one is opened, the rest kept.
        try w.forceMerge(maxSegments: 3)
        let merged = try XCTUnwrap(try after.refreshed())
        let kept = merged.segments.filter { s in after.segments.contains { $0 === s } }
        XCTAssertEqual(merged.segments.count, 3)
        XCTAssertEqual(kept.count, 2, "the segments the merge did not touch keep their readers")
        XCTAssertEqual(try Searcher(reader: merged).search(SearchRequest(query: "harbour")).total, 15)
        w.close()
    }

    /// A refresh keeps the verification mode of the reader it refreshes.
    func testRefreshOfAVerifyingReaderVerifiesNewSegments() throws {
        let dir = tmp.sub("verify")
        let w = try IndexWriter.create(directory: dir, options: Self.options())
        try w.add(Document(id: "a", fields: ["body": "one"]))
        try w.commit()
        let reader = try IndexReader.open(directory: dir, verify: true)
        XCTAssertTrue(reader.verifiesChecksums)
        try w.add(Document(id: "b", fields: ["body": "two"]))
        try w.commit()
        w.close()
        // Damage the new segment's postings in a byte no search of "one" reads.
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        let newest = try XCTUnwrap(names.filter { $0.hasSuffix(".post") }.sorted().last)
        let url = URL(fileURLWithPath: dir + "/" + newest)
        var data = try Data(contentsOf: url)
        data[FileFormat.headerSize + 1] ^= 0x10
        try data.write(to: url)
        XCTAssertThrowsError(try reader.refreshed()) { e in
            XCTAssertEqual(e as? LoupeError, .corruptFile(path: dir + "/" + newest, reason: "checksum mismatch"))
        }
        XCTAssertFalse(try IndexReader.open(directory: dir).verifiesChecksums)
        XCTAssertNoThrow(try IndexReader.open(directory: dir), "without checksums the flipped byte is not read at open")
    }

    /// Small commits into a large segment take the writer's lookup path (each id looked up in
    /// the committed segments, whose readers the writer keeps between commits): replacements
    /// and deletions land exactly, and the refreshed snapshot holds what was written.
    func testSmallCommitsReplaceAndDeleteInsideALargeSegment() throws {
        let dir = tmp.sub("small-commits")
        var corpus = TestCorpus(seed: 0x5EF_2E56, style: .zipfian)
        let reference = ReferenceEngine()
        var options = Self.options()
        options.mergeFactor = 100
        let w = try IndexWriter.create(directory: dir, schema: .news(), options: options)
        for i in 0..<1200 {
            let doc = corpus.document(id: "d\(i)")
            try w.add(doc)
            reference.put(doc)
        }
        try w.commit()
        let index = try Index.open(at: dir)
        var rng = SeededRandom(seed: 0x5EF_2E57)
        for round in 0..<12 {
            if let victim = reference.randomId(&rng) {
                let doc = corpus.document(id: victim)
                try w.update(doc)
                reference.put(doc)
            }
            if let victim = reference.randomId(&rng) { try w.delete(id: victim); reference.remove(victim) }
            let doc = corpus.document(id: "n\(round)")
            try w.add(doc)
            reference.put(doc)
            try w.commit()
            XCTAssertTrue(try index.refresh())
            XCTAssertEqual(try reference.prepare(reader: index.reader), [], "round \(round)")
            XCTAssertEqual(try reference.prepare(reader: IndexReader.open(directory: dir)), [], "round \(round), fresh open")
        }
        XCTAssertNoThrow(try IndexChecker.check(directory: dir))
        w.close()
    }

    /// Commit after commit of random adds, deletions, replacements and merges, a snapshot
    /// kept current by `refresh()` answers exactly as a fresh open and as the brute-force
    /// reference: ids in order, scores, totals, stored documents.
    func testRefreshedSnapshotsEqualFreshOpensAndTheReference() throws {
        let dir = tmp.sub("random")
        var corpus = TestCorpus(seed: 0x5EF_2E54, style: .zipfian)
        let reference = ReferenceEngine()
        var options = IndexWriterOptions()
        options.memoryBudgetBytes = 48 << 10
        options.mergeFactor = 3
        let w = try IndexWriter.create(directory: dir, schema: .news(), options: options)
        var rng = SeededRandom(seed: 0x5EF_2E55)
        var nextId = 0
        func writeBatch(_ n: Int) throws {
            for _ in 0..<n {
                let id = "d\(nextId)"
                nextId += 1
                let doc = corpus.document(id: id)
                try w.add(doc)
                reference.put(doc)
                if rng.chance(0.08), let victim = reference.randomId(&rng) {
                    try w.delete(id: victim)
                    reference.remove(victim)
                }
                if rng.chance(0.05), let victim = reference.randomId(&rng) {
                    let doc = corpus.document(id: victim)
                    try w.update(doc)
                    reference.put(doc)
                }
            }
        }
        try writeBatch(300)
        try w.commit()
        let index = try Index.open(at: dir)
        let vocabulary = corpus.vocabulary.words
        let words = Array(vocabulary.prefix(6) + vocabulary.suffix(4))
        var queries = words.map { String($0) }
        queries += zip(words, words.dropFirst()).map { "\($0) OR \($1)" }
        queries.append("\"\(words[0]) \(words[1])\"")
        var sharedSegments = 0
        for round in 0..<8 {
            // Deletions only, a small batch, or a large one (several segments, merges).
            if round % 3 == 1 {
                for _ in 0..<10 { if let victim = reference.randomId(&rng) { try w.delete(id: victim); reference.remove(victim) } }
            } else {
                try writeBatch(round % 3 == 0 ? 40 : 250)
            }
            try w.commit()
            if round == 5 { try w.forceMerge(maxSegments: 2) }
            let old = index.reader
            XCTAssertTrue(try index.refresh(), "round \(round)")
            let refreshed = index.reader
            // Readers kept whole, or sharing their files with the old one (new deletions).
            sharedSegments += refreshed.segments.filter { s in old.segments.contains { $0.terms === s.terms } }.count
            let fresh = try IndexReader.open(directory: dir)
            XCTAssertEqual(refreshed.generation, fresh.generation)
            XCTAssertEqual(refreshed.liveDocCount, fresh.liveDocCount)
            XCTAssertEqual(try reference.prepare(reader: refreshed), [], "round \(round): the refreshed snapshot holds what was written")
            for q in queries {
                let node = try QueryParser.parse(q, knownFields: ["title", "body"])
                reference.defaultFields = ["title", "body"]
                let ref = reference.search(node)
                var request = SearchRequest(query: q, limit: 10)
                request.exactCount = true
                request.snippetField = nil
                let a = try Searcher(reader: refreshed).search(request)
                let b = try Searcher(reader: fresh).search(request)
                XCTAssertEqual(a.total, ref.count, "round \(round) '\(q)': total")
                XCTAssertEqual(a.total, b.total, "round \(round) '\(q)': total against a fresh open")
                XCTAssertEqual(a.hits.map(\.id), b.hits.map(\.id), "round \(round) '\(q)'")
                XCTAssertEqual(a.hits.map(\.score), b.hits.map(\.score), "round \(round) '\(q)'")
                if let d = compareHits(a.hits, ref, offset: 0, limit: 10) { XCTFail("round \(round) '\(q)': \(d)") }
            }
        }
        XCTAssertGreaterThan(sharedSegments, 8, "refreshes reused segment readers")
        w.close()
    }
}
