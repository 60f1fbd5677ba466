import Benchmark
import Foundation
@_spi(Benchmarks) import Loupe
import LoupeBenchSupport

/// Micro-benchmarks of Loupe's hot paths; see Benchmarks/README.md for how to run them.
/// Fixtures (a 20,000-document synthetic index, a 100,000-term dictionary, the sample
/// texts) are built in each benchmark's setup, outside the measurement; see `Fixtures`.
///
/// Throughput benchmarks also report a custom metric (`postings/s`, `bytes/s`) computed from
/// the timed section of each iteration.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 5_000
    )

    func searchConfig(_ setup: @escaping () throws -> Void = { _ = try Fixtures.searchIndex() }) -> Benchmark.Configuration {
        .init(setup: { try setup() })
    }

    /// Search that measures the engine, not result loading: no stored documents, no snippets.
    func request(_ query: String, limit: Int) -> SearchRequest {
        var r = SearchRequest(query: query, limit: limit)
        r.loadDocuments = false
        r.snippetField = nil
        return r
    }

    // MARK: Postings decoding

    let postingsPerSecond = BenchmarkMetric.custom("postings/s", polarity: .prefersLarger, useScalingFactor: false)

    /// The postings of `term` in the body field of the search index's only segment.
    func frequentTermList(_ term: String) throws -> (SegmentReader, TermInfo) {
        let reader = try Fixtures.searchIndex().reader
        let field = reader.schema.indexedFieldNumber("body")!
        let seg = reader.segments[0]
        guard let info = Array(term.utf8).withUnsafeBytes({ seg.termInfo(field: field, term: $0) }) else {
            throw BenchError("no term \(term) in the search index")
        }
        return (seg, info)
    }

    // Whole 128-document blocks, doc ids and frequencies, as block-at-a-time scorers read them.
    Benchmark("Postings decode: blocks (\"the\")",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal, postingsPerSecond]),
              closure: { benchmark, list in
        let (seg, info) = list
        let cursor = seg.cursor(info)
        var sum: UInt32 = 0
        benchmark.startMeasurement()
        let start = DispatchTime.now().uptimeNanoseconds
        for b in 0..<cursor.blockCount {
            let n = cursor.load(block: b)
            let docs = cursor.blockDocs, freqs = cursor.blockFreqs
            for i in 0..<n { sum &+= docs[i] &+ freqs[i] }
        }
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        benchmark.stopMeasurement()
        blackHole(sum)
        benchmark.measurement(postingsPerSecond, Int(Double(cursor.docFreq) * 1e9 / Double(max(elapsed, 1))))
    }, setup: { try frequentTermList("the") })

    // Document at a time through `next()` and `freq`, as term and disjunction scorers read them.
    Benchmark("Postings decode: next() (\"the\")",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal, postingsPerSecond]),
              closure: { benchmark, list in
        let (seg, info) = list
        let cursor = seg.cursor(info)
        var sum: UInt32 = 0
        benchmark.startMeasurement()
        let start = DispatchTime.now().uptimeNanoseconds
        while cursor.next() != PostingsCursor.noMore { sum &+= cursor.freq }
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        benchmark.stopMeasurement()
        blackHole(sum)
        benchmark.measurement(postingsPerSecond, Int(Double(cursor.docFreq) * 1e9 / Double(max(elapsed, 1))))
    }, setup: { try frequentTermList("the") })

    // MARK: Analysis

    let bytesPerSecond = BenchmarkMetric.custom("bytes/s", polarity: .prefersLarger, useScalingFactor: false)
    for language in ["none", "english"] {
        Benchmark("Analysis: samples (\(language))",
                  configuration: .init(metrics: [.wallClock, .mallocCountTotal, bytesPerSecond]),
                  closure: { benchmark, fixture in
            let (analyzer, texts, bytes) = fixture
            var terms = 0
            benchmark.startMeasurement()
            let start = DispatchTime.now().uptimeNanoseconds
            for t in texts { terms &+= analyzer.forEachTerm(in: t) { term, _ in blackHole(term.count) } }
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            benchmark.stopMeasurement()
            blackHole(terms)
            benchmark.measurement(bytesPerSecond, Int(Double(bytes) * 1e9 / Double(max(elapsed, 1))))
        }, setup: { () throws -> (Analyzer, [String], Int) in
            let texts = Fixtures.analysisText()
            return (try Analyzer(language: language), texts, texts.reduce(0) { $0 + $1.utf8.count })
        })
    }

    // MARK: Term lookup

    // 1,000 random exact lookups per iteration (times are per lookup) in a 100,000-term field.
    Benchmark("Term lookup: random hits, 100k terms",
              configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo),
              closure: { benchmark, fixture in
        let (seg, field, terms) = fixture
        var found = 0
        for i in benchmark.scaledIterations {
            if terms[i].withUnsafeBytes({ seg.termInfo(field: field, term: $0) }) != nil { found += 1 }
        }
        precondition(found == benchmark.scaledIterations.count, "a dictionary term was not found")
    }, setup: { () throws -> (SegmentReader, Int, [[UInt8]]) in
        let reader = try Fixtures.dictionaryIndex().reader
        let words = Fixtures.dictionaryWords()
        let picks = randomIndices(count: BenchmarkScalingFactor.kilo.rawValue, bound: words.count, seed: 11)
        return (reader.segments[0], reader.schema.indexedFieldNumber("body")!, picks.map { Array(words[$0].utf8) })
    })

    // MARK: Queries (search index: 20,000 synthetic documents, one segment)

    let queries: [(name: String, query: String, limit: Int)] = [
        ("Conjunction: +the +said, top-10", "+the +said", 10),
        // "of", "the", "war" and "legacy" are in the generator's frequent list; "united",
        // "nations", "secretary" and "state" only come with planted phrases.
        ("Phrase: frequent \"of the\", top-10", "\"of the\"", 10),
        ("Phrase: frequent \"war legacy\", top-10", "\"war legacy\"", 10),
        ("Phrase: medium \"united nations\", top-10", "\"united nations\"", 10),
        ("Phrase: medium \"secretary of state\", top-10", "\"secretary of state\"", 10),
        ("Top-k: frequent term \"market\", top-10", "market", 10),
        ("Top-k: frequent term \"market\", top-1000", "market", 1000),
    ]
    for q in queries {
        Benchmark(q.name, configuration: searchConfig()) { benchmark in
            let index = try! Fixtures.searchIndex()
            let r = request(q.query, limit: q.limit)
            benchmark.startMeasurement()
            let results = try! index.search(r)
            benchmark.stopMeasurement()
            precondition(!results.hits.isEmpty, "\(q.query) found nothing")
            blackHole(results)
        }
    }

    // MARK: Stored documents

    // One random `Index.document(id:)` per iteration: id lookup, block decompression, decoding.
    Benchmark("Stored document: random document(id:)",
              configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo),
              closure: { benchmark, fixture in
        let (index, ids) = fixture
        for i in benchmark.scaledIterations {
            guard let doc = try! index.document(id: ids[i]) else { fatalError("no document \(ids[i])") }
            blackHole(doc)
        }
    }, setup: { () throws -> (Index, [String]) in
        let index = try Fixtures.searchIndex()
        let picks = randomIndices(count: BenchmarkScalingFactor.kilo.rawValue, bound: Fixtures.searchDocCount, seed: 13)
        return (index, picks.map { String(format: "syn%07d", $0) })
    })
}
