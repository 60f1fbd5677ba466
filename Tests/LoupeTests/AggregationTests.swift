import Foundation
import XCTest
@testable import Loupe
import LoupeTestSupport

/// Facets, histograms, statistics, ranges, multi-select, field sorting, cursor paging and
/// collapsing, each checked against the brute-force model (`ReferenceValues.swift`) on random
/// corpora of several segments with deletions and replacements.
final class AggregationTests: XCTestCase {
    static let sources = ["Zeta", "alpha", "Ärger", "afp", "ap", "bbc", "cnn", "dpa", "efe", "kyodo", "lusa",
                          "nyt", "reuters", "tass", "upi", "wsj", "xinhua"]
    static let tags = ["economy", "energy", "oil", "politics", "sport", "tech", "war", "weather"]
    static let schema = Schema(fields: Schema.news().fields + [
        .keyword("source"), .keyword("tags", multiValued: true), .number("words"), .date("updated", multiValued: true),
    ])

    struct Fixture {
        let dir: TempDir
        let reader: IndexReader
        let searcher: Searcher
        let ref: ReferenceEngine
        let docs: [String: RefDoc]
        let frequent: String
    }

    static func values(_ rng: inout SeededRandom, date: Int64?) -> [String: [FieldValue]] {
        var v: [String: [FieldValue]] = [:]
        if !rng.chance(0.1) { v["source"] = [.keyword(rng.pick(sources))] }
        let n = rng.int(0...3)
        if n > 0 { v["tags"] = Set((0..<n).map { _ in rng.pick(tags) }).map { .keyword($0) } }
        if !rng.chance(0.2) {
            // Whole numbers in most segments, fractions and negatives in some.
            let w: Double = rng.chance(0.1) ? Double(rng.int(-500...500)) / 4 : Double(rng.int(0...2000))
            v["words"] = [.number(w)]
        }
        if !rng.chance(0.3) {
            let base = date ?? TestCorpus.minDate
            v["updated"] = (0..<rng.int(1...2)).map { _ in .date(base + Int64(rng.int(0...90 * 86_400))) }
        }
        return v
    }

    static func build(seed: UInt64) throws -> Fixture {
        let dir = TempDir("aggs")
        var corpus = TestCorpus(seed: seed, style: .zipfian)
        var rng = SeededRandom(seed: seed &+ 1)
        let ref = ReferenceEngine()
        var options = IndexWriterOptions()
        options.memoryBudgetBytes = 48 << 10
        options.mergeFactor = 4
        let w = try IndexWriter.create(directory: dir.path, schema: schema, options: options)
        var next = 0
        func make(_ id: String) -> Document {
            var d = corpus.document(id: id)
            d.values = values(&rng, date: d.date)
            return d
        }
        for _ in 0..<6 {
            for _ in 0..<90 {
                let d = make("d\(next)")
                next += 1
                try w.add(d)
                ref.put(d)
                if rng.chance(0.08), let victim = ref.randomId(&rng) { try w.delete(id: victim); ref.remove(victim) }
                if rng.chance(0.06), let victim = ref.randomId(&rng) { let d = make(victim); try w.update(d); ref.put(d) }
            }
            try w.commit()
        }
        w.close()
        let reader = try IndexReader.open(directory: dir.path)
        let problems = try ref.prepare(reader: reader)
        XCTAssertEqual(problems, [])
        XCTAssertGreaterThan(reader.segments.count, 1)
        XCTAssertTrue(reader.segments.contains { $0.deletedBits != nil })
        var docs: [String: RefDoc] = [:]
        for d in ref.docs { docs[d.id] = d }
        // A word matching many documents, so scored queries meet ties and several pages.
        let frequent = corpus.vocabulary.words.first { ref.search(TermQuery($0)).count >= 40 } ?? corpus.vocabulary.words[0]
        return Fixture(dir: dir, reader: reader, searcher: Searcher(reader: reader), ref: ref, docs: docs, frequent: frequent)
    }

    static let seeds: [UInt64] = [16, 1987]
    static let fixtures: [Fixture] = seeds.map { try! build(seed: $0) }

    /// Queries with their filters: all documents, a date window and keyword filter, a scored term.
    func queries(_ f: Fixture) -> [(query: any Query, filters: [any Query])] {
        let y2022 = ISODate.parse("2022-01-01")!, y2024 = ISODate.parse("2024-06-30")!
        return [
            (MatchAllQuery(), []),
            (MatchAllQuery(), [DateRangeQuery(from: y2022, to: y2024), KeywordQuery(field: "tags", values: ["oil", "war"])]),
            (TermQuery(f.frequent), []),
            (TermQuery(f.frequent), [NumberRangeQuery(field: "words", lower: 100, upper: nil)]),
        ]
    }

    func matches(_ f: Fixture, _ q: any Query, _ filters: [any Query]) -> [RefHit] {
        f.ref.search(Searcher.filtered(q, filters))
    }

    func request(_ q: any Query, _ filters: [any Query], limit: Int = 10) -> SearchRequest {
        var r = SearchRequest(q, limit: limit)
        r.filters = filters
        r.loadDocuments = false
        r.snippetField = nil
        return r
    }

    // MARK: Facets

    func testFacetsHistogramsStatsAndRangesEqualBruteForce() throws {
        let ranges = [NumberRange(from: nil, to: 0), NumberRange(from: 0, to: 100.5), NumberRange(from: 100, to: 1000),
                      NumberRange(from: 1000, to: nil)]
        for f in Self.fixtures {
            for (q, filters) in queries(f) {
                var r = request(q, filters)
                r.facets = [.terms("source", size: 100), .terms("tags", size: 3), .terms("source"),
                            .stats("words"), .stats("date"), .ranges("words", ranges), .ranges("updated", [NumberRange(from: 1.6e9, to: 1.7e9)])]
                r.facets += HistogramInterval.allCases.flatMap { [FacetRequest.histogram("date", $0), .histogram("updated", $0)] }
                let res = try f.searcher.search(r)
                let docs = matches(f, q, filters).map { f.docs[$0.id]! }
                XCTAssertEqual(res.total, docs.count, "\(q)")
                XCTAssertEqual(res.facets.map(\.name), r.facets.map(\.name))
                for (facet, req) in zip(res.facets, r.facets) {
                    switch req.kind {
                    case let .terms(size):
                        XCTAssertEqual(facet.buckets, ReferenceValues.terms(docs, field: req.field, size: size), "\(q) \(req.name)")
                    case let .histogram(i):
                        XCTAssertEqual(facet.buckets, ReferenceValues.histogram(docs, field: req.field, interval: i), "\(q) \(req.name)")
                    case .stats:
                        let e = ReferenceValues.stats(docs, field: req.field), s = facet.stats!
                        XCTAssertEqual(s.count, e.count); XCTAssertEqual(s.min, e.min); XCTAssertEqual(s.max, e.max)
                        XCTAssertTrue(ReferenceEngine.nearlyEqual(s.sum, e.sum, 1e-12), "\(s.sum) \(e.sum)")
                    case let .ranges(rs):
                        XCTAssertEqual(facet.buckets, ReferenceValues.ranges(docs, field: req.field, rs), "\(q) \(req.name)")
                    }
                }
            }
        }
    }

    func testHistogramLabelsAndWeeksStartMonday() throws {
        // 1987-02-26 was a Thursday: its ISO week starts Monday 1987-02-23.
        let t = ISODate.parse("1987-02-26T13:00:00Z")!
        func label(_ i: HistogramInterval) -> String {
            DateHistogramCollector.label(DateHistogramCollector.start(of: DateHistogramCollector.period(t, i), i), i)
        }
        XCTAssertEqual(HistogramInterval.allCases.map(label), ["1987", "1987-02", "1987-02-23", "1987-02-26"])
        // A week spanning New Year is one bucket, named by its Monday.
        let nye = ISODate.parse("2025-01-01")!, before = ISODate.parse("2024-12-30")!
        XCTAssertEqual(DateHistogramCollector.period(nye, .week), DateHistogramCollector.period(before, .week))
        XCTAssertEqual(DateHistogramCollector.period(ISODate.parse("1969-12-29")!, .week), DateHistogramCollector.period(ISODate.parse("1970-01-04T23:59:59Z")!, .week))
    }

    func testFacetCountsDoNotDependOnLimit() throws {
        let f = Self.fixtures[0]
        var results: [[FacetResult]] = []
        for limit in [0, 1, 5, 1000] {
            var r = request(TermQuery(f.frequent), [], limit: limit)
            r.facets = [.terms("source"), .histogram("date", .month), .stats("words")]
            let res = try f.searcher.search(r)
            XCTAssertFalse(res.totalIsLowerBound)
            results.append(res.facets)
        }
        XCTAssertEqual(Set(results.map { $0.map(\.buckets) }).count, 1)
        XCTAssertEqual(Set(results.map { $0.map(\.stats) }).count, 1)
    }

    func testMultiSelectFacetIgnoresItsOwnFieldsFilters() throws {
        for f in Self.fixtures {
            let own: [any Query] = [KeywordQuery(field: "source", values: ["reuters", "afp"])]
            let other: [any Query] = [DateRangeQuery(from: ISODate.parse("2021-01-01")!, to: nil)]
            for q in [MatchAllQuery() as any Query, TermQuery(f.frequent)] {
                var r = request(q, own + other)
                r.facets = [.terms("source", size: 100, multiSelect: true), .terms("source", size: 100), .terms("tags", multiSelect: true),
                            .histogram("date", .year, multiSelect: true)]
                let res = try f.searcher.search(r)
                let all = matches(f, q, own + other).map { f.docs[$0.id]! }
                let withoutOwn = matches(f, q, other).map { f.docs[$0.id]! }
                XCTAssertEqual(res.total, all.count)
                XCTAssertEqual(res.facets[0].buckets, ReferenceValues.terms(withoutOwn, field: "source", size: 100))
                XCTAssertEqual(res.facets[1].buckets, ReferenceValues.terms(all, field: "source", size: 100))
                XCTAssertEqual(res.facets[2].buckets, ReferenceValues.terms(all, field: "tags", size: 10))
                // `date` is filtered by `other` only through a DateRangeQuery on `date`: multi-select drops it.
                let withoutDate = matches(f, q, own).map { f.docs[$0.id]! }
                XCTAssertEqual(res.facets[3].buckets, ReferenceValues.histogram(withoutDate, field: "date", interval: .year))
                XCTAssertGreaterThan(res.facets[0].buckets.count, 2)
            }
        }
    }

    // MARK: Sorting

    static let sorts: [SortField?] = [nil] + ["source", "tags", "words", "date", "updated"].flatMap {
        [SortField($0), SortField($0, descending: true)]
    }

    /// Checks `hits` against the reference: the same documents as `expected`, and in an order
    /// the reference accepts (scores from the engine, so rounding cannot flip a near-tie).
    func checkOrder(_ f: Fixture, _ hits: [SearchHit], expected: [RefHit], sort: SortField?, _ context: String) {
        XCTAssertEqual(Set(hits.map(\.id)), Set(expected.map(\.id)), context)
        XCTAssertEqual(hits.count, expected.count, context)
        let keyword = sort.map { ["source", "tags"].contains($0.field) } ?? false
        for (a, b) in zip(hits, hits.dropFirst()) {
            let da = f.docs[a.id]!, db = f.docs[b.id]!
            if let sort, let x = ReferenceValues.before(ReferenceValues.sortValue(da, sort, keyword: keyword),
                                                        ReferenceValues.sortValue(db, sort, keyword: keyword), descending: sort.descending) {
                XCTAssertTrue(x, "\(context): \(a.id) before \(b.id)")
                if !x { return }
                continue
            }
            let ok = a.score > b.score || (a.score == b.score && a.address < b.address)
            XCTAssertTrue(ok, "\(context): \(a.id) \(a.score) before \(b.id) \(b.score)")
            if !ok { return }
        }
    }

    func testSortEqualsBruteForce() throws {
        for f in Self.fixtures {
            for (q, filters) in queries(f) {
                for sort in Self.sorts {
                    var r = request(q, filters, limit: 25)
                    r.sortField = sort
                    let res = try f.searcher.search(r)
                    let keyword = sort.map { ["source", "tags"].contains($0.field) } ?? false
                    let expected = ReferenceValues.order(matches(f, q, filters), docs: f.docs, sort: sort, keyword: keyword)
                    if q is MatchAllQuery {
                        // Every score is 0: the order is fully determined.
                        XCTAssertEqual(res.hits.map(\.id), expected.prefix(25).map(\.id), "\(q) \(String(describing: sort))")
                    } else {
                        var all = r
                        all.limit = 10_000
                        checkOrder(f, try f.searcher.search(all).hits, expected: expected, sort: sort, "\(q) \(String(describing: sort))")
                    }
                }
            }
        }
    }

    func testLegacyDateOrdersStillSortByDate() throws {
        let f = Self.fixtures[0]
        for (order, sort) in [(SortOrder.newest, SortField("date", descending: true)), (.oldest, SortField("date"))] {
            var a = request(MatchAllQuery(), [], limit: 50)
            a.sort = order
            var b = a
            b.sort = .relevance
            b.sortField = sort
            XCTAssertEqual(try f.searcher.search(a).hits.map(\.id), try f.searcher.search(b).hits.map(\.id))
        }
    }

    // MARK: Cursors

    /// Pages through `request` by cursor; returns the concatenated hits.
    func pages(_ f: Fixture, _ request: SearchRequest, limit: Int) throws -> [SearchHit] {
        var r = request
        r.limit = limit
        var out: [SearchHit] = []
        for _ in 0..<1000 {
            let res = try f.searcher.search(r)
            XCTAssertLessThanOrEqual(res.hits.count, limit)
            out += res.hits
            guard let c = res.cursor else { break }
            XCTAssertEqual(res.hits.count, limit, "a cursor only after a full page")
            r.cursor = c
        }
        return out
    }

    func testCursorPagesConcatenateToOneBigPage() throws {
        for f in Self.fixtures {
            for (q, filters) in queries(f) {
                for sort in Self.sorts {
                    for collapse in [nil, "source"] {
                        var r = request(q, filters, limit: 10_000)
                        r.sortField = sort
                        r.collapse = collapse
                        let big = try f.searcher.search(r)
                        XCTAssertNil(big.cursor)
                        let paged = try pages(f, r, limit: 7)
                        let context = "\(q) \(String(describing: sort)) \(String(describing: collapse))"
                        XCTAssertEqual(paged.map(\.id), big.hits.map(\.id), context)
                        XCTAssertEqual(paged.map(\.collapsedCount), big.hits.map(\.collapsedCount), context)
                    }
                }
            }
        }
    }

    func testOffsetPagingMatchesCursorAndReportsPastTheEnd() throws {
        let f = Self.fixtures[0]
        var r = request(TermQuery(f.frequent), [], limit: 10_000)
        r.sortField = SortField("words", descending: true)
        let big = try f.searcher.search(r)
        r.limit = 9
        r.offset = 18
        let page = try f.searcher.search(r)
        XCTAssertEqual(page.hits.map(\.id), big.hits.dropFirst(18).prefix(9).map(\.id))
        XCTAssertNotNil(page.cursor)
        r.offset = big.total + 5
        let past = try f.searcher.search(r)
        XCTAssertTrue(past.offsetIsPastEnd)
        XCTAssertEqual(past.offset, big.total + 5)
        XCTAssertNil(past.cursor)
        r.offset = big.total - 1
        XCTAssertFalse(try f.searcher.search(r).offsetIsPastEnd)
    }

    func testMalformedOrMismatchedCursorIsAClearError() throws {
        let f = Self.fixtures[0]
        for bad in ["", "abc", "!!!", SearchCursor.tamperedExample] {
            var r = request(MatchAllQuery(), [])
            r.cursor = bad
            XCTAssertThrowsError(try f.searcher.search(r)) { e in
                guard case let LoupeError.invalidRequest(m)? = e as? LoupeError else { return XCTFail("\(e)") }
                XCTAssertTrue(m.contains("cursor"), m)
            }
        }
        var r = request(MatchAllQuery(), [], limit: 3)
        r.sortField = SortField("words")
        let c = try f.searcher.search(r).cursor
        r.sortField = SortField("words", descending: true)
        r.cursor = c
        XCTAssertThrowsError(try f.searcher.search(r)) { e in
            XCTAssertEqual((e as? LoupeError)?.description, "invalid search request: the cursor continues results sorted by words:asc, not by words:desc")
        }
    }

    // MARK: Collapse

    func testCollapseEqualsBruteForce() throws {
        for f in Self.fixtures {
            for (q, filters) in queries(f) where q is MatchAllQuery || filters.isEmpty {
                for sort in Self.sorts {
                    for field in ["source", "tags"] {
                        var r = request(q, filters, limit: 10_000)
                        r.sortField = sort
                        r.collapse = field
                        let res = try f.searcher.search(r)
                        let hits = matches(f, q, filters)
                        let keyword = sort.map { ["source", "tags"].contains($0.field) } ?? false
                        let expected = ReferenceValues.collapse(ReferenceValues.order(hits, docs: f.docs, sort: sort, keyword: keyword),
                                                                docs: f.docs, field: field)
                        let context = "\(q) \(String(describing: sort)) \(field)"
                        XCTAssertEqual(res.total, hits.count, context)
                        XCTAssertEqual(res.groupCount, expected.count, context)
                        if q is MatchAllQuery {
                            XCTAssertEqual(res.hits.map(\.id), expected.map(\.hit.id), context)
                            XCTAssertEqual(res.hits.map(\.collapsedCount), expected.map(\.count), context)
                        } else {
                            // Scored: group sizes by group value (which member is best may differ by rounding).
                            func sizes(_ ids: [String], _ counts: [Int]) -> [String: Int] {
                                var m: [String: Int] = [:]
                                for (id, n) in zip(ids, counts) { m[f.docs[id]!.keywords(field).min(by: ReferenceValues.bytesLess).map { "\(Array($0.utf8))" } ?? id] = n }
                                return m
                            }
                            XCTAssertEqual(sizes(res.hits.map(\.id), res.hits.map { $0.collapsedCount! }),
                                           sizes(expected.map(\.hit.id), expected.map(\.count)), context)
                        }
                    }
                }
            }
        }
    }

    func testWrongFieldTypesAreInvalidRequests() throws {
        let f = Self.fixtures[0]
        for (facet, message) in [(FacetRequest.terms("words"), "a terms facet needs a keyword field; 'words' is a number field"),
                                 (.histogram("words", .year), "a date histogram needs a date field; 'words' is a number field"),
                                 (.stats("source"), "statistics needs a number or date field; 'source' is a keyword field")] {
            var r = request(MatchAllQuery(), [])
            r.facets = [facet]
            XCTAssertThrowsError(try f.searcher.search(r)) { XCTAssertEqual(($0 as? LoupeError)?.description, "invalid search request: \(message)") }
        }
        var r = request(MatchAllQuery(), [])
        r.facets = [.terms("nope")]
        XCTAssertThrowsError(try f.searcher.search(r)) { XCTAssertEqual($0 as? LoupeError, .unknownField("nope")) }
    }

    func testGlobalOrdinalsAreSortedByBytesAndCached() throws {
        let f = Self.fixtures[0]
        let g = try f.reader.globalOrdinals("source")
        XCTAssertEqual(g.values, g.values.sorted(by: ReferenceValues.bytesLess))
        XCTAssertEqual(Set(g.values.map { Array($0.utf8) }), Set(Self.sources.map { Array($0.utf8) }))
        XCTAssertEqual(g.values.count, Self.sources.count)
        XCTAssertTrue(g === (try f.reader.globalOrdinals("source")))
        XCTAssertEqual(g.ordinal(of: "reuters").map { g.values[$0] }, "reuters")
        XCTAssertNil(g.ordinal(of: "nope"))
    }
}

extension SearchCursor {
    /// A well-formed-looking cursor with a field missing.
    static let tamperedExample = Data("1 5 relevance 0 0 0".utf8).base64EncodedString()
}

/// `SearchRequest.collapse = "near-duplicates"`: the clusters of a first pass, collapsed by
/// the same collector as keyword values.
final class NearDuplicateCollapseTests: XCTestCase {
    func testCollapsingNearDuplicatesKeepsOneHitPerCluster() throws {
        let dir = TempDir("neardup-collapse")
        var schema = Schema.news()
        schema.nearDuplicates = NearDuplicateSettings()
        let story = (0..<60).map { "word\($0 % 37) story\($0)" }.joined(separator: " ")
        let other = (0..<60).map { "other\($0) text\($0 % 11)" }.joined(separator: " ")
        let docs = [Document(id: "a", fields: ["body": story]), Document(id: "b", fields: ["body": story + " more"]),
                    Document(id: "c", fields: ["body": other]), Document(id: "d", fields: ["body": "REUTERS " + story])]
        let index = try TestIndex.build(at: dir.path, schema: schema, documents: docs)
        var r = SearchRequest(MatchAllQuery(), limit: 10)
        r.collapse = SearchRequest.nearDuplicates
        r.loadDocuments = false
        r.snippetField = nil
        let res = try Searcher(reader: index.reader).search(r)
        XCTAssertEqual(res.total, 4)
        XCTAssertEqual(res.groupCount, 2)
        XCTAssertEqual(res.hits.map(\.id), ["a", "c"])
        XCTAssertEqual(res.hits.map(\.collapsedCount), [3, 1])

        // Without signatures in the schema there is nothing to cluster: a clear error.
        let noSettings = TempDir("neardup-none")
        let index2 = try TestIndex.build(at: noSettings.path, documents: docs)
        XCTAssertThrowsError(try Searcher(reader: index2.reader).search(r)) {
            guard case LoupeError.invalidRequest? = $0 as? LoupeError else { return XCTFail("\($0)") }
        }
    }
}
