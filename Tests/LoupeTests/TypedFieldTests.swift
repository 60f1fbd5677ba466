import XCTest
@testable import Loupe
import LoupeTestSupport

/// Keyword, number and date fields: input, columns, query syntax, and a brute-force check of
/// filters on a random corpus with several segments and deletions.
final class TypedFieldTests: XCTestCase {
    static let schema = Schema(fields: [
        FieldDefinition(name: "title", indexed: true, stored: true, boost: 2),
        FieldDefinition(name: "body", indexed: true, stored: true),
        .keyword("source", normalize: .lowercase),
        .keyword("tags", multiValued: true),
        .number("words"),
        .number("scores", multiValued: true),
        .date("updated"),
    ])

    private func day(_ s: String) -> Int64 { ISODate.parse(s)! }

    private func small() throws -> (TempDir, Index) {
        let dir = TempDir()
        let docs = [
            Document(id: "a", fields: ["title": "oil prices", "body": "crude oil rose"], date: day("2024-03-01"),
                     values: ["source": [.keyword("Reuters")], "tags": [.keyword("oil"), .keyword("energy")],
                              "words": [.number(120)], "updated": [.date(day("2025-06-02"))], "scores": [.number(1.5), .number(-2)]]),
            Document(id: "b", fields: ["title": "oil exports", "body": "oil exports fell"], date: day("2025-06-15"),
                     values: ["source": [.keyword("AFP")], "tags": [.keyword("oil")], "words": [.number(480)]]),
            Document(id: "c", fields: ["title": "grain harvest", "body": "wheat and oil seeds"], date: day("2025-12-31"),
                     values: ["source": [.keyword("reuters")], "words": [.number(90)], "updated": [.date(day("2026-01-01"))]]),
            Document(id: "d", fields: ["title": "markets", "body": "stocks"], date: nil, values: [:]),
        ]
        let index = try TestIndex.build(at: dir.path, schema: Self.schema, documents: docs)
        return (dir, index)
    }

    private func ids(_ index: Index, _ q: String) throws -> [String] {
        var r = SearchRequest(query: q, limit: 100_000)
        r.loadDocuments = false; r.snippetField = nil
        return try index.search(r).hits.map(\.id).sorted()
    }

    func testKeywordNumberAndDateSyntax() throws {
        let (_, index) = try small()
        XCTAssertEqual(try ids(index, "source:reuters"), ["a", "c"])
        XCTAssertEqual(try ids(index, "source:REUTERS"), ["a", "c"], "the field's normalizer applies to the query value")
        XCTAssertEqual(try ids(index, "source:(reuters OR afp)"), ["a", "b", "c"])
        XCTAssertEqual(try ids(index, "source:reu*"), ["a", "c"])
        XCTAssertEqual(try ids(index, "tags:oil"), ["a", "b"])
        XCTAssertEqual(try ids(index, "tags:energy"), ["a"])
        XCTAssertEqual(try ids(index, "tags:Oil"), [], "keywords without a normalizer are exact")
        XCTAssertEqual(try ids(index, "words:[100 TO 500]"), ["a", "b"])
        XCTAssertEqual(try ids(index, "words:>=120"), ["a", "b"])
        XCTAssertEqual(try ids(index, "words:>120"), ["b"])
        XCTAssertEqual(try ids(index, "words:<120"), ["c"])
        XCTAssertEqual(try ids(index, "words:90"), ["c"])
        XCTAssertEqual(try ids(index, "words:[* TO 100]"), ["c"])
        XCTAssertEqual(try ids(index, "scores:[-3 TO -1]"), ["a"])
        XCTAssertEqual(try ids(index, "updated:2025"), ["a"])
        XCTAssertEqual(try ids(index, "updated:2025-06"), ["a"])
        XCTAssertEqual(try ids(index, "updated:[2025-07 TO *]"), ["c"])
        XCTAssertEqual(try ids(index, "date:2025"), ["b", "c"])
        XCTAssertEqual(try ids(index, "date:2025-06"), ["b"])
        XCTAssertEqual(try ids(index, "date:[2024 TO 2025-06]"), ["a", "b"])
        XCTAssertEqual(try ids(index, "date:>=2025-07"), ["c"])
        XCTAssertEqual(try ids(index, "oil source:reuters"), ["a", "c"])
        XCTAssertEqual(try ids(index, "oil -source:reuters"), ["b"])
        XCTAssertEqual(try ids(index, "source:\"reuters\" tags:oil"), ["a"])
    }

    func testFiltersDoNotChangeScores() throws {
        let (_, index) = try small()
        let plain = try index.search(SearchRequest(query: "oil", limit: 10)).hits
        let filtered = try index.search(SearchRequest(query: "oil source:reuters words:>=0", limit: 10)).hits
        for h in filtered {
            XCTAssertEqual(h.score, try XCTUnwrap(plain.first { $0.id == h.id }).score, accuracy: 1e-12)
        }
    }

    func testBadFieldValuesAreErrors() throws {
        func reason(_ json: String) -> String {
            do {
                _ = try Self.schema.document(DocumentObject(json: Array(json.utf8), source: "x.jsonl:3"), source: "x.jsonl:3")
                return ""
            } catch { return "\(error)" }
        }
        XCTAssertTrue(reason(#"{"id":"a","words":"abc"}"#).contains("\"words\" must hold numbers"), reason(#"{"id":"a","words":"abc"}"#))
        XCTAssertTrue(reason(#"{"id":"a","source":["a","b"]}"#).contains("holds one value, not an array"))
        XCTAssertTrue(reason(#"{"id":"a","tags":[1]}"#).contains("\"tags\" must hold strings"))
        XCTAssertTrue(reason(#"{"id":"a","updated":"soon"}"#).contains("bad date 'soon'"))
        XCTAssertTrue(reason(#"{"id":"a","date":-9223372036854775808}"#).contains("outside the supported range, years 0001 to 9999"))
        XCTAssertTrue(reason(#"{"id":"a","words":"abc"}"#).contains("x.jsonl:3"))
        let ok = try Self.schema.document(DocumentObject(json: Array(#"{"id":"a","tags":["x","y",null],"words":null,"scores":[1,2.5]}"#.utf8), source: "s"), source: "s")
        XCTAssertEqual(ok.values["tags"], [.keyword("x"), .keyword("y")])
        XCTAssertEqual(ok.values["scores"], [.number(1), .number(2.5)])
        XCTAssertNil(ok.values["words"])
    }

    func testBadQueriesNameTheProblem() throws {
        let (_, index) = try small()
        for (q, text) in [("words:abc", "is not a number"), ("source:[a TO b]", "ranges are only supported"),
                          ("updated:someday", "invalid date"), ("words:[5 TO 1]", "starts")] {
            XCTAssertThrowsError(try index.search(SearchRequest(query: q)), q) { XCTAssertTrue("\($0)".contains(text), "\(q): \($0)") }
        }
    }

    func testValuesReadBackAndSurviveMerges() throws {
        let dir = TempDir()
        let writer = try IndexWriter.create(directory: dir.path, schema: Self.schema)
        var expected: [String: [String: [FieldValue]]] = [:]
        var random = SeededRandom(seed: 7)
        for batch in 0..<3 {
            for i in 0..<40 {
                let id = "d\(batch)-\(i)"
                var values: [String: [FieldValue]] = [:]
                if random.chance(0.8) { values["source"] = [.keyword(random.pick(["reuters", "afp", "ap", "bbc"]))] }
                if random.chance(0.7) { values["tags"] = Array(Set((0..<random.int(1...3)).map { _ in random.pick(["a", "b", "c", "d", "e"]) })).sorted().map(FieldValue.keyword) }
                if random.chance(0.9) { values["words"] = [.number(Double(random.int(0...2000)))] }
                if random.chance(0.5) { values["scores"] = [.number(Double(random.int(-50...50)) / 4), .number(1e300)] }
                if random.chance(0.5) { values["updated"] = [.date(Int64(random.int(0...2_000_000_000)))] }
                try writer.add(Document(id: id, fields: ["title": "t \(i)", "body": "b"], values: values))
                expected[id] = values
            }
            try writer.commit()
        }
        for i in stride(from: 0, to: 40, by: 3) { try writer.delete(id: "d1-\(i)"); expected["d1-\(i)"] = nil }
        try writer.commit()
        func check() throws {
            let index = try Index.open(at: dir.path)
            for (id, values) in expected {
                let doc = try XCTUnwrap(try index.document(id: id), id)
                var want = values
                if let s = want["scores"] { want["scores"] = s.sorted { $0.number! < $1.number! } }
                XCTAssertEqual(doc.values, want, id)
            }
        }
        try check()
        XCTAssertNoThrow(try IndexChecker.check(directory: dir.path), "the columns hold their invariants")
        try writer.forceMerge(maxSegments: 1)
        writer.close()
        try check()
        XCTAssertNoThrow(try IndexChecker.check(directory: dir.path))
    }

    /// Filters against a brute-force reading of the documents' values.
    func testFiltersAgainstBruteForce() throws {
        let dir = TempDir()
        let writer = try IndexWriter.create(directory: dir.path, schema: Self.schema)
        var random = SeededRandom(seed: 11)
        var docs: [String: Document] = [:]
        let sources = (0..<15).map { "src\($0)" }
        for batch in 0..<4 {
            for i in 0..<120 {
                var values: [String: [FieldValue]] = [:]
                if random.chance(0.9) { values["source"] = [.keyword(random.pick(sources))] }
                if random.chance(0.8) { values["tags"] = (0..<random.int(1...4)).map { _ in .keyword("t\(random.int(0...19))") } }
                if random.chance(0.85) { values["words"] = [.number(Double(random.int(0...1000)))] }
                if random.chance(0.6) { values["updated"] = [.date(Int64(random.int(1_400_000_000...1_800_000_000)))] }
                let d = Document(id: "d\(batch)-\(i)", fields: ["title": random.chance(0.5) ? "oil" : "gas", "body": "x"],
                                 date: random.chance(0.9) ? Int64(random.int(1_300_000_000...1_800_000_000)) : nil, values: values)
                try writer.add(d)
                docs[d.id] = d
            }
            try writer.commit()
            for _ in 0..<10 { let id = "d\(batch)-\(random.int(0...119))"; try writer.delete(id: id); docs[id] = nil }
            try writer.commit()
        }
        writer.close()
        let index = try Index.open(at: dir.path)
        XCTAssertGreaterThan(index.reader.segments.count, 2)
        func nums(_ d: Document, _ f: String) -> [Double] { (d.values[f] ?? []).compactMap(\.number) }
        func kws(_ d: Document, _ f: String) -> [String] { (d.values[f] ?? []).compactMap(\.keyword) }
        let cases: [(String, (Document) -> Bool)] = [
            ("source:src3", { kws($0, "source") == ["src3"] }),
            ("source:(src1 OR src2 OR nosuch)", { ["src1", "src2"].contains(kws($0, "source").first ?? "") }),
            ("tags:t7", { kws($0, "tags").contains("t7") }),
            ("tags:t1*", { kws($0, "tags").contains { $0.hasPrefix("t1") } }),
            ("words:[200 TO 400]", { nums($0, "words").contains { $0 >= 200 && $0 <= 400 } }),
            ("words:<50", { nums($0, "words").contains { $0 < 50 } }),
            ("updated:[2020 TO 2022-06]", { nums($0, "updated").contains { $0 >= Double(self.day("2020-01-01")) && $0 < Double(self.day("2022-07-01")) } }),
            ("date:2019", { d in d.date.map { $0 >= self.day("2019-01-01") && $0 < self.day("2020-01-01") } ?? false }),
            ("oil tags:t3 -source:src4", { $0.fields["title"] == "oil" && kws($0, "tags").contains("t3") && kws($0, "source") != ["src4"] }),
        ]
        for (q, predicate) in cases {
            let want = docs.values.filter(predicate).map(\.id).sorted()
            XCTAssertEqual(try ids(index, q), want, q)
            XCTAssertEqual(try index.searcher.count(try index.searcher.parse(q)), want.count, q)
        }
    }

    /// Keyword values are bytes: two spellings of "é" (precomposed, and e + combining accent),
    /// equal as Swift strings, stay two values.
    func testKeywordsAreComparedAsBytes() throws {
        let dir = TempDir()
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        let index = try TestIndex.build(at: dir.path, schema: Self.schema, documents: [
            Document(id: "a", fields: ["body": "x"], values: ["tags": [.keyword(composed), .keyword(decomposed)]]),
            Document(id: "b", fields: ["body": "x"], values: ["tags": [.keyword(decomposed)]]),
        ])
        let a = try XCTUnwrap(index.document(id: "a")).values["tags"]?.compactMap(\.keyword)
        XCTAssertEqual(a?.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) },
                       [Array(composed.utf8), Array(decomposed.utf8)].sorted { $0.lexicographicallyPrecedes($1) })
        let b = try XCTUnwrap(index.document(id: "b")).values["tags"]?.compactMap(\.keyword)
        XCTAssertEqual(b?.map { Array($0.utf8) }, [Array(decomposed.utf8)])
        XCTAssertEqual(try index.searcher.count(KeywordQuery(field: "tags", values: [decomposed])), 2)
        XCTAssertEqual(try index.searcher.count(KeywordQuery(field: "tags", values: [composed])), 1)
    }
}

/// The DocC article's facets example ("Facets, sorting, paging and collapsing"), run as written.
final class FacetsArticleExampleTests: XCTestCase {
    func testTheArticlesExampleRuns() throws {
        let dir = TempDir()
        let schema = Schema(fields: [
            FieldDefinition(name: "title", indexed: true, stored: true, boost: 2),
            FieldDefinition(name: "body", indexed: true, stored: true),
            .keyword("source"), .keyword("story"), .number("words"),
        ])
        var docs: [Document] = []
        for i in 0..<40 {
            docs.append(Document(id: "d\(i)", fields: ["title": "oil \(i)", "body": "crude oil report"],
                                 date: ISODate.parse("2025-0\(1 + i % 6)-10"),
                                 values: ["source": [.keyword(["reuters", "afp", "ap"][i % 3])], "story": [.keyword("s\(i % 12)")],
                                          "words": [.number(Double(100 + i))]]))
        }
        let index = try TestIndex.build(at: dir.path, schema: schema, documents: docs)

        var request = SearchRequest(query: "oil", limit: 10)
        request.filters = [try index.searcher.parse("source:(reuters OR afp)")]
        request.facets = [.terms("source", multiSelect: true), .histogram("date", .month), .stats("words")]
        request.sortField = SortField("words", descending: true)
        request.collapse = "story"
        let page1 = try index.search(request)
        XCTAssertEqual(page1.facets.map(\.name), ["source", "date:month", "words:stats"])
        XCTAssertEqual(page1.facets[0].buckets.map(\.count).reduce(0, +), 40, "multi-select: the source facet ignores the source filter")
        XCTAssertEqual(page1.total, 27)
        XCTAssertEqual(page1.groupCount, 8, "stories s0...s11 whose documents are Reuters or AFP: i % 3 != 2")
        XCTAssertEqual(page1.hits.count, 8)
        XCTAssertEqual(page1.hits.first?.id, "d39", "most words first among Reuters/AFP")
        XCTAssertNil(page1.cursor, "every group fits on the first page")
        request.limit = 3
        request.cursor = nil
        let first = try index.search(request)
        request.cursor = first.cursor
        let second = try index.search(request)
        XCTAssertEqual(Set(first.hits.map(\.id)).intersection(second.hits.map(\.id)), [])
        XCTAssertEqual(second.hits.count, 3)
    }
}
