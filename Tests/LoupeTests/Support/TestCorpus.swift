import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe

/// A small deterministic PRNG (SplitMix64) so every random test can be replayed from its seed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A temporary directory removed when the test case tears down. On tmpfs (/dev/shm) when there
/// is one: every commit fsyncs each file, which on a shared disk would dominate the run time.
final class TempDir {
    let path: String
    static let root: String = {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDir), isDir.boolValue,
           FileManager.default.isWritableFile(atPath: "/dev/shm") { return "/dev/shm/" }
        return NSTemporaryDirectory()
    }()
    init(_ label: String = "loupe") {
        path = TempDir.root + "\(label)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func sub(_ name: String) -> String { path + "/" + name }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Random documents for the news schema (title, body, url) drawn from a vocabulary with shared
/// prefixes, inflections (so stemming matters), Unicode, apostrophes, numbers and case.
struct TestCorpus {
    var rng: SeededRandom
    let vocabulary: [String]

    static let stems = ["connect", "run", "index", "search", "war", "legacy", "hanoi", "post", "term", "block"]
    static let suffixes = ["", "s", "ed", "ing", "ion", "er", "ers", "'s"]
    static let extra = ["Café", "naïve", "Straße", "Phan", "Văn", "Giang", "Đà", "Nẵng", "Ørsted", "ŁÓDŹ",
                        "東京", "Ελλάδα", "ﬁnance", "ＡＢＣ", "x", "a", "i", "2025", "3.14", "O'Neil", "rock'n'roll",
                        "co-op", "e-mail", "U.S.", "naïveté", "über", "İstanbul", "ǅemal", "Ωmega", "zz"]

    init(seed: UInt64) {
        rng = SeededRandom(seed: seed)
        var v: [String] = []
        for s in TestCorpus.stems { for x in TestCorpus.suffixes { v.append(s + x) } }
        v += TestCorpus.extra
        v.append(String(repeating: "long", count: 17)) // 68 bytes: dropped by the analyzer
        v.append(String(repeating: "q", count: 64))     // exactly 64 bytes: kept
        vocabulary = v
    }

    mutating func word() -> String {
        var w = vocabulary.randomElement(using: &rng)!
        if Int.random(in: 0..<6, using: &rng) == 0 { w = w.uppercased() }
        return w
    }

    mutating func text(maxWords: Int) -> String {
        let n = Int.random(in: 0...maxWords, using: &rng)
        let seps = [" ", " ", " ", ", ", ". ", "\n", " — ", "  ", " (", ") "]
        var s = ""
        for i in 0..<n {
            if i > 0 { s += seps.randomElement(using: &rng)! }
            s += word()
        }
        return s
    }

    mutating func document(id: String) -> Document {
        var fields: [String: String] = [:]
        if Int.random(in: 0..<10, using: &rng) != 0 { fields["title"] = text(maxWords: 6) }
        if Int.random(in: 0..<10, using: &rng) != 0 { fields["body"] = text(maxWords: 40) }
        if Int.random(in: 0..<2, using: &rng) == 0 { fields["url"] = "https://example.com/\(id)?q=\(Int.random(in: 0..<1000, using: &rng))" }
        let date: Int64? = Int.random(in: 0..<3, using: &rng) == 0 ? nil : Int64.random(in: -2_000_000_000...4_000_000_000, using: &rng)
        return Document(id: id, fields: fields, date: date)
    }

    mutating func int(_ r: Range<Int>) -> Int { Int.random(in: r, using: &rng) }
    mutating func chance(_ oneIn: Int) -> Bool { Int.random(in: 0..<oneIn, using: &rng) == 0 }
}

/// What the index should contain: live documents by id. Ids are compared as UTF-8 bytes.
typealias Model = [String: Document]

/// Per live document id: per indexed field number: term bytes -> positions.
typealias PostingsMap = [String: [Int: [[UInt8]: [UInt32]]]]

enum IndexVerifier {
    /// The postings every document of `model` should have, computed directly with the analyzer.
    static func expectedPostings(_ model: Model, schema: Schema) throws -> (PostingsMap, [String: [UInt32]]) {
        let analyzer = try Analyzer(language: schema.language)
        var out: PostingsMap = [:]
        var lengths: [String: [UInt32]] = [:]
        for (id, doc) in model {
            var fields: [Int: [[UInt8]: [UInt32]]] = [:]
            var lens: [UInt32] = []
            for (f, def) in schema.indexedFields.enumerated() {
                var map: [[UInt8]: [UInt32]] = [:]
                let n = analyzer.forEachTerm(in: doc.fields[def.name] ?? "") { term, pos in
                    map[Array(term), default: []].append(UInt32(pos))
                }
                lens.append(UInt32(n))
                if !map.isEmpty { fields[f] = map }
            }
            out[id] = fields
            lengths[id] = lens
        }
        return (out, lengths)
    }

    /// What `reader` holds: live documents by id (stored form), postings and field lengths.
    static func actual(_ reader: IndexReader, file: StaticString = #filePath, line: UInt = #line) throws
        -> (docs: [String: StoredDocument], postings: PostingsMap, lengths: [String: [UInt32]]) {
        var docs: [String: StoredDocument] = [:]
        var postings: PostingsMap = [:]
        var lengths: [String: [UInt32]] = [:]
        let nFields = reader.schema.indexedFields.count
        for seg in reader.segments {
            var idOf = [String?](repeating: nil, count: seg.docCount)
            for d in 0..<seg.docCount where !seg.isDeleted(d) {
                let stored = try seg.storedDocument(d)
                XCTAssertNil(docs[stored.id], "id \(stored.id) is live twice", file: file, line: line)
                docs[stored.id] = stored
                idOf[d] = stored.id
                postings[stored.id] = [:]
                lengths[stored.id] = (0..<nFields).map { seg.norms[$0][d] }
                XCTAssertEqual(seg.dates[d], stored.date ?? DatesFile.missing, "date column of \(stored.id)", file: file, line: line)
                // The id field finds the document.
                XCTAssertTrue(seg.docs(withId: stored.id).contains(d), "id field misses \(stored.id)", file: file, line: line)
            }
            for f in 0..<nFields {
                seg.terms.forEachTerm(field: f) { term, info in
                    let key = Array(term)
                    let c = seg.cursor(info)
                    var n = 0
                    while c.next() != PostingsCursor.noMore {
                        n += 1
                        let d = Int(c.doc)
                        guard let id = idOf[d] else { continue }
                        let pos = Array(c.positions())
                        XCTAssertEqual(Int(c.freq), pos.count, "tf vs positions", file: file, line: line)
                        XCTAssertNil(postings[id]![f]?[key], "term listed twice for a doc", file: file, line: line)
                        postings[id]![f, default: [:]][key] = pos
                    }
                    XCTAssertEqual(n, Int(info.docFreq), "docFreq of a term", file: file, line: line)
                }
            }
        }
        return (docs, postings, lengths)
    }

    /// Asserts that the index in `directory` holds exactly `model`, term by term.
    /// `statistics` also checks mean field lengths and every term's live document frequency.
    static func assertIndexMatches(_ directory: String, _ model: Model, schema: Schema = .news(), statistics: Bool = true,
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        let reader = try IndexReader.open(directory: directory, verify: true)
        try assertReaderMatches(reader, model, statistics: statistics, file: file, line: line)
        let report = try IndexChecker.check(directory: directory)
        XCTAssertEqual(report.documents, model.count, "checker's live count", file: file, line: line)
    }

    static func assertReaderMatches(_ reader: IndexReader, _ model: Model, statistics: Bool = true,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let schema = reader.schema
        let (docs, postings, lengths) = try actual(reader, file: file, line: line)
        XCTAssertEqual(reader.liveDocCount, model.count, "live document count", file: file, line: line)
        XCTAssertEqual(Set(docs.keys), Set(model.keys), "live ids", file: file, line: line)
        let storedNames = Set(schema.storedFields.map(\.name))
        var storedMismatches = 0
        for (id, doc) in model {
            guard let s = docs[id] else { continue }
            let expected = doc.fields.filter { storedNames.contains($0.key) }
            if s.fields != expected || s.date != doc.date || s.id != id {
                storedMismatches += 1
                if storedMismatches <= 3 { XCTFail("stored document \(id): got \(s), expected \(expected) date \(String(describing: doc.date))", file: file, line: line) }
            }
        }
        XCTAssertEqual(storedMismatches, 0, "stored documents that differ", file: file, line: line)
        let (expected, expectedLengths) = try expectedPostings(model, schema: schema)
        var mismatches = 0
        for id in expected.keys.sorted() where docs[id] != nil {
            let e = expected[id]!, a = postings[id] ?? [:]
            if e != a {
                mismatches += 1
                if mismatches <= 3 { XCTFail("postings of \(id) differ:\n\(describe(e, a))", file: file, line: line) }
            }
            if lengths[id] != expectedLengths[id] {
                mismatches += 1
                if mismatches <= 3 { XCTFail("field lengths of \(id): got \(lengths[id] ?? []), expected \(expectedLengths[id]!)", file: file, line: line) }
            }
        }
        XCTAssertEqual(mismatches, 0, "documents whose postings or lengths differ", file: file, line: line)

        // Collection statistics over live documents: mean field lengths and document frequencies.
        for f in 0..<schema.indexedFields.count where statistics {
            let sum = expectedLengths.values.reduce(0.0) { $0 + Double($1[f]) }
            let mean = model.isEmpty ? 0 : sum / Double(model.count)
            XCTAssertEqual(reader.averageLengths[f], mean, accuracy: 1e-9, "average length of field \(f)", file: file, line: line)
            var df: [[UInt8]: Int] = [:]
            for fields in expected.values { for t in (fields[f] ?? [:]).keys { df[t, default: 0] += 1 } }
            var dfMismatches = 0
            for (t, n) in df {
                let got = t.withUnsafeBytes { reader.docFreq(field: f, term: $0) }
                if got != n {
                    dfMismatches += 1
                    if dfMismatches <= 3 { XCTFail("docFreq of '\(String(decoding: t, as: UTF8.self))' in field \(f): \(got), expected \(n)", file: file, line: line) }
                }
            }
            XCTAssertEqual(dfMismatches, 0, "terms of field \(f) with a wrong live docFreq", file: file, line: line)
        }
    }

    static func describe(_ e: [Int: [[UInt8]: [UInt32]]], _ a: [Int: [[UInt8]: [UInt32]]]) -> String {
        var lines: [String] = []
        for f in Set(e.keys).union(a.keys).sorted() {
            let ef = e[f] ?? [:], af = a[f] ?? [:]
            for t in Set(ef.keys).union(af.keys) where ef[t] != af[t] {
                lines.append("  field \(f) term '\(String(decoding: t, as: UTF8.self))': expected \(ef[t] ?? []) got \(af[t] ?? [])")
            }
        }
        return lines.prefix(10).joined(separator: "\n")
    }
}

/// File-level helpers for the crash and corruption tests.
enum DirTools {
    static func files(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    static func snapshot(_ dir: String, excluding: Set<String> = []) -> [String: Data] {
        var out: [String: Data] = [:]
        for f in files(dir) where !excluding.contains(f) {
            out[f] = FileManager.default.contents(atPath: dir + "/" + f) ?? Data()
        }
        return out
    }

    static func copy(_ src: String, to dst: String) throws {
        try? FileManager.default.removeItem(atPath: dst)
        try FileManager.default.createDirectory(atPath: dst, withIntermediateDirectories: true)
        for f in files(src) {
            try FileManager.default.copyItem(atPath: src + "/" + f, toPath: dst + "/" + f)
        }
    }

    static func write(_ data: Data, to path: String) {
        FileManager.default.createFile(atPath: path, contents: data)
    }
}
