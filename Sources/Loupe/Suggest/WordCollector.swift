/// Gathers a segment's suggestion vocabulary while it is built (see `WordList`).
///
/// For every token of a search field (the schema's default fields), the builder passes the
/// token's original word ("Legacy's", "Việt"); the collector interns that surface form (one
/// hash lookup per token, on the text's own bytes), folds each new surface once without
/// stemming ("legacy", "viet"), and counts per folded word the documents holding it. Per
/// surface form it counts occurrences, from which a word's display form is chosen
/// (`DisplayForm`). The title field's folded words also give the title phrases: every run of
/// 2 to 4 consecutive words, counted once per title.
///
/// The title field is the search field named `title`, else the first search field.
final class WordCollector {
    /// Indexed field numbers whose words are collected.
    private let collected: [Bool]
    let titleField: Int?
    private let folder: Analyzer
    // Only the owning builder's thread touches the collector: no dynamic exclusivity checks.
    private let surfaces = ByteInterner()
    /// Per surface: its folded word (most surfaces fold to one), -1 for none, or `-2 - i`
    /// for several (NFKC can split a word), listed in `surfaceMulti[i]`.
    @exclusivity(unchecked) private var surfaceWord: [Int32] = []
    @exclusivity(unchecked) private var surfaceMulti: [[Int32]] = []
    @exclusivity(unchecked) private var surfaceCounts: [UInt32] = []
    private let words = ByteInterner()
    @exclusivity(unchecked) private var wordLastDoc: [Int32] = []
    @exclusivity(unchecked) private var wordDocFreq: [UInt32] = []
    private let phrases = ByteInterner()
    @exclusivity(unchecked) private var phraseLastDoc: [Int32] = []
    @exclusivity(unchecked) private var phraseCount: [UInt32] = []
    @exclusivity(unchecked) private var titleWords: [Int32] = []
    @exclusivity(unchecked) private var key: [UInt8] = []

    init(schema: Schema) {
        let numbers = schema.searchFields.compactMap { schema.indexedFieldNumber($0) }
        var c = [Bool](repeating: false, count: schema.indexedFields.count)
        for n in numbers { c[n] = true }
        collected = c
        titleField = schema.searchFields.contains("title") ? schema.indexedFieldNumber("title") : numbers.first
        // The schema's version was checked when the writer opened; without a stemmer nothing else can fail.
        folder = try! Analyzer.unstemmed(schema: schema)
    }

    /// Whether field number `field`'s words are collected.
    func collects(field: Int) -> Bool { field < collected.count && collected[field] }

    var memoryBytes: Int {
        surfaces.memoryBytes + words.memoryBytes + phrases.memoryBytes
            + surfaceMulti.count * 48 + (surfaceWord.count + surfaceCounts.count + wordLastDoc.count * 2 + phraseLastDoc.count * 2) * 4
    }

    /// Analyzes `text` of field `field` of document `doc` with `analyzer`, passing each token
    /// to `body` as `Analyzer.forEachTerm` would, and collects its words; returns the field length.
    func analyze(_ text: String, field: Int, doc: Int, analyzer: Analyzer,
                 _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) -> Int {
        let isTitle = field == titleField
        if isTitle { titleWords.removeAll(keepingCapacity: true) }
        var lastStart = -1
        var t = text
        let length = t.withUTF8 { bytes in
            analyzer.forEachToken(in: text) { term, position, start, end in
                body(term, position)
                guard start != lastStart else { return }  // another token of the same word
                lastStart = start
                add(surface: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<end]), doc: doc, isTitle: isTitle)
            }
        }
        if isTitle { addPhrases(doc: doc) }
        return length
    }

    private func add(surface: UnsafeRawBufferPointer, doc: Int, isTitle: Bool) {
        let (sid, isNew) = surfaces.intern(surface)
        if isNew {
            var ids: [Int32] = []
            folder.forEachTerm(in: String(decoding: surface, as: UTF8.self)) { term, _ in
                let (wid, newWord) = words.intern(UnsafeRawBufferPointer(term))
                if newWord { wordLastDoc.append(-1); wordDocFreq.append(0) }
                ids.append(Int32(wid))
            }
            if ids.count == 1 { surfaceWord.append(ids[0]) }
            else if ids.isEmpty { surfaceWord.append(-1) }
            else { surfaceWord.append(Int32(-2 - surfaceMulti.count)); surfaceMulti.append(ids) }
            surfaceCounts.append(0)
        }
        surfaceCounts[sid] &+= 1
        let single = surfaceWord[sid]
        if single >= 0 {
            count(word: single, doc: doc, isTitle: isTitle)
        } else if single <= -2 {
            for wid in surfaceMulti[Int(-2 - single)] { count(word: wid, doc: doc, isTitle: isTitle) }
        }
    }

    @inline(__always) private func count(word wid: Int32, doc: Int, isTitle: Bool) {
        let w = Int(wid)
        if wordLastDoc[w] != Int32(doc) { wordLastDoc[w] = Int32(doc); wordDocFreq[w] += 1 }
        if isTitle { titleWords.append(wid) }
    }

    private func addPhrases(doc: Int) {
        let n = titleWords.count
        for i in 0..<n {
            key.removeAll(keepingCapacity: true)
            for k in 0..<min(WordList.phraseWords.upperBound, n - i) {
                let w = UInt32(bitPattern: titleWords[i + k])
                key.append(UInt8(w & 0xFF)); key.append(UInt8(w >> 8 & 0xFF)); key.append(UInt8(w >> 16 & 0xFF)); key.append(UInt8(w >> 24))
                guard k + 1 >= WordList.phraseWords.lowerBound else { continue }
                let (pid, isNew) = key.withUnsafeBytes { phrases.intern($0) }
                if isNew { phraseLastDoc.append(-1); phraseCount.append(0) }
                if phraseLastDoc[pid] != Int32(doc) { phraseLastDoc[pid] = Int32(doc); phraseCount[pid] += 1 }
            }
        }
    }

    /// The segment's word list, for a segment of `docCount` documents.
    func finish(docCount: Int) -> WordList {
        var list = WordList()
        let all = words.strings
        let order = (0..<all.count).sorted { a, b in all.with(a) { x in all.with(b) { y in compareBytes(x, y) < 0 } } }
        // Display forms: each single-word surface is a candidate for its word.
        var forms = [[(display: String, count: Int)]](repeating: [], count: all.count)
        for sid in 0..<surfaces.count where surfaceWord[sid] >= 0 {
            let w = Int(surfaceWord[sid])
            guard let display = displayCandidate(surfaces.strings.string(sid), word: all.string(w)) else { continue }
            forms[w].append((display, Int(surfaceCounts[sid])))
        }
        list.words.reserve(strings: all.count, bytes: all.bytes.count)
        for w in order {
            all.with(w) { list.words.append($0) }
            list.docFreqs.append(wordDocFreq[w])
            let display = DisplayForm.choose(forms[w])
            if display.isEmpty || display == all.string(w) { list.displays.append([]) } else { list.displays.append(Array(display.utf8)) }
        }
        // Phrases: spell each as its words joined by spaces, sort, prune.
        var texts: [(text: [UInt8], count: UInt32)] = []
        for pid in 0..<phrases.count where WordList.keepsPhrase(count: phraseCount[pid], docCount: docCount) {
            var text: [UInt8] = []
            phrases.strings.with(pid) { k in
                for j in stride(from: 0, to: k.count, by: 4) {
                    let w = Int(UInt32(k[j]) | UInt32(k[j + 1]) << 8 | UInt32(k[j + 2]) << 16 | UInt32(k[j + 3]) << 24)
                    if j > 0 { text.append(0x20) }
                    text.append(contentsOf: all.array(w))
                }
            }
            texts.append((text, phraseCount[pid]))
        }
        texts.sort { $0.text.lexicographicallyPrecedes($1.text) }
        for p in texts {
            list.phrases.append(p.text)
            list.phraseCounts.append(p.count)
        }
        return list
    }

    /// `surface` as a display form of `word`: without a possessive 's, and only if it folds
    /// back to exactly `word` (so a display never shows something else than the word).
    private func displayCandidate(_ surface: String, word: String) -> String? {
        var s = surface
        for suffix in ["'s", "'S", "’s", "’S"] where s.hasSuffix(suffix) && !word.hasSuffix("s") {
            s = String(s.dropLast(suffix.count))
        }
        return folder.terms(s) == [word] ? s : nil
    }
}
