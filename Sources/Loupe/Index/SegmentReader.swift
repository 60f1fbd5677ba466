/// Read access to one committed segment: its mapped files, lengths, dates and deletions.
/// Immutable after open, so concurrent searches share it.
public final class SegmentReader: @unchecked Sendable {
    public let meta: SegmentMeta
    let terms: TermDictionary
    let postings: MappedFile
    let positions: MappedFile
    let store: StoreReader
    /// Field lengths per indexed field number. Owned buffers (not arrays) so the hot loops
    /// index them without reference counting.
    let norms: [UnsafeBufferPointer<UInt32>]
    /// Seconds since 1970 per document, in place in `datesFile`.
    let dates: UnsafeBufferPointer<Int64>
    private let datesFile: MappedFile
    /// Deletion bitset (nil without deletions), an owned buffer for the same reason.
    let deletedBits: UnsafePointer<UInt8>?
    let ids: IdsReader
    let deletions: DeletionSet?

    init(directory: String, meta: SegmentMeta, schema: Schema, verify: Bool = true) throws {
        self.meta = meta
        let p = { SegmentFiles.path(directory, meta.name, $0) }
        terms = try TermDictionary(path: p("terms"), verify: verify)
        postings = try MappedFile.open(p("post"), kind: .postings, verifyChecksum: verify).0
        positions = try MappedFile.open(p("pos"), kind: .positions, verifyChecksum: verify).0
        store = try StoreReader(path: p("store"), storedFieldNames: schema.storedFields.map(\.name), verify: verify)
        guard store.docCount == meta.docCount else {
            throw LoupeError.corruptFile(path: p("store"), reason: "holds \(store.docCount) documents, the manifest says \(meta.docCount)")
        }
        let n = try NormsReader(path: p("norms"), docCount: meta.docCount, verify: verify)
        norms = (0..<schema.indexedFields.count).map { f in
            if let l = n.lengths[f] { return UnsafeBufferPointer(l) }
            let zeros = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: max(meta.docCount, 1))
            zeros.initialize(repeating: 0)
            return UnsafeBufferPointer(rebasing: zeros[0..<meta.docCount])
        }
        (datesFile, dates) = try DatesFile.map(path: p("dates"), docCount: meta.docCount, verify: verify)
        ids = try IdsReader(path: p("ids"), docCount: meta.docCount, verify: verify)
        if meta.deleteGeneration > 0 {
            let path = SegmentFiles.deletesPath(directory, meta.name, generation: meta.deleteGeneration)
            let d = try DeletionSet.read(path: path, docCount: meta.docCount, verify: verify)
            guard d.deletedCount == meta.deletedCount else {
                throw LoupeError.corruptFile(path: path, reason: "deleted count disagrees with the manifest")
            }
            deletions = d
            deletedBits = d.deletedCount > 0 ? SegmentReader.owned(d.bits).baseAddress : nil
        } else {
            deletions = nil
            deletedBits = nil
        }
    }

    private static func owned<T>(_ a: [T]) -> UnsafeBufferPointer<T> {
        let p = UnsafeMutableBufferPointer<T>.allocate(capacity: max(a.count, 1))
        _ = p.initialize(from: a)
        return UnsafeBufferPointer(start: p.baseAddress, count: a.count)
    }

    deinit {
        for n in norms { n.baseAddress.map { UnsafeMutablePointer(mutating: $0).deallocate() } }
        deletedBits.map { UnsafeMutablePointer(mutating: $0).deallocate() }
    }

    public var docCount: Int { meta.docCount }

    @inline(__always) func isDeleted(_ doc: Int) -> Bool { deletions?.isDeleted(doc) ?? false }

    @_spi(Benchmarks) public func termInfo(field: Int, term: UnsafeRawBufferPointer) -> TermInfo? { terms.lookup(field: field, term: term) }

    @_spi(Benchmarks) public func cursor(_ info: TermInfo) -> PostingsCursor {
        PostingsCursor(postings: postings.base, positions: positions.base, info: info)
    }

    /// Documents (including deleted ones) whose external id is `id`.
    func docs(withId id: String) -> [Int] { docs(withIdBytes: Array(id.utf8)) }

    func docs(withIdBytes id: [UInt8]) -> [Int] {
        guard let info = id.withUnsafeBytes({ terms.lookup(field: idFieldNumber, term: $0) }) else { return [] }
        let c = cursor(info)
        var out: [Int] = []
        while c.next() != PostingsCursor.noMore { out.append(Int(c.doc)) }
        return out
    }

    func storedDocument(_ doc: Int) throws -> StoredDocument { try store.document(doc) }

    /// External id of a document, from the id column (no decompression).
    public func externalId(_ doc: Int) -> String { ids.id(doc) }
}
