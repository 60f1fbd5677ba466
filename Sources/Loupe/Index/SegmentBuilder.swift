/// Accumulates documents in memory and writes them as one new segment.
///
/// Per indexed field, a `FieldPostings` interns the terms and keeps each term's doc and
/// positions streams.
/// Stored fields stream straight into the segment's store file. One builder belongs to one
/// thread; several builders index in parallel and each becomes its own segment.
final class SegmentBuilder {
    let name: String
    let schema: Schema
    private let analyzer: Analyzer
    private let files: SegmentFilesWriter
    private let indexed: [FieldDefinition]
    private let storedNames: [String]

    /// Per-field indexing state. Only the owning builder's thread touches it, so dynamic
    /// exclusivity checks (a large share of indexing time) are switched off for its storage.
    private final class FieldState {
        let postings: FieldPostings
        @exclusivity(unchecked) var lengths: [UInt32] = []
        init(hasPositions: Bool) { postings = FieldPostings(hasPositions: hasPositions) }
    }

    private var fields: [FieldState]
    private let columns: [ColumnBuilder]
    /// The signature column and the indexed field number it reads, when the schema asks.
    private let signatures: (builder: ColumnBuilder, field: Int)?
    private var signature: [UInt16] = []
    private var ids = FieldState(hasPositions: false)
    private let batch = TokenBatch()
    private(set) var docCount = 0
    private var dates: [Int64] = []
    private var externalIds: [String] = []
    /// The writer's add-order sequence number of each document (resolves duplicate ids at commit).
    private(set) var sequences: [UInt32] = []
    private var record = ByteWriter(capacity: 4096)
    /// The suggestion vocabulary (`.words`) of the search fields.
    private let words: WordCollector
    private(set) var rawBytes = 0

    init(directory: String, name: String, schema: Schema, analyzer: Analyzer) throws {
        self.name = name
        self.schema = schema
        self.analyzer = analyzer
        indexed = schema.indexedFields
        storedNames = schema.storedFields.map(\.name)
        fields = indexed.map { _ in FieldState(hasPositions: true) }
        columns = schema.columnFields.enumerated().map { ColumnBuilder(number: $0.offset, field: $0.element) }
        signatures = schema.nearDuplicates.flatMap { n in schema.indexedFieldNumber(n.field).map { (ColumnBuilder(signatures: ()), $0) } }
        files = try SegmentFilesWriter(directory: directory, name: name)
        words = WordCollector(schema: schema)
    }

    /// Approximate memory held, compared against the writer's budget: the term tables, the
    /// posting streams' allocations (capacity, slack included) and per-term bookkeeping.
    var memoryBytes: Int {
        var total = dates.count * 12 + externalIds.count * 48 + columns.reduce(0) { $0 + $1.memoryBytes } + words.memoryBytes
        for f in fields + [ids] {
            total += f.postings.memoryBytes + f.lengths.count * 4
        }
        return total
    }

    /// Adds a document (already validated); returns its number in this segment.
    func add(_ doc: Document, sequence: UInt32) throws -> Int {
        let d = docCount
        sequences.append(sequence)
        for (i, def) in indexed.enumerated() {
            let state = fields[i]
            let text = doc.fields[def.name] ?? ""
            rawBytes += text.utf8.count
            let batch = self.batch
            batch.removeAll()
            let length = words.collects(field: i)
                ? words.analyze(text, field: i, doc: d, analyzer: analyzer) { term, position in batch.append(term, position: UInt32(position)) }
                : analyzer.forEachTerm(in: text) { term, position in batch.append(term, position: UInt32(position)) }
            state.postings.add(batch, doc: Int32(d))
            state.lengths.append(UInt32(length))
            if let signatures, signatures.field == i {
                if MinHash.signature(tokenHashes: batch.hashes, count: batch.count, into: &signature) {
                    signatures.builder.addRaw(signature.lazy.map { Int64($0) })
                } else {
                    signatures.builder.addRaw(EmptyCollection())
                }
            }
        }
        var id = doc.id
        id.withUTF8 { ids.postings.add($0, doc: Int32(d), position: 0) }
        dates.append(doc.date ?? DatesFile.missing)
        for c in columns { c.add(doc.values[c.field.name]) }
        externalIds.append(doc.id)
        record.bytes.removeAll(keepingCapacity: true)
        StoredRecord.encode(id: doc.id, date: doc.date, values: storedNames.map { doc.fields[$0] }, into: &record)
        try record.bytes.withUnsafeBytes { try files.store.add(record: $0) }
        docCount += 1
        return d
    }

    /// Writes the segment's files durably and returns its description.
    func finish() throws -> SegmentMeta {
        // The streams are this builder's own memory: failing to decode them is a bug, reported
        // as damage to the postings file being written rather than as an internal error.
        let postPath = SegmentFiles.path(files.directory, name, "post")
        var docs = [UInt32](), tfs = [UInt32](), positions = [UInt32]()
        let norms: [(field: Int, lengths: [UInt32])] = fields.enumerated().map { ($0.offset, $0.element.lengths) }
        let all: [(Int, FieldState, Bool)] = fields.enumerated().map { ($0.offset, $0.element, true) } + [(idFieldNumber, ids, false)]
        for (number, state, hasPositions) in all {
            files.startField(number, hasPositions: hasPositions)
            let postings = state.postings
            postings.finishDocuments()
            for t in postings.sortedTermIds() {
                docs.removeAll(keepingCapacity: true); tfs.removeAll(keepingCapacity: true); positions.removeAll(keepingCapacity: true)
                try ByteReader.decoding(postPath, "the in-memory postings of a term do not decode") {
                    var r = ByteReader(postings.docStream(t))
                    var doc: Int64 = -1
                    while !r.isAtEnd {
                        doc += Int64(try r.vint())
                        docs.append(UInt32(doc))
                        tfs.append(try r.vint32())
                    }
                }
                if hasPositions {
                    try ByteReader.decoding(postPath, "the in-memory positions of a term do not decode") {
                        var r = ByteReader(postings.positionStream(t))
                        for tf in tfs {
                            var p: UInt32 = 0
                            for k in 0..<Int(tf) {
                                let v = try r.vint32()
                                p = k == 0 ? v : p + v
                                positions.append(p)
                            }
                        }
                    }
                }
                let lengths: [UInt32]? = hasPositions ? state.lengths : nil
                do {
                    let term = postings.term(t)
                    try docs.withUnsafeBufferPointer { d in
                        try tfs.withUnsafeBufferPointer { f in
                            try positions.withUnsafeBufferPointer { p in
                                if let lengths {
                                    try lengths.withUnsafeBufferPointer { l in
                                        try files.addTerm(term, docs: d, tfs: f, positions: p, lengths: l)
                                    }
                                } else {
                                    try files.addTerm(term, docs: d, tfs: f, positions: nil, lengths: nil)
                                }
                            }
                        }
                    }
                }
            }
            files.finishField()
        }
        let bytes = try files.finish(norms: norms, dates: dates, ids: externalIds,
                                     columns: columns + (signatures.map { [$0.builder] } ?? []), docCount: docCount)
            + files.writeWords(words.finish(docCount: docCount))
        return files.meta(docCount: docCount, lengths: norms.map(\.lengths), textBytes: rawBytes, sizeBytes: bytes)
    }

    func abandon() { files.abandon() }
}
