import Foundation
import Loupe

/// The small index the fuzz targets read: a schema with every kind of field (text, keyword,
/// multi-valued keyword, number, date, near-duplicate signatures) and two segments, one
/// with postings lists longer than a block (128 documents) and one short, each with a
/// deletion, so every file kind and decoding path has something to decode.
public enum FuzzIndex {
    public static let words = ["harbour", "crane", "strike", "oil", "price", "tanker", "union", "port", "wage", "ship",
                               "grain", "cargo", "dock", "berth", "pilot", "quay", "rope", "tide", "fleet", "storm",
                               "café", "naïve", "東京", "ไทย", "crude", "opec", "legacy", "war"]

    /// A fixed, repeatable generator (SplitMix64), so the index is the same on every run.
    public struct Random {
        var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        public mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(next() % UInt64(r.count)) }
        public mutating func pick<T>(_ a: [T]) -> T { a[int(0...(a.count - 1))] }
    }

    public static func schema() -> Schema {
        var schema = Schema.news()
        schema.fields += [.keyword("source"), .keyword("tags", multiValued: true), .number("words"), .date("updated")]
        schema.nearDuplicates = NearDuplicateSettings()
        return schema
    }

    /// Creates the index at `dir` (replacing what is there): segments of `sizes` documents.
    /// Small on purpose: the corpus of fuzz-segments holds whole files of it.
    public static func build(at dir: String, sizes: [Int] = [130, 12]) throws {
        try? FileManager.default.removeItem(atPath: dir)
        var rng = Random(seed: 19)
        let index = try Index.create(at: dir, schema: schema())
        var options = IndexWriterOptions()
        options.autoMerge = false
        for (s, size) in sizes.enumerated() {
            try index.write(options: options) { w in
                for i in 0..<size {
                    var body = (0..<rng.int(2...12)).map { _ in rng.pick(words) }
                    body.append("harbour")
                    let date: Int64? = i % 7 == 0 ? nil : Int64(rng.int(0...2_000_000_000))
                    var values: [String: [FieldValue]] = ["source": [.keyword(rng.pick(words))],
                                                          "tags": (0..<rng.int(0...2)).map { _ in .keyword(rng.pick(words)) },
                                                          "words": [.number(Double(body.count))]]
                    if let date { values["updated"] = [.date(date + 3600)] }
                    try w.add(Document(id: "s\(s)-\(i)", fields: ["title": "report \(rng.pick(words)) \(rng.pick(words))",
                                                                  "body": body.joined(separator: " ")],
                                       date: date, values: values))
                }
            }
        }
        try index.write(options: options) { w in
            for s in 0..<sizes.count { try w.delete(id: "s\(s)-5") }
        }
    }

    /// A fresh directory under /dev/shm (memory) when it exists, else the temporary directory.
    public static func scratchDirectory(_ name: String) -> String {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let dir = "\(base)/loupe-\(name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// Runs every read path of the index at `dir` once. Errors are expected (the files are
/// hostile) and ignored; what the fuzzer looks for is a trap, a fatal signal or a hang.
public enum ReadPaths {
    static let queries = ["harbour crane", "\"harbour crane\"", "\"oil price tanker\"~2", "ha*", "crane OR tide -storm",
                          "date:[1990-01-01 TO 2030-01-01]", "crane~1", "harbour source:crane", "tags:(oil OR tide) words:[5 TO 20]",
                          "updated:[1990 TO 2030]"]

    public static func exercise(_ dir: String, check: Bool = true) {
        if let index = try? Index.open(at: dir, verify: true) {
            for (i, q) in queries.enumerated() {
                var r = SearchRequest(query: q, limit: 20)
                r.sort = i % 2 == 0 ? .relevance : .newest
                r.exactCount = i % 3 == 0
                _ = try? index.search(r)
            }
            var r = SearchRequest(query: "harbour", limit: 20)
            r.facets = [.terms("source"), .terms("tags"), .histogram("updated", .month), .stats("words"),
                        .ranges("words", [NumberRange(from: nil, to: 10), NumberRange(from: 10, to: nil)])]
            r.sortField = SortField("words", descending: true)
            r.collapse = "source"
            _ = try? index.search(r)
            r.collapse = SearchRequest.nearDuplicates
            r.sortField = SortField("tags")
            _ = try? index.search(r)
            for id in ["s0-0", "s0-129", "s1-5", "s1-11"] { _ = try? index.document(id: id) }
            for text in ["h", "harbour cr", "oil "] { _ = try? index.reader.completions(for: text) }
            _ = try? index.search("harbuor cranne")
            _ = IndexStats(reader: index.reader)
        }
        if check { _ = try? IndexChecker.check(directory: dir) }
    }
}
