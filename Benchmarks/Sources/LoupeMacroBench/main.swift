import Foundation
import Loupe
import LoupeBenchSupport

/// Macro benchmark: index a corpus, then time query classes.
///
///     swift run -c release LoupeMacroBench --corpus FILE.jsonl --queries FILE.tsv [--limit N]
///     swift run -c release LoupeMacroBench --synthetic 100000
///     options: --index DIR (default a temp dir), --threads N, --language none|english,
///              --reps N (timed passes, default 5), --skip-build, --out PREFIX (writes PREFIX.json, PREFIX.md),
///              --timeout DURATION (each query also runs with this `SearchRequest.timeout`, in
///              alternation with the run without, as class `CLASS@DURATION`: the deadline checks' cost),
///              --cpu-time (time each search by its thread's CPU time instead of elapsed time)
///
/// Query file: `class<TAB>query` per line (the peer harness's format: bare words are OR,
/// `+a +b` is AND, quotes are phrases); without one, classes are generated from the index.
var args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}
let flags = Set(args)

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// CPU time of the calling thread, in milliseconds: unlike elapsed time, it leaves out the
/// time the thread waits for a core on a shared machine.
func threadCPUMilliseconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
}

do {
    let indexDir = option("--index") ?? NSTemporaryDirectory() + "loupe-macro-\(getpid())"
    let threads = Int(option("--threads") ?? "1") ?? 1
    let language = option("--language") ?? "none"
    let reps = Int(option("--reps") ?? "5") ?? 5
    var report: [String: Any] = ["date": ISO8601DateFormatter().string(from: Date()), "threads": threads, "language": language]

    if !flags.contains("--skip-build") {
        let t0 = now()
        let articles: [Article]
        if let n = option("--synthetic").flatMap(Int.init) {
            articles = syntheticCorpus(count: n)
            report["corpus"] = "synthetic \(n)"
        } else if let path = option("--corpus") {
            articles = try readCorpus(path: path, limit: option("--limit").flatMap(Int.init))
            report["corpus"] = path
        } else {
            throw BenchError("give --corpus FILE.jsonl or --synthetic N")
        }
        let loadSeconds = now() - t0
        let rawBytes = articles.reduce(0) { $0 + $1.title.utf8.count + $1.body.utf8.count }
        var options = IndexWriterOptions()
        options.threads = threads
        if let mb = option("--memory-budget").flatMap(Int.init) { options.memoryBudgetBytes = mb << 20 }
        let t1 = now()
        let writer = try IndexWriter.create(directory: indexDir, schema: .news(language: language == "none" ? nil : language), overwrite: true, options: options)
        for a in articles {
            // As the peer harness does: one searchable text, title + body.
            let text = flags.contains("--two-fields") ? a.body : a.title + "\n" + a.body
            try writer.add(Document(id: a.id, fields: flags.contains("--two-fields") ? ["title": a.title, "body": text] : ["body": text], date: a.date))
        }
        try writer.commit()
        let addSeconds = now() - t1
        let t2 = now()
        try writer.forceMerge(maxSegments: 1)
        writer.close()
        let mergeSeconds = now() - t2
        let stats = IndexStats(reader: try IndexReader.open(directory: indexDir))
        let postings = stats.fields.reduce(0) { $0 + $1.postings }
        let positions = stats.fields.reduce(0) { $0 + $1.positions }
        let postBytes = (stats.bytesByKind["post"] ?? 0) + (stats.bytesByKind["terms"] ?? 0)
        let posBytes = stats.bytesByKind["pos"] ?? 0
        let indexing: [String: Any] = [
            "documents": articles.count, "raw_mb": Double(rawBytes) / 1e6, "load_s": loadSeconds,
            "add_s": addSeconds, "merge_s": mergeSeconds,
            "docs_per_s": Double(articles.count) / (addSeconds + mergeSeconds),
            "mb_per_s": Double(rawBytes) / 1e6 / (addSeconds + mergeSeconds),
            "peak_rss_mb": peakRSSMegabytes(),
            "index_bytes": stats.totalBytes, "index_bytes_without_store": stats.indexBytesWithoutStore,
            "bytes_by_kind": stats.bytesByKind,
            "bytes_per_posting": Double(postBytes) / Double(max(postings, 1)),
            "bytes_per_position": Double(posBytes) / Double(max(positions, 1)),
            "size_ratio": Double(stats.totalBytes) / Double(rawBytes),
            "size_ratio_without_store": Double(stats.indexBytesWithoutStore) / Double(rawBytes),
        ]
        report["indexing"] = indexing
        FileHandle.standardError.write("indexed \(articles.count) docs in \(String(format: "%.2f", addSeconds + mergeSeconds)) s\n".data(using: .utf8)!)
    }

    // Queries.
    let index = try Index.open(at: indexDir)
    var queries: [(String, String)] = []
    if let path = option("--queries") {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            if parts.count == 2 { queries.append((String(parts[0]), String(parts[1]))) }
        }
    } else {
        queries = [("term_frequent", "the"), ("term_frequent", "said"), ("and_frequent", "+the +said"),
                   ("or_frequent", "the said"), ("phrase_frequent", "\"of the\""), ("phrase_planted", "\"war legacy\""),
                   ("diacritic", "\"viet nam\""), ("term_medium", "market"), ("and_medium", "+war +market")]
    }
    func request(_ q: String, timeout: Duration? = nil) -> SearchRequest {
        var r = SearchRequest(query: q, limit: 10)
        r.defaultOperator = .or
        r.loadDocuments = false
        r.snippetField = nil
        r.timeout = timeout
        return r
    }
    let timeoutText = option("--timeout")
    let timeout = try timeoutText.map { t in try TimeoutText.parse(t) ?? { throw BenchError("--timeout '\(t)' is not a timeout") }() }
    // Warm-up pass.
    for (_, q) in queries { _ = try index.search(request(q)); if let timeout { _ = try index.search(request(q, timeout: timeout)) } }
    var samples: [String: [Double]] = [:]
    for rep in 0..<reps {
        for (cls, q) in queries.shuffled() {
            // With a timeout: both runs, in alternating order, so drift affects both alike.
            var runs: [(String, Duration?)] = [(cls, nil)]
            if let timeout, let timeoutText { runs.append(("\(cls)@\(timeoutText)", timeout)) }
            if rep % 2 == 1 { runs.reverse() }
            for (name, t) in runs {
                let cpu0 = threadCPUMilliseconds()
                let r = try index.search(request(q, timeout: t))
                let cpu = threadCPUMilliseconds() - cpu0
                if r.timedOut { throw BenchError("\(q) timed out: the timeout must be far above the query's time") }
                samples[name, default: []].append(flags.contains("--cpu-time") ? cpu : Double(r.tookMicroseconds) / 1000)
            }
        }
    }
    var classes: [[String: Any]] = []
    var md = "| class | n | median ms | p99 ms | qps |\n|---|---:|---:|---:|---:|\n"
    for cls in samples.keys.sorted() {
        let s = samples[cls]!.sorted()
        let median = s[s.count / 2]
        let p99 = s[min(s.count - 1, Int((Double(s.count) * 0.99).rounded(.up)) - 1)]
        let qps = Double(s.count) / (s.reduce(0, +) / 1000)
        classes.append(["class": cls, "n": s.count, "median_ms": median, "p99_ms": p99, "qps": qps])
        md += "| \(cls) | \(s.count) | \(String(format: "%.3f", median)) | \(String(format: "%.3f", p99)) | \(String(format: "%.0f", qps)) |\n"
    }
    report["search"] = classes
    report["search_peak_rss_mb"] = peakRSSMegabytes()
    print(md)
    if let ix = report["indexing"] as? [String: Any] {
        print(String(format: "indexing: %.0f docs/s, %.1f MB/s, peak RSS %.0f MB, index %.1f MB (%.3f of raw; %.3f without store), %.2f B/posting, %.2f B/position",
                     ix["docs_per_s"] as! Double, ix["mb_per_s"] as! Double, ix["peak_rss_mb"] as! Double,
                     Double(ix["index_bytes"] as! Int) / 1e6, ix["size_ratio"] as! Double, ix["size_ratio_without_store"] as! Double,
                     ix["bytes_per_posting"] as! Double, ix["bytes_per_position"] as! Double))
    }
    if let out = option("--out") {
        let json = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
        try json.write(to: URL(fileURLWithPath: out + ".json"))
        try md.write(toFile: out + ".md", atomically: true, encoding: .utf8)
    }
    if option("--index") == nil { try? FileManager.default.removeItem(atPath: indexDir) }
} catch {
    FileHandle.standardError.write("LoupeMacroBench: \(error)\n".data(using: .utf8)!)
    exit(1)
}
