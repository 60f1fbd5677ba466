import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// Index random documents, then read everything back and compare with a model computed
/// directly with the analyzer: live ids, stored fields, dates, field lengths, and for every
/// live document and indexed field the map term -> positions (tf = positions.count).
final class IndexRoundTripTests: XCTestCase {
    var tmp: TempDir!
    override func setUp() { tmp = TempDir("loupe-rt") }
    override func tearDown() { tmp = nil }

    struct Scenario {
        var seed: UInt64
        var language: String? = "english"
        var threads = 1
        var memoryBudgetBytes = 1
        var autoMerge = false
        var mergeFactor = 10
        var operations = 700
        var idPool = 250
        /// One operation in `commitEvery` is a commit.
        var commitEvery = 60
        var forceMerges = false
        var rollbacks = false
        var reopenWriter = false
    }

    /// Applies random adds, replacements, deletes (of present, absent and just-added ids),
    /// commits, rollbacks and merges to both the index and the model; verifies at the end.
    @discardableResult
    func run(_ sc: Scenario, file: StaticString = #filePath, line: UInt = #line) throws -> (IndexReader, Model) {
        let dir = tmp.sub("idx-\(sc.seed)")
        var corpus = TestCorpus(seed: sc.seed)
        var opts = IndexWriterOptions()
        opts.threads = sc.threads
        opts.memoryBudgetBytes = sc.memoryBudgetBytes
        opts.autoMerge = sc.autoMerge
        opts.mergeFactor = sc.mergeFactor
        let schema = Schema.news(language: sc.language)
        var w = try IndexWriter.create(directory: dir, schema: schema, options: opts)
        var committed: Model = [:]
        var pending: Model = [:]
        var maxSegments = 0
        var merged = false
        func id(_ i: Int) -> String { "doc-\(i)" }
        for _ in 0..<sc.operations {
            let r = corpus.int(0..<100)
            switch r {
            case 0..<62: // add or replace
                let d = corpus.document(id: id(corpus.int(0..<sc.idPool)))
                try w.add(d); pending[d.id] = d
            case 62..<70: // delete a present id
                if let victim = pending.keys.sorted().randomElement(using: &corpus.rng) {
                    try w.delete(id: victim); pending[victim] = nil
                }
            case 70..<73: // delete an absent id
                try w.delete(id: "absent-\(corpus.int(0..<1000))")
            case 73..<78: // delete then re-add in the same transaction
                let i = id(corpus.int(0..<sc.idPool))
                try w.delete(id: i); pending[i] = nil
                let d = corpus.document(id: i)
                try w.add(d); pending[i] = d
            case 78..<83: // add the same id twice in one transaction
                let i = id(corpus.int(0..<sc.idPool))
                let a = corpus.document(id: i), b = corpus.document(id: i)
                try w.add(a); try w.add(b); pending[i] = b
            case 83..<88: // add, then delete it in the same transaction
                let i = id(corpus.int(0..<sc.idPool))
                try w.add(corpus.document(id: i))
                try w.delete(id: i); pending[i] = nil
            case 88..<90 where sc.rollbacks:
                w.rollback(); pending = committed
            case 90..<92 where sc.forceMerges:
                try w.forceMerge(maxSegments: corpus.int(1..<4))
                committed = pending; merged = true
            case 92..<94 where sc.reopenWriter:
                try w.commit(); committed = pending
                w.close()
                w = try IndexWriter.open(directory: dir, options: opts)
            default:
                if corpus.int(0..<max(1, sc.commitEvery / 12)) == 0 {
                    try w.commit(); committed = pending
                    maxSegments = max(maxSegments, w.manifest.segments.count)
                }
            }
        }
        try w.commit(); committed = pending
        maxSegments = max(maxSegments, w.manifest.segments.count)
        w.close()
        XCTAssertGreaterThan(committed.count, 10, "scenario too small", file: file, line: line)
        if !sc.autoMerge && !merged && sc.memoryBudgetBytes < 1000 {
            XCTAssertGreaterThan(maxSegments, 3, "expected many segments", file: file, line: line)
        }
        try IndexVerifier.assertIndexMatches(dir, committed, schema: schema, file: file, line: line)
        return (try IndexReader.open(directory: dir), committed)
    }

    // MARK: Random scenarios

    func testManySegmentsEnglish() throws {
        try run(Scenario(seed: 101))
    }

    func testManySegmentsNoStemming() throws {
        let (reader, _) = try run(Scenario(seed: 102, language: nil))
        // Without stemming inflected forms are their own terms.
        var found = false
        for seg in reader.segments where seg.terms.lookup(field: 1, term: "connected") != nil { found = true }
        XCTAssertTrue(found, "unstemmed 'connected' is indexed")
    }

    func testStemmedIndexHasNoInflectedForms() throws {
        let (reader, _) = try run(Scenario(seed: 103, operations: 300))
        for seg in reader.segments {
            XCTAssertNil(seg.terms.lookup(field: 1, term: "connected"))
            XCTAssertNil(seg.terms.lookup(field: 1, term: "connecting"))
        }
    }

    func testTwoThreads() throws {
        try run(Scenario(seed: 104, threads: 2))
    }

    func testTwoThreadsLargeChunks() throws {
        // Large budget: segments come only from commits; each commit fills two builders.
        try run(Scenario(seed: 105, threads: 2, memoryBudgetBytes: 256 << 20, operations: 900, commitEvery: 200))
    }

    func testAutomaticMergesWithSmallMergeFactor() throws {
        let (reader, _) = try run(Scenario(seed: 106, autoMerge: true, mergeFactor: 2, operations: 800))
        // A log merge policy with factor 2 keeps at most one segment per level... per level count < factor.
        var levels: [Int: Int] = [:]
        for s in reader.manifest.segments { levels[s.liveCount <= 1 ? 0 : Int(log10(Double(s.liveCount))), default: 0] += 1 }
        XCTAssertTrue(levels.values.allSatisfy { $0 < 2 }, "levels after merging: \(levels)")
    }

    func testAutomaticMergesFactor3TwoThreads() throws {
        try run(Scenario(seed: 107, threads: 2, autoMerge: true, mergeFactor: 3))
    }

    func testForceMergesRollbacksAndReopenedWriters() throws {
        try run(Scenario(seed: 108, language: nil, forceMerges: true, rollbacks: true, reopenWriter: true))
    }

    func testRollbacksAndReopenTwoThreadsEnglish() throws {
        try run(Scenario(seed: 109, threads: 2, autoMerge: true, mergeFactor: 4, rollbacks: true, reopenWriter: true))
    }

    func testForceMergeToOneSegmentDropsDeletions() throws {
        let dir = tmp.sub("fm")
        var corpus = TestCorpus(seed: 110)
        var opts = IndexWriterOptions(); opts.memoryBudgetBytes = 1; opts.autoMerge = false
        let w = try IndexWriter.create(directory: dir, options: opts)
        var model: Model = [:]
        for i in 0..<400 {
            let d = corpus.document(id: "d\(i % 300)")
            try w.add(d); model[d.id] = d
            if i % 37 == 0 { try w.commit() }
            if i % 11 == 0 { try w.delete(id: "d\(i / 2)"); model["d\(i / 2)"] = nil }
        }
        try w.commit()
        XCTAssertGreaterThan(w.manifest.segments.count, 3)
        XCTAssertTrue(w.manifest.segments.contains { $0.deletedCount > 0 })
        try IndexVerifier.assertIndexMatches(dir, model)
        try w.forceMerge(maxSegments: 3)
        XCTAssertEqual(w.manifest.segments.count, 3)
        try IndexVerifier.assertIndexMatches(dir, model)
        try w.forceMerge(maxSegments: 1)
        XCTAssertEqual(w.manifest.segments.count, 1)
        XCTAssertEqual(w.manifest.segments[0].deletedCount, 0)
        XCTAssertEqual(w.manifest.segments[0].docCount, model.count)
        try IndexVerifier.assertIndexMatches(dir, model)
        // Documents keep their relative order through merges: ids in index order are the
        // order of their last addition.
        w.close()
    }

    /// A single segment large enough that common terms span several 128-doc blocks.
    func testLargeSingleSegmentWithFullBlocks() throws {
        let dir = tmp.sub("big")
        var corpus = TestCorpus(seed: 111)
        let w = try IndexWriter.create(directory: dir, schema: .news(language: nil))
        var model: Model = [:]
        for i in 0..<1000 { let d = corpus.document(id: "b\(i)"); try w.add(d); model[d.id] = d }
        try w.commit()
        XCTAssertEqual(w.manifest.segments.count, 1)
        w.close()
        let r = try IndexReader.open(directory: dir)
        var maxDf: UInt32 = 0
        r.segments[0].terms.forEachTerm(field: 1) { _, info in maxDf = max(maxDf, info.docFreq) }
        XCTAssertGreaterThan(maxDf, 256, "some term spans several full blocks")
        try IndexVerifier.assertIndexMatches(dir, model, schema: .news(language: nil))
    }

    /// Field lengths past 255 and 65535 (wider norms), term frequencies in the thousands inside
    /// full 128-doc blocks (bit-packed positions, cursor buffers that must grow), and a merge of it.
    func testHugeDocumentsAndHighTermFrequencies() throws {
        let dir = tmp.sub("huge")
        var opts = IndexWriterOptions(); opts.autoMerge = false
        let w = try IndexWriter.create(directory: dir, schema: .news(language: nil), options: opts)
        var model: Model = [:]
        var corpus = TestCorpus(seed: 112)
        for i in 0..<300 {
            var body = corpus.text(maxWords: 10)
            if i % 50 == 0 { body += " " + String(repeating: "echo delta ", count: 35_000) }       // 70k tokens
            else if i % 7 == 0 { body += " " + String(repeating: "echo ", count: 300 + i) }        // > 256 positions
            let d = Document(id: "h\(i)", fields: ["title": String(repeating: "echo ", count: i % 3), "body": body])
            try w.add(d); model[d.id] = d
            if i == 150 { try w.commit() }
        }
        try w.commit()
        try IndexVerifier.assertIndexMatches(dir, model, schema: .news(language: nil))
        try w.delete(id: "h0"); model["h0"] = nil
        try w.forceMerge(maxSegments: 1)
        w.close()
        try IndexVerifier.assertIndexMatches(dir, model, schema: .news(language: nil))
    }

    // MARK: Update semantics, one at a time

    func makeWriter(_ name: String, budget: Int = 256 << 20) throws -> (String, IndexWriter) {
        let dir = tmp.sub(name)
        var opts = IndexWriterOptions(); opts.memoryBudgetBytes = budget; opts.autoMerge = false
        return (dir, try IndexWriter.create(directory: dir, options: opts))
    }

    func doc(_ id: String, _ title: String, _ body: String = "") -> Document {
        Document(id: id, fields: ["title": title, "body": body], date: nil)
    }

    func testReaddingAnExistingIdReplacesIt() throws {
        for budget in [1, 256 << 20] {
            let (dir, w) = try makeWriter("readd-\(budget)", budget: budget)
            try w.add(doc("a", "first version", "alpha")); try w.add(doc("b", "bravo"))
            try w.commit()
            try w.add(doc("a", "second version", "beta"))
            try w.commit()
            try IndexVerifier.assertIndexMatches(dir, ["a": doc("a", "second version", "beta"), "b": doc("b", "bravo")])
            w.close()
        }
    }

    func testDeleteThenReaddInOneTransaction() throws {
        for budget in [1, 256 << 20] {
            let (dir, w) = try makeWriter("delreadd-\(budget)", budget: budget)
            try w.add(doc("a", "old")); try w.commit()
            try w.delete(id: "a"); try w.add(doc("a", "new")); try w.commit()
            try IndexVerifier.assertIndexMatches(dir, ["a": doc("a", "new")])
            // And within a single transaction on a fresh id.
            try w.add(doc("c", "one")); try w.delete(id: "c"); try w.add(doc("c", "two")); try w.commit()
            try IndexVerifier.assertIndexMatches(dir, ["a": doc("a", "new"), "c": doc("c", "two")])
            w.close()
        }
    }

    func testAddingTwiceInOneTransactionKeepsTheLast() throws {
        for budget in [1, 256 << 20] {
            let (dir, w) = try makeWriter("twice-\(budget)", budget: budget)
            try w.add(doc("a", "one")); try w.add(doc("a", "two")); try w.commit()
            try IndexVerifier.assertIndexMatches(dir, ["a": doc("a", "two")])
            try w.add(doc("a", "three")); try w.add(doc("a", "four")); try w.commit()
            try IndexVerifier.assertIndexMatches(dir, ["a": doc("a", "four")])
            w.close()
        }
    }

    func testDeletingAnIdAddedInTheSameTransaction() throws {
        for budget in [1, 256 << 20] {
            let (dir, w) = try makeWriter("deladded-\(budget)", budget: budget)
            try w.add(doc("keep", "k"))
            try w.add(doc("a", "gone")); try w.delete(id: "a"); try w.commit()
            try IndexVerifier.assertIndexMatches(dir, ["keep": doc("keep", "k")])
            // Same after something is committed (the id also exists in a committed segment).
            try w.add(doc("a", "v1")); try w.commit()
            try w.add(doc("a", "v2")); try w.delete(id: "a"); try w.commit()
            try IndexVerifier.assertIndexMatches(dir, ["keep": doc("keep", "k")])
            w.close()
        }
    }

    func testDeletingAnAbsentIdIsANoOp() throws {
        let (dir, w) = try makeWriter("absent")
        try w.delete(id: "nobody"); try w.commit()
        try IndexVerifier.assertIndexMatches(dir, [:])
        try w.add(doc("a", "x")); try w.commit()
        let before = w.manifest.segments
        try w.delete(id: "nobody"); try w.commit()
        XCTAssertEqual(w.manifest.segments, before, "no deletion file for an absent id")
        try IndexVerifier.assertIndexMatches(dir, ["a": doc("a", "x")])
        w.close()
    }

    func testDeletingEveryDocumentLeavesAnEmptyIndex() throws {
        let (dir, w) = try makeWriter("all", budget: 1)
        for i in 0..<20 { try w.add(doc("d\(i)", "t \(i)")) ; if i % 5 == 4 { try w.commit() } }
        try w.commit()
        for i in 0..<20 { try w.delete(id: "d\(i)") }
        try w.commit()
        XCTAssertEqual(w.manifest.segments.count, 0)
        try IndexVerifier.assertIndexMatches(dir, [:])
        w.close()
    }

    func testUpdateAcrossReopenedWriter() throws {
        let (dir, w) = try makeWriter("reopen", budget: 1)
        try w.add(doc("a", "one")); try w.add(doc("b", "bee")); try w.commit()
        w.close()
        let w2 = try IndexWriter.open(directory: dir)
        try w2.add(doc("a", "two")); try w2.delete(id: "b"); try w2.commit()
        try IndexVerifier.assertIndexMatches(dir, ["a": doc("a", "two")])
        w2.close()
    }
}
