import Foundation

/// A point-in-time view of an index: the segments of one commit. Later commits do not affect
/// it (their new files are not referenced, and removed files stay mapped); call
/// `IndexReader.open` again, or `Index.refresh()`, to see them. Thread-safe: many searches
/// can share one reader.
///
/// `@unchecked Sendable` because it holds unsafe buffers (through its segments) and a cache
/// the compiler cannot check: everything but `liveDfCache` is immutable after `init`, the
/// mapped files and buffers are only read, and `liveDfCache` is read and written only under
/// `liveDfLock`. `ConcurrencyTests` searches one reader from many threads.
public final class IndexReader: @unchecked Sendable {
    /// The index directory this reader was opened on.
    public let directory: String
    /// The commit this reader shows.
    let manifest: Manifest
    /// The segments of the commit, in index order (`DocAddress.segment` numbers them).
    public let segments: [SegmentReader]
    /// The schema the index was created with.
    public var schema: Schema { manifest.schema }
    /// The commit's generation: it grows with every commit and merge, so a reader whose
    /// generation is older than `Index.refresh()` finds has been superseded.
    public var generation: Int { manifest.generation }
    /// The synonyms of this commit, applied to queries when they are searched (see ``Synonyms``).
    public var synonyms: Synonyms { Synonyms(rules: manifest.synonyms ?? []) }
    /// The user data stored with this commit by `IndexWriter.commit(commitData:)`.
    public var commitData: [String: String] { manifest.commitData }
    /// Field numbers by name (indexed fields only).
    let fieldNumbers: [String: Int]
    /// Per-query schema facts, derived once per snapshot (searches are short; deriving them
    /// from the schema each time showed in the profile of rare-term queries).
    let indexedFieldNames: Set<String>
    /// Types of the keyword, number and date fields, by name (what the query parser needs).
    public let columnFieldTypes: [String: FieldType]
    let fieldBoosts: [Double]
    let searchFieldNames: [String]
    /// Live (not deleted) documents over all segments.
    public let liveDocCount: Int
    /// Mean field length over live documents, per indexed field number.
    let averageLengths: [Double]
    private let liveDfLock = NSLock()
    private var liveDfCache: [LiveDfKey: Int] = [:]

    /// Keyword fields' global ordinals, built on first use (``globalOrdinals(_:)``).
    let globalOrdinalsCache = GlobalOrdinalsCache()
    /// The merged suggestion vocabulary, built on first use (``vocabulary()``).
    let vocabularyCache = SuggestVocabularyCache()

    struct LiveDfKey: Hashable { var segment: Int; var field: Int; var term: [UInt8] }

    /// Whether this reader verified every file's checksum when it opened them (see
    /// `open(directory:verify:)`); `refreshed()` opens new files the same way.
    public let verifiesChecksums: Bool

    /// Opens the latest commit in `directory`.
    ///
    /// Opening takes time independent of the index's size: each file's header (magic, kind,
    /// format version, segment id) and footer (length, footer magic, a stored checksum) are
    /// checked, and the structures a search addresses memory with (the dictionary's block
    /// index, the store's block index, field lengths, columns' tables, the deletions) are
    /// decoded with every offset, length and count bounds-checked; what is read later (postings,
    /// positions, stored documents, word lists) is bounds-checked as it is read. A damaged file
    /// therefore gives `LoupeError.corruptFile`, never a crash, but damage inside data no
    /// search has read yet (a flipped bit in a postings block, say) is found only by a full
    /// checksum: pass `verify: true` to check every file's checksum first (reading every
    /// byte once: O(index size)), or run `IndexChecker.check(directory:)` (`loupe check`).
    /// Merges verify their sources' checksums themselves.
    ///
    /// Throws `LoupeError.noIndex`, `.corruptFile` (also for a file of the commit that is
    /// missing), `.unsupportedVersion` or `.io` naming the file.
    public static func open(directory: String, verify: Bool = false) throws -> IndexReader {
        try openLatest(directory: directory, verify: verify, reusing: nil)
    }

    /// The latest commit in `directory`, sharing with `previous` (when given) the readers of
    /// the segments it still holds. Retries when a concurrent writer removes a file between
    /// our reading the manifest and opening the file.
    private static func openLatest(directory: String, verify: Bool, reusing previous: IndexReader?,
                                   unlessGeneration unchanged: Int? = nil) throws -> IndexReader {
        var lastError: Error?
        for _ in 0..<5 {
            let manifest = try Manifest.read(directory: directory)
            if let previous, manifest.generation == unchanged { return previous }
            do {
                return try IndexReader(directory: directory, manifest: manifest, verify: verify, reusing: previous)
            } catch let LoupeError.io(path, reason) {
                lastError = LoupeError.io(path: path, reason: reason)
                if FileSystem.exists(path) { break }
                if (try? Manifest.read(directory: directory))?.generation == manifest.generation {
                    // No writer moved on: the commit refers to a file that is gone.
                    lastError = LoupeError.corruptFile(path: path, reason: "missing: the current commit refers to it, but it does not exist (deleted?)")
                    break
                }
            }
        }
        throw lastError ?? LoupeError.noIndex(path: directory)
    }

    /// A reader of the directory's latest commit, or nil when it is still this reader's.
    ///
    /// Near-real-time refresh: only what changed is opened. A segment of both commits keeps
    /// its `SegmentReader` (the same object: its mappings, decoded dictionary index, field
    /// lengths, columns and word list are not read again); a segment whose deletions changed
    /// gets a reader sharing all of that and reading only its new `.del` file; only new
    /// segments (a flush, a merge) are opened, checked as `open(directory:verify:)` checks
    /// them (with checksums when this reader was opened with `verify: true`). Cost: one
    /// manifest read when nothing changed, else in proportion to the new segments' headers
    /// and structures, not to the index. This reader stays valid: searches running on it
    /// finish on it, and files the new commit no longer references stay mapped while it lives.
    ///
    /// Throws what `open(directory:verify:)` throws; this reader is then still usable.
    public func refreshed() throws -> IndexReader? {
        let r = try IndexReader.openLatest(directory: directory, verify: verifiesChecksums, reusing: self,
                                           unlessGeneration: manifest.generation)
        return r === self ? nil : r
    }

    init(directory: String, manifest: Manifest, verify: Bool, reusing previous: IndexReader? = nil) throws {
        self.directory = directory
        self.manifest = manifest
        verifiesChecksums = verify
        var reusable: [String: SegmentReader] = [:]
        for seg in previous?.segments ?? [] { reusable[seg.meta.name] = seg }
        segments = try manifest.segments.map { meta in
            if let old = reusable[meta.name], old.isSameSegment(as: meta) {
                return try old.withDeletions(of: meta, directory: directory, verify: verify)
            }
            return try SegmentReader(directory: directory, meta: meta, schema: manifest.schema, verify: verify)
        }
        var numbers: [String: Int] = [:]
        for (i, f) in manifest.schema.indexedFields.enumerated() { numbers[f.name] = i }
        fieldNumbers = numbers
        indexedFieldNames = Set(numbers.keys)
        columnFieldTypes = Dictionary(uniqueKeysWithValues: manifest.schema.columnFields.map { ($0.name, $0.type) })
        fieldBoosts = manifest.schema.indexedFields.map(\.boost)
        searchFieldNames = manifest.schema.searchFields
        liveDocCount = manifest.segments.reduce(0) { $0 + $1.liveCount }
        let n = manifest.schema.indexedFields.count
        averageLengths = (0..<n).map { f in
            let sum = manifest.segments.reduce(0.0) { $0 + Double($1.lengthSums[f]) - Double($1.deletedLengthSums[f]) }
            let docs = manifest.segments.reduce(0) { $0 + $1.liveCount }
            return docs > 0 ? sum / Double(docs) : 0
        }
    }

    /// Number of live documents containing `term` (already analyzed) in `field`.
    func docFreq(field: Int, term: UnsafeRawBufferPointer) -> Int {
        var total = 0
        for (s, seg) in segments.enumerated() {
            guard let info = seg.termInfo(field: field, term: term) else { continue }
            total += liveDocFreq(segment: s, field: field, term: term, info: info)
        }
        return total
    }

    /// Live documents of segment `s` holding `term`, whose dictionary entry there is `info`:
    /// its document frequency, less deleted documents (counted once per segment and term, then cached).
    func liveDocFreq(segment s: Int, field: Int, term: UnsafeRawBufferPointer, info: TermInfo) -> Int {
        let seg = segments[s]
        guard let del = seg.deletions, del.deletedCount > 0 else { return Int(info.docFreq) }
        let key = LiveDfKey(segment: s, field: field, term: Array(term))
        liveDfLock.lock()
        let cached = liveDfCache[key]
        liveDfLock.unlock()
        if let cached { return cached }
        let c = seg.cursor(info)
        var live = 0
        while c.next() != PostingsCursor.noMore { if !del.isDeleted(Int(c.doc)) { live += 1 } }
        liveDfLock.lock()
        if liveDfCache.count > 100_000 { liveDfCache.removeAll() }
        liveDfCache[key] = live
        liveDfLock.unlock()
        return live
    }

    /// The live document with external id `id`, if any.
    public func document(id: String) throws -> StoredDocument? {
        for seg in segments.reversed() {
            let docs = seg.docs(withId: id)
            try seg.damage.throwIfDamaged()
            for d in docs where !seg.isDeleted(d) { return try seg.storedDocument(d) }
        }
        return nil
    }

    /// Throws the first damage a postings cursor of this snapshot met (cursors cannot throw
    /// in the scoring loops; they end their lists and report it, see `DamageReport`).
    func throwIfDamaged() throws {
        for seg in segments { try seg.damage.throwIfDamaged() }
    }

    /// Global address of a document: segment index and doc number within it. Valid only for
    /// the reader that produced it (a merge renumbers documents); ordered by index order.
    public struct DocAddress: Hashable, Sendable, Comparable {
        /// Index of the segment in `IndexReader.segments`.
        public var segment: Int
        /// Document number within the segment, `0..<SegmentReader.docCount`.
        public var doc: Int

        /// Creates the address of document `doc` of segment `segment`.
        public init(segment: Int, doc: Int) { self.segment = segment; self.doc = doc }

        /// Index order: by segment, then by document number.
        public static func < (a: DocAddress, b: DocAddress) -> Bool { (a.segment, a.doc) < (b.segment, b.doc) }
    }

    /// The stored fields of the document at `a` (such as a search hit's `address`).
    /// Decompresses the document's store block (about 16 KB). Throws
    /// `LoupeError.corruptFile` when the store is damaged.
    public func storedDocument(_ a: DocAddress) throws -> StoredDocument { try segments[a.segment].storedDocument(a.doc) }

    /// Calls `body` with every live document in index order.
    public func forEachDocument(_ body: (DocAddress, StoredDocument) throws -> Void) throws {
        for (s, seg) in segments.enumerated() {
            for d in 0..<seg.docCount where !seg.isDeleted(d) {
                try body(DocAddress(segment: s, doc: d), try seg.storedDocument(d))
            }
        }
    }
}
