import Foundation
import XCTest
@testable import Loupe
import LoupeTestSupport

/// Queries as people type them, end to end: misspellings (fuzzy terms), punctuation-only
/// clauses, colons, boosts, and deterministic expansion caps.
final class ForgivingQueryTests: XCTestCase {
    private func newsIndex(_ docs: [(String, String, String)], name: String) throws -> (TempDir, Index) {
        let tmp = TempDir(name)
        let index = try TestIndex.build(at: tmp.sub("index"), schema: .news(language: "english"),
                                        documents: docs.map { Document(id: $0.0, fields: ["title": $0.1, "body": $0.2]) })
        return (tmp, index)
    }

    func testMisspellingsFindTheWordMeant() throws {
        var docs = [("v1", "Vietnam today", "The war legacy of Vietnam is long."),
                    ("v2", "Legacy systems", "Banks still run legacy software."),
                    ("v3", "Hanoi", "A city in vietnam with its legacies")]
        // A rare neighbour of the misspelling: "vietna" (one edit from "vietnm" as well).
        docs.append(("r1", "Rare", "A town in vietna with its histories"))
        for i in 0..<30 { docs.append(("f\(i)", "filler \(i)", "unrelated words about markets number \(i)")) }
        let (tmp, index) = try newsIndex(docs, name: "loupe-fuzzy")
        _ = tmp

        var r = try index.search(SearchRequest(query: "legasy~", limit: 10))
        XCTAssertEqual(Set(r.hits.map(\.id)), ["v1", "v2", "v3"])
        r = try index.search(SearchRequest(query: "vietnm~1", limit: 10))
        XCTAssertEqual(Set(r.hits.map(\.id)), ["v1", "v3", "r1"])
        // Blended frequencies: the rare "vietna" does not outrank a document about Vietnam of
        // the same length (with its own, higher idf it would).
        let score = Dictionary(uniqueKeysWithValues: r.hits.map { ($0.id, $0.score) })
        XCTAssertLessThanOrEqual(score["r1"]!, score["v3"]!)
        XCTAssertEqual(r.hits.first?.id, "v1")
        // Highlighting shows the expansions that matched.
        let v3 = r.hits.first { $0.id == "v3" }
        XCTAssertEqual(v3?.snippet?.rendered(open: "[", close: "]").contains("[vietnam]"), true, "\(String(describing: v3?.snippet))")
        // Without the tilde, nothing.
        XCTAssertEqual(try index.search(SearchRequest(query: "vietnm", limit: 10)).total, 0)
        // An exact match scores as the term does, scaled only by the blended idf.
        XCTAssertEqual(try index.search(SearchRequest(query: "banks~0", limit: 10)).hits.map(\.id), ["v2"])
    }

    func testIgnoredClausesAreDroppedAndReported() throws {
        let (tmp, index) = try newsIndex([("a", "Oil and gas", "Oil & gas prices rose."),
                                          ("b", "HÀ NỘI — State President", "Hà Nội: the State President spoke."),
                                          ("c", "Kuwait", "Kuwait: no emergency talks, officials said.")], name: "loupe-ignored")
        _ = tmp
        var r = try index.search(SearchRequest(query: "oil & gas", limit: 10))
        XCTAssertEqual(r.hits.map(\.id), ["a"])
        XCTAssertEqual(r.ignored, [IgnoredClause(text: "&", position: 4)])
        r = try index.search(SearchRequest(query: "HÀ NỘI — State President", limit: 10))
        XCTAssertEqual(r.hits.map(\.id).first, "b")
        XCTAssertEqual(r.ignored.map(\.text), ["—"])
        r = try index.search(SearchRequest(query: "Kuwait: no emergency talks", limit: 10))
        XCTAssertEqual(r.hits.map(\.id), ["c"])
        XCTAssertEqual(r.ignored, [])
        r = try index.search(SearchRequest(query: "& — !", limit: 10))
        XCTAssertEqual(r.total, 0)
        XCTAssertEqual(r.ignored.count, 3)
        XCTAssertEqual(try index.search(SearchRequest(query: "Title:kuwait", limit: 10)).hits.map(\.id), ["c"])

        // JSON lists them.
        let json = try JSONEncoder().encode(SearchResultsJSON(query: "oil & gas",
                                                              results: try index.search(SearchRequest(query: "oil & gas", limit: 1)),
                                                              detail: .idsAndScores))
        let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
        let ignored = object?["ignored"] as? [[String: Any]]
        XCTAssertEqual(ignored?.count, 1)
        XCTAssertEqual(ignored?.first?["text"] as? String, "&")
        XCTAssertEqual(ignored?.first?["position"] as? Int, 4)
    }

    /// More terms start with `s` than a prefix keeps: the ones kept are the most frequent, ties
    /// broken by bytes, whatever order the dictionaries were read in.
    func testPrefixCapKeepsTheMostFrequentTermsTiesByBytes() throws {
        var rng = SeededRandom(seed: 9)
        var docs: [(String, String, String)] = []
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var words: [String] = []
        for i in 0..<1500 { words.append("s" + String((0..<6).map { _ in rng.pick(letters) }) + "q\(i % 7)") }
        // Every word at least once, the first ones far more often (many ties remain).
        for d in 0..<750 {
            let body = [words[2 * d], words[2 * d + 1]] + (0..<6).map { _ in words[Int(Double(words.count - 1) * pow(Double(rng.int(0...1000)) / 1000, 3))] }
            docs.append(("d\(d)", "doc", body.joined(separator: " ")))
        }
        let tmp = TempDir("loupe-prefix-cap")
        // Several segments, so the expansion merges dictionaries.
        let writer = try IndexWriter.create(directory: tmp.sub("index"), schema: .news(language: nil))
        for (n, d) in docs.enumerated() {
            try writer.add(Document(id: d.0, fields: ["title": d.1, "body": d.2]))
            if n % 200 == 199 { try writer.commit() }
        }
        try writer.commit()
        writer.close()
        let index = try Index.open(at: tmp.sub("index"))
        XCTAssertGreaterThan(index.reader.segments.count, 1)

        var request = SearchRequest(query: "s*", limit: 20)
        request.fields = ["body"]
        let first = try index.search(request)
        let again = try index.search(request)
        XCTAssertEqual(first.hits.map(\.id), again.hits.map(\.id))

        // The expansion is the top 1,024 by summed document frequency, ties by bytes.
        let context = try WeightContext(reader: index.reader, analyzer: try Analyzer(language: nil), fields: ["body"])
        let weight = try context.weight(PrefixQuery("s"))
        let kept = (weight.termDisjunction ?? []).map(\.states.text)
        var df: [String: Int] = [:]
        for d in docs { for w in Set(d.2.split(separator: " ").map(String.init)) { df[w, default: 0] += 1 } }
        XCTAssertGreaterThan(df.count, 1024)
        let expected = df.sorted { $0.value != $1.value ? $0.value > $1.value : Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .prefix(1024).map(\.key).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        XCTAssertEqual(kept, expected)
    }

    /// The dictionary walk skips blocks behind dead prefixes and finds what brute force finds.
    func testAutomatonWalkSkipsBlocksAndAgreesWithBruteForce() throws {
        var rng = SeededRandom(seed: 5)
        // Clustered like a real vocabulary (many words per stem), with two-byte letters, which
        // the analyzer neither folds nor splits.
        let letters = Array("abcdefghijklmnopqrstuvwxyzжщ")
        let stems = ["vie", "leg", "abc", "con", "pro", "int", "жщa", "zz", "str", "tra", "mar", "pre", "sta", "com"]
        var words = Set<String>()
        while words.count < 6000 { words.insert(rng.pick(stems) + String((0..<rng.int(0...6)).map { _ in rng.pick(letters) })) }
        let list = words.sorted()
        let tmp = TempDir("loupe-walk")
        let index = try TestIndex.build(at: tmp.sub("index"), schema: .news(language: nil),
                                        documents: stride(from: 0, to: list.count, by: 40).map { i in
                                            Document(id: "d\(i)", fields: ["title": "t", "body": list[i..<min(i + 40, list.count)].joined(separator: " ")])
                                        })
        let seg = index.reader.segments[0]
        let body = index.reader.fieldNumbers["body"]!
        var terms: [String] = []
        seg.terms.forEachTerm(field: body) { t, _ in terms.append(String(decoding: t, as: UTF8.self)) }
        XCTAssertEqual(terms, list)
        for pattern in ["vietnam", "legacy", "abcde", "zzz", "жщaж", "straw"] {
            for k in 1...2 {
                let a = LevenshteinAutomaton(pattern, maxDistance: k)
                var found: [String: Int] = [:]
                let counts = seg.terms.intersect(field: body, fixed: [], automaton: a) { t, _, d in found[String(decoding: t, as: UTF8.self)] = d }
                var expected: [String: Int] = [:]
                for w in list {
                    let d = ReferenceEngine.editDistance(Array(pattern.unicodeScalars), Array(w.unicodeScalars))
                    if d <= k { expected[w] = d }
                }
                XCTAssertEqual(found, expected, "\(pattern)~\(k)")
                XCTAssertLessThan(counts.decoded, list.count / 2, "\(pattern)~\(k) decoded \(counts.decoded) of \(list.count) terms")
                XCTAssertGreaterThan(counts.blocksSkipped, list.count / 32 / 4, "\(pattern)~\(k)")
            }
        }
        // With a non-fuzzy prefix, only terms starting with it.
        var found: [String] = []
        seg.terms.intersect(field: body, fixed: Array("ab".utf8), automaton: LevenshteinAutomaton("cde", maxDistance: 1)) { t, _, _ in
            found.append(String(decoding: t, as: UTF8.self))
        }
        XCTAssertEqual(found, list.filter { $0.hasPrefix("ab") && ReferenceEngine.editDistance(Array("cde".unicodeScalars), Array($0.dropFirst(2).unicodeScalars)) <= 1 })
    }
}
