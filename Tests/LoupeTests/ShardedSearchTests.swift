import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// A search over several shards scores, counts and orders exactly as one index holding all
/// their documents (the single index itself is checked against the brute-force reference by
/// `BM25ReferenceTests`).
final class ShardedSearchTests: XCTestCase {
    var tmp: TempDir!
    override func setUp() { tmp = TempDir("loupe-shards") }
    override func tearDown() { tmp = nil }

    /// `shards` indexes and one index of all their documents, built with the same additions
    /// and deletions; several segments each.
    func build(shards: Int, documents: Int, seed: UInt64) throws -> (shards: [String], whole: String, words: [String]) {
        var corpus = TestCorpus(seed: seed, style: .zipfian)
        var opts = IndexWriterOptions(); opts.memoryBudgetBytes = 48 << 10; opts.mergeFactor = 3
        let dirs = (0..<shards).map { tmp.sub("shard\($0)") }
        // The aggregation tests' schema and values: keyword, number and date fields to facet on.
        let schema = AggregationTests.schema
        let writers = try dirs.map { try IndexWriter.create(directory: $0, schema: schema, options: opts) }
        let whole = try IndexWriter.create(directory: tmp.sub("whole"), schema: schema, options: opts)
        var rng = SeededRandom(seed: seed + 1)
        var live: [String: Int] = [:]
        for i in 0..<documents {
            let id = "d\(i)", s = Int.random(in: 0..<shards, using: &rng)
            var doc = corpus.document(id: id)
            doc.values = AggregationTests.values(&rng, date: doc.date)
            try writers[s].add(doc); try whole.add(doc); live[id] = s
            if i % 7 == 3, let victim = live.keys.sorted().randomElement(using: &rng) {
                try writers[live[victim]!].delete(id: victim); try whole.delete(id: victim); live[victim] = nil
            }
            if i % 60 == 59 { for w in writers { try w.commit() }; try whole.commit() }
        }
        for w in writers { try w.commit(); w.close() }
        try whole.commit(); whole.close()
        return (dirs, tmp.sub("whole"), corpus.vocabulary.words)
    }

    func testShardedSearchEqualsOneIndexOfAllDocuments() throws {
        let (dirs, wholeDir, words) = try build(shards: 3, documents: 700, seed: 21)
        let sharded = try ShardedSearcher(directories: dirs)
        let whole = try Index.open(at: wholeDir)
        XCTAssertEqual(sharded.liveDocCount, whole.reader.liveDocCount)
        XCTAssertGreaterThan(sharded.shards.map(\.reader.segments.count).min()!, 1)

        var rng = SeededRandom(seed: 5)
        func word() -> String { words[min(words.count - 1, Int(Double(words.count) * pow(Double.random(in: 0..<1, using: &rng), 3)))] }
        var checked = 0
        for q in 0..<80 {
            let a = word(), b = word()
            let text: String
            switch q % 8 {
            case 0: text = a
            case 1: text = "\(a) \(b)"
            case 2: text = "\(a) OR \(b)"
            case 3: text = "\"\(a) \(b)\""
            case 4: text = "\(a) -\(b)"
            case 5: text = String(a.prefix(2)) + "*"
            case 6: text = "\(a)~1"
            default: text = "(\(a) OR \(b))^2 \(word())"
            }
            // Every match: the same documents with the same scores.
            var all = SearchRequest(query: text, limit: 2000)
            all.exactCount = true
            all.loadDocuments = false
            let s = try sharded.search(all), w = try whole.search(all)
            XCTAssertEqual(s.total, w.total, text)
            XCTAssertFalse(s.totalIsLowerBound, text)
            func byScoreThenId(_ hits: [SearchHit]) -> [String] {
                hits.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }.map { "\($0.id) \($0.score)" }
            }
            XCTAssertEqual(byScoreThenId(s.hits), byScoreThenId(w.hits), text)
            XCTAssertEqual(try sharded.count(try whole.searcher.parse(text)), w.total, text)
            // The top 10, pruned, with an offset: the same scores in the same order.
            var top = SearchRequest(query: text, limit: 10)
            top.offset = 3
            top.loadDocuments = false
            let st = try sharded.search(top), wt = try whole.search(top)
            XCTAssertEqual(st.hits.map(\.score), wt.hits.map(\.score), text)
            XCTAssertTrue(st.hits.allSatisfy { $0.shard != nil })
            // By date, newest and oldest first: the same dates and scores in the same order.
            for sort in [SortOrder.newest, .oldest] {
                var dated = SearchRequest(query: text, limit: 12)
                dated.sort = sort
                dated.offset = q % 3
                let sd = try sharded.search(dated), wd = try whole.search(dated)
                XCTAssertEqual(sd.hits.map { "\($0.document?.date ?? -1) \($0.score)" }, wd.hits.map { "\($0.document?.date ?? -1) \($0.score)" }, "\(text) \(sort)")
                XCTAssertEqual(sd.total, wd.total, "\(text) \(sort)")
            }
            // Facets: every kind, counts added over shards.
            var faceted = SearchRequest(query: text, limit: 5)
            faceted.facets = [.terms("source", size: 4), .terms("tags", size: 3), .histogram("date", .month),
                              .histogram("updated", .week), .stats("words"), .stats("updated"),
                              .ranges("words", [NumberRange(from: nil, to: 100), NumberRange(from: 100, to: 1000), NumberRange(from: 1000, to: nil)])]
            if q % 4 == 0 { faceted.filters = [KeywordQuery(field: "tags", values: ["oil"])]; faceted.facets[1].multiSelect = true }
            let sf = try sharded.search(faceted), wf = try whole.search(faceted)
            XCTAssertEqual(sf.total, wf.total, text)
            XCTAssertEqual(sf.facets.count, wf.facets.count)
            for (a, b) in zip(sf.facets, wf.facets) {
                XCTAssertEqual(a.name, b.name)
                XCTAssertEqual(a.buckets, b.buckets, "\(text) \(a.name)")
                XCTAssertEqual(a.stats?.count, b.stats?.count, "\(text) \(a.name)")
                XCTAssertEqual(a.stats?.min, b.stats?.min, "\(text) \(a.name)")
                XCTAssertEqual(a.stats?.max, b.stats?.max, "\(text) \(a.name)")
                XCTAssertEqual(a.stats?.sum ?? 0, b.stats?.sum ?? 0, accuracy: 1e-9 * max(1, abs(b.stats?.sum ?? 0)), "\(text) \(a.name)")
            }
            if !w.hits.isEmpty { checked += 1 }
        }
        XCTAssertGreaterThan(checked, 50)
    }

    func testExplanationsAndHitsComeFromTheirShard() throws {
        let (dirs, wholeDir, words) = try build(shards: 2, documents: 200, seed: 22)
        let sharded = try ShardedSearcher(directories: dirs)
        var request = SearchRequest(query: words[0], limit: 5)
        request.explain = true
        let s = try sharded.search(request), w = try Index.open(at: wholeDir).search(request)
        XCTAssertEqual(s.hits.first?.explanation?.docCount, w.hits.first?.explanation?.docCount)
        XCTAssertEqual(s.hits.first?.explanation?.score, w.hits.first?.explanation?.score)
        for hit in s.hits {
            let shard = try XCTUnwrap(hit.shard)
            XCTAssertEqual(try sharded.shards[shard].reader.document(id: hit.id)?.id, hit.id)
            XCTAssertEqual(hit.document?.id, hit.id)
        }
    }

    /// A timeout covers all shards: a search given none of it stops at once, flagged.
    func testATimeoutCoversEveryShard() throws {
        let (dirs, _, words) = try build(shards: 3, documents: 120, seed: 24)
        let sharded = try ShardedSearcher(directories: dirs)
        var none = SearchRequest(query: words[0], limit: 5)
        none.timeout = .zero
        let stopped = try sharded.search(none)
        XCTAssertTrue(stopped.timedOut)
        XCTAssertTrue(stopped.totalIsLowerBound)
        var ample = SearchRequest(query: words[0], limit: 5)
        ample.timeout = .seconds(600)
        let full = try sharded.search(ample)
        XCTAssertFalse(full.timedOut)
        XCTAssertEqual(full.hits.map(\.id), try sharded.search(SearchRequest(query: words[0], limit: 5)).hits.map(\.id))
    }

    func testShardsMustAgreeAndUnsupportedRequestsSaySo() throws {
        let (dirs, _, _) = try build(shards: 2, documents: 50, seed: 23)
        let other = tmp.sub("french")
        try Index.create(at: other, schema: Schema(fields: AggregationTests.schema.fields, language: "french"))
        XCTAssertThrowsError(try ShardedSearcher(directories: [dirs[0], other])) { error in
            guard case LoupeError.invalidRequest(let why)? = error as? LoupeError else { return XCTFail("\(error)") }
            XCTAssertTrue(why.contains("schema"), why)
        }
        XCTAssertThrowsError(try ShardedSearcher(readers: []))
        let sharded = try ShardedSearcher(directories: dirs)
        var sorted = SearchRequest(query: "a", limit: 3); sorted.sortField = SortField("date", descending: false)
        var collapsed = SearchRequest(query: "a", limit: 3); collapsed.collapse = "source"
        for request in [sorted, collapsed] {
            XCTAssertThrowsError(try sharded.search(request)) { error in
                guard case LoupeError.invalidRequest(let why)? = error as? LoupeError else { return XCTFail("\(error)") }
                XCTAssertTrue(why.contains("several indexes"), why)
            }
        }
    }
}
