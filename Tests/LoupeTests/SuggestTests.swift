import Foundation
import XCTest
@testable import Loupe
import LoupeTestSupport

/// The word files (`.words`) and the completions made from them.
final class SuggestTests: XCTestCase {
    var tmp: TempDir!
    override func setUp() { tmp = TempDir("loupe-suggest") }
    override func tearDown() { tmp = nil }

    func options(mergeFactor: Int = 1000) -> IndexWriterOptions {
        var o = IndexWriterOptions()
        o.threads = 1
        o.mergeFactor = mergeFactor
        return o
    }

    func testWordFileRoundTrip() throws {
        var list = WordList()
        for (w, df, display) in [("hanoi", 3, "Hanoi"), ("legacy", 7, ""), ("viet", 2, "Việt"), ("vietnam", 9, "Vietnam")] {
            list.words.append(Array(w.utf8)); list.docFreqs.append(UInt32(df)); list.displays.append(Array(display.utf8))
        }
        for (p, n) in [("viet nam", 2), ("war legacy", 1), ("war legacy of", 1)] {
            list.phrases.append(Array(p.utf8)); list.phraseCounts.append(UInt32(n))
        }
        let path = tmp.sub("s.words")
        let id = FileFormat.SegmentID.random()
        _ = try WordsFile.write(list, path: path, segment: id)
        XCTAssertEqual(try WordsFile(path: path, segment: id, verify: true).decode(), list)
        XCTAssertEqual(try WordsFile(path: path, segment: id, verify: true).decode().display(2), "Việt")
        XCTAssertThrowsError(try WordsFile(path: path, segment: .random(), verify: true)) { e in
            XCTAssertTrue("\(e)".contains("another segment"), "\(e)")
        }
        _ = try WordsFile.write(WordList(), path: path, segment: id)
        XCTAssertEqual(try WordsFile(path: path, segment: id, verify: true).decode(), WordList())
    }

    func testSegmentWordsDisplaysAndPhrases() throws {
        let dir = tmp.sub("idx")
        let w = try IndexWriter.create(directory: dir, options: options())
        try w.add(Document(id: "1", fields: ["title": "War legacy of Vietnam", "body": "The legacy's weight. Việt Nam remembers."]))
        try w.add(Document(id: "2", fields: ["title": "Legacy of the war", "body": "A legacy; NATO and Vietnam."]))
        try w.add(Document(id: "3", fields: ["title": "War legacy of Vietnam revisited", "body": "LEGACY"]))
        try w.commit(); w.close()
        let reader = try IndexReader.open(directory: dir)
        let list = try XCTUnwrap(reader.segments[0].words).decode()
        func df(_ word: String) -> UInt32? {
            (0..<list.words.count).first { list.words.string($0) == word }.map { list.docFreqs[$0] }
        }
        func display(_ word: String) -> String? { (0..<list.words.count).first { list.words.string($0) == word }.map { list.display($0) } }
        XCTAssertEqual(df("legacy"), 3)
        XCTAssertEqual(df("vietnam"), 3)
        XCTAssertEqual(df("viet"), 1)
        XCTAssertNil(df("legaci"), "words are not stemmed")
        XCTAssertEqual(display("legacy"), "legacy", "lower case wins when it occurs; the possessive is dropped")
        XCTAssertEqual(display("vietnam"), "Vietnam")
        XCTAssertEqual(display("viet"), "Việt")
        XCTAssertEqual(display("nato"), "NATO")
        let phrases = Dictionary(uniqueKeysWithValues: (0..<list.phrases.count).map { (list.phrases.string($0), list.phraseCounts[$0]) })
        XCTAssertEqual(phrases["war legacy"], 2)
        XCTAssertEqual(phrases["war legacy of vietnam"], 2)
        XCTAssertEqual(phrases["legacy of"], 3)
        XCTAssertNil(phrases["war legacy of vietnam revisited"], "at most 4 words")
        XCTAssertNil(phrases["vietnam remembers"], "only titles give phrases")
        XCTAssertNoThrow(try IndexChecker.check(directory: dir))

        XCTAssertEqual(try reader.completions(for: "vietn").first, Completion(text: "Vietnam", kind: .word, count: 3))
        // "war legacy of (Vietnam)" only extend "war legacy", in as many titles: left out.
        XCTAssertEqual(try reader.completions(for: "war leg"), [Completion(text: "war legacy", kind: .phrase, count: 2)])
        XCTAssertEqual(try reader.completions(for: "legacy o", limit: 3), [
            Completion(text: "legacy of", kind: .phrase, count: 3), Completion(text: "legacy of Vietnam", kind: .phrase, count: 2),
            Completion(text: "legacy of the", kind: .phrase, count: 1)])
        XCTAssertEqual(try reader.completions(for: "War LEG").first?.text, "War legacy", "earlier words are kept as typed")
        XCTAssertEqual(try reader.completions(for: "Legacy of the w", limit: 2).first, Completion(text: "Legacy of the war", kind: .phrase, count: 1),
                       "phrases start at most 3 words back")
        XCTAssertEqual(try reader.completions(for: "viet").map(\.text).prefix(2), ["Vietnam", "Việt"])
        XCTAssertEqual(try reader.completions(for: ""), [])
        XCTAssertEqual(try reader.completions(for: "zzz"), [])
    }

    /// Counts of a merge: each source's scaled by its live share (`WordList.merged`).
    func testMergeScalesCountsByLiveShare() throws {
        let dir = tmp.sub("idx")
        let w = try IndexWriter.create(directory: dir, options: options())
        for i in 0..<4 { try w.add(Document(id: "a\(i)", fields: ["title": "alpha beta", "body": i < 2 ? "gamma" : "delta"])) }
        try w.commit()
        for i in 0..<3 { try w.add(Document(id: "b\(i)", fields: ["title": "alpha beta", "body": "gamma"])) }
        try w.commit()
        try w.delete(id: "a0")  // segment a: 3 of 4 live
        try w.delete(id: "b0"); try w.delete(id: "b1")  // segment b: 1 of 3 live
        try w.commit()
        var reader = try IndexReader.open(directory: dir)
        XCTAssertEqual(try reader.vocabulary().docFreq("gamma"), 5, "deleted documents count until merged")
        try w.forceMerge(maxSegments: 1)
        w.close()
        reader = try IndexReader.open(directory: dir)
        XCTAssertEqual(reader.segments.count, 1)
        let v = try reader.vocabulary()
        // alpha: round(4 × 3/4) + round(3 × 1/3) = 3 + 1; gamma: round(2 × 3/4) + round(3 × 1/3) = 2 + 1;
        // delta: round(2 × 3/4) = 2 (exact would be 2).
        XCTAssertEqual(v.docFreq("alpha"), 4)
        XCTAssertEqual(v.docFreq("gamma"), 3)
        XCTAssertEqual(v.docFreq("delta"), 2)
        let phrase = try XCTUnwrap((0..<v.words.phrases.count).first { v.words.phrases.string($0) == "alpha beta" })
        XCTAssertEqual(v.words.phraseCounts[phrase], 4)
        XCTAssertNoThrow(try IndexChecker.check(directory: dir))
    }

    /// Merging keeps the words of a version 4 source out (it has none) and the new ones in.
    func testVersion4SegmentsContributeNothing() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "index-v4", withExtension: nil, subdirectory: "Fixtures"))
        let dir = tmp.sub("v4")
        try DirTools.copy(url.path, to: dir)
        XCTAssertEqual(try Index.open(at: dir).completions(for: "o"), [])
        try Index.open(at: dir).write { w in
            try w.add(Document(id: "new-1", fields: ["title": "Tanker crude oil report", "body": "crude oil tanker rates rose"]))
        }
        XCTAssertEqual(try Index.open(at: dir).completions(for: "tank").first, Completion(text: "tanker", kind: .word, count: 1))
        let writer = try IndexWriter.open(directory: dir)
        try writer.forceMerge(maxSegments: 1)
        writer.close()
        let index = try Index.open(at: dir)
        XCTAssertEqual(try index.completions(for: "tank").first, Completion(text: "tanker", kind: .word, count: 1))
        XCTAssertEqual(try index.completions(for: "shar"), [], "the version 4 documents were not reindexed")
        XCTAssertNoThrow(try IndexChecker.check(directory: dir))
    }

    /// Completions against a brute-force reference over random corpora in several segments.
    func testCompletionsMatchBruteForceReference() throws {
        for seed in [3, 17, 29] as [UInt64] {
            var corpus = TestCorpus(seed: seed, style: .zipfian)
            let dir = tmp.sub("idx\(seed)")
            let w = try IndexWriter.create(directory: dir, options: options())
            var docs: [Document] = []
            for c in 0..<4 {
                for i in 0..<corpus.int(20..<120) {
                    let d = corpus.document(id: "d\(c)-\(i)")
                    docs.append(d)
                    try w.add(d)
                }
                try w.commit()
            }
            w.close()
            let reader = try IndexReader.open(directory: dir)
            XCTAssertEqual(reader.segments.count, 4)
            let reference = CompletionReference(docs)
            var rng = SeededRandom(seed: seed)
            for _ in 0..<150 {
                let d = rng.pick(docs)
                let words = try Analyzer(language: nil).terms((d.fields["title"] ?? "") + " " + (d.fields["body"] ?? ""))
                guard !words.isEmpty else { continue }
                let i = rng.int(0...words.count - 1)
                let w = words[i]
                let prefix = String(w.prefix(rng.int(1...max(1, w.count))))
                var input = rng.chance(0.4) && i > 0 ? words[i - 1] + " " + prefix : prefix
                if rng.chance(0.1) { input += " " }
                let limit = rng.int(1...12)
                let got = try reader.completions(for: input, limit: limit)
                let expected = reference.completions(input, limit: limit)
                let folder = try Analyzer(language: nil)
                XCTAssertEqual(got.map { "\($0.kind.rawValue) \(folder.terms($0.text).joined(separator: " ")) \($0.count)" }, expected,
                               "seed \(seed), '\(input)', limit \(limit)")
            }
        }
    }

    func testDidYouMeanCorrectsTyposByEditsFrequencyAndCooccurrence() throws {
        let dir = tmp.sub("idx")
        let w = try IndexWriter.create(directory: dir, options: options())
        try w.add(Document(id: "1", fields: ["title": "The war legacy of Vietnam", "body": "Vietnam's legacy, decades on."]))
        try w.add(Document(id: "2", fields: ["title": "Legacy media", "body": "Legacy systems and legal fights."]))
        try w.add(Document(id: "3", fields: ["title": "Vietnamese cuisine", "body": "Food from Vietnam."]))
        try w.add(Document(id: "4", fields: ["title": "Legal news", "body": "A legal case about a lease."]))
        try w.commit()
        for i in 0..<3 { try w.add(Document(id: "l\(i)", fields: ["title": "Legal notes \(i)", "body": "legal"])) }
        try w.commit(); w.close()
        let index = try Index.open(at: dir)
        var r = try index.search("vietnm legasy")
        XCTAssertEqual(r.total, 0)
        XCTAssertEqual(r.suggestion, "vietnam legacy")
        // "legasy" alone: "legacy" (1 edit, 2 documents) before "legal" (2 edits, more documents).
        XCTAssertEqual(try index.search("legasy").suggestion, "legacy")
        // Transposition is one edit; operators, quotes and fields stay.
        XCTAssertEqual(try index.search("title:vitenam OR \"war lgeacy\"").suggestion, "title:vietnam OR \"war legacy\"")
        // Found often enough: no suggestion; switched off: none either.
        r = try index.search("vietnam")
        XCTAssertNil(r.suggestion)
        var request = SearchRequest(query: "vietnm", limit: 10)
        request.suggest = false
        XCTAssertNil(try index.search(request).suggestion)
        // Nothing close enough: no suggestion.
        XCTAssertNil(try index.search("qqqqqq").suggestion)
        XCTAssertNil(try index.search("xy").suggestion, "words of 1 or 2 letters are not corrected")
    }
}

/// The documented completion rule, computed from the documents themselves.
struct CompletionReference {
    var df: [String: Int] = [:]
    var phrases: [String: Int] = [:]

    init(_ docs: [Document]) {
        let folder = try! Analyzer(language: nil)
        for d in docs {
            let title = folder.terms(d.fields["title"] ?? "")
            for w in Set(title + folder.terms(d.fields["body"] ?? "")) { df[w, default: 0] += 1 }
            var seen = Set<String>()
            for i in 0..<title.count {
                for n in 2...4 where i + n <= title.count { seen.insert(title[i..<i + n].joined(separator: " ")) }
            }
            for p in seen { phrases[p, default: 0] += 1 }
        }
    }

    func completions(_ input: String, limit: Int) -> [String] {
        let typed = try! Analyzer(language: nil).terms(input)
        guard !typed.isEmpty else { return [] }
        let partial = !(input.last?.isWhitespace ?? true)
        func ranked(_ m: [String: Int]) -> [(String, Int)] {
            m.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        }
        let before = typed.dropLast().map { $0 + " " }.joined()
        var words: [String] = []
        if partial {
            words = ranked(df.filter { $0.key.utf8.starts(with: typed.last!.utf8) }).prefix(limit).map { "word \(before)\($0.0) \($0.1)" }
        }
        let m = min(typed.count, 3)
        let key = typed.suffix(m).joined(separator: " ") + (partial ? "" : " ")
        let lead = typed.dropLast(m).map { $0 + " " }.joined()
        var kept: [(String, Int)] = []
        for (p, n) in ranked(phrases.filter { $0.key.utf8.starts(with: key.utf8) && $0.key.utf8.count > key.utf8.count }).prefix(limit * 4)
        where kept.count < limit {
            if !kept.contains(where: { $0.1 == n && p.hasPrefix($0.0 + " ") }) { kept.append((p, n)) }
        }
        let phraseLines = kept.map { "phrase \(lead)\($0.0) \($0.1)" }
        let (primary, secondary) = typed.count == 1 ? (words, phraseLines) : (phraseLines, words)
        // Completions are told apart by their text (kind and count aside).
        func text(_ line: String) -> String { line.split(separator: " ").dropFirst().dropLast().joined(separator: " ") }
        let primaryTexts = Set(primary.map(text))
        let others = secondary.filter { !primaryTexts.contains(text($0)) }
        let places = min(others.count, max(limit / 2, limit - primary.count))
        return Array(primary.prefix(limit - places)) + others.prefix(places)
    }
}
