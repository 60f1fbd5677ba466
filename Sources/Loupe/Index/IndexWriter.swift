import Foundation

/// Settings of an `IndexWriter`: memory, threads, merging and document limits.
public struct IndexWriterOptions: Sendable {
    /// Memory the in-memory segments may use before they are flushed to disk (default 192 MB,
    /// which keeps a whole `loupe add` of a million articles, merges included, under 512 MB).
    public var memoryBudgetBytes: Int = 192 << 20
    /// Indexing threads; each fills its own segment.
    public var threads: Int = 1
    /// Merge automatically after each commit following the log merge policy.
    public var autoMerge: Bool = true
    /// Segments of one size level that trigger a merge (values below 2 count as 2).
    public var mergeFactor: Int = 10
    /// Reject documents whose text is larger than this (default 16 MB).
    public var maxDocumentBytes: Int = 16 << 20

    /// The default settings: 192 MB, one thread, automatic merges of 10 segments, 16 MB documents.
    public init() {}
}

/// Adds, replaces and deletes documents, and commits them atomically.
///
/// One writer per index at a time (an exclusive lock on `write.lock`). Nothing is visible to
/// readers until `commit()`; `rollback()` (or dropping the writer without committing) discards
/// everything since the last commit. An added document whose id already exists replaces the
/// old one at commit.
///
/// Not `Sendable`: use a writer from one thread (or actor) at a time; it spreads indexing
/// over `IndexWriterOptions.threads` threads itself.
public final class IndexWriter {
    /// The index directory.
    public let directory: String
    /// The last commit (the one readers opening now see).
    private(set) var manifest: Manifest
    /// The settings this writer was opened with.
    public let options: IndexWriterOptions
    private var lock: WriteLock?
    private let analyzers: [Analyzer]
    private var builders: [SegmentBuilder?]
    private var pendingChunk: [Document] = []
    private static let chunkSize = 256

    /// Segments written during this transaction but not yet committed, with the add-order
    /// sequence number of each of their documents.
    private var flushed: [(meta: SegmentMeta, seqs: [UInt32])] = []
    /// Deletes by id (UTF-8 bytes, as ids are compared on disk) with the sequence number at
    /// the time: each removes this transaction's documents added before it, and committed ones.
    private var pendingDeletes: [(id: [UInt8], seq: UInt32)] = []
    /// Sequence number of the next added document. Duplicates and deletes are resolved at
    /// commit by these numbers, from the segments' own id dictionaries, so a transaction
    /// keeps no per-id map in memory (a million-document load stays within the budget).
    private var nextSeq: UInt32 = 0
    private var nextSegment: Int
    /// Synonyms staged by `setSynonyms(_:)` for the next commit.
    private var pendingSynonyms: Synonyms?
    /// Readers of committed segments, kept from one commit to the next (a commit looks up
    /// its ids in every committed segment; reopening them each time made a one-document
    /// commit cost in proportion to the index). Opened without checksums, as searching
    /// readers are; merges open their sources afresh, verifying them.
    private var committedReaders: [String: SegmentReader] = [:]

    /// Why the automatic merge after the last `commit()` failed (out of disk space, say), or
    /// nil. The commit itself succeeded: its documents are durable and visible; the merge's
    /// partial files are already removed, and the next commit tries again.
    public private(set) var skippedMerge: Error?

    /// Creates a new index in `directory` (which may exist but must hold no index, unless
    /// `overwrite`) and returns a writer holding its lock. Throws `LoupeError.invalidSchema`,
    /// `.unknownLanguage`, `.indexExists`, `.locked` or `.io`.
    /// `synonyms` are stored with the first commit (see ``Synonyms``).
    public static func create(directory: String, schema: Schema = .news(), synonyms: Synonyms = Synonyms(),
                              overwrite: Bool = false, options: IndexWriterOptions = .init()) throws -> IndexWriter {
        try schema.validate()
        let analyzer = try Analyzer(schema: schema)
        try synonyms.validate(analyzer: analyzer)
        try FileSystem.createDirectory(directory)
        let lock = try WriteLock(directory: directory)
        if FileSystem.exists(Manifest.path(directory)) && !overwrite { throw LoupeError.indexExists(path: directory) }
        var m = Manifest(formatVersion: Int(FileFormat.version), generation: 1, schema: schema, segments: [], nextSegmentNumber: 1, commitData: [:])
        m.synonyms = synonyms.isEmpty ? nil : synonyms.rules
        try m.write(directory: directory)
        let w = try IndexWriter(directory: directory, manifest: m, lock: lock, options: options)
        w.deleteUnreferencedFiles()
        return w
    }

    /// Opens an existing index for writing. Throws `LoupeError.noIndex` when there is none and
    /// `LoupeError.locked` if another writer (in any process) holds it.
    public static func open(directory: String, options: IndexWriterOptions = .init()) throws -> IndexWriter {
        guard FileSystem.exists(Manifest.path(directory)) else { throw LoupeError.noIndex(path: directory) }
        let lock = try WriteLock(directory: directory)
        let m = try Manifest.read(directory: directory)
        let w = try IndexWriter(directory: directory, manifest: m, lock: lock, options: options)
        w.deleteUnreferencedFiles()
        return w
    }

    private init(directory: String, manifest: Manifest, lock: WriteLock, options: IndexWriterOptions) throws {
        self.directory = directory
        self.manifest = manifest
        self.lock = lock
        self.options = options
        let threads = max(1, options.threads)
        analyzers = try (0..<threads).map { _ in try Analyzer(schema: manifest.schema) }
        builders = Array(repeating: nil, count: threads)
        nextSegment = manifest.nextSegmentNumber
    }

    deinit {
        rollback()
        lock?.release()
    }

    /// The schema the index was created with.
    public var schema: Schema { manifest.schema }

    /// Generation of the last commit: it grows by one with each commit and each merge.
    public var generation: Int { manifest.generation }
    /// Segments in the last commit.
    public var segmentCount: Int { manifest.segments.count }
    /// Live (not deleted) documents in the last commit.
    public var documentCount: Int { manifest.segments.reduce(0) { $0 + $1.liveCount } }
    /// Deleted documents the last commit's segments still hold (a merge drops them).
    public var deletedDocumentCount: Int { manifest.segments.reduce(0) { $0 + $1.deletedCount } }
    /// Bytes of the last commit's segment files (deletion files and the manifest not counted).
    public var segmentBytes: Int { manifest.segments.reduce(0) { $0 + $1.sizeBytes } }

    /// Checks a document against the schema without adding it: a non-empty id of at most
    /// 512 bytes, a date within `ISODate.range` (years 0001 to 9999), only fields of
    /// the schema, at most `maxDocumentBytes` of text. Throws
    /// `LoupeError.invalidDocument` with `source` (such as "news.jsonl:12").
    public func validate(_ doc: Document, source: String = "") throws {
        guard !doc.id.isEmpty else { throw LoupeError.invalidDocument(source: source, reason: "the document has no id") }
        guard doc.id.utf8.count <= 512 else { throw LoupeError.invalidDocument(source: source, reason: "the id is longer than 512 bytes") }
        func bad(_ reason: String) -> LoupeError { .invalidDocument(source: source, reason: reason) }
        var size = 0
        for (name, value) in doc.fields {
            guard let f = schema.field(name) else {
                throw bad("unknown field '\(name)' (the schema has \(schema.fields.map(\.name).joined(separator: ", ")))")
            }
            guard f.type == .text else { throw bad("field '\(name)' is a \(f.type.rawValue) field: give its value in `values`") }
            size += value.utf8.count
        }
        if let date = doc.date, let why = ISODate.rangeViolation(date) { throw bad("document '\(doc.id)': \(why)") }
        for (name, list) in doc.values {
            guard let f = schema.field(name) else {
                throw bad("unknown field '\(name)' (the schema has \(schema.fields.map(\.name).joined(separator: ", ")))")
            }
            guard f.type != .text else { throw bad("field '\(name)' is a text field: give its value in `fields`") }
            guard f.multiValued || list.count <= 1 else { throw bad("field '\(name)' holds one value, not \(list.count)") }
            for v in list {
                switch (f.type, v) {
                case let (.keyword, .keyword(s)):
                    guard s.utf8.count <= FieldValue.maxKeywordBytes else {
                        throw bad("a value of field '\(name)' is longer than \(FieldValue.maxKeywordBytes) bytes")
                    }
                    size += s.utf8.count
                case let (.number, .number(d)):
                    guard d.isFinite else { throw bad("field '\(name)' holds \(d), not a finite number") }
                case let (.date, .date(t)):
                    if let why = ISODate.rangeViolation(t) { throw bad("field '\(name)': \(why)") }
                default:
                    throw bad("field '\(name)' is a \(f.type.rawValue) field and cannot hold \(v)")
                }
            }
        }
        guard size <= options.maxDocumentBytes else {
            throw LoupeError.invalidDocument(source: source, reason: "document '\(doc.id)' is \(size) bytes, over the limit of \(options.maxDocumentBytes)")
        }
    }

    /// Adds `doc`, replacing any document with the same id at commit. Documents are indexed
    /// in chunks as they come and written to disk when the memory budget fills; nothing is
    /// visible until `commit()`.
    public func add(_ doc: Document) throws {
        try validate(doc)
        try addUnvalidated(doc)
    }

    /// `add` without `validate`: for tests that store what validation would refuse (such as a
    /// date outside `ISODate.range`), to prove readers never trap on stored values.
    func addUnvalidated(_ doc: Document) throws {
        pendingChunk.append(doc)
        nextSeq += 1
        if pendingChunk.count >= IndexWriter.chunkSize * builders.count { try indexPending() }
    }

    /// Same as `add`: an id that exists is replaced.
    public func update(_ doc: Document) throws { try add(doc) }

    /// Deletes the document with external id `id` (at commit). Returns nothing: deleting an
    /// absent id is not an error.
    public func delete(id: String) throws {
        pendingDeletes.append((Array(id.utf8), nextSeq))
    }

    /// The synonyms of the last commit, or those `setSynonyms(_:)` staged for the next.
    public var synonyms: Synonyms { pendingSynonyms ?? Synonyms(rules: manifest.synonyms ?? []) }

    /// Replaces the index's synonyms at the next `commit()` (they apply to queries, so no
    /// document is reindexed; an empty value removes them). Throws
    /// `LoupeError.invalidSynonyms` when an input or alternative has no searchable word.
    public func setSynonyms(_ synonyms: Synonyms) throws {
        try synonyms.validate(analyzer: analyzers[0])
        pendingSynonyms = synonyms
    }

    /// Whether anything waits to be committed.
    public var hasUncommittedChanges: Bool {
        pendingSynonyms != nil || !pendingChunk.isEmpty || !flushed.isEmpty || !pendingDeletes.isEmpty || builders.contains { $0 != nil }
    }

    private func newSegmentName() -> String {
        defer { nextSegment += 1 }
        return String(format: "seg%06d", nextSegment)
    }

    /// Indexes the pending documents: chunk `i` of a round goes to thread `i`'s builder.
    private func indexPending() throws {
        guard !pendingChunk.isEmpty else { return }
        let docs = pendingChunk
        pendingChunk.removeAll(keepingCapacity: true)
        let threads = builders.count
        let per = (docs.count + threads - 1) / threads
        let firstSeq = nextSeq - UInt32(docs.count)
        for t in 0..<threads where builders[t] == nil && t * per < docs.count {
            builders[t] = try SegmentBuilder(directory: directory, name: newSegmentName(), schema: schema, analyzer: analyzers[t])
        }
        var results = [[Int]](repeating: [], count: threads)
        var errors = [Error?](repeating: nil, count: threads)
        let builders = DisjointSlots(self.builders)
        results.withUnsafeMutableBufferPointer { r in
            errors.withUnsafeMutableBufferPointer { e in
                let rp = DisjointSlots(r), ep = DisjointSlots(e)
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    let lo = t * per, hi = min(docs.count, lo + per)
                    guard lo < hi, let b = builders.value[t] else { return }
                    do {
                        var local: [Int] = []
                        local.reserveCapacity(hi - lo)
                        for i in lo..<hi { local.append(try b.add(docs[i], sequence: firstSeq + UInt32(i))) }
                        rp.value[t] = local
                    } catch { ep.value[t] = error }
                }
            }
        }
        if let e = errors.compactMap({ $0 }).first { throw e }
        let used = builders.value.reduce(0) { $0 + ($1?.memoryBytes ?? 0) }
        if used >= options.memoryBudgetBytes { try flushBuilders() }
    }

    /// Writes the in-memory segments to disk (still uncommitted).
    private func flushBuilders() throws {
        for t in builders.indices {
            guard let b = builders[t] else { continue }
            builders[t] = nil
            if b.docCount == 0 { b.abandon(); continue }
            let meta: SegmentMeta
            do { meta = try b.finish() } catch {
                // A full disk, say: the partial segment goes now, not with the next writer.
                removeSegmentFiles(b.name)
                throw error
            }
            flushed.append((meta, b.sequences))
        }
    }

    /// Makes every change since the last commit durable and visible, atomically.
    /// `commitData` is stored with the commit.
    public func commit(commitData: [String: String]? = nil) throws {
        try indexPending()
        try flushBuilders()
        var m = manifest
        m.generation += 1
        let fresh = try flushed.map { try SegmentReader(directory: directory, meta: $0.meta, schema: schema, verify: false) }
        let deletes = Dictionary(pendingDeletes.map { ($0.id, $0.seq) }, uniquingKeysWith: max)
        let sortedDeletes = deletes.keys.sorted { $0.lexicographicallyPrecedes($1) }
        // 1. Among this transaction's documents the last added of an id wins, and a delete
        //    removes those added before it.
        var freshDeleted = [Set<Int>](repeating: [], count: fresh.count)
        IdMerge.forEach(fresh.map(\.terms), extra: sortedDeletes) { id, postings in
            var docs: [(segment: Int, doc: Int, seq: UInt32)] = []
            for (s, info) in postings {
                let c = fresh[s].cursor(info)
                while c.next() != PostingsCursor.noMore { docs.append((s, Int(c.doc), flushed[s].seqs[Int(c.doc)])) }
            }
            let deleteSeq = deletes[id]
            let winner = docs.max { $0.seq < $1.seq }
            for d in docs where d.seq != winner?.seq || (deleteSeq.map { d.seq < $0 } ?? false) {
                freshDeleted[d.segment].insert(d.doc)
            }
        }
        // 2. Every id added or deleted in this transaction leaves the committed segments:
        //    a merge-join of the sorted id streams with each segment's id dictionary.
        //    A small transaction looks each id up instead (O(ids × log segment)), so a commit
        //    of a few documents does not walk every committed id.
        if !fresh.isEmpty || !sortedDeletes.isEmpty {
            let idCount = flushed.reduce(0) { $0 + $1.meta.docCount } + sortedDeletes.count
            for i in m.segments.indices {
                let meta = m.segments[i]
                let reader = try committedReader(meta)
                var dels = reader.deletions ?? DeletionSet(docCount: meta.docCount)
                var changed = false
                func delete(_ info: TermInfo) {
                    let pc = reader.cursor(info)
                    while pc.next() != PostingsCursor.noMore { if dels.delete(Int(pc.doc)) { changed = true } }
                }
                if idCount * 64 < meta.docCount {
                    IdMerge.forEach(fresh.map(\.terms), extra: sortedDeletes) { id, _ in
                        if let info = id.withUnsafeBytes({ reader.terms.lookup(field: idFieldNumber, term: $0) }) { delete(info) }
                    }
                } else {
                    guard var committed = reader.terms.cursor(field: idFieldNumber) else { continue }
                    var current = committed.next()
                    IdMerge.forEach(fresh.map(\.terms), extra: sortedDeletes) { id, _ in
                        while let (t, info) = current {
                            let c = id.withUnsafeBytes { compareBytes(t, $0) }
                            if c > 0 { return }
                            if c == 0 { delete(info) }
                            current = committed.next()
                        }
                    }
                }
                if changed {
                    m.segments[i] = try writeDeletions(dels, meta: meta, norms: reader.norms.map(Array.init), generation: m.generation)
                }
            }
        }
        // 3. This transaction's segments join the commit, with their own deletions.
        for (k, entry) in flushed.enumerated() {
            var meta = entry.meta
            if !freshDeleted[k].isEmpty {
                var dels = DeletionSet(docCount: meta.docCount)
                for doc in freshDeleted[k] { dels.delete(doc) }
                meta = try writeDeletions(dels, meta: meta, norms: fresh[k].norms.map(Array.init), generation: m.generation)
            }
            m.segments.append(meta)
        }
        m.segments.removeAll { $0.liveCount == 0 }
        m.nextSegmentNumber = nextSegment
        if let commitData { m.commitData = commitData }
        if let pendingSynonyms { m.synonyms = pendingSynonyms.isEmpty ? nil : pendingSynonyms.rules }
        do { try m.write(directory: directory) } catch {
            // Failed after the rename (the directory's fsync): the new manifest is in place, so
            // the writer moves to it and must keep its files (a rollback removed them, and the
            // index no longer opened). The error still says the commit may not be durable.
            guard isCurrent(m) else { throw error }
            manifest = m
            flushed.removeAll(); pendingDeletes.removeAll(); nextSeq = 0; pendingSynonyms = nil
            throw error
        }
        manifest = m
        flushed.removeAll(); pendingDeletes.removeAll(); nextSeq = 0; pendingSynonyms = nil
        deleteUnreferencedFiles()
        // The commit is durable: a merge that fails now (out of space, say) leaves it intact,
        // so it is reported in `skippedMerge`, not thrown.
        skippedMerge = nil
        if options.autoMerge {
            do { try maybeMerge() } catch { skippedMerge = error }
        }
    }

    /// The reader of committed segment `meta`, from `committedReaders` when it holds that
    /// segment (with its deletions brought up to date), else opened and kept there.
    private func committedReader(_ meta: SegmentMeta) throws -> SegmentReader {
        if let r = committedReaders[meta.name], r.isSameSegment(as: meta) {
            let current = try r.withDeletions(of: meta, directory: directory, verify: false)
            committedReaders[meta.name] = current
            return current
        }
        let r = try SegmentReader(directory: directory, meta: meta, schema: schema, verify: false)
        committedReaders[meta.name] = r
        return r
    }

    private func writeDeletions(_ dels: DeletionSet, meta: SegmentMeta, norms: [[UInt32]], generation: Int) throws -> SegmentMeta {
        var m = meta
        try dels.write(path: SegmentFiles.deletesPath(directory, meta.name, generation: generation), segment: meta.fileOwner)
        m.deleteGeneration = generation
        m.deletedCount = dels.deletedCount
        m.deletedLengthSums = norms.map { lengths in
            var s: UInt64 = 0
            for d in 0..<meta.docCount where dels.isDeleted(d) { s += UInt64(lengths[d]) }
            return s
        }
        return m
    }

    /// Discards everything since the last commit.
    public func rollback() {
        for t in builders.indices { builders[t]?.abandon(); builders[t] = nil }
        pendingChunk.removeAll()
        for entry in flushed {
            for f in SegmentFiles.fileNames(entry.meta.name, deleteGeneration: 0) { FileSystem.remove("\(directory)/\(f)") }
        }
        flushed.removeAll(); pendingDeletes.removeAll(); nextSeq = 0; pendingSynonyms = nil
    }

    /// Releases the lock; the writer cannot be used afterwards. Uncommitted changes are discarded.
    public func close() {
        rollback()
        committedReaders = [:]
        lock?.release()
        lock = nil
    }

    /// Whether the manifest on disk is `m` (this writer holds the lock, so a manifest of its
    /// generation is the one it wrote): how a failed manifest write tells whether it failed
    /// before the rename (nothing changed) or after it (the commit is in place).
    private func isCurrent(_ m: Manifest) -> Bool {
        (try? Manifest.read(directory: directory))?.generation == m.generation
    }

    /// Removes every file of segment `name` (a flush or merge that failed part way).
    func removeSegmentFiles(_ name: String) {
        for file in FileSystem.list(directory) where file.hasPrefix(name + ".") || file.hasPrefix(name + "_") {
            FileSystem.remove("\(directory)/\(file)")
        }
    }

    /// Removes files no commit references (left by a crash, a rollback or superseded commits).
    /// Open readers keep their mapped files: unlinking does not unmap them.
    func deleteUnreferencedFiles() {
        let live = Set(manifest.segments.map(\.name))
        committedReaders = committedReaders.filter { live.contains($0.key) }
        let keep = manifest.referencedFiles
        let inFlight = Set(builders.compactMap { $0?.name } + flushed.map(\.meta.name))
        for name in FileSystem.list(directory) where !keep.contains(name) {
            let isIndexFile = SegmentFiles.extensions.contains { name.hasSuffix(".\($0)") } || name.hasSuffix(".del") || name == "manifest.tmp"
            guard isIndexFile else { continue }
            let segment = String(name.prefix { $0 != "." && $0 != "_" })
            if inFlight.contains(segment) { continue }
            FileSystem.remove("\(directory)/\(name)")
        }
    }

    // MARK: Merging

    /// Log merge policy: segments are grouped by level, floor(log10(live docs)); when a level
    /// holds `mergeFactor` segments they are merged into one. Repeats until no level is full.
    public func maybeMerge() throws {
        guard !hasUncommittedChanges else { return }
        while true {
            var levels: [Int: [Int]] = [:]
            for (i, s) in manifest.segments.enumerated() {
                let level = s.liveCount <= 1 ? 0 : Int(log10(Double(s.liveCount)))
                levels[level, default: []].append(i)
            }
            let factor = max(2, options.mergeFactor)
            guard let (_, group) = levels.sorted(by: { $0.key < $1.key }).first(where: { $0.value.count >= factor }) else { return }
            try merge(segmentIndices: Array(group.prefix(factor)))
        }
    }

    /// Merges until at most `maxSegments` remain, dropping deleted documents.
    /// With `maxSegments` 1 the index becomes a single segment without deletions.
    public func forceMerge(maxSegments: Int = 1) throws {
        guard !hasUncommittedChanges else { try commit(); return try forceMerge(maxSegments: maxSegments) }
        let target = max(1, maxSegments)
        if manifest.segments.count > target {
            // Merge the smallest segments together, keeping index order among them.
            let bySize = manifest.segments.indices.sorted { manifest.segments[$0].liveCount < manifest.segments[$1].liveCount }
            let group = Array(bySize.prefix(manifest.segments.count - target + 1)).sorted()
            try merge(segmentIndices: group)
        } else if target == 1, manifest.segments.count == 1, manifest.segments[0].deletedCount > 0 {
            try merge(segmentIndices: [0])
        }
    }

    private func merge(segmentIndices: [Int]) throws {
        let metas = segmentIndices.map { manifest.segments[$0] }
        let readers = try metas.map { try SegmentReader(directory: directory, meta: $0, schema: schema, verify: true) }
        let name = newSegmentName()
        let merged: SegmentMeta
        do { merged = try SegmentMerger(directory: directory, name: name, schema: schema).merge(readers) } catch {
            removeSegmentFiles(name)
            throw error
        }
        var m = manifest
        m.generation += 1
        let first = segmentIndices.min()!
        var segs: [SegmentMeta] = []
        for (i, s) in m.segments.enumerated() {
            if i == first, merged.docCount > 0 { segs.append(merged) }
            if !segmentIndices.contains(i) { segs.append(s) }
        }
        m.segments = segs
        m.nextSegmentNumber = nextSegment
        do { try m.write(directory: directory) } catch {
            // As in `commit`: once the manifest is renamed, its merged segment stays.
            if isCurrent(m) { manifest = m; throw error }
            removeSegmentFiles(name)
            FileSystem.remove("\(directory)/manifest.tmp")
            throw error
        }
        manifest = m
        deleteUnreferencedFiles()
    }
}

/// Walks the union of several id dictionaries (and a sorted list of extra ids) in byte order,
/// calling `body` once per distinct id with the sources that hold it. Memory: one cursor per source.
enum IdMerge {
    static func forEach(_ sources: [TermDictionary], extra: [[UInt8]], _ body: ([UInt8], [(Int, TermInfo)]) -> Void) {
        var cursors = sources.map { $0.cursor(field: idFieldNumber) }
        var heads: [([UInt8], TermInfo)?] = cursors.indices.map { i in cursors[i]?.next().map { (Array($0.0), $0.1) } }
        var e = 0
        while true {
            var minId: [UInt8]? = e < extra.count ? extra[e] : nil
            for h in heads { if let h, minId == nil || h.0.lexicographicallyPrecedes(minId!) { minId = h.0 } }
            guard let id = minId else { return }
            var holders: [(Int, TermInfo)] = []
            for i in heads.indices {
                guard let h = heads[i], h.0 == id else { continue }
                holders.append((i, h.1))
                heads[i] = cursors[i]?.next().map { (Array($0.0), $0.1) }
            }
            while e < extra.count && extra[e] == id { e += 1 }
            body(id, holders)
        }
    }
}

/// Per-thread slots handed to `DispatchQueue.concurrentPerform`: iteration `t` touches only
/// element `t` (its own segment builder, result and error), and the caller reads them only
/// after every iteration has returned, so no two threads ever share an element.
private struct DisjointSlots<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
