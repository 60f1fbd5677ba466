import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// A commit cut off after any of its file writes leaves the previous snapshot readable and
/// complete; damaged files are reported as such, never crash the reader.
final class CrashSafetyTests: XCTestCase {
    var tmp: TempDir!
    override func setUp() { tmp = TempDir("loupe-crash") }
    override func tearDown() { tmp = nil }

    struct TwoCommits {
        var dirA: String      // copy of the index right after commit A
        var dirB: String      // copy right after commit B
        var modelA: Model
        var modelB: Model
        var newFiles: [String] // files commit B wrote (besides the manifest)
    }

    /// Commit A, copy, commit B (`transactionB`), copy.
    func twoCommits(_ name: String, seed: UInt64, threads: Int = 1,
                    transactionB: (IndexWriter, inout TestCorpus, inout Model) throws -> Void) throws -> TwoCommits {
        let live = tmp.sub("\(name)-live")
        var corpus = TestCorpus(seed: seed)
        var opts = IndexWriterOptions(); opts.memoryBudgetBytes = 1; opts.autoMerge = false; opts.threads = threads
        let w = try IndexWriter.create(directory: live, options: opts)
        var model: Model = [:]
        for i in 0..<120 {
            let d = corpus.document(id: "d\(i % 90)")
            try w.add(d); model[d.id] = d
            if i % 40 == 39 { try w.commit() }
            if i % 17 == 0 { try w.delete(id: "d\(i / 3)"); model["d\(i / 3)"] = nil }
        }
        try w.commit()
        let dirA = tmp.sub("\(name)-A")
        try DirTools.copy(live, to: dirA)
        let modelA = model
        try transactionB(w, &corpus, &model)
        let dirB = tmp.sub("\(name)-B")
        try DirTools.copy(live, to: dirB)
        w.close()
        let filesA = Set(DirTools.files(dirA)), filesB = Set(DirTools.files(dirB))
        // Files are immutable: whatever both commits have is byte-for-byte the same.
        for f in filesA.intersection(filesB) where f != "manifest" {
            XCTAssertEqual(FileManager.default.contents(atPath: dirA + "/" + f), FileManager.default.contents(atPath: dirB + "/" + f), "\(f) changed between commits")
        }
        let newFiles = filesB.subtracting(filesA).subtracting(["manifest"]).sorted()
        XCTAssertFalse(newFiles.isEmpty)
        try IndexVerifier.assertIndexMatches(dirA, modelA)
        try IndexVerifier.assertIndexMatches(dirB, model)
        return TwoCommits(dirA: dirA, dirB: dirB, modelA: modelA, modelB: model, newFiles: newFiles)
    }

    /// Builds `dst` as A's directory plus B's new files, each kept, removed or truncated per `fate`.
    func crashState(_ t: TwoCommits, _ dst: String, fate: (String, Data) -> Data?) throws {
        try DirTools.copy(t.dirA, to: dst)
        for f in t.newFiles {
            let data = FileManager.default.contents(atPath: t.dirB + "/" + f)!
            if let kept = fate(f, data) { DirTools.write(kept, to: dst + "/" + f) }
        }
    }

    func truncations(_ n: Int) -> [Int] { Array(Set([0, 1, 11, 12, n / 2, n - 9, n - 8, n - 1].filter { $0 >= 0 && $0 < n })).sorted() }

    /// Every cut-off state of commit B must open as exactly A.
    func assertEveryCrashStateIsA(_ t: TwoCommits, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) throws {
        let dst = tmp.sub("crash")
        var states = 0
        // All of B's files written, manifest not yet renamed.
        try crashState(t, dst) { _, d in d }
        try IndexVerifier.assertIndexMatches(dst, t.modelA, statistics: false, file: file, line: line); states += 1
        // Each file missing or cut short, the others complete.
        for f in t.newFiles {
            let size = FileManager.default.contents(atPath: t.dirB + "/" + f)!.count
            try crashState(t, dst) { name, d in name == f ? nil : d }
            try IndexVerifier.assertIndexMatches(dst, t.modelA, statistics: false, file: file, line: line); states += 1
            for cut in truncations(size) {
                try crashState(t, dst) { name, d in name == f ? d.prefix(cut) : d }
                try IndexVerifier.assertIndexMatches(dst, t.modelA, statistics: false, file: file, line: line); states += 1
            }
        }
        // Random subsets with random truncations.
        var rng = SeededRandom(seed: seed)
        for _ in 0..<15 {
            try crashState(t, dst) { _, d in
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: return nil
                case 1: return d.prefix(Int.random(in: 0...d.count, using: &rng))
                default: return d
                }
            }
            try IndexVerifier.assertIndexMatches(dst, t.modelA, statistics: false, file: file, line: line); states += 1
        }
        // A leftover manifest.tmp: garbage, empty, B's manifest cut short, or all of it.
        let manifestB = FileManager.default.contents(atPath: t.dirB + "/manifest")!
        let garbage = Data((0..<777).map { _ in UInt8.random(in: 0...255, using: &rng) })
        for tmpManifest in [garbage, Data(), manifestB.prefix(manifestB.count / 2), manifestB.prefix(12), manifestB] {
            try crashState(t, dst) { _, d in d }
            DirTools.write(tmpManifest, to: dst + "/manifest.tmp")
            try IndexVerifier.assertIndexMatches(dst, t.modelA, statistics: false, file: file, line: line); states += 1
        }
        XCTAssertGreaterThan(states, 10, file: file, line: line)
    }

    /// After a crash, a writer opened on the directory removes what the crash left and can commit.
    func assertWriterRecovers(_ t: TwoCommits, file: StaticString = #filePath, line: UInt = #line) throws {
        let dst = tmp.sub("recover")
        var rng = SeededRandom(seed: 99)
        try crashState(t, dst) { _, d in Int.random(in: 0..<2, using: &rng) == 0 ? d.prefix(d.count / 3) : d }
        DirTools.write(Data("not a manifest".utf8), to: dst + "/manifest.tmp")
        let w = try IndexWriter.open(directory: dst)
        let left = Set(DirTools.files(dst))
        for f in t.newFiles { XCTAssertFalse(left.contains(f), "\(f) left behind by the crash was not removed", file: file, line: line) }
        XCTAssertFalse(left.contains("manifest.tmp"), "manifest.tmp not removed", file: file, line: line)
        XCTAssertEqual(left, Set(DirTools.files(t.dirA)), "after clean-up the directory is A's", file: file, line: line)
        var model = t.modelA
        var corpus = TestCorpus(seed: 1234)
        for i in 0..<30 { let d = corpus.document(id: "after-\(i)"); try w.add(d); model[d.id] = d }
        if let some = model.keys.sorted().first(where: { $0.hasPrefix("d") }) { try w.delete(id: some); model[some] = nil }
        try w.commit()
        w.close()
        try IndexVerifier.assertIndexMatches(dst, model, file: file, line: line)
    }

    func testCommitAddingSegmentsAndDeletionsCutOffAnywhere() throws {
        let t = try twoCommits("adds", seed: 1) { w, corpus, model in
            for i in 0..<60 {
                let d = corpus.document(id: "d\((i * 7) % 150)") // replaces some committed documents
                try w.add(d); model[d.id] = d
            }
            for i in stride(from: 1, to: 90, by: 9) { try w.delete(id: "d\(i)"); model["d\(i)"] = nil }
            try w.commit()
        }
        XCTAssertTrue(t.newFiles.contains { $0.hasSuffix(".del") }, "B wrote deletions: \(t.newFiles)")
        XCTAssertTrue(t.newFiles.contains { $0.hasSuffix(".terms") }, "B wrote segments: \(t.newFiles)")
        try assertEveryCrashStateIsA(t, seed: 11)
        try assertWriterRecovers(t)
    }

    func testDeleteOnlyCommitCutOffAnywhere() throws {
        let t = try twoCommits("dels", seed: 2) { w, _, model in
            for id in model.keys.sorted().prefix(25) { try w.delete(id: id); model[id] = nil }
            try w.commit()
        }
        XCTAssertTrue(t.newFiles.allSatisfy { $0.hasSuffix(".del") }, "\(t.newFiles)")
        try assertEveryCrashStateIsA(t, seed: 12)
        try assertWriterRecovers(t)
    }

    func testForceMergeCutOffAnywhere() throws {
        let t = try twoCommits("merge", seed: 3, threads: 2) { w, _, _ in
            try w.forceMerge(maxSegments: 1)
        }
        try assertEveryCrashStateIsA(t, seed: 13)
        try assertWriterRecovers(t)
    }

    /// Crash after the manifest rename but before the old files were removed: B is visible,
    /// and the next writer removes A's leftovers.
    func testCrashAfterManifestRenameShowsB() throws {
        let t = try twoCommits("after", seed: 4) { w, corpus, model in
            for i in 0..<30 { let d = corpus.document(id: "d\(i)"); try w.add(d); model[d.id] = d }
            try w.commit()
            try w.forceMerge(maxSegments: 1)
        }
        let dst = tmp.sub("after-rename")
        try DirTools.copy(t.dirB, to: dst)
        for f in DirTools.files(t.dirA) where !FileManager.default.fileExists(atPath: dst + "/" + f) {
            try FileManager.default.copyItem(atPath: t.dirA + "/" + f, toPath: dst + "/" + f)
        }
        XCTAssertGreaterThan(DirTools.files(dst).count, DirTools.files(t.dirB).count)
        try IndexVerifier.assertIndexMatches(dst, t.modelB)
        let w = try IndexWriter.open(directory: dst)
        XCTAssertEqual(Set(DirTools.files(dst)), Set(DirTools.files(t.dirB)))
        w.close()
        try IndexVerifier.assertIndexMatches(dst, t.modelB)
    }

    // MARK: Corruption

    func expectCorruption(_ dir: String, _ path: String, versionBytes: Bool, _ label: String,
                          file: StaticString = #filePath, line: UInt = #line) {
        func check(_ e: Error, _ who: String) {
            switch e {
            case LoupeError.corruptFile(let p, _):
                XCTAssertEqual(p, path, "\(who) \(label): wrong path", file: file, line: line)
                XCTAssertFalse(versionBytes, "\(who) \(label): version bytes should give unsupportedVersion, got \(e)", file: file, line: line)
            case LoupeError.unsupportedVersion(let p, _, _):
                XCTAssertEqual(p, path, "\(who) \(label): wrong path", file: file, line: line)
                XCTAssertTrue(versionBytes, "\(who) \(label): unexpected \(e)", file: file, line: line)
            default:
                XCTFail("\(who) \(label): unexpected error \(e)", file: file, line: line)
            }
        }
        do { _ = try IndexReader.open(directory: dir, verify: true); XCTFail("reader opened a damaged index (\(label))", file: file, line: line) } catch { check(error, "reader") }
        do { _ = try IndexChecker.check(directory: dir); XCTFail("checker passed a damaged index (\(label))", file: file, line: line) } catch { check(error, "checker") }
    }

    func testFlippedByteInAnyFileIsReportedWithItsPath() throws {
        let t = try twoCommits("flip", seed: 5) { w, corpus, model in
            for i in 0..<10 { let d = corpus.document(id: "d\(i * 3)"); try w.add(d); model[d.id] = d }
            try w.commit()
        }
        let dir = tmp.sub("flip-work")
        try DirTools.copy(t.dirB, to: dir)
        let files = DirTools.files(dir).filter { $0 != "write.lock" }
        XCTAssertTrue(files.contains { $0.hasSuffix(".del") })
        for ext in SegmentFiles.extensions { XCTAssertTrue(files.contains { $0.hasSuffix("." + ext) }, ext) }
        var rng = SeededRandom(seed: 55)
        var cases = 0
        for f in files {
            let path = dir + "/" + f
            let original = FileManager.default.contents(atPath: path)!
            let n = original.count
            // Header (magic, kind, version), body, footer (CRC, magic).
            var offsets = [0, 3, 4, 7, 8, 9, 11, n - 8, n - 5, n - 4, n - 1]
            if n > 20 { for _ in 0..<4 { offsets.append(Int.random(in: 12..<(n - 8), using: &rng)) } }
            for off in offsets {
                for mask in [UInt8(0x01), 0xFF] {
                    var bad = original
                    bad[off] ^= mask
                    DirTools.write(bad, to: path)
                    // A version byte flipped to another readable version (5 ^ 1 = 4) is caught by the checksum instead.
                    let version = UInt32(bad[8]) | UInt32(bad[9]) << 8 | UInt32(bad[10]) << 16 | UInt32(bad[11]) << 24
                    let readable = (FileFormat.oldestReadableVersion...FileFormat.version).contains(version)
                    expectCorruption(dir, path, versionBytes: (8..<12).contains(off) && !readable, "\(f) byte \(off) ^ \(mask)")
                    cases += 1
                }
            }
            // Truncated by a few bytes, and emptied.
            for cut in [n - 1, n - 8, 12, 0] {
                DirTools.write(original.prefix(cut), to: path)
                expectCorruption(dir, path, versionBytes: false, "\(f) truncated to \(cut)")
            }
            DirTools.write(original, to: path)
        }
        XCTAssertGreaterThan(cases, 80)
        try IndexVerifier.assertIndexMatches(dir, t.modelB)
    }

    /// A file the commit refers to that is gone is damage (exit 3 in the CLI), not an I/O error.
    func testMissingSegmentFileIsDamageNamingIt() throws {
        let t = try twoCommits("missing", seed: 6) { w, corpus, model in
            let d = corpus.document(id: "d1"); try w.add(d); model[d.id] = d
            try w.commit()
        }
        for f in DirTools.files(t.dirB) where f != "write.lock" && f != "manifest" {
            let dir = tmp.sub("missing-work")
            try DirTools.copy(t.dirB, to: dir)
            try FileManager.default.removeItem(atPath: dir + "/" + f)
            XCTAssertThrowsError(try IndexReader.open(directory: dir), f) { e in
                guard case LoupeError.corruptFile(let p, _) = e else { return XCTFail("\(f): \(e)") }
                XCTAssertEqual(p, dir + "/" + f)
            }
        }
    }
}
