import Foundation
import Loupe

/// Random documents for the news schema (`title`, `body`, `url`, a date), reproducible from a
/// seed, and the indexes built from them.
///
/// Two styles serve two kinds of test:
/// - `.edgeCases` (the default) stresses indexing and storage: `Vocabulary.edgeCases` words
///   drawn uniformly, any of them upper-cased, joined by assorted punctuation; fields and dates
///   often missing, dates anywhere from 1906 to 2096.
/// - `.zipfian` looks like news, for ranking against a reference: a Zipfian
///   `Vocabulary(zipfianUsing:)`, titles of up to 8 words, bodies of up to 50 (one in ten up to
///   250), dates from 2020 to 2025 with some exact repeats so date sorting meets ties.
public struct TestCorpus {
    public enum Style: Sendable {
        case edgeCases
        case zipfian
    }

    public let style: Style
    public var rng: SeededRandom
    public let vocabulary: Vocabulary
    private var nextId = 0

    /// Dates of the `.zipfian` style: 2020-01-01 ... 2025-12-31.
    public static let minDate: Int64 = 1_577_836_800
    public static let maxDate: Int64 = 1_767_139_200

    public init(seed: UInt64, style: Style = .edgeCases) {
        self.style = style
        rng = SeededRandom(seed: seed)
        switch style {
        case .edgeCases: vocabulary = .edgeCases
        case .zipfian: vocabulary = Vocabulary(zipfianUsing: &rng)
        }
    }

    /// A random document with this id, in the corpus's style.
    public mutating func document(id: String) -> Document {
        switch style {
        case .edgeCases: return edgeCaseDocument(id: id)
        case .zipfian: return zipfianDocument(id: id)
        }
    }

    /// A random integer in `range`.
    public mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &rng) }

    // MARK: Edge cases

    /// Up to `maxWords` edge-case words joined by spaces, punctuation, line breaks or dashes.
    public mutating func text(maxWords: Int) -> String {
        let n = Int.random(in: 0...maxWords, using: &rng)
        let seps = [" ", " ", " ", ", ", ". ", "\n", " — ", "  ", " (", ") "]
        var s = ""
        for i in 0..<n {
            if i > 0 { s += seps.randomElement(using: &rng)! }
            s += word()
        }
        return s
    }

    private mutating func word() -> String {
        var w = vocabulary.words.randomElement(using: &rng)!
        if Int.random(in: 0..<6, using: &rng) == 0 { w = w.uppercased() }
        return w
    }

    private mutating func edgeCaseDocument(id: String) -> Document {
        var fields: [String: String] = [:]
        if Int.random(in: 0..<10, using: &rng) != 0 { fields["title"] = text(maxWords: 6) }
        if Int.random(in: 0..<10, using: &rng) != 0 { fields["body"] = text(maxWords: 40) }
        if Int.random(in: 0..<2, using: &rng) == 0 { fields["url"] = "https://example.com/\(id)?q=\(Int.random(in: 0..<1000, using: &rng))" }
        let date: Int64? = Int.random(in: 0..<3, using: &rng) == 0 ? nil : Int64.random(in: -2_000_000_000...4_000_000_000, using: &rng)
        return Document(id: id, fields: fields, date: date)
    }

    // MARK: Zipfian

    private mutating func zipfianDate() -> Int64? {
        if rng.chance(0.15) { return nil }
        // Some days repeat exactly so date sorting meets equal keys.
        if rng.chance(0.1) { return TestCorpus.minDate + Int64(rng.int(0...20)) * 86_400 }
        return Int64.random(in: TestCorpus.minDate...TestCorpus.maxDate, using: &rng)
    }

    private mutating func zipfianDocument(id: String) -> Document {
        var fields: [String: String] = [:]
        if !rng.chance(0.05) { fields["title"] = vocabulary.text(&rng, words: rng.int(0...8)) }
        if !rng.chance(0.03) {
            let n = rng.chance(0.1) ? rng.int(80...250) : rng.int(0...50)
            fields["body"] = vocabulary.text(&rng, words: n)
        }
        if rng.chance(0.5) { fields["url"] = "https://example.com/\(id)" }
        return Document(id: id, fields: fields, date: zipfianDate())
    }

    // MARK: Building an index

    /// Creates an index in `directory` and writes `commits` transactions of `perCommit` new
    /// documents (ids `d0`, `d1`, ...), with the occasional deletion and replacement of an older
    /// or same-transaction document; every change is also applied to `model`. A small memory
    /// budget flushes every chunk, so the index has many small segments, merged `mergeFactor`
    /// at a time.
    public mutating func buildIndex(directory: String, commits: Int, perCommit: Int, mergeFactor: Int = 4, threads: Int = 1,
                                    recordingIn model: some LiveDocumentModel) throws {
        var options = IndexWriterOptions()
        options.threads = threads
        options.memoryBudgetBytes = 48 << 10
        options.mergeFactor = mergeFactor
        let w = try IndexWriter.create(directory: directory, schema: .news(), options: options)
        for _ in 0..<commits {
            for _ in 0..<perCommit {
                let id = "d\(nextId)"
                nextId += 1
                let doc = document(id: id)
                try w.add(doc)
                model.put(doc)
                if rng.chance(0.06), let victim = model.randomId(&rng) {
                    try w.delete(id: victim)
                    model.remove(victim)
                }
                if rng.chance(0.06), let victim = model.randomId(&rng) {
                    let doc = document(id: victim)
                    try w.update(doc)
                    model.put(doc)
                }
            }
            try w.commit()
        }
        w.close()
    }
}

/// What a test expects an index to hold, kept up to date by `TestCorpus.buildIndex` as it
/// writes. (The reference engine of the search tests is one; it lives with those tests
/// because it reads the index's internals.)
public protocol LiveDocumentModel: AnyObject {
    /// Adds `document`, or replaces the document with its id.
    func put(_ document: Document)
    func remove(_ id: String)
    /// The id of a random live document (from the ids ever put), or nil when a few draws miss.
    func randomId(_ rng: inout SeededRandom) -> String?
}
