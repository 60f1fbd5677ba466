import Foundation
import XCTest
@testable import Loupe
import LoupeTestSupport

/// Near-duplicate clusters on real news text: the sample Reuters articles, with edited copies
/// planted the way wire stories are republished (a sentence dropped, words changed, a
/// dateline added), spread over several segments.
final class NearDuplicateTests: XCTestCase {
    static let samplesPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples/reuters-sample.jsonl").path

    struct Article { var id: String; var title: String; var body: String }

    static func articles() throws -> [Article] {
        let text = try String(contentsOfFile: samplesPath, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return Article(id: o["id"] as! String, title: o["title"] as! String, body: o["body"] as! String)
        }
    }

    /// An edited copy: one sentence dropped when there are at least eight, `changes` words
    /// replaced, and a dateline in front.
    static func edited(_ body: String, rng: inout SeededRandom, changes: Int) -> String {
        var sentences = body.components(separatedBy: ". ")
        if sentences.count >= 8 { sentences.remove(at: rng.int(1...(sentences.count - 2))) }
        var words = sentences.joined(separator: ". ").split(separator: " ").map(String.init)
        let replacements = ["reportedly", "sharply", "officials", "Tuesday", "analysts", "roughly", "earlier"]
        for _ in 0..<changes { words[rng.int(0...(words.count - 1))] = rng.pick(replacements) }
        let datelines = ["LONDON, March 3 (Reuters) -", "NEW YORK (AP) --", "PARIS, March 4 (AFP) -", "TOKYO, March 5 -"]
        return rng.pick(datelines) + " " + words.joined(separator: " ")
    }

    func testEditedCopiesClusterWithTheirOriginalsAndNothingElse() throws {
        let articles = try Self.articles()
        XCTAssertGreaterThanOrEqual(articles.count, 60)
        let dir = TempDir()
        var schema = Schema.news()
        schema.nearDuplicates = NearDuplicateSettings()
        let writer = try IndexWriter.create(directory: dir.path, schema: schema)
        var rng = SeededRandom(seed: 42)
        var origin: [String: String] = [:]
        for a in articles {
            try writer.add(Document(id: a.id, fields: ["title": a.title, "body": a.body]))
            origin[a.id] = a.id
        }
        try writer.commit()
        // Copies of the longer articles (a copy of a 40-word brief with a dateline and two
        // changed words is no longer 80 % the same text), in two later segments.
        let long = articles.filter { $0.body.split(separator: " ").count >= 150 }
        XCTAssertGreaterThanOrEqual(long.count, 20)
        for round in 0..<2 {
            for a in long {
                let id = "\(a.id)-copy\(round)"
                try writer.add(Document(id: id, fields: ["title": a.title, "body": Self.edited(a.body, rng: &rng, changes: 2)]))
                origin[id] = a.id
            }
            try writer.commit()
        }
        // A deleted copy must not join anything.
        try writer.delete(id: "\(long[0].id)-copy1")
        origin["\(long[0].id)-copy1"] = nil
        try writer.commit()
        writer.close()

        let index = try Index.open(at: dir.path)
        XCTAssertGreaterThanOrEqual(index.reader.segments.count, 3)
        let groups = NearDuplicateGroups(threshold: 0.8)
        let ids = DocSetCollector()
        try index.searcher.search(MatchAllQuery(), collector: MultiCollector([groups, ids]))
        var cluster: [String: Int64] = [:]
        for (address, id) in zip(ids.addresses, ids.ids) {
            cluster[id] = try XCTUnwrap(groups.groupKey(segment: address.segment, doc: address.doc))
        }
        XCTAssertEqual(cluster.count, origin.count)
        var truePositives = 0, falsePositives = 0, falseNegatives = 0
        let all = cluster.keys.sorted()
        for (i, a) in all.enumerated() {
            for b in all[(i + 1)...] {
                let same = origin[a] == origin[b]
                let together = cluster[a] == cluster[b]
                if same && together { truePositives += 1 }
                if !same && together { falsePositives += 1 }
                if same && !together { falseNegatives += 1 }
            }
        }
        let precision = Double(truePositives) / Double(max(1, truePositives + falsePositives))
        let recall = Double(truePositives) / Double(max(1, truePositives + falseNegatives))
        print("near duplicates: precision \(precision), recall \(recall) over \(truePositives + falseNegatives) planted pairs")
        XCTAssertGreaterThanOrEqual(precision, 0.95, "precision over pairs")
        XCTAssertGreaterThanOrEqual(recall, 0.95, "recall over pairs (\(truePositives) found, \(falseNegatives) missed)")
        XCTAssertGreaterThan(truePositives, 40)
    }

    func testSignaturesSurviveMergesAndIndexesWithoutThemHaveNone() throws {
        let articles = try Self.articles()
        let dir = TempDir()
        var schema = Schema.news()
        schema.nearDuplicates = NearDuplicateSettings()
        let writer = try IndexWriter.create(directory: dir.path, schema: schema)
        for a in articles.prefix(10) {
            try writer.add(Document(id: a.id, fields: ["title": a.title, "body": a.body]))
            try writer.add(Document(id: a.id + "-again", fields: ["title": a.title, "body": a.body]))
            try writer.commit()
        }
        try writer.add(Document(id: "empty", fields: ["title": "no body"]))
        try writer.forceMerge(maxSegments: 1)
        writer.close()
        let index = try Index.open(at: dir.path)
        let groups = NearDuplicateGroups(threshold: 0.8)
        try index.searcher.search(MatchAllQuery(), collector: groups)
        XCTAssertEqual(groups.matchCount, 21)
        XCTAssertEqual(groups.groupCount, 11, "each article with its exact copy, and the empty document alone")
    }
}
