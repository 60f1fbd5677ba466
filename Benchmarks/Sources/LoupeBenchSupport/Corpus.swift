import Foundation
import Loupe

/// One article of a benchmark corpus.
public struct Article: Sendable {
    public var id: String
    public var title: String
    public var body: String
    public var date: Int64?

    public init(id: String, title: String, body: String, date: Int64?) {
        self.id = id; self.title = title; self.body = body; self.date = date
    }
}

/// Reads a JSON Lines corpus (`{"id","title","body","date"}` per line).
public func readCorpus(path: String, limit: Int?) throws -> [Article] {
    guard let data = FileManager.default.contents(atPath: path) else { throw BenchError("cannot read \(path)") }
    var out: [Article] = []
    var lineNumber = 0
    for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
        lineNumber += 1
        if let limit, out.count >= limit { break }
        guard let obj = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], let id = obj["id"] as? String else {
            throw BenchError("\(path):\(lineNumber): not a JSON object with an id")
        }
        out.append(Article(id: id, title: obj["title"] as? String ?? "", body: obj["body"] as? String ?? "",
                           date: (obj["date"] as? String).flatMap(ISODate.parse)))
    }
    return out
}

/// A deterministic synthetic news corpus: Zipfian vocabulary, planted phrases, and names
/// with diacritics, so that term, phrase and folding paths all get exercised.
public func syntheticCorpus(count: Int, seed: UInt64 = 42) -> [Article] {
    var rng = SplitMix(seed: seed)
    let vocabulary = (0..<20_000).map(syntheticWord)
    let common = ["the", "of", "and", "to", "in", "a", "said", "on", "for", "with", "war", "legacy", "government", "market"]
    let names = ["Việt Nam", "Hà Nội", "Phan Văn Giang", "Đà Nẵng", "São Paulo", "Zürich", "Kraków"]
    let planted = ["war legacy", "secretary of state", "united nations", "central bank"]
    // Zipf sampling by inverse CDF over precomputed cumulative weights.
    var cumulative: [Double] = []
    var total = 0.0
    for r in 1...vocabulary.count { total += 1 / Double(r); cumulative.append(total) }
    func word() -> String {
        if rng.next() % 4 == 0 { return common[Int(rng.next() % UInt64(common.count))] }
        let x = Double(rng.next() % 1_000_000) / 1_000_000 * total
        var lo = 0, hi = cumulative.count - 1
        while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < x { lo = mid + 1 } else { hi = mid } }
        return vocabulary[lo]
    }
    var out: [Article] = []
    out.reserveCapacity(count)
    let base: Int64 = 1_577_836_800 // 2020-01-01
    for i in 0..<count {
        let titleLen = 5 + Int(rng.next() % 8)
        let title = (0..<titleLen).map { _ in word() }.joined(separator: " ").capitalized
        var body = ""
        let sentences = 8 + Int(rng.next() % 30)
        for _ in 0..<sentences {
            let len = 8 + Int(rng.next() % 20)
            var words = (0..<len).map { _ in word() }
            if rng.next() % 10 == 0 { words.insert(names[Int(rng.next() % UInt64(names.count))], at: Int(rng.next() % UInt64(words.count))) }
            if rng.next() % 20 == 0 { words.insert(planted[Int(rng.next() % UInt64(planted.count))], at: Int(rng.next() % UInt64(words.count))) }
            body += words.joined(separator: " ").capitalized + ". "
        }
        out.append(Article(id: String(format: "syn%07d", i), title: title, body: body,
                           date: base + Int64(rng.next() % (5 * 365 * 86_400))))
    }
    return out
}

/// The `i`-th word of the synthetic vocabulary: `i` written in base 20, one lowercase
/// syllable per digit (least significant first).
public func syntheticWord(_ i: Int) -> String {
    let syllables = ["ka", "lo", "mi", "ren", "dat", "vo", "sun", "te", "ra", "pol", "ing", "ex", "tor", "ma", "li", "qua", "ber", "zo", "an", "est"]
    var w = ""
    var n = i
    repeat { w += syllables[n % syllables.count]; n /= syllables.count } while n > 0
    return w
}

public struct SplitMix {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
