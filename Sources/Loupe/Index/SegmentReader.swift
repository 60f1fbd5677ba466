/// Read access to one committed segment: its mapped files, lengths, dates and deletions.
/// Collectors see it through `SegmentContext`; documents are numbered `0..<docCount` in it.
///
/// A segment's files never change, so one reader serves every snapshot that holds the
/// segment unchanged (`IndexReader.refreshed()` reuses it), and a reader for the same segment
/// with newer deletions shares everything but its deletions (`withDeletions(of:)`): the
/// mappings, the decoded dictionary index, field lengths and columns are read once.
///
/// `@unchecked Sendable` because it holds raw pointers (the mapped files, the field lengths,
/// the deletion bits), which the compiler cannot prove safe to share: all of them are
/// written only in `init` and only read afterwards, and freed only in `deinit` (the field
/// lengths by `NormsStorage`, when the last reader sharing them goes), so concurrent
/// searches share one reader. `ConcurrencyTests` exercises this.
public final class SegmentReader: @unchecked Sendable {
    let meta: SegmentMeta
    let terms: TermDictionary
    let postings: MappedFile
    let positions: MappedFile
    /// The body ranges of `postings` and `positions`: cursors read only inside them.
    let postingsBody: Range<Int>
    let positionsBody: Range<Int>
    let store: StoreReader
    /// Field lengths per indexed field number. Owned buffers (not arrays) so the hot loops
    /// index them without reference counting; `normsStorage` owns them.
    let norms: [UnsafeBufferPointer<UInt32>]
    private let normsStorage: NormsStorage
    /// Seconds since 1970 per document, in place in `datesFile`.
    let dates: UnsafeBufferPointer<Int64>
    private let datesFile: MappedFile
    /// Deletion bitset (nil without deletions), an owned buffer for the same reason.
    let deletedBits: UnsafePointer<UInt8>?
    let ids: IdsReader
    let deletions: DeletionSet?
    /// Keyword, number and date columns, by column number (the schema's column fields).
    let columns: ColumnsReader
    /// The suggestion vocabulary (nil for a segment written before format 5).
    let words: WordsFile?
    /// Damage the postings cursors found while reading (they cannot throw): a search, `get`
    /// or `check` throws it when done (see `DamageReport`).
    let damage: DamageReport
    /// What the cursors may read (see `PostingsBounds`).
    private let postingsBounds: PostingsBounds

    init(directory: String, meta: SegmentMeta, schema: Schema, verify: Bool = true) throws {
        self.meta = meta
        damage = DamageReport()
        let p = { SegmentFiles.path(directory, meta.name, $0) }
        // Every file must carry the segment's id (see `FileFormat.verify`).
        let owner = meta.fileOwner
        terms = try TermDictionary(path: p("terms"), segment: owner, verify: verify)
        (postings, postingsBody) = try MappedFile.open(p("post"), kind: .postings, segment: owner, verifyChecksum: verify)
        (positions, positionsBody) = try MappedFile.open(p("pos"), kind: .positions, segment: owner, verifyChecksum: verify)
        store = try StoreReader(path: p("store"), storedFieldNames: schema.storedFields.map(\.name), segment: owner, verify: verify)
        postingsBounds = PostingsBounds(postingsEnd: postingsBody.upperBound, positionsEnd: positionsBody.upperBound, docCount: meta.docCount,
                                        postingsPath: p("post"), positionsPath: p("pos"), damage: damage)
        guard store.docCount == meta.docCount else {
            throw LoupeError.corruptFile(path: p("store"), reason: "holds \(store.docCount) documents, the manifest says \(meta.docCount)")
        }
        let n = try NormsReader(path: p("norms"), docCount: meta.docCount, segment: owner, verify: verify)
        normsStorage = NormsStorage((0..<schema.indexedFields.count).map { f in
            if let l = n.lengths[f] { return UnsafeBufferPointer(l) }
            let zeros = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: max(meta.docCount, 1))
            zeros.initialize(repeating: 0)
            return UnsafeBufferPointer(rebasing: zeros[0..<meta.docCount])
        })
        norms = normsStorage.buffers
        (datesFile, dates) = try DatesFile.map(path: p("dates"), docCount: meta.docCount, segment: owner, verify: verify)
        ids = try IdsReader(path: p("ids"), docCount: meta.docCount, segment: owner, verify: verify)
        columns = meta.hasColumns == true
            ? try ColumnsReader(path: p("cols"), fields: schema.columnFields, docCount: meta.docCount, segment: owner, verify: verify)
            : ColumnsReader(emptyFor: schema.columnFields)
        words = meta.hasWords == true ? try WordsFile(path: p("words"), segment: owner, verify: verify) : nil
        (deletions, deletedBits) = try SegmentReader.readDeletions(directory: directory, meta: meta, verify: verify)
    }

    /// A reader of the same segment as `shared` with the deletions `meta` records (a later
    /// commit's): everything but the deletions is `shared`'s, so only the `.del` file is read.
    private init(sharing shared: SegmentReader, meta: SegmentMeta, directory: String, verify: Bool) throws {
        self.meta = meta
        terms = shared.terms
        postings = shared.postings
        positions = shared.positions
        postingsBody = shared.postingsBody
        positionsBody = shared.positionsBody
        store = shared.store
        normsStorage = shared.normsStorage
        norms = shared.norms
        datesFile = shared.datesFile
        dates = shared.dates
        ids = shared.ids
        columns = shared.columns
        words = shared.words
        damage = shared.damage
        postingsBounds = shared.postingsBounds
        (deletions, deletedBits) = try SegmentReader.readDeletions(directory: directory, meta: meta, verify: verify)
    }

    /// Whether `meta` (from some commit's manifest) describes this reader's segment: the same
    /// name, id and document count, so its files are the ones this reader mapped.
    func isSameSegment(as meta: SegmentMeta) -> Bool {
        meta.name == self.meta.name && meta.id == self.meta.id && meta.docCount == self.meta.docCount
    }

    /// This segment as `meta` (a later commit's entry for it) describes it: `self` when its
    /// deletions are unchanged, else a reader sharing all of `self` but the deletions, which
    /// are read from the new `.del` file. `meta` must describe the same segment (`isSameSegment`).
    func withDeletions(of meta: SegmentMeta, directory: String, verify: Bool) throws -> SegmentReader {
        precondition(isSameSegment(as: meta))
        if meta == self.meta { return self }
        return try SegmentReader(sharing: self, meta: meta, directory: directory, verify: verify)
    }

    /// The deletions `meta` records (nil without a `.del` file), checked against its count.
    private static func readDeletions(directory: String, meta: SegmentMeta, verify: Bool) throws
        -> (DeletionSet?, UnsafePointer<UInt8>?) {
        guard meta.deleteGeneration > 0 else { return (nil, nil) }
        let path = SegmentFiles.deletesPath(directory, meta.name, generation: meta.deleteGeneration)
        let d = try DeletionSet.read(path: path, docCount: meta.docCount, segment: meta.fileOwner, verify: verify)
        guard d.deletedCount == meta.deletedCount else {
            throw LoupeError.corruptFile(path: path, reason: "deleted count disagrees with the manifest")
        }
        return (d, d.deletedCount > 0 ? SegmentReader.owned(d.bits).baseAddress : nil)
    }

    private static func owned<T>(_ a: [T]) -> UnsafeBufferPointer<T> {
        let p = UnsafeMutableBufferPointer<T>.allocate(capacity: max(a.count, 1))
        _ = p.initialize(from: a)
        return UnsafeBufferPointer(start: p.baseAddress, count: a.count)
    }

    deinit {
        deletedBits.map { UnsafeMutablePointer(mutating: $0).deallocate() }
    }

    /// Documents in the segment, deleted ones included.
    public var docCount: Int { meta.docCount }

    /// The dictionary entry of `term` (analyzed UTF-8 bytes) in indexed field number `field`,
    /// nil when the segment does not hold it. O(log(terms/32) + 32).
    @_spi(Benchmarks) public func termInfo(field: Int, term: UnsafeRawBufferPointer) -> TermInfo? { terms.lookup(field: field, term: term) }

    /// A new cursor over the postings `info` points to.
    @_spi(Benchmarks) public func cursor(_ info: TermInfo) -> PostingsCursor {
        PostingsCursor(postings: postings.base, positions: positions.base, info: info, bounds: postingsBounds)
    }

    /// Documents (including deleted ones) whose external id is `id`.
    func docs(withId id: String) -> [Int] { docs(withIdBytes: Array(id.utf8)) }

    func docs(withIdBytes id: [UInt8]) -> [Int] {
        guard let info = id.withUnsafeBytes({ terms.lookup(field: idFieldNumber, term: $0) }) else { return [] }
        let c = cursor(info)
        var out: [Int] = []
        while c.next() != PostingsCursor.noMore { out.append(Int(c.doc)) }
        return out.count <= docCount ? out : []
    }

    /// The stored fields of document `doc` (deleted or not). Decompresses its store block;
    /// throws `LoupeError.corruptFile` when the store is damaged.
    public func storedDocument(_ doc: Int) throws -> StoredDocument {
        var d = try store.document(doc)
        for c in columns.columns {
            let v = c.fieldValues(doc)
            if !v.isEmpty { d.values[c.field.name] = v }
        }
        return d
    }

    /// The column of field `name`, nil when it is not a keyword, number or date field.
    func column(_ name: String) -> ColumnReader? { columns.columns.first { $0.field.name == name } }

    /// Whether document `doc` is deleted (it then matches no query).
    @inline(__always) public func isDeleted(_ doc: Int) -> Bool { deletions?.isDeleted(doc) ?? false }

    /// External id of document `doc`, from the id column: O(1), no decompression.
    public func externalId(_ doc: Int) -> String { ids.id(doc) }
}

/// Owns a segment's decoded field lengths, which every reader of the segment shares (see
/// `SegmentReader.withDeletions(of:directory:verify:)`): freed when the last of them goes.
///
/// `@unchecked Sendable`: the buffers are written before `init` and only read afterwards.
private final class NormsStorage: @unchecked Sendable {
    let buffers: [UnsafeBufferPointer<UInt32>]
    init(_ buffers: [UnsafeBufferPointer<UInt32>]) { self.buffers = buffers }
    deinit { for b in buffers { b.baseAddress.map { UnsafeMutablePointer(mutating: $0).deallocate() } } }
}
