import Foundation
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// The fixture of the tests that compare search results with brute force: a multi-segment
/// index of a `.zipfian` `TestCorpus` (with merges, deletions and updates) and the
/// `ReferenceEngine` holding the same live documents. Built once per test class, in
/// `class func setUp`; releasing it removes the index.
struct ReferenceCorpus {
    let directory: TempDir
    let index: Index
    let reference: ReferenceEngine
    let vocabulary: Vocabulary
    /// Where the index disagrees with what was written (see `ReferenceEngine.prepare`); empty when it holds exactly that.
    let problems: [String]

    init(seed: UInt64, commits: Int, perCommit: Int, threads: Int = 1) throws {
        directory = TempDir("loupe-reference")
        var corpus = TestCorpus(seed: seed, style: .zipfian)
        reference = ReferenceEngine()
        try corpus.buildIndex(directory: directory.path, commits: commits, perCommit: perCommit, threads: threads,
                              recordingIn: reference)
        index = try Index.open(at: directory.path)
        problems = try reference.prepare(reader: index.reader)
        vocabulary = corpus.vocabulary
    }
}
