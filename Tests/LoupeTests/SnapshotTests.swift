import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// `Snapshot`: a consistent commit copied while writes go on; replicas updated in place
/// without a reader ever seeing a half-copied commit.
final class SnapshotTests: XCTestCase {
    var tmp: TempDir!
    override func setUp() { tmp = TempDir("loupe-snapshot") }
    override func tearDown() { tmp = nil }

    /// An index of several segments with deletions; returns its model.
    func buildSource(_ dir: String, seed: UInt64, documents: Int = 90) throws -> (IndexWriter, Model, TestCorpus) {
        var corpus = TestCorpus(seed: seed)
        var opts = IndexWriterOptions(); opts.memoryBudgetBytes = 1; opts.autoMerge = false
        let w = try IndexWriter.create(directory: dir, options: opts)
        var model: Model = [:]
        for i in 0..<documents {
            let d = corpus.document(id: "d\(i)")
            try w.add(d); model[d.id] = d
            if i % 30 == 29 { try w.commit() }
            if i % 11 == 5 { try w.delete(id: "d\(i / 2)"); model["d\(i / 2)"] = nil }
        }
        try w.commit()
        return (w, model, corpus)
    }

    func inode(_ path: String) -> UInt64 {
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0, path)
        return UInt64(st.st_ino)
    }

    func testSnapshotHoldsTheSourceCommitWithHardLinks() throws {
        let src = tmp.sub("src"), dst = tmp.sub("dst")
        let (w, model, _) = try buildSource(src, seed: 1)
        defer { w.close() }
        let report = try Snapshot.take(from: src, to: dst)
        let m = try Manifest.read(directory: src)
        XCTAssertEqual(report.generation, m.generation)
        XCTAssertEqual(report.documents, model.count)
        XCTAssertEqual(report.linked, m.referencedFiles.count - 2)   // all but the manifest and the lock
        XCTAssertEqual(report.copied + report.kept + report.removed + report.restarts, 0)
        try IndexVerifier.assertIndexMatches(dst, model)
        let segmentFile = m.segments[0].name + ".post"
        XCTAssertEqual(inode("\(src)/\(segmentFile)"), inode("\(dst)/\(segmentFile)"))
        // The same search gives the same answer on both.
        let q = SearchRequest(query: "a OR b OR c OR e", limit: 20)
        XCTAssertEqual(try Index.open(at: src).search(q).hits.map(\.id), try Index.open(at: dst).search(q).hits.map(\.id))
    }

    func testCopyModeCopiesEveryFile() throws {
        let src = tmp.sub("src"), dst = tmp.sub("dst")
        let (w, model, _) = try buildSource(src, seed: 2)
        defer { w.close() }
        let report = try Snapshot.take(from: src, to: dst, mode: .copy)
        XCTAssertEqual(report.linked, 0)
        XCTAssertGreaterThan(report.copied, 0)
        XCTAssertGreaterThan(report.bytesCopied, 0)
        let m = try Manifest.read(directory: src)
        let f = m.segments[0].name + ".terms"
        XCTAssertNotEqual(inode("\(src)/\(f)"), inode("\(dst)/\(f)"))
        try IndexVerifier.assertIndexMatches(dst, model)
    }

    /// A second snapshot into the same directory adds what is new, keeps what it has, and
    /// removes what the new commit no longer references — after switching the manifest.
    func testUpdatingASnapshotKeepsAddsAndRemovesFiles() throws {
        let src = tmp.sub("src"), dst = tmp.sub("dst")
        var (w, model, corpus) = try buildSource(src, seed: 3)
        defer { w.close() }
        try Snapshot.take(from: src, to: dst)
        for i in 200..<230 { let d = corpus.document(id: "n\(i)"); try w.add(d); model[d.id] = d }
        try w.delete(id: "d1"); model["d1"] = nil
        try w.commit()
        let second = try Snapshot.take(from: src, to: dst)
        XCTAssertGreaterThan(second.kept, 0)
        XCTAssertGreaterThan(second.linked, 0)
        try IndexVerifier.assertIndexMatches(dst, model)

        try w.forceMerge(maxSegments: 1)
        let third = try Snapshot.take(from: src, to: dst)
        XCTAssertGreaterThan(third.removed, 0)
        let expected = try Manifest.read(directory: src).referencedFiles
        XCTAssertEqual(Set(DirTools.files(dst)), expected)
        try IndexVerifier.assertIndexMatches(dst, model)

        let again = try Snapshot.take(from: src, to: dst)
        XCTAssertEqual(again.linked + again.copied + again.removed, 0)
        XCTAssertEqual(again.kept, expected.count - 2)
    }

    func testRefusesADirectoryHoldingSomethingElse() throws {
        let src = tmp.sub("src"), other = tmp.sub("other"), dst = tmp.sub("dst")
        let (w, _, _) = try buildSource(src, seed: 4)
        defer { w.close() }
        let (w2, _, _) = try buildSource(other, seed: 5)
        w2.close()
        let before = try liveIds(other)
        XCTAssertThrowsError(try Snapshot.take(from: src, to: other)) { error in
            guard case LoupeError.indexExists(let path)? = error as? LoupeError else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("other"))
        }
        XCTAssertEqual(try liveIds(other), before)   // untouched and whole
        XCTAssertEqual(try IndexChecker.check(directory: other).documents, before.count)

        try FileSystem.createDirectory(dst)
        DirTools.write(Data("notes".utf8), to: dst + "/notes.txt")
        XCTAssertThrowsError(try Snapshot.take(from: src, to: dst)) { error in
            guard case LoupeError.io(let path, let reason)? = error as? LoupeError else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("dst")); XCTAssertTrue(reason.contains("not empty"), reason)
        }
        XCTAssertEqual(DirTools.files(dst), ["notes.txt"])
        XCTAssertThrowsError(try Snapshot.take(from: tmp.sub("none"), to: tmp.sub("x"))) { error in
            guard case LoupeError.noIndex? = error as? LoupeError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try Snapshot.take(from: src, to: src + "/."))
    }

    /// The live ids of an index, in index order.
    func liveIds(_ dir: String) throws -> [String] {
        let ids = DocSetCollector()
        try Index.open(at: dir).searcher.search(MatchAllQuery(), collector: ids)
        return ids.ids
    }

    /// A writer commits and merges while a replicator snapshots into a replica over and over
    /// and readers open the replica: every commit a reader sees is whole. Each commit records
    /// its live ids in its commit data, so a reader checks what it sees against that list.
    func testReadersOfAReplicaNeverSeeAHalfCopiedCommit() throws {
        let src = tmp.sub("src"), replica = tmp.sub("replica")
        var opts = IndexWriterOptions(); opts.memoryBudgetBytes = 1; opts.mergeFactor = 3
        let w = try IndexWriter.create(directory: src, options: opts)
        try w.commit(commitData: ["ids": ""])
        try Snapshot.take(from: src, to: replica)

        let lock = NSLock()
        var done = false, problems: [String] = [], opened = 0, snapshots = 0, generations: Set<Int> = []
        func note(_ p: String) { lock.lock(); problems.append(p); lock.unlock() }
        func finished() -> Bool { lock.lock(); defer { lock.unlock() }; return done }
        // Real threads: a global dispatch queue may run only as many blocks as there are cores.
        let group = DispatchGroup()
        func spawn(_ body: @escaping () -> Void) {
            group.enter()
            Thread { body(); group.leave() }.start()
        }

        spawn {
            defer { lock.lock(); done = true; lock.unlock() }
            var corpus = TestCorpus(seed: 7), live: Set<String> = [], rng = SeededRandom(seed: 8)
            do {
                for c in 0..<40 {
                    for i in 0..<6 { let id = "c\(c)-\(i)"; try w.add(corpus.document(id: id)); live.insert(id) }
                    if c % 3 == 2, let victim = live.randomElement(using: &rng) { try w.delete(id: victim); live.remove(victim) }
                    try w.commit(commitData: ["ids": live.sorted().joined(separator: " ")])
                }
            } catch { note("writer: \(error)") }
        }
        spawn {
            while !finished() {
                // Copies, not links: copying takes long enough for readers to land inside it.
                do { try Snapshot.take(from: src, to: replica, mode: .copy); lock.lock(); snapshots += 1; lock.unlock() }
                catch { note("snapshot: \(error)") }
            }
        }
        for _ in 0..<2 {
            spawn {
                while !finished() {
                    do {
                        let reader = try IndexReader.open(directory: replica, verify: true)
                        let searcher = Searcher(reader: reader)
                        let ids = DocSetCollector()
                        try searcher.search(MatchAllQuery(), collector: ids)
                        let expected = Set((reader.commitData["ids"] ?? "").split(separator: " ").map(String.init))
                        if Set(ids.ids) != expected || ids.ids.count != expected.count || reader.liveDocCount != expected.count {
                            note("generation \(reader.generation): \(ids.ids.count) documents, its commit lists \(expected.count)")
                        }
                        for id in ids.ids.prefix(5) where try reader.document(id: id) == nil { note("\(id) not retrievable") }
                        lock.lock(); opened += 1; generations.insert(reader.generation); lock.unlock()
                    } catch { note("reader: \(error)") }
                }
            }
        }
        group.wait()
        w.close()
        let last = try Snapshot.take(from: src, to: replica)
        XCTAssertEqual(last.generation, try Manifest.read(directory: src).generation)
        XCTAssertEqual(problems, [])
        XCTAssertGreaterThan(opened, 10)
        XCTAssertGreaterThan(snapshots, 3)
        XCTAssertGreaterThan(generations.count, 2, "readers saw the replica move on")
        XCTAssertEqual(try liveIds(replica), try liveIds(src))
        XCTAssertEqual(try IndexChecker.check(directory: replica).documents, try liveIds(src).count)
    }
}
