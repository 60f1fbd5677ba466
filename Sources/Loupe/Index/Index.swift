import Foundation

/// An index on disk: the entry point for embedding Loupe.
///
///     let index = try Index.open(at: "Index")
///     let results = try index.search(SearchRequest(query: "\"war legacy\" vietnam"))
///
/// Searching uses the snapshot current when the index was opened or last refreshed;
/// `refresh()` picks up newer commits. Thread-safe for searching; writes go through one
/// `IndexWriter` at a time (see `writer(options:)`).
///
/// `@unchecked Sendable` because `currentSearcher` is mutable: it is read and replaced only
/// under `lock`, and the searchers it holds are themselves immutable snapshots, so a search
/// that started before a `refresh()` finishes on its own snapshot. `ConcurrencyTests`
/// searches and refreshes one index from many threads.
public final class Index: @unchecked Sendable {
    /// The index directory.
    public let directory: String
    private let lock = NSLock()
    /// Held by `refresh()`, so two refreshes never install snapshots out of order.
    private let refreshLock = NSLock()
    private var currentSearcher: Searcher

    private init(directory: String, reader: IndexReader) {
        self.directory = directory
        currentSearcher = Searcher(reader: reader)
    }

    /// Opens an existing index, in time independent of its size: file headers, footers and
    /// structures are checked, not every byte (see `IndexReader.open(directory:verify:)`).
    /// `verify` also checks every file's checksum first (reading each file once, so it takes
    /// time in proportion to the index; `IndexChecker.check` checks more still). Throws
    /// `LoupeError.noIndex`, `.corruptFile`, `.unsupportedVersion` or `.io`, naming the
    /// directory or the file at fault.
    public static func open(at directory: String, verify: Bool = false) throws -> Index {
        Index(directory: directory, reader: try IndexReader.open(directory: directory, verify: verify))
    }

    /// Creates an empty index with `schema` and opens it. Throws `LoupeError.indexExists` if
    /// one exists (unless `overwrite`), `.invalidSchema`, `.unknownLanguage`, `.locked` or `.io`.
    @discardableResult
    /// `synonyms` apply to its queries (see ``Synonyms``; ``setSynonyms(_:)`` replaces them later).
    public static func create(at directory: String, schema: Schema = .news(), synonyms: Synonyms = Synonyms(),
                              overwrite: Bool = false) throws -> Index {
        let w = try IndexWriter.create(directory: directory, schema: schema, synonyms: synonyms, overwrite: overwrite)
        w.close()
        return try open(at: directory)
    }

    /// The searcher over the current snapshot (the one `refresh()` last installed).
    public var searcher: Searcher {
        lock.lock(); defer { lock.unlock() }
        return currentSearcher
    }

    /// The current snapshot.
    public var reader: IndexReader { searcher.reader }
    /// The schema the index was created with.
    public var schema: Schema { reader.schema }

    /// Installs the latest commit if it is newer than the current snapshot. Returns true when
    /// the snapshot changed. Only new or changed segments are opened; the others' readers are
    /// shared with the previous snapshot (see `IndexReader.refreshed()`), so a refresh after a
    /// small commit costs little however large the index. Searches running meanwhile finish on
    /// the snapshot they started with. Concurrent refreshes are serialized.
    @discardableResult
    public func refresh() throws -> Bool {
        refreshLock.lock(); defer { refreshLock.unlock() }
        let current = searcher
        guard let r = try current.reader.refreshed() else { return false }
        let next = Searcher(reader: r, sharingAnalyzersOf: current)
        lock.lock(); currentSearcher = next; lock.unlock()
        return true
    }

    /// A writer for this index (exclusive across processes). Commit through it, then `refresh()`.
    public func writer(options: IndexWriterOptions = .init()) throws -> IndexWriter {
        try IndexWriter.open(directory: directory, options: options)
    }

    /// Runs `request` on the current snapshot. Throws `LoupeError.invalidQuery` or
    /// `.unknownField` for a bad query, `.corruptFile` when a file read during the search
    /// (such as the document store) is damaged.
    public func search(_ request: SearchRequest) throws -> SearchResults { try searcher.search(request) }

    /// Runs the query text `query` (in the query language) for the `limit` best hits.
    public func search(_ query: String, limit: Int = 10) throws -> SearchResults {
        try searcher.search(SearchRequest(query: query, limit: limit))
    }

    /// The synonyms of the current snapshot, applied to every query it searches.
    public var synonyms: Synonyms { reader.synonyms }

    /// Replaces the index's synonyms in a commit of its own (no document is reindexed: they
    /// apply to queries) and refreshes, so the next search uses them. An empty value removes
    /// them. Throws `LoupeError.invalidSynonyms`, `.locked` or `.io`.
    public func setSynonyms(_ synonyms: Synonyms) throws {
        try write { try $0.setSynonyms(synonyms) }
    }

    /// The live document with external id `id`, nil when there is none. O(segments × log
    /// terms) for the id lookup, plus decompressing one store block.
    public func document(id: String) throws -> StoredDocument? { try reader.document(id: id) }
}

extension Index {
    /// Runs `body` with a writer, commits what it did, releases the writer lock, and refreshes
    /// this index so the changes are searchable. If `body` throws, nothing is committed.
    ///
    ///     try index.write { writer in
    ///         try writer.add(Document(id: "a1", fields: ["title": "…", "body": "…"]))
    ///         try writer.delete(id: "old")
    ///     }
    public func write(options: IndexWriterOptions = .init(), _ body: (IndexWriter) throws -> Void) throws {
        let w = try writer(options: options)
        defer { w.close() }
        try body(w)
        try w.commit()
        try refresh()
    }
}
