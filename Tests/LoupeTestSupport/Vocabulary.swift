import Foundation

/// The words a `TestCorpus` draws its text from.
public struct Vocabulary: Sendable {
    public let words: [String]
    /// Running sums of the Zipf weights 1/rank^exponent, for `zipf(_:)`.
    private let cumulative: [Double]
    private static let exponent = 1.0

    private init(words: [String]) {
        self.words = words
        var sum = 0.0
        cumulative = (0..<words.count).map { rank in sum += 1 / pow(Double(rank + 1), Vocabulary.exponent); return sum }
    }

    // MARK: Edge cases

    static let stems = ["connect", "run", "index", "search", "war", "legacy", "hanoi", "post", "term", "block"]
    static let suffixes = ["", "s", "ed", "ing", "ion", "er", "ers", "'s"]
    static let extra = ["Café", "naïve", "Straße", "Phan", "Văn", "Giang", "Đà", "Nẵng", "Ørsted", "ŁÓDŹ",
                        "東京", "Ελλάδα", "ﬁnance", "ＡＢＣ", "x", "a", "i", "2025", "3.14", "O'Neil", "rock'n'roll",
                        "co-op", "e-mail", "U.S.", "naïveté", "über", "İstanbul", "ǅemal", "Ωmega", "zz"]

    /// Words that stress the analyzer: shared prefixes, inflections (so stemming matters),
    /// Unicode that folds, apostrophes, numbers, one word just too long to index (68 bytes)
    /// and one exactly at the limit (64 bytes).
    public static let edgeCases: Vocabulary = {
        var words: [String] = []
        for s in stems { for x in suffixes { words.append(s + x) } }
        words += extra
        words.append(String(repeating: "long", count: 17)) // 68 bytes: dropped by the analyzer
        words.append(String(repeating: "q", count: 64))     // exactly 64 bytes: kept
        return Vocabulary(words: words)
    }()

    // MARK: Zipfian

    public static let vietnamese = ["Việt", "Nam", "Hà", "Nội", "người", "đường", "phố", "nước", "Giang", "Phan", "Văn",
                                    "Sài", "Gòn", "Huế", "Đà", "Nẵng", "chiến", "tranh", "hòa", "bình", "Đồng", "Minh",
                                    "Hồ", "Quốc", "viet", "nam", "ha", "noi", "giang", "hue", "duong", "nguoi"]
    public static let english = ["the", "of", "and", "a", "to", "in", "run", "running", "runs", "runner", "legacy", "legacies",
                                 "war", "wars", "connect", "connected", "connection", "market", "markets", "marketing",
                                 "economy", "economic", "policy", "policies", "govern", "government", "study", "studies",
                                 "studied", "report", "reported", "reports", "city", "cities", "river", "rivers", "build",
                                 "building", "buildings", "trade", "trader", "traded", "vote", "voters", "voting"]
    /// Words the tokenizer splits into several tokens (a query for one is a phrase).
    public static let split = ["well-known", "U.S.", "don't", "co-operation", "Hà-Nội", "e-mail", "O'Brien's", "state-run"]

    /// About `size` words in random rank order, for Zipfian text like a news corpus's: English
    /// stemming families, Vietnamese words with and without diacritics, words the tokenizer
    /// splits, and made-up words to fill up to `size`.
    public init(zipfianUsing rng: inout SeededRandom, size: Int = 300) {
        var w = Vocabulary.vietnamese + Vocabulary.english + Vocabulary.split
        let cons = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "tr", "ch", "th"]
        let vows = ["a", "e", "i", "o", "u", "ai", "ou"]
        var seen = Set(w.map { $0.lowercased() })
        while w.count < size {
            var s = ""
            for _ in 0..<rng.int(2...3) { s += rng.pick(cons) + rng.pick(vows) }
            if rng.chance(0.3) { s += rng.pick(["s", "ing", "ed", "er", "n"]) }
            if seen.insert(s).inserted { w.append(s) }
        }
        w.shuffle(using: &rng)
        self.init(words: w)
    }

    // MARK: Drawing words

    /// A word drawn with probability proportional to 1/rank.
    public func zipf(_ rng: inout SeededRandom) -> String {
        let x = Double.random(in: 0..<cumulative.last!, using: &rng)
        var lo = 0, hi = cumulative.count - 1
        while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] > x { hi = mid } else { lo = mid + 1 } }
        return words[lo]
    }

    /// A word drawn uniformly.
    public func uniform(_ rng: inout SeededRandom) -> String { rng.pick(words) }

    /// `n` Zipfian words, the first and a few others capitalized, some followed by punctuation.
    public func text(_ rng: inout SeededRandom, words n: Int) -> String {
        var out: [String] = []
        for i in 0..<n {
            var w = zipf(&rng)
            if i == 0 || rng.chance(0.03) { w = w.prefix(1).uppercased() + w.dropFirst() }
            if rng.chance(0.07) { w += rng.pick([",", ".", ";", "!"]) }
            out.append(w)
        }
        return out.joined(separator: " ")
    }
}
