import Foundation
import Loupe
import LoupeBenchSupport

/// Data the micro-benchmarks share. The benchmark plugin runs every benchmark in its own
/// process, so each fixture is built in that process's `setup`, at most once, and the two
/// indexes are kept on disk between processes: under the temp directory, keyed by the
/// benchmark executable's size and modification time, so a rebuilt executable (whose
/// writer may encode differently) never reads an index an older build wrote.
enum Fixtures {
    /// Documents in the synthetic search index (one segment after a force-merge).
    static let searchDocCount = 20_000
    /// Distinct terms in the term-dictionary index.
    static let dictionaryTermCount = 100_000

    private static let lock = NSLock()
    nonisolated(unsafe) private static var searchIndexCache: Index?
    nonisolated(unsafe) private static var dictionaryIndexCache: Index?
    nonisolated(unsafe) private static var analysisTextCache: [String]?

    /// The synthetic news index (`syntheticCorpus`, title + body in one `body` field, no stemming,
    /// as `LoupeMacroBench --synthetic` indexes it).
    static func searchIndex() throws -> Index {
        lock.lock(); defer { lock.unlock() }
        if let i = searchIndexCache { return i }
        let i = try cachedIndex(name: "search-\(searchDocCount)") { writer in
            for a in syntheticCorpus(count: searchDocCount) {
                try writer.add(Document(id: a.id, fields: ["body": a.title + "\n" + a.body], date: a.date))
            }
        }
        searchIndexCache = i
        return i
    }

    /// An index whose `body` field holds exactly `dictionaryTermCount` distinct terms
    /// (`syntheticWord(0..<dictionaryTermCount)`, 100 per document, in shuffled order).
    static func dictionaryIndex() throws -> Index {
        lock.lock(); defer { lock.unlock() }
        if let i = dictionaryIndexCache { return i }
        let i = try cachedIndex(name: "dict-\(dictionaryTermCount)") { writer in
            var words = dictionaryWords()
            var rng = SplitMix(seed: 7)
            words.shuffle(using: &rng)
            for (n, start) in stride(from: 0, to: words.count, by: 100).enumerated() {
                let body = words[start..<min(start + 100, words.count)].joined(separator: " ")
                try writer.add(Document(id: String(format: "dict%06d", n), fields: ["body": body]))
            }
        }
        dictionaryIndexCache = i
        return i
    }

    /// The distinct words of the dictionary index (the synthetic words are not all distinct,
    /// so this takes the first `dictionaryTermCount` distinct ones).
    static func dictionaryWords() -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        var i = 0
        while out.count < dictionaryTermCount {
            let w = syntheticWord(i)
            if seen.insert(w).inserted { out.append(w) }
            i += 1
        }
        return out
    }

    /// Realistic text to analyze: every article of `samples/reuters-sample.jsonl` (title and
    /// body) and the `samples/seeds/*.txt` files, one string per document. Falls back to 200
    /// synthetic articles when the samples are not found.
    static func analysisText() -> [String] {
        lock.lock(); defer { lock.unlock() }
        if let t = analysisTextCache { return t }
        var texts: [String] = []
        let samples = samplesDirectory()
        if let articles = try? readCorpus(path: samples + "/reuters-sample.jsonl", limit: nil) {
            texts += articles.map { $0.title + "\n" + $0.body }
        }
        let seeds = samples + "/seeds"
        for f in ((try? FileManager.default.contentsOfDirectory(atPath: seeds)) ?? []).sorted() where f.hasSuffix(".txt") {
            if let s = try? String(contentsOfFile: seeds + "/" + f, encoding: .utf8) { texts.append(s) }
        }
        if texts.isEmpty {
            FileHandle.standardError.write("LoupeMicroBenchmarks: samples not found under \(samples); analyzing synthetic text\n".data(using: .utf8)!)
            texts = syntheticCorpus(count: 200).map { $0.title + "\n" + $0.body }
        }
        analysisTextCache = texts
        return texts
    }

    /// `samples/` of the repository: `$LOUPE_SAMPLES`, else found from this source file's path.
    static func samplesDirectory() -> String {
        if let env = ProcessInfo.processInfo.environment["LOUPE_SAMPLES"], !env.isEmpty { return env }
        // <repo>/Benchmarks/Benchmarks/LoupeMicroBenchmarks/Fixtures.swift
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("samples").path
    }

    /// Opens the index `name` from the on-disk cache, or builds it there (into a temporary
    /// folder, then renamed, so a process killed mid-build leaves nothing half-built in use).
    private static func cachedIndex(name: String, fill: (IndexWriter) throws -> Void) throws -> Index {
        let root = NSTemporaryDirectory() + "loupe-microbench"
        let dir = root + "/\(name)-\(executableKey())"
        if FileManager.default.fileExists(atPath: dir + "/.complete"), let index = try? Index.open(at: dir) {
            return index
        }
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        // Indexes of older builds of this executable are of no further use.
        for old in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] where old.hasPrefix(name + "-") {
            try? FileManager.default.removeItem(atPath: root + "/" + old)
        }
        let tmp = root + "/.building-\(name)-\(getpid())"
        let started = Date()
        let writer = try IndexWriter.create(directory: tmp, schema: .news(language: nil), overwrite: true)
        try fill(writer)
        try writer.commit()
        try writer.forceMerge(maxSegments: 1)
        writer.close()
        FileManager.default.createFile(atPath: tmp + "/.complete", contents: nil)
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.moveItem(atPath: tmp, toPath: dir)
        FileHandle.standardError.write(String(format: "LoupeMicroBenchmarks: built %@ in %.1f s\n", dir, Date().timeIntervalSince(started)).data(using: .utf8)!)
        return try Index.open(at: dir)
    }

    /// Size and modification time of the running executable.
    private static func executableKey() -> String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let attributes = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let mtime = Int((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        return "\(size)-\(mtime)"
    }
}

/// A fixed sequence of pseudo-random indices in `0..<bound`, the same on every run.
func randomIndices(count: Int, bound: Int, seed: UInt64) -> [Int] {
    var rng = SplitMix(seed: seed)
    return (0..<count).map { _ in Int(rng.next() % UInt64(bound)) }
}

extension SplitMix: RandomNumberGenerator {}
