import Foundation

/// The suggestion vocabulary of a whole snapshot: the segments' word lists merged into one
/// sorted list of words and one of title phrases, with the counts summed, built once per
/// `IndexReader` on first use (as `GlobalOrdinals` are) and shared by its suggestions.
///
/// Counts are the segments' as written, deleted documents included until their segment is
/// merged (as Lucene's `docFreq`); segments without a word list (written before format 5)
/// contribute nothing.
///
/// A completion is a prefix range of a sorted list, whose most frequent entries are found
/// without visiting the whole range: `RangeMaxima` keeps the largest count of every block of
/// 32 entries and of every run of 1,024, so a top-k walk visits the runs by their maxima and
/// skips those that cannot beat the k-th best. A one-letter prefix over a million words
/// costs a few hundred comparisons, not a million.
final class SuggestVocabulary: Sendable {
    let words: WordList
    let wordMaxima: RangeMaxima
    let phraseMaxima: RangeMaxima

    init(_ lists: [WordList]) {
        words = lists.count == 1 ? lists[0] : WordList.merged(lists.map { ($0, 1.0) }, docCount: 0)
        wordMaxima = RangeMaxima(words.docFreqs)
        phraseMaxima = RangeMaxima(words.phrases.count == 0 ? [] : words.phraseCounts)
    }

    /// The index of `word` (folded bytes), nil when absent.
    func wordIndex(_ word: UnsafeRawBufferPointer) -> Int? {
        let i = words.words.lowerBound(word)
        guard i < words.words.count, words.words.with(i, { compareBytes($0, word) == 0 }) else { return nil }
        return i
    }

    func docFreq(_ word: String) -> Int {
        var w = word
        return w.withUTF8 { wordIndex(UnsafeRawBufferPointer($0)).map { Int(words.docFreqs[$0]) } ?? 0 }
    }
}

/// The largest count per block of 32 entries and per run of 1,024 (see `SuggestVocabulary`).
struct RangeMaxima: Sendable {
    static let blockShift = 5
    static let runShift = 10
    let counts: [UInt32]
    let blocks: [UInt32]
    let runs: [UInt32]

    init(_ counts: [UInt32]) {
        self.counts = counts
        func maxima(_ values: [UInt32], _ shift: Int) -> [UInt32] {
            stride(from: 0, to: values.count, by: 1 << shift).map { values[$0..<min($0 + (1 << shift), values.count)].max()! }
        }
        blocks = maxima(counts, RangeMaxima.blockShift)
        runs = maxima(counts, RangeMaxima.runShift)
    }

    /// The indexes of the `k` highest counts in `range` that `accept` lets through, by count
    /// descending, then index ascending.
    func top(_ k: Int, in range: Range<Int>, accept: (Int) -> Bool = { _ in true }) -> [Int] {
        guard k > 0, !range.isEmpty else { return [] }
        var best: [(count: UInt32, index: Int)] = []  // sorted, best first
        best.reserveCapacity(k + 1)
        func consider(_ i: Int) {
            let c = counts[i]
            if best.count == k {
                let last = best[k - 1]
                guard c > last.count || (c == last.count && i < last.index) else { return }
            }
            guard accept(i) else { return }
            var at = best.count
            while at > 0 && (best[at - 1].count < c || (best[at - 1].count == c && best[at - 1].index > i)) { at -= 1 }
            best.insert((c, i), at: at)
            if best.count > k { best.removeLast() }
        }
        /// Whether entries `start...` with maximum `m` may still enter the list.
        func mayEnter(_ m: UInt32, start: Int) -> Bool {
            guard best.count == k else { return true }
            let last = best[k - 1]
            return m > last.count || (m == last.count && start < last.index)
        }
        func scanBlock(_ b: Int) {
            let start = max(b << RangeMaxima.blockShift, range.lowerBound)
            guard mayEnter(blocks[b], start: start) else { return }
            for i in start..<min((b + 1) << RangeMaxima.blockShift, range.upperBound) { consider(i) }
        }
        let firstRun = range.lowerBound >> RangeMaxima.runShift, lastRun = (range.upperBound - 1) >> RangeMaxima.runShift
        let perRun = RangeMaxima.runShift - RangeMaxima.blockShift
        func scanRun(_ r: Int) {
            let firstBlock = max(r << perRun, range.lowerBound >> RangeMaxima.blockShift)
            let lastBlock = min(((r + 1) << perRun) - 1, (range.upperBound - 1) >> RangeMaxima.blockShift)
            for b in firstBlock...lastBlock { scanBlock(b) }
        }
        // Partial runs at the ends first, then the whole runs between, highest maximum first.
        scanRun(firstRun)
        if lastRun != firstRun { scanRun(lastRun) }
        if lastRun - firstRun > 1 {
            let inner = (firstRun + 1..<lastRun).sorted { runs[$0] != runs[$1] ? runs[$0] > runs[$1] : $0 < $1 }
            for r in inner where mayEnter(runs[r], start: r << RangeMaxima.runShift) { scanRun(r) }
        }
        return best.map(\.index)
    }
}

final class SuggestVocabularyCache: @unchecked Sendable {
    // @unchecked: `built` is only touched under `lock`.
    private let lock = NSLock()
    private var built: SuggestVocabulary?

    /// The cached vocabulary, built by `make` on first use (under the lock, so once).
    func get(_ make: () throws -> SuggestVocabulary) throws -> SuggestVocabulary {
        lock.lock()
        defer { lock.unlock() }
        if let v = built { return v }
        let v = try make()
        built = v
        return v
    }
}
