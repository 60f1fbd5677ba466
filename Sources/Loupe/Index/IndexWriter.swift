import Foundation

/// Settings of an `IndexWriter`.
public struct IndexWriterOptions: Sendable {
    /// Memory the in-memory segments may use before they are flushed to disk (default 256 MB).
    public var memoryBudgetBytes: Int = 256 << 20
    /// Indexing threads; each fills its own segment.
    public var threads: Int = 1
    /// Merge automatically after each commit following the log merge policy.
    public var autoMerge: Bool = true
    /// Segments of one size level that trigger a merge (values below 2 count as 2).
    public var mergeFactor: Int = 10
    /// Reject documents whose text is larger than this (default 16 MB).
    public var maxDocumentBytes: Int = 16 << 20

    public init() {}
}

/// Adds, replaces and deletes documents, and commits them atomically.
///
/// One writer per index at a time (an exclusive lock on `write.lock`). Nothing is visible to
/// readers until `commit()`; `rollback()` (or dropping the writer without committing) discards
/// everything since the last commit. An added document whose id already exists replaces the
/// old one at commit.
public final class IndexWriter {
    public let directory: String
    public private(set) var manifest: Manifest
    public let options: IndexWriterOptions
    private var lock: WriteLock?
    private let analyzers: [Analyzer]
    private var builders: [SegmentBuilder?]
    private var pendingChunk: [Document] = []
    private static let chunkSize = 256

    /// Segments written during this transaction but not yet committed.
    private var flushed: [SegmentMeta] = []
    /// Deletions within this transaction's own segments, by segment name.
    private var newDeletions: [String: Set<Int>] = [:]
    /// Latest location of each id added in this transaction (nil after a delete). Keyed by the
    /// id's UTF-8 bytes, as ids are compared on disk (String equality would merge canonically
    /// equivalent but different ids).
    private var latest: [[UInt8]: (segment: String, doc: Int)?] = [:]
    /// Ids (UTF-8 bytes) to remove from already committed segments at commit.
    private var idsToDelete: Set<[UInt8]> = []
    private var nextSegment: Int

    /// Creates a new index in `directory` (which may exist but must hold no index, unless `overwrite`).
    public static func create(directory: String, schema: Schema = .news(), overwrite: Bool = false, options: IndexWriterOptions = .init()) throws -> IndexWriter {
        try schema.validate()
        _ = try Analyzer(language: schema.language)
        try FileSystem.createDirectory(directory)
        let lock = try WriteLock(directory: directory)
        if FileSystem.exists(Manifest.path(directory)) && !overwrite { throw LoupeError.indexExists(path: directory) }
        let m = Manifest(formatVersion: Int(FileFormat.version), generation: 1, schema: schema, segments: [], nextSegmentNumber: 1, commitData: [:])
        try m.write(directory: directory)
        let w = try IndexWriter(directory: directory, manifest: m, lock: lock, options: options)
        w.deleteUnreferencedFiles()
        return w
    }

    /// Opens an existing index for writing. Throws `LoupeError.locked` if another writer holds it.
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
        analyzers = try (0..<threads).map { _ in try Analyzer(language: manifest.schema.language) }
        builders = Array(repeating: nil, count: threads)
        nextSegment = manifest.nextSegmentNumber
    }

    deinit {
        rollback()
        lock?.release()
    }

    public var schema: Schema { manifest.schema }

    /// Checks a document against the schema without adding it.
    public func validate(_ doc: Document, source: String = "") throws {
        guard !doc.id.isEmpty else { throw LoupeError.invalidDocument(source: source, reason: "the document has no id") }
        guard doc.id.utf8.count <= 512 else { throw LoupeError.invalidDocument(source: source, reason: "the id is longer than 512 bytes") }
        var size = 0
        for (name, value) in doc.fields {
            guard schema.fields.contains(where: { $0.name == name }) else {
                throw LoupeError.invalidDocument(source: source, reason: "unknown field '\(name)' (the schema has \(schema.fields.map(\.name).joined(separator: ", ")))")
            }
            size += value.utf8.count
        }
        guard size <= options.maxDocumentBytes else {
            throw LoupeError.invalidDocument(source: source, reason: "document '\(doc.id)' is \(size) bytes, over the limit of \(options.maxDocumentBytes)")
        }
    }

    /// Adds `doc`, replacing any document with the same id at commit.
    public func add(_ doc: Document) throws {
        try validate(doc)
        pendingChunk.append(doc)
        if pendingChunk.count >= IndexWriter.chunkSize * builders.count { try indexPending() }
    }

    /// Same as `add`: an id that exists is replaced.
    public func update(_ doc: Document) throws { try add(doc) }

    /// Deletes the document with external id `id` (at commit). Returns nothing: deleting an
    /// absent id is not an error.
    public func delete(id: String) throws {
        try indexPending()
        let key = Array(id.utf8)
        if let loc = latest[key], let loc { newDeletions[loc.segment, default: []].insert(loc.doc) }
        latest[key] = .some(nil)
        idsToDelete.insert(key)
    }

    /// Whether anything waits to be committed.
    public var hasUncommittedChanges: Bool {
        !pendingChunk.isEmpty || !flushed.isEmpty || !idsToDelete.isEmpty || builders.contains { $0 != nil }
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
        for t in 0..<threads where builders[t] == nil && t * per < docs.count {
            builders[t] = try SegmentBuilder(directory: directory, name: newSegmentName(), schema: schema, analyzer: analyzers[t])
        }
        var results = [[Int]](repeating: [], count: threads)
        var errors = [Error?](repeating: nil, count: threads)
        let builders = self.builders
        results.withUnsafeMutableBufferPointer { r in
            errors.withUnsafeMutableBufferPointer { e in
                let rp = r, ep = e
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    let lo = t * per, hi = min(docs.count, lo + per)
                    guard lo < hi, let b = builders[t] else { return }
                    do {
                        var local: [Int] = []
                        local.reserveCapacity(hi - lo)
                        for i in lo..<hi { local.append(try b.add(docs[i])) }
                        rp[t] = local
                    } catch { ep[t] = error }
                }
            }
        }
        if let e = errors.compactMap({ $0 }).first { throw e }
        for t in 0..<threads {
            let lo = t * per
            guard let b = builders[t] else { continue }
            for (k, local) in results[t].enumerated() { record(id: docs[lo + k].id, segment: b.name, doc: local) }
        }
        let used = builders.reduce(0) { $0 + ($1?.memoryBytes ?? 0) }
        if used >= options.memoryBudgetBytes { try flushBuilders() }
    }

    private func record(id: String, segment: String, doc: Int) {
        let key = Array(id.utf8)
        if let prev = latest[key], let prev { newDeletions[prev.segment, default: []].insert(prev.doc) }
        latest[key] = (segment, doc)
        if !manifest.segments.isEmpty { idsToDelete.insert(key) }
    }

    /// Writes the in-memory segments to disk (still uncommitted).
    private func flushBuilders() throws {
        for t in builders.indices {
            guard let b = builders[t] else { continue }
            builders[t] = nil
            if b.docCount == 0 { b.abandon(); continue }
            flushed.append(try b.finish())
        }
    }

    /// Makes every change since the last commit durable and visible, atomically.
    /// `commitData` is stored with the commit.
    public func commit(commitData: [String: String]? = nil) throws {
        try indexPending()
        try flushBuilders()
        var m = manifest
        m.generation += 1
        // Deletions in committed segments.
        if !idsToDelete.isEmpty {
            for i in m.segments.indices {
                let meta = m.segments[i]
                var reader: SegmentReader? = nil
                var dels: DeletionSet? = nil
                for id in idsToDelete {
                    if reader == nil { reader = try SegmentReader(directory: directory, meta: meta, schema: schema, verify: false) }
                    for d in reader!.docs(withIdBytes: id) {
                        if dels == nil { dels = reader!.deletions ?? DeletionSet(docCount: meta.docCount) }
                        dels!.delete(d)
                    }
                }
                if let dels, let reader, dels.deletedCount != meta.deletedCount {
                    m.segments[i] = try writeDeletions(dels, meta: meta, norms: reader.norms.map(Array.init), generation: m.generation)
                }
            }
        }
        // This transaction's segments, with deletions among themselves.
        for var meta in flushed {
            if let d = newDeletions[meta.name], !d.isEmpty {
                var dels = DeletionSet(docCount: meta.docCount)
                for doc in d { dels.delete(doc) }
                let norms = try NormsReader(path: SegmentFiles.path(directory, meta.name, "norms"), docCount: meta.docCount, verify: false)
                meta = try writeDeletions(dels, meta: meta, norms: (0..<schema.indexedFields.count).map { norms.lengths[$0] ?? [] }, generation: m.generation)
            }
            m.segments.append(meta)
        }
        m.segments.removeAll { $0.liveCount == 0 }
        m.nextSegmentNumber = nextSegment
        if let commitData { m.commitData = commitData }
        try m.write(directory: directory)
        manifest = m
        flushed.removeAll(); newDeletions.removeAll(); latest.removeAll(); idsToDelete.removeAll()
        deleteUnreferencedFiles()
        if options.autoMerge { try maybeMerge() }
    }

    private func writeDeletions(_ dels: DeletionSet, meta: SegmentMeta, norms: [[UInt32]], generation: Int) throws -> SegmentMeta {
        var m = meta
        try dels.write(path: SegmentFiles.deletesPath(directory, meta.name, generation: generation))
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
        for meta in flushed {
            for f in SegmentFiles.fileNames(meta.name, deleteGeneration: 0) { FileSystem.remove("\(directory)/\(f)") }
        }
        flushed.removeAll(); newDeletions.removeAll(); latest.removeAll(); idsToDelete.removeAll()
    }

    /// Releases the lock; the writer cannot be used afterwards. Uncommitted changes are discarded.
    public func close() {
        rollback()
        lock?.release()
        lock = nil
    }

    /// Removes files no commit references (left by a crash, a rollback or superseded commits).
    /// Open readers keep their mapped files: unlinking does not unmap them.
    func deleteUnreferencedFiles() {
        let keep = manifest.referencedFiles
        let inFlight = Set(builders.compactMap { $0?.name } + flushed.map(\.name))
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
        let merged = try SegmentMerger(directory: directory, name: name, schema: schema).merge(readers)
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
        try m.write(directory: directory)
        manifest = m
        deleteUnreferencedFiles()
    }
}
