import Foundation
import XCTest
@testable import Loupe
import LoupeTestSupport

/// Issue 19, unbounded queries: a query length limit and a clause limit whose errors say so,
/// repeated clauses merged (same scores, the work of one), and one expansion budget shared by
/// all the prefixes of a query.
final class QueryBoundsTests: XCTestCase {
    var tmp: TempDir!
    override func setUp() { tmp = TempDir("loupe-bounds") }
    override func tearDown() { tmp = nil }

    func parse(_ text: String, _ op: DefaultOperator = .and) throws -> any Query {
        try QueryParser.parse(text, defaultOperator: op, knownFields: ["title", "body"])
    }

    func assertInvalid(_ text: String, contains parts: [String], position: Int? = nil,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(text), file: file, line: line) { e in
            guard case let LoupeError.invalidQuery(message, p) = e else { return XCTFail("\(e)", file: file, line: line) }
            for part in parts { XCTAssertTrue(message.contains(part), "\(message) lacks \(part)", file: file, line: line) }
            if let position { XCTAssertEqual(p, position, message, file: file, line: line) }
        }
    }

    // MARK: Length

    func testQueryLengthLimitSaysSo() throws {
        let longest = String(repeating: "a", count: QueryParser.maxQueryBytes)
        XCTAssertNoThrow(try parse(longest))
        assertInvalid(longest + "b", contains: ["65537 bytes", "limit of 65536"], position: QueryParser.maxQueryBytes)
        // Bytes, not characters: 'é' is two bytes.
        let accented = String(repeating: "é", count: QueryParser.maxQueryBytes / 2)
        XCTAssertNoThrow(try parse(accented))
        assertInvalid(accented + "e", contains: ["65537 bytes"])
    }

    // MARK: Clauses

    func words(_ n: Int) -> [String] { (0..<n).map { "w\($0)" } }

    func testClauseLimitNamesTheCountAndTheLimit() throws {
        XCTAssertNoThrow(try parse(words(1024).joined(separator: " ")))
        let text = words(1030).joined(separator: " ")
        let start1025 = words(1024).joined(separator: " ").count + 1
        assertInvalid(text, contains: ["1030 clauses", "limit of 1024"], position: start1025)
        // OR groups, parentheses, prefixes, phrase words and field values all count.
        assertInvalid(words(600).joined(separator: " OR ") + " OR (" + words(1200).suffix(600).joined(separator: " ") + ")",
                      contains: ["1200 clauses"])
        assertInvalid(words(1000).joined(separator: " ") + " \"" + words(1100).suffix(100).joined(separator: " ") + "\"",
                      contains: ["1100 clauses"])
        assertInvalid(words(1025).map { $0 + "*" }.joined(separator: " "), contains: ["1025 clauses"])
        XCTAssertThrowsError(try QueryParser.parse((0..<1025).map { "source:k\($0)" }.joined(separator: " "),
                                                   knownFields: [], fieldTypes: ["source": .keyword]))
    }

    func testRepeatedClausesCountOnce() throws {
        // `war` 10,000 times: one clause (issue 19 measured 50 s for it).
        let war = Array(repeating: "war", count: 10_000).joined(separator: " ")
        XCTAssertNoThrow(try parse(war))
        XCTAssertNoThrow(try parse(war, .or))
        XCTAssertNoThrow(try parse(Array(repeating: "(oil OR war) -tanker", count: 2500).joined(separator: " ")))
        // Different occurs are different clauses.
        XCTAssertNoThrow(try parse(words(512).joined(separator: " ") + " " + words(512).map { "-" + $0 }.joined(separator: " ")))
        assertInvalid(words(513).joined(separator: " ") + " " + words(512).map { "-" + $0 }.joined(separator: " "),
                      contains: ["1025 clauses"])
    }

    // MARK: Merged clauses score as the copies would

    func makeIndex() throws -> Index {
        let index = try Index.create(at: tmp.sub("idx"), schema: .news())
        var rng = SeededRandom(seed: 1919)
        let vocab = ["war", "oil", "tanker", "price", "port", "union", "strike", "grain", "ship", "storm"]
        try index.write(options: { var o = IndexWriterOptions(); o.autoMerge = false; return o }()) { w in
            for i in 0..<300 {
                if i == 150 { try w.commit() }
                let body = (0..<rng.int(2...30)).map { _ in rng.pick(vocab) }.joined(separator: " ")
                try w.add(Document(id: "d\(i)", fields: ["title": rng.pick(vocab) + " " + rng.pick(vocab), "body": body]))
            }
        }
        return index
    }

    func search(_ index: Index, _ q: String, _ op: DefaultOperator = .and, exact: Bool = true, limit: Int = 20) throws -> SearchResults {
        var r = SearchRequest(query: q, limit: limit)
        r.defaultOperator = op
        r.exactCount = exact
        r.snippetField = nil
        r.loadDocuments = false
        return try index.search(r)
    }

    func assertScaled(_ index: Index, _ repeated: String, _ single: String, factor: Double, _ op: DefaultOperator = .and,
                      file: StaticString = #filePath, line: UInt = #line) throws {
        for exact in [true, false] {
            let a = try search(index, repeated, op, exact: exact), b = try search(index, single, op, exact: exact)
            XCTAssertEqual(a.hits.map(\.id), b.hits.map(\.id), "\(repeated)", file: file, line: line)
            if !exact { XCTAssertLessThanOrEqual(a.total, b.total, file: file, line: line) } else { XCTAssertEqual(a.total, b.total, file: file, line: line) }
            for (x, y) in zip(a.hits, b.hits) {
                XCTAssertEqual(x.score, y.score * factor, accuracy: 1e-9 * x.score, "\(repeated) \(x.id)", file: file, line: line)
            }
        }
    }

    func testRepeatedScoringClausesScoreNTimesOne() throws {
        let index = try makeIndex()
        try assertScaled(index, "war war war", "war", factor: 3)
        try assertScaled(index, "war war war", "war", factor: 3, .or)
        try assertScaled(index, Array(repeating: "war", count: 10_000).joined(separator: " "), "war", factor: 10_000, .or)
        try assertScaled(index, "oi* oi*", "oi*", factor: 2)
        try assertScaled(index, "\"oil price\" \"oil price\"", "\"oil price\"", factor: 2)
        // Beside other clauses: war counts twice, oil once, as the unmerged sum would.
        let merged = try search(index, "war oil war", .or)
        let reference = try search(index, "war oil", .or)
        let war = try search(index, "war", .or, limit: 400)
        let warScore = Dictionary(uniqueKeysWithValues: war.hits.map { ($0.id, $0.score) })
        let refScore = Dictionary(uniqueKeysWithValues: try search(index, "war oil", .or, limit: 400).hits.map { ($0.id, $0.score) })
        XCTAssertEqual(merged.total, reference.total)
        for h in merged.hits {
            XCTAssertEqual(h.score, refScore[h.id]! + (warScore[h.id] ?? 0), accuracy: 1e-9 * h.score, h.id)
        }
        // The explanation shows the merged clause with its boost, and adds up.
        var r = SearchRequest(query: "war war", limit: 1)
        r.explain = true
        let hit = try XCTUnwrap(index.search(r).hits.first)
        let explanation = try XCTUnwrap(hit.explanation)
        XCTAssertEqual(explanation.entries.reduce(0) { $0 + $1.score }, hit.score, accuracy: 1e-9)
        XCTAssertTrue(explanation.entries.allSatisfy { $0.boost >= 2 })
    }

    func testRepeatedFiltersAndExclusionsChangeNothing() throws {
        let index = try makeIndex()
        for (repeated, single) in [("war -oil -oil -oil", "war -oil"), ("+war -(oil tanker) -(oil tanker)", "+war -(oil tanker)")] {
            let a = try search(index, repeated), b = try search(index, single)
            XCTAssertEqual(a.hits.map(\.id), b.hits.map(\.id))
            XCTAssertEqual(a.hits.map(\.score), b.hits.map(\.score))
            XCTAssertEqual(a.total, b.total)
        }
        // Filters: the same keyword restriction twice.
        let q = BooleanQuery([.init(.must, TermQuery("war")), .init(.filter, TermQuery("oil")), .init(.filter, TermQuery("oil"))])
        let one = BooleanQuery([.init(.must, TermQuery("war")), .init(.filter, TermQuery("oil"))])
        let a = try index.search(SearchRequest(q, limit: 20)), b = try index.search(SearchRequest(one, limit: 20))
        XCTAssertEqual(a.hits.map(\.id), b.hits.map(\.id))
        XCTAssertEqual(a.hits.map(\.score), b.hits.map(\.score))
    }

    // MARK: Prefix expansions share one budget

    func testPrefixesShareTheExpansionBudget() throws {
        let index = try makeIndex()
        let reader = index.searcher.reader
        let analyzer = try Analyzer(language: reader.schema.language)
        let context = try WeightContext(reader: reader, analyzer: analyzer)
        XCTAssertEqual(context.maxExpansions, 1024)
        func cap(_ q: String) throws -> Int { context.budgeted(for: try parse(q)).maxExpansions }
        XCTAssertEqual(try cap("oil"), 1024)
        XCTAssertEqual(try cap("oi*"), 1024) // one set per default field: a few of 4,096
        XCTAssertEqual(try cap("oi* oi*"), 1024) // merged: counted once
        // The 20 prefixes (13 distinct) over the default fields.
        let fields = reader.schema.searchFields.count
        XCTAssertEqual(try cap("u* a* k* z* v* f* e* k* v* n* j* e* f* o* n* r* s* g* o* g*"), 4096 / (13 * fields))
        XCTAssertEqual(try cap((0..<40).map { "body:p\($0)*" }.joined(separator: " ")), 4096 / 40)
        XCTAssertEqual(try cap((0..<1000).map { "body:p\($0)*" }.joined(separator: " ")), 4)
    }

    /// With a cap of 2, a prefix keeps its 2 most frequent expansions (ties: bytes).
    func testCappedPrefixKeepsTheMostFrequentTerms() throws {
        let index = try Index.create(at: tmp.sub("cap"), schema: .news())
        try index.write { w in
            for (i, body) in ["pa pb pc", "pb pc", "pc pd", "pd", "pe"].enumerated() {
                try w.add(Document(id: "d\(i)", fields: ["title": "t", "body": body]))
            }
        }
        let reader = index.searcher.reader
        var context = try WeightContext(reader: reader, analyzer: try Analyzer(language: reader.schema.language), fields: ["body"])
        context.maxExpansions = 2
        let weight = try XCTUnwrap(try context.weight(PrefixQuery("p")) as? TermsWeight)
        // df: pa 1, pb 2, pc 3, pd 2, pe 1: pc, then pb before pd.
        XCTAssertEqual(weight.leaves.map(\.states.text), ["pb", "pc"])
    }
}
