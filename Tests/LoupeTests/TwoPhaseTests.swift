import Foundation
import XCTest
@testable import Loupe
import LoupeTestSupport

/// Phrases inside boolean queries iterate in two phases: the clauses agree on a document
/// from doc ids alone before any phrase reads positions there.
final class TwoPhaseTests: XCTestCase {
    private var tmp: TempDir!
    private var index: Index!
    /// Stored text by id, for brute force.
    private var bodies: [String: (title: String, body: String)] = [:]

    override func setUpWithError() throws {
        tmp = TempDir("loupe-twophase")
        index = try Index.create(at: tmp.sub("index"), schema: Schema.news(language: nil))
        var docs: [Document] = []
        for i in 0..<300 {
            var body: String
            switch i % 3 {
            case 0: body = "the war legacy of the region"
            case 1: body = "legacy systems after the war"
            default: body = "markets and prices"
            }
            if i % 50 == 7 { body += " vietnam" }
            if i % 50 == 9 { body = "vietnam war legacy programme" }
            let title = i % 10 == 0 ? "war legacy" : "report \(i)"
            bodies["d\(i)"] = (title, body)
            docs.append(Document(id: "d\(i)", fields: ["title": title, "body": body]))
        }
        try index.write { w in for d in docs { try w.add(d) } }
    }

    override func tearDownWithError() throws {
        index = nil
        tmp = nil
    }

    /// Every phrase scorer in a scorer tree.
    private func phrases(_ s: Scorer) -> [PhraseScorer] {
        switch s {
        case let p as PhraseScorer: return [p]
        case let c as ConjunctionScorer: return c.subs.flatMap(phrases)
        case let d as DisjunctionScorer: return d.subs.flatMap(phrases)
        case let e as ExclusionScorer: return phrases(e.required) + phrases(e.excluded)
        case let o as OptionalScorer: return phrases(o.required) + phrases(o.optional)
        default: return []
        }
    }

    /// Runs `text` through a weight's scorer, returning the matching ids and how many
    /// documents its phrases read positions of.
    private func run(_ text: String, _ op: DefaultOperator = .and) throws -> (ids: Set<String>, positionReads: Int) {
        let reader = index.reader
        let query = try index.searcher.parse(text, defaultOperator: op)
        let weight = try WeightContext(reader: reader, analyzer: try Analyzer(language: nil)).weight(query)
        let segment = SegmentContext(ordinal: 0, segment: reader.segments[0])
        guard let scorer = weight.scorer(segment) else { return ([], 0) }
        var ids = Set<String>()
        while scorer.next() != Scorer.noMore {
            ids.insert(reader.segments[0].externalId(Int(scorer.doc)))
            XCTAssertGreaterThan(scorer.score(), 0)
        }
        return (ids, phrases(scorer).reduce(0) { $0 + $1.positionReads })
    }

    private func has(_ text: String, _ phrase: String) -> Bool { (" " + text + " ").contains(" " + phrase + " ") }

    func testPhraseInAConjunctionReadsPositionsOnlyWhereEveryClauseAgrees() throws {
        let (ids, reads) = try run("+body:\"war legacy\" +vietnam")
        let expected = Set(bodies.filter { has($0.value.body, "war legacy") && ($0.value.body + " " + $0.value.title).contains("vietnam") }.map(\.key))
        XCTAssertEqual(ids, expected)
        XCTAssertFalse(expected.isEmpty)
        // Only documents holding "war", "legacy" and "vietnam" (12: d7, d9, d57, …) may have
        // their positions read.
        let candidates = bodies.values.filter { $0.body.contains("vietnam") && $0.body.contains("war") && $0.body.contains("legacy") }.count
        XCTAssertLessThanOrEqual(reads, candidates)
    }

    func testAPhraseLeadingAConjunctionIsConfirmedOnlyWhereTheOthersAgree() throws {
        // "markets" and "prices" are in 98 documents, "war" in 200 others (and a few of
        // theirs): the phrase leads the intersection, and without two phases would read
        // positions in all 98.
        for text in ["+body:\"markets and prices\" +body:war", "+body:\"markets and prices\" +body:vietnam"] {
            let (ids, reads) = try run(text)
            let other = text.hasSuffix("war") ? "war" : "vietnam"
            let agreeing = bodies.filter { $0.value.body.contains("markets") && $0.value.body.contains(other) }
            XCTAssertEqual(ids, Set(agreeing.filter { has($0.value.body, "markets and prices") }.map(\.key)), text)
            XCTAssertLessThanOrEqual(reads, agreeing.count, text)
        }
    }

    func testPhraseOverDefaultFieldsInAConjunction() throws {
        let (ids, reads) = try run("\"war legacy\" vietnam")
        let expected = Set(bodies.filter { (has($0.value.body, "war legacy") || has($0.value.title, "war legacy"))
            && ($0.value.body + " " + $0.value.title).contains("vietnam") }.map(\.key))
        XCTAssertEqual(ids, expected)
        let candidates = bodies.values.filter { ($0.body + " " + $0.title).contains("vietnam") }.count
        XCTAssertLessThanOrEqual(reads, 2 * candidates)
    }

    func testExcludedAndOptionalPhrasesAreConfirmedOnlyOnTheRequiredDocuments() throws {
        let (ids, reads) = try run("vietnam -body:\"war legacy\"")
        let vietnam = bodies.filter { ($0.value.body + " " + $0.value.title).contains("vietnam") }
        XCTAssertEqual(ids, Set(vietnam.filter { !has($0.value.body, "war legacy") }.map(\.key)))
        XCTAssertLessThanOrEqual(reads, vietnam.count)

        let (optionalIds, optionalReads) = try run("+vietnam body:\"war legacy\"", .or)
        XCTAssertEqual(optionalIds, Set(vietnam.map(\.key)))
        XCTAssertLessThanOrEqual(optionalReads, vietnam.count)
    }
}
