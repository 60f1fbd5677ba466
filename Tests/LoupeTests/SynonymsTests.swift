import Foundation
import XCTest
@testable import Loupe
import LoupeTestSupport

/// The synonyms file format, how synonyms are stored with a commit, and how they rewrite queries.
final class SynonymsTests: XCTestCase {
    // MARK: The file format

    func testParsesSolrFormat() throws {
        let text = """
            # comment
              # indented comment

            vietnam, viet nam
            usa => united states
            a\\,b, c
            big  apple ,  new   york
            x, y => z
            lonely
            tv, tv
            """
        let s = try Synonyms.parse(text, source: "syn.txt")
        XCTAssertEqual(s.rules, [
            SynonymRule(inputs: ["vietnam", "viet nam"]),
            SynonymRule(inputs: ["usa"], outputs: ["united states"]),
            SynonymRule(inputs: ["a,b", "c"]),
            SynonymRule(inputs: ["big apple", "new york"]),
            SynonymRule(inputs: ["x", "y"], outputs: ["z"]),
        ])
        XCTAssertEqual(s.rules.map(\.sourceLine), [4, 5, 6, 7, 8])
        // The rules written back parse to the same rules.
        XCTAssertEqual(try Synonyms.parse(s.fileText, source: "back"), s)
        XCTAssertEqual(s.rules[2].line, "a\\,b, c")
    }

    func testBadLinesNameFileAndLine() {
        let cases: [(String, Int, String)] = [
            ("ok, fine\na, , b", 2, "empty item"),
            ("a => b => c", 1, "more than one '=>'"),
            ("\n => b", 2, "nothing before '=>'"),
            ("a =>", 1, "nothing after '=>'"),
            ("a, b\\", 1, "backslash"),
        ]
        for (text, line, message) in cases {
            XCTAssertThrowsError(try Synonyms.parse(text, source: "syn.txt"), text) { e in
                guard case let LoupeError.invalidSynonyms(source, l, reason) = e else { return XCTFail("\(e)") }
                XCTAssertEqual(source, "syn.txt")
                XCTAssertEqual(l, line, text)
                XCTAssertTrue(reason.contains(message), "\(reason) lacks \(message)")
                XCTAssertTrue("\(e)".hasPrefix("syn.txt:\(line): "), "\(e)")
            }
        }
    }

    func testLoadReportsMissingFileAndWordlessItems() throws {
        let tmp = TempDir("loupe-syn")
        XCTAssertThrowsError(try Synonyms.load(path: tmp.sub("none.txt"))) { e in
            guard case LoupeError.io = e else { return XCTFail("\(e)") }
        }
        let path = tmp.sub("bad.txt")
        try "# first\nvietnam, viet nam\noil, ---\n".write(toFile: path, atomically: true, encoding: .utf8)
        let s = try Synonyms.load(path: path)
        XCTAssertThrowsError(try Index.create(at: tmp.sub("index"), synonyms: s)) { e in
            XCTAssertEqual("\(e)", "\(path):3: '---' has no searchable word (rule 'oil, ---')")
        }
    }

    // MARK: Storage

    func testSynonymsAreStoredWithACommitAndReplacedWithoutReindexing() throws {
        let tmp = TempDir("loupe-syn")
        let synonyms = try Synonyms.parse("vietnam, viet nam\nusa => united states", source: "s")
        let index = try Index.create(at: tmp.sub("index"), synonyms: synonyms)
        try index.write { w in
            try w.add(Document(id: "a", fields: ["title": "Việt Nam and the United States", "body": "talks"]))
            try w.add(Document(id: "b", fields: ["title": "Vietnam", "body": "usa"]))
        }
        XCTAssertEqual(index.synonyms, synonyms)
        XCTAssertEqual(try Index.open(at: tmp.sub("index")).synonyms, synonyms)
        let files = try DirTools.snapshot(tmp.sub("index"), excluding: ["write.lock", "manifest"])
        let generation = index.reader.generation

        try index.setSynonyms(Synonyms(rules: [SynonymRule(inputs: ["talks", "usa"])]))
        XCTAssertEqual(index.reader.generation, generation + 1)
        XCTAssertEqual(try DirTools.snapshot(tmp.sub("index"), excluding: ["write.lock", "manifest"]), files, "no segment file changed")
        XCTAssertEqual(try index.search("usa").hits.map(\.id).sorted(), ["a", "b"])

        try index.setSynonyms(Synonyms())
        XCTAssertTrue(index.synonyms.isEmpty)
        XCTAssertEqual(try index.search("usa").hits.map(\.id), ["b"])
        // No synonyms: the manifest has no `synonyms` key at all.
        let manifest = try Manifest.read(directory: tmp.sub("index"))
        XCTAssertNil(manifest.synonyms)
    }

    func testAnUncommittedChangeIsNotVisibleAndRollbackDropsIt() throws {
        let tmp = TempDir("loupe-syn")
        let w = try IndexWriter.create(directory: tmp.sub("index"))
        try w.setSynonyms(Synonyms(rules: [SynonymRule(inputs: ["a", "b"])]))
        XCTAssertTrue(w.hasUncommittedChanges)
        XCTAssertTrue(try Index.open(at: tmp.sub("index")).synonyms.isEmpty)
        w.rollback()
        XCTAssertTrue(w.synonyms.isEmpty)
        try w.setSynonyms(Synonyms(rules: [SynonymRule(inputs: ["a", "b"])]))
        try w.commit()
        w.close()
        XCTAssertEqual(try Index.open(at: tmp.sub("index")).synonyms.rules.count, 1)
    }

    /// An index written before synonyms existed (the version-3 fixture) reads as having none,
    /// and takes some without reindexing.
    func testAnOlderIndexHasNoSynonymsAndTakesSome() throws {
        let tmp = TempDir("loupe-syn")
        let url = try XCTUnwrap(Bundle.module.url(forResource: "index-v3", withExtension: nil, subdirectory: "Fixtures"))
        let dir = tmp.sub("index-v3")
        try DirTools.copy(url.path, to: dir)
        let index = try Index.open(at: dir)
        XCTAssertTrue(index.synonyms.isEmpty)
        XCTAssertEqual(try index.search("oil", limit: 100).total, 2)
        try index.setSynonyms(try Synonyms.parse("oil, shares", source: "s"))
        XCTAssertEqual(try index.search("oil", limit: 100).total, try index.search("oil OR shares", limit: 100).total)
        XCTAssertEqual(try IndexChecker.check(directory: dir).documents, 23)
    }

    func testAManifestWithMalformedRulesIsDamage() throws {
        let tmp = TempDir("loupe-syn")
        let dir = tmp.sub("index")
        try Index.create(at: dir)
        var m = try Manifest.read(directory: dir)
        m.synonyms = [SynonymRule(inputs: [])]
        try m.write(directory: dir)
        XCTAssertThrowsError(try Index.open(at: dir)) { e in
            guard case LoupeError.corruptFile = e else { return XCTFail("\(e)") }
        }
    }

    // MARK: Query rewriting

    func makeIndex(_ tmp: TempDir, _ rules: String) throws -> Index {
        let index = try Index.create(at: tmp.sub("index"), schema: .news(), synonyms: try Synonyms.parse(rules, source: "s"))
        try index.write { w in
            try w.add(Document(id: "vn1", fields: ["title": "Việt Nam visit", "body": "Officials met in Hà Nội."]))
            try w.add(Document(id: "vn2", fields: ["title": "Vietnam trade", "body": "Exports from Hanoi grew."]))
            try w.add(Document(id: "us1", fields: ["title": "United States budget", "body": "Congress voted."]))
            try w.add(Document(id: "us2", fields: ["title": "USA today", "body": "A usa word alone."]))
            try w.add(Document(id: "x", fields: ["title": "Nam and Viet apart", "body": "viet somewhere, nam elsewhere"]))
        }
        return index
    }

    func ids(_ index: Index, _ q: String, _ op: DefaultOperator = .and) throws -> [String] {
        var r = SearchRequest(query: q, limit: 20)
        r.defaultOperator = op
        return try index.search(r).hits.map(\.id).sorted()
    }

    func testWordsAndRunsOfWordsBecomeDisjunctions() throws {
        let tmp = TempDir("loupe-syn")
        let index = try makeIndex(tmp, "vietnam, viet nam\nhanoi, ha noi\nusa => united states")
        XCTAssertEqual(try ids(index, "vietnam"), ["vn1", "vn2"])
        XCTAssertEqual(try ids(index, "VIỆT NAM"), ["vn1", "vn2"], "the run matches on analyzed terms; `x` has no phrase")
        XCTAssertEqual(try ids(index, "\"viet nam\""), ["vn1", "vn2"])
        XCTAssertEqual(try ids(index, "hanoi"), ["vn1", "vn2"])
        XCTAssertEqual(try ids(index, "vietnam hanoi"), ["vn1", "vn2"])
        XCTAssertEqual(try ids(index, "usa"), ["us1"], "a mapping searches its outputs only")
        XCTAssertEqual(try ids(index, "title:vietnam"), ["vn1", "vn2"])
        XCTAssertEqual(try ids(index, "body:vietnam"), [])
        XCTAssertEqual(try ids(index, "trade -vietnam"), [])
        XCTAssertEqual(try ids(index, "visit -\"viet nam\""), [])
        XCTAssertEqual(try index.searcher.expandingSynonyms(BoostQuery(TermQuery("vietnam"), boost: 2)).description,
                       "(vietnam \"viet nam\")^2")

        let r = try index.search(SearchRequest(query: "vietnam trade"))
        XCTAssertEqual(r.expandedQuery, "+(vietnam \"viet nam\") +trade")
        XCTAssertNil(try index.search(SearchRequest(query: "trade")).expandedQuery)
        // Turned off: the words as typed.
        var off = SearchRequest(query: "vietnam")
        off.expandSynonyms = false
        XCTAssertEqual(try index.search(off).hits.map(\.id), ["vn2"])
        XCTAssertEqual(try index.searcher.expandingSynonyms(TermQuery("hanoi")).description, "hanoi \"ha noi\"")
    }

    func testLongestInputWinsAndAlternativesAreNotExpandedAgain() throws {
        let tmp = TempDir("loupe-syn")
        let index = try makeIndex(tmp, "nam => budget\nviet nam => trade\ntrade => congress")
        let q = try index.searcher.expandingSynonyms(try index.searcher.parse("viet nam visit"))
        XCTAssertEqual(q.description, "+trade +visit")
        XCTAssertEqual(try index.searcher.expandingSynonyms(try index.searcher.parse("nam")).description, "budget")
    }

    /// The disjunction's score is the sum of its alternatives' BM25 scores (each with its own
    /// idf), exactly what the explicit OR scores.
    func testScoringIsThePlainDisjunction() throws {
        let tmp = TempDir("loupe-syn")
        let index = try makeIndex(tmp, "vietnam, viet nam")
        let expanded = try index.search(SearchRequest(query: "vietnam trade", limit: 10))
        var plain = SearchRequest(query: "(vietnam OR \"viet nam\") trade", limit: 10)
        plain.expandSynonyms = false
        let explicit = try index.search(plain)
        XCTAssertEqual(expanded.hits.map(\.id), explicit.hits.map(\.id))
        XCTAssertEqual(expanded.hits.map(\.score), explicit.hits.map(\.score))
    }

    /// The example of the DocC landing page (Loupe.md) finds its document.
    func testDocCExampleFindsItsHit() throws {
        let tmp = TempDir("loupe-syn")
        let index = try Index.create(at: tmp.sub("Index"), synonyms: try Synonyms.parse("vietnam, viet nam", source: "docc"))
        try index.write { writer in
            try writer.add(Document(id: "vn-1", fields: ["title": "Việt Nam and the US",
                                                          "body": "… war legacy remediation …"],
                                    date: ISODate.parse("2025-06-01")))
        }
        let results = try index.search(SearchRequest(query: "\"war legacies\" vietnam"))
        XCTAssertEqual(results.hits.map(\.id), ["vn-1"])
        XCTAssertEqual(results.hits.first?.snippet?.rendered(open: "[", close: "]"), "… [war legacy] remediation …")
    }
}
