/// Names of a segment's files. A segment is immutable once written; only its deletions
/// change, each generation in a new `.del` file.
enum SegmentFiles {
    static let extensions = ["terms", "post", "pos", "norms", "dates", "ids", "store", "cols", "words"]

    static func path(_ dir: String, _ segment: String, _ ext: String) -> String { "\(dir)/\(segment).\(ext)" }

    static func deletesPath(_ dir: String, _ segment: String, generation: Int) -> String {
        "\(dir)/\(segment)_\(generation).del"
    }

    /// Every file name a segment with this deletion generation consists of (segments written
    /// by format version 3 have no `.cols`, those written before version 5 no `.words`).
    static func fileNames(_ segment: String, deleteGeneration: Int, hasColumns: Bool = true, hasWords: Bool = true) -> [String] {
        var names = extensions.filter { (hasColumns || $0 != "cols") && (hasWords || $0 != "words") }.map { "\(segment).\($0)" }
        if deleteGeneration > 0 { names.append("\(segment)_\(deleteGeneration).del") }
        return names
    }
}

/// Writes all files of one new segment: used both by in-memory indexing and by merging.
final class SegmentFilesWriter {
    let directory: String
    let name: String
    /// Drawn here, written into every file's header and into the manifest's `SegmentMeta`.
    let id = FileFormat.SegmentID.random()
    private let terms: TermDictionaryWriter
    private let postings: FileWriter
    private let positions: FileWriter
    let store: StoreWriter
    private var encoder = PostingsWriter()
    private var fieldHasPositions = false
    private var currentField = 0
    /// Per field number (id field excluded): terms, postings, positions written.
    private(set) var counts: [Int: (terms: Int, postings: Int, positions: Int)] = [:]

    init(directory: String, name: String) throws {
        self.directory = directory
        self.name = name
        terms = try TermDictionaryWriter(path: SegmentFiles.path(directory, name, "terms"), segment: id)
        postings = try FileWriter(path: SegmentFiles.path(directory, name, "post"), kind: .postings, segment: id)
        positions = try FileWriter(path: SegmentFiles.path(directory, name, "pos"), kind: .positions, segment: id)
        store = try StoreWriter(path: SegmentFiles.path(directory, name, "store"), segment: id)
    }

    func startField(_ number: Int, hasPositions: Bool) {
        fieldHasPositions = hasPositions
        currentField = number
        terms.startField(number, hasPositions: hasPositions)
    }

    func addTerm(_ term: UnsafeRawBufferPointer, docs: UnsafeBufferPointer<UInt32>, tfs: UnsafeBufferPointer<UInt32>,
                 positions pos: UnsafeBufferPointer<UInt32>?, lengths: UnsafeBufferPointer<UInt32>?) throws {
        var c = counts[currentField] ?? (0, 0, 0)
        c.terms += 1; c.postings += docs.count; c.positions += pos?.count ?? 0
        counts[currentField] = c
        let loc = try encoder.write(docs: docs, tfs: tfs, positions: fieldHasPositions ? pos : nil, lengths: lengths,
                                    postingsFile: postings, positionsFile: fieldHasPositions ? positions : nil)
        try terms.add(term: term, info: TermInfo(docFreq: UInt32(docs.count), postingsOffset: loc.postings,
                                                 positionsOffset: fieldHasPositions ? loc.positions : 0))
    }

    func finishField() { terms.finishField() }

    /// The description of the finished segment, for the manifest.
    func meta(docCount: Int, lengths: [[UInt32]], textBytes: Int, sizeBytes: Int) -> SegmentMeta {
        var m = metaWithoutColumns(docCount: docCount, lengths: lengths, textBytes: textBytes, sizeBytes: sizeBytes)
        m.hasColumns = true
        m.hasWords = true
        return m
    }

    private func metaWithoutColumns(docCount: Int, lengths: [[UInt32]], textBytes: Int, sizeBytes: Int) -> SegmentMeta {
        let sums = lengths.map { $0.reduce(UInt64(0)) { $0 + UInt64($1) } }
        let fields = 0..<lengths.count
        return SegmentMeta(name: name, id: id, docCount: docCount, deletedCount: 0, deleteGeneration: 0,
                           lengthSums: sums, deletedLengthSums: sums.map { _ in 0 }, sizeBytes: sizeBytes,
                           termCounts: fields.map { counts[$0]?.terms ?? 0 },
                           postingCounts: fields.map { counts[$0]?.postings ?? 0 },
                           positionCounts: fields.map { counts[$0]?.positions ?? 0 },
                           textBytes: textBytes)
    }

    /// Writes norms, dates, ids and columns, closes every file durably. Returns the total bytes written.
    func finish(norms: [(field: Int, lengths: [UInt32])], dates: [Int64], ids: [String], columns: [ColumnBuilder],
                docCount: Int) throws -> Int {
        var total = try terms.finish()
        total += try postings.finish()
        total += try positions.finish()
        total += try store.finish()
        total += try NormsFile.write(path: SegmentFiles.path(directory, name, "norms"), norms: norms, docCount: docCount, segment: id)
        total += try DatesFile.write(path: SegmentFiles.path(directory, name, "dates"), dates: dates, segment: id)
        total += try IdsFile.write(path: SegmentFiles.path(directory, name, "ids"), ids: ids, segment: id)
        total += try ColumnsFile.write(path: SegmentFiles.path(directory, name, "cols"), columns: columns, docCount: docCount, segment: id)
        return total
    }

    /// Writes the segment's word list (`.words`); returns its size.
    func writeWords(_ list: WordList) throws -> Int {
        try WordsFile.write(list, path: SegmentFiles.path(directory, name, "words"), segment: id)
    }

    func abandon() {
        terms.abandon(); postings.abandon(); positions.abandon(); store.abandon()
        for ext in ["norms", "dates", "ids", "cols", "words"] { FileSystem.remove(SegmentFiles.path(directory, name, ext)) }
    }
}
