/// A segment's word file (`.words`, kind `WORD`, format 5; see `Index/FORMAT.md`): its
/// `WordList`, front-coded. Body: word count (u32), phrase count (u32); per word, ascending:
/// shared prefix length with the previous word (vint), suffix length (vint), suffix bytes,
/// document frequency (vint), display length (vint, 0 = the word itself) and display bytes;
/// per phrase, ascending: shared prefix length, suffix length, suffix bytes, title count (vints).
///
/// The file is mapped (and its checksum verified) when the segment is opened, and decoded
/// only when suggestions are first asked for, so searches pay nothing for it.
final class WordsFile: @unchecked Sendable {
    let path: String
    private let file: MappedFile
    private let body: Range<Int>

    /// Writes `list` durably; returns the file's size.
    static func write(_ list: WordList, path: String, segment: FileFormat.SegmentID) throws -> Int {
        let f = try FileWriter(path: path, kind: .words, segment: segment)
        f.buffer.u32(UInt32(list.words.count))
        f.buffer.u32(UInt32(list.phrases.count))
        var previous: [UInt8] = []
        func frontCoded(_ s: UnsafeRawBufferPointer) {
            var shared = 0
            let n = min(previous.count, s.count)
            while shared < n && previous[shared] == s[shared] { shared += 1 }
            f.buffer.vint(shared)
            f.buffer.vint(s.count - shared)
            f.buffer.append(contentsOf: s[shared...])
            previous = Array(s)
        }
        for i in 0..<list.words.count {
            list.words.with(i) { frontCoded($0) }
            f.buffer.vint(list.docFreqs[i])
            list.displays.with(i) { f.buffer.vint($0.count); f.buffer.append(contentsOf: $0) }
            try f.maybeFlush()
        }
        previous = []
        for i in 0..<list.phrases.count {
            list.phrases.with(i) { frontCoded($0) }
            f.buffer.vint(list.phraseCounts[i])
            try f.maybeFlush()
        }
        return try f.finish()
    }

    /// Maps the file and checks its envelope (and checksum when `verify`) and owner.
    init(path: String, segment: FileFormat.SegmentID, verify: Bool) throws {
        self.path = path
        (file, body) = try MappedFile.open(path, kind: .words, segment: segment, verifyChecksum: verify)
    }

    /// Decodes the whole list, checking every bound: lengths within the file, words and
    /// phrases strictly ascending, frequencies at least 1, the counts as recorded and nothing
    /// after the last entry. A violation throws `LoupeError.corruptFile` naming the file.
    func decode() throws -> WordList {
        try ByteReader.decoding(path, "the word list does not decode") {
            var r = ByteReader(base: file.base, count: body.upperBound, offset: body.lowerBound)
            func bad(_ why: String) -> LoupeError { .corruptFile(path: path, reason: why) }
            let wordCount = Int(try r.u32()), phraseCount = Int(try r.u32())
            // Each entry takes at least 4 bytes: a count beyond that is damage, not an allocation to attempt.
            guard wordCount + phraseCount <= r.remaining / 3 else { throw bad("word or phrase count exceeds the file") }
            var list = WordList()
            list.words.reserve(strings: wordCount, bytes: wordCount * 8)
            list.docFreqs.reserveCapacity(wordCount)
            var previous: [UInt8] = []
            func nextString(_ what: String) throws {
                let shared = try r.vintInt(), suffix = try r.vintInt()
                guard shared <= previous.count, suffix <= r.remaining, shared + suffix <= 4096 else { throw bad("a \(what) has a bad length") }
                let bytes = try r.bytes(suffix)
                let wasEmpty = previous.isEmpty
                let old = previous
                previous.removeSubrange(shared...)
                previous.append(contentsOf: bytes)
                guard previous.count > 0, wasEmpty || old.lexicographicallyPrecedes(previous) else {
                    throw bad("\(what)s out of order")
                }
            }
            for _ in 0..<wordCount {
                try nextString("word")
                let df = try r.vint32()
                let displayLength = try r.vintInt()
                guard df >= 1, displayLength <= min(r.remaining, 4096) else { throw bad("a word has a bad frequency or display length") }
                list.words.append(previous)
                list.docFreqs.append(df)
                list.displays.append(try r.bytes(displayLength))
            }
            previous = []
            for _ in 0..<phraseCount {
                try nextString("phrase")
                let n = try r.vint32()
                guard n >= 1 else { throw bad("a phrase has a count of 0") }
                list.phrases.append(previous)
                list.phraseCounts.append(n)
            }
            guard r.isAtEnd else { throw bad("bytes after the last phrase") }
            return list
        }
    }
}

/// What `loupe check` verifies in a word list beyond what decoding checks: every display
/// form folds back to its word, no word is in more documents than the segment has, and every
/// phrase is 2 to 4 words of the list, each in at least as many documents as the phrase's titles.
enum WordListChecker {
    static func violation(_ list: WordList, docCount: Int, schema: Schema) throws -> String? {
        let folder = try Analyzer.unstemmed(schema: schema)
        for i in 0..<list.words.count {
            guard list.docFreqs[i] <= docCount else { return "word '\(list.words.string(i))' is in more documents than the segment has" }
            if list.displays.length(i) > 0, folder.terms(list.displays.string(i)) != [list.words.string(i)] {
                return "word '\(list.words.string(i))' has a display form of another word"
            }
        }
        for i in 0..<list.phrases.count {
            let parts = list.phrases.string(i).split(separator: " ", omittingEmptySubsequences: false)
            guard WordList.phraseWords.contains(parts.count) else { return "phrase '\(list.phrases.string(i))' is not 2 to 4 words" }
            for p in parts {
                var w = String(p)
                let index = w.withUTF8 { b -> Int? in
                    let raw = UnsafeRawBufferPointer(b)
                    let at = list.words.lowerBound(raw)
                    return at < list.words.count && list.words.with(at, { compareBytes($0, raw) == 0 }) ? at : nil
                }
                guard let index, list.docFreqs[index] >= list.phraseCounts[i] else {
                    return "phrase '\(list.phrases.string(i))' has a word the list lacks or holds less often"
                }
            }
        }
        return nil
    }
}
