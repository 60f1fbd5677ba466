/// The suggestion vocabulary of one segment (its `.words` file, see `Index/FORMAT.md`), or of
/// a merge of segments: the unstemmed, folded words of the schema's search fields with their
/// document frequencies and display forms, and the title phrases with the number of titles
/// holding them. The stemmed, folded terms of the term dictionary ("legaci") cannot be shown
/// to people; these can ("legacy", "Việt").
struct WordList: Sendable, Equatable {
    /// Folded words, ascending by bytes, without repeats.
    var words = ByteStrings()
    /// Per word: the documents holding it (deleted ones included until their segment is merged).
    var docFreqs: [UInt32] = []
    /// Per word: how to show it (its most common original form, see `WordCollector`), empty
    /// when that is the folded word itself.
    var displays = ByteStrings()
    /// Title phrases: 2 to 4 consecutive folded words joined by one space, ascending, without repeats.
    var phrases = ByteStrings()
    /// Per phrase: the titles holding it.
    var phraseCounts: [UInt32] = []

    /// A segment of more documents than this keeps only the phrases of at least two titles
    /// (`minimumPhraseCount`): most phrases of a large segment occur once and would make the
    /// word file several times larger than the titles themselves.
    static let phrasePruningDocs = 1000
    static let minimumPhraseCount: UInt32 = 2
    /// Shortest and longest title phrase, in words.
    static let phraseWords = 2...4

    static func == (a: WordList, b: WordList) -> Bool {
        a.words.bytes == b.words.bytes && a.words.offsets == b.words.offsets && a.docFreqs == b.docFreqs
            && a.displays.bytes == b.displays.bytes && a.displays.offsets == b.displays.offsets
            && a.phrases.bytes == b.phrases.bytes && a.phrases.offsets == b.phrases.offsets && a.phraseCounts == b.phraseCounts
    }

    /// The display form of word `i`.
    func display(_ i: Int) -> String { displays.length(i) == 0 ? words.string(i) : displays.string(i) }

    /// Whether a segment of `docCount` documents keeps a phrase found in `count` titles.
    static func keepsPhrase(count: UInt32, docCount: Int) -> Bool {
        count >= 1 && (docCount <= phrasePruningDocs || count >= minimumPhraseCount)
    }

    /// The word list of a segment merged from `sources`, each with the share of its documents
    /// that are live (`liveCount / docCount`). Deleted documents are not known word by word,
    /// so a source's counts are scaled by its live share (deletions taken as spread evenly):
    /// a word's frequency is the sum over sources of `round(df × share)`, and a word or phrase
    /// whose sum is 0 is dropped. Display forms: the one with the most documents behind it,
    /// by the same rule as `WordCollector` (a form and its capitalized variant count together).
    /// Phrases are then pruned by `keepsPhrase` for the merged document count; phrases a
    /// source had already pruned are not recovered.
    static func merged(_ sources: [(list: WordList, liveShare: Double)], docCount: Int) -> WordList {
        var out = WordList()
        func scaled(_ n: UInt32, _ share: Double) -> UInt32 { share >= 1 ? n : UInt32((Double(n) * share).rounded()) }
        // Words: k-way merge by bytes.
        var heads = [Int](repeating: 0, count: sources.count)
        var forms: [(display: String, count: Int)] = []
        while true {
            var minSource = -1
            for s in sources.indices where heads[s] < sources[s].list.words.count {
                if minSource < 0 { minSource = s; continue }
                let c = sources[s].list.words.with(heads[s]) { a in sources[minSource].list.words.with(heads[minSource]) { b in compareBytes(a, b) } }
                if c < 0 { minSource = s }
            }
            guard minSource >= 0 else { break }
            let word = sources[minSource].list.words.array(heads[minSource])
            var df: UInt32 = 0
            forms.removeAll(keepingCapacity: true)
            for s in sources.indices where heads[s] < sources[s].list.words.count {
                let same = sources[s].list.words.with(heads[s]) { a in word.withUnsafeBytes { compareBytes(a, $0) == 0 } }
                guard same else { continue }
                let n = scaled(sources[s].list.docFreqs[heads[s]], sources[s].liveShare)
                df += n
                forms.append((sources[s].list.display(heads[s]), Int(n)))
                heads[s] += 1
            }
            guard df > 0 else { continue }
            out.words.append(word)
            out.docFreqs.append(df)
            let display = DisplayForm.choose(forms)
            if Array(display.utf8) == word { out.displays.append([]) } else { out.displays.append(Array(display.utf8)) }
        }
        // Phrases.
        heads = [Int](repeating: 0, count: sources.count)
        while true {
            var minSource = -1
            for s in sources.indices where heads[s] < sources[s].list.phrases.count {
                if minSource < 0 { minSource = s; continue }
                let c = sources[s].list.phrases.with(heads[s]) { a in sources[minSource].list.phrases.with(heads[minSource]) { b in compareBytes(a, b) } }
                if c < 0 { minSource = s }
            }
            guard minSource >= 0 else { break }
            let phrase = sources[minSource].list.phrases.array(heads[minSource])
            var count: UInt32 = 0
            for s in sources.indices where heads[s] < sources[s].list.phrases.count {
                let same = sources[s].list.phrases.with(heads[s]) { a in phrase.withUnsafeBytes { compareBytes(a, $0) == 0 } }
                guard same else { continue }
                count += scaled(sources[s].list.phraseCounts[heads[s]], sources[s].liveShare)
                heads[s] += 1
            }
            if keepsPhrase(count: count, docCount: docCount) {
                out.phrases.append(phrase)
                out.phraseCounts.append(count)
            }
        }
        return out
    }
}

/// How a folded word is shown: its most common original form, where a form and the same form
/// with a capital first letter count together (sentence starts and titles capitalize any
/// word), shown in lower case when it occurred so. So "legacy"/"Legacy" show as "legacy",
/// "Vietnam" (never lower case) as "Vietnam", "NATO" as "NATO", "Việt" as "Việt".
enum DisplayForm {
    /// The display form among `forms` (each with its occurrences); ties go to the form
    /// smallest by bytes, so the choice does not depend on the order of `forms`.
    static func choose(_ forms: [(display: String, count: Int)]) -> String {
        guard forms.count > 1 else { return forms.first?.display ?? "" }
        var perForm: [String: Int] = [:]
        for f in forms { perForm[f.display, default: 0] += f.count }
        var groups: [String: Int] = [:]
        for (form, n) in perForm { groups[uncapitalized(form), default: 0] += n }
        func before(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
        let key = groups.max { a, b in a.value != b.value ? a.value < b.value : before(b.key, a.key) }!.key
        if perForm[key] != nil { return key }
        return perForm.filter { uncapitalized($0.key) == key }
            .max { a, b in a.value != b.value ? a.value < b.value : before(b.key, a.key) }!.key
    }

    /// `s` with its first character in lower case.
    static func uncapitalized(_ s: String) -> String {
        guard let first = s.first else { return s }
        return first.lowercased() + s.dropFirst()
    }
}
