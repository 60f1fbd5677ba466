import Dispatch
import Foundation
import Hummingbird
import Loupe
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Settings of the HTTP API.
public struct LoupeServiceConfiguration: Sendable {
    public static let defaultMaxBodyBytes = 16 << 20

    /// When set, writes (PUT, POST, DELETE) need `Authorization: Bearer <apiKey>`.
    public var apiKey: String?
    /// Largest request body accepted; larger ones get 413.
    public var maxBodyBytes: Int
    /// Largest `limit` a search may ask for.
    public var maxLimit: Int
    /// Options of the index writer (memory budget, merging).
    public var writerOptions: IndexWriterOptions
    /// Origins (`https://news.example.org`, `http://localhost:3000`) whose pages may write
    /// (a write with another site's `Origin` gets 403) and get CORS answers. Same-origin
    /// writes and writes without `Origin` (programs, not browsers) need no entry.
    public var allowedOrigins: [String] = []
    /// The longest a search may hold a search thread (``SearchRequest/timeout``): the timeout of
    /// every search, related-articles lookup and search page, and the most a request's
    /// `timeout` parameter may ask for (a longer one is cut to this).
    public var searchTimeout: Duration
    public static let defaultSearchTimeout = Duration.seconds(10)
    /// Serve without writing: no writer lock is taken, write routes answer 405, and commits
    /// made by another process (`loupe add`, a writing server) are picked up by watching the
    /// manifest every `pollInterval`. Several read-only services can share one index directory.
    public var readOnly: Bool
    /// How often a read-only service looks for a new commit (a `stat` of the manifest; the
    /// snapshot is refreshed when it changed). Default 1 second.
    public var pollInterval: Duration
    /// Check every file's checksum when the index is opened and when a refresh opens new
    /// segments (see `IndexReader.open(directory:verify:)`). Default false: open checks
    /// headers, footers and structures only, in time independent of the index's size.
    public var verifyChecksums: Bool

    public init(apiKey: String? = nil, maxBodyBytes: Int = LoupeServiceConfiguration.defaultMaxBodyBytes,
                maxLimit: Int = 1000, writerOptions: IndexWriterOptions = .init(),
                searchTimeout: Duration = LoupeServiceConfiguration.defaultSearchTimeout,
                readOnly: Bool = false, pollInterval: Duration = .seconds(1), verifyChecksums: Bool = false) {
        self.apiKey = apiKey; self.maxBodyBytes = maxBodyBytes; self.maxLimit = maxLimit; self.writerOptions = writerOptions
        self.searchTimeout = searchTimeout
        self.readOnly = readOnly; self.pollInterval = pollInterval; self.verifyChecksums = verifyChecksums
    }

    /// The timeout a search runs with: the one asked for, at most `searchTimeout`; `searchTimeout` when none is.
    public func searchTimeout(asked: Duration?) -> Duration { min(asked ?? searchTimeout, searchTimeout) }
}

/// One index served over HTTP: searches run concurrently on the current snapshot; writes go
/// one at a time through a single `IndexWriter` opened at startup (so the index's write lock is
/// held while the service runs), and each commit refreshes the snapshot (near-real-time: only
/// the commit's new or changed segments are opened, see `Index.refresh()`).
///
/// A read-only service (`LoupeServiceConfiguration.readOnly`) opens no writer and takes no
/// lock; it watches the manifest for commits of other processes and refreshes likewise.
///
/// It is a swift-service-lifecycle `Service`: add it to the application's services
/// (`Application(router:, services: [service])`) and, on graceful shutdown, it waits for the
/// write in progress and releases the writer lock after the HTTP server has drained its
/// in-flight requests. Outside a `ServiceGroup`, call `close()` when done.
public final class LoupeService: Service, @unchecked Sendable {
    public let index: Index
    public let configuration: LoupeServiceConfiguration
    let mapping: DocumentMapping
    private let writes: WriteQueue
    /// Threads for searches, apart from Swift's concurrency pool (as many as cores): a slow
    /// search then delays other searches, but not health checks, writes or shutdown.
    private let searchThreads: NIOThreadPool

    /// Opens the index in `directory` for searching and (unless the configuration is read-only)
    /// writing. Throws `LoupeError.noIndex` when there is none, `LoupeError.locked` when
    /// another writer holds it and the service is not read-only.
    public init(indexDirectory directory: String, configuration: LoupeServiceConfiguration = .init()) throws {
        let index = try Index.open(at: directory, verify: configuration.verifyChecksums)
        let writer = configuration.readOnly ? nil : try IndexWriter.open(directory: directory, options: configuration.writerOptions)
        self.index = index
        self.configuration = configuration
        mapping = DocumentMapping(schema: index.schema)
        writes = WriteQueue(writer: writer)
        searchThreads = NIOThreadPool(numberOfThreads: max(2, System.coreCount))
        searchThreads.start()
    }

    deinit { searchThreads.shutdownGracefully { _ in } }

    /// Runs a search on the search threads, within the configured `searchTimeout` (or the
    /// request's shorter `timeout`), so no search holds a thread longer.
    public func search(_ request: SearchRequest) async throws -> SearchResults {
        let index = self.index
        var request = request
        request.timeout = configuration.searchTimeout(asked: request.timeout)
        return try await searchThreads.runIfActive { [request] in try index.search(request) }
    }

    /// Runs `body` (a read of the index: related articles, an article page) on the search threads.
    func onSearchThreads<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await searchThreads.runIfActive(body)
    }

    /// Completions of text being typed, on the search threads (the first call of a snapshot
    /// builds its merged vocabulary).
    public func completions(for text: String, limit: Int) async throws -> [Completion] {
        let index = self.index
        return try await searchThreads.runIfActive { try index.completions(for: text, limit: limit) }
    }

    /// Runs until graceful shutdown, then releases the writer (see the type's documentation).
    /// A read-only service watches the manifest meanwhile (see `watchManifest()`).
    public func run() async throws {
        if configuration.readOnly {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.watchManifest() }
                try? await gracefulShutdown()
                group.cancelAll()
            }
        } else {
            try? await gracefulShutdown()
        }
        await close()
    }

    /// Whether writes are refused for good because the service is read-only.
    public var isReadOnly: Bool { configuration.readOnly }

    /// Until cancelled: every `pollInterval`, looks at the manifest's identity (inode, size,
    /// modification time: a commit renames a new manifest into place, so one `stat` notices
    /// it) and, when it changed, refreshes the snapshot on the search threads (which reads the
    /// manifest and compares generations; every 30th poll does so regardless, in case a
    /// file system's coarse timestamps and a reused inode hid a commit). A refresh that fails
    /// (a damaged new commit, say) is logged and tried again at every poll; searches keep
    /// the last good snapshot meanwhile.
    func watchManifest() async {
        let path = index.directory + "/manifest"
        var seen = ManifestStamp(path: path)
        var failing = false
        var polls = 0
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.pollInterval) } catch { return }
            polls += 1
            let now = ManifestStamp(path: path)
            guard now != seen || failing || polls % 30 == 0 else { continue }
            seen = now
            do {
                let index = self.index
                _ = try await searchThreads.runIfActive { try index.refresh() }
                failing = false
            } catch {
                if !failing { FileHandle.standardError.write(Data("loupe: cannot refresh \(index.directory): \(error) (still serving generation \(index.reader.generation))\n".utf8)) }
                failing = true
            }
        }
    }

    /// Waits for the write in progress, discards nothing committed, and releases the writer lock.
    /// Later writes fail with 503 (405 on a read-only service). Idempotent.
    public func close() async { await writes.close() }

    /// Whether the writer is still open.
    public var isWritable: Bool { get async { await writes.isOpen } }

    /// Runs `body` with the writer, one call at a time (on a dedicated thread, not on the
    /// concurrency pool: commits and merges can take a while). An error rolls back what `body`
    /// did not commit; afterwards the index is refreshed, so new searches see every commit.
    func write<T>(_ body: @escaping (IndexWriter) throws -> T) async throws -> T {
        // The write routes answer 405 before they get here; this keeps any other caller out.
        guard !configuration.readOnly else { throw APIError(.methodNotAllowed, "this server is read-only") }
        let index = self.index
        return try await writes.perform { writer in
            defer { if writer.hasUncommittedChanges { writer.rollback() }; _ = try? index.refresh() }
            return try body(writer)
        }
    }
}

/// A serial queue owning the writer.
private final class WriteQueue: @unchecked Sendable {
    private let queue = DispatchQueue(label: "loupe.http.writer")
    private var writer: IndexWriter?

    init(writer: IndexWriter?) { self.writer = writer }

    func perform<T>(_ body: @escaping (IndexWriter) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, Error>) in
            queue.async {
                guard let w = self.writer else {
                    c.resume(throwing: APIError(.serviceUnavailable, "the service is shutting down; writes are closed"))
                    return
                }
                c.resume(with: Result { try body(w) })
            }
        }
    }

    func close() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            queue.async {
                self.writer?.close()
                self.writer = nil
                c.resume()
            }
        }
    }

    var isOpen: Bool {
        get async {
            await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
                queue.async { c.resume(returning: self.writer != nil) }
            }
        }
    }
}

/// What identifies one version of the manifest without reading it: a commit renames a new
/// file over it, so its inode changes (and usually its size and modification time too).
struct ManifestStamp: Equatable {
    var inode: UInt64 = 0
    var size: Int64 = -1
    var seconds: Int = 0
    var nanoseconds: Int = 0

    init(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return }
        inode = UInt64(st.st_ino); size = Int64(st.st_size)
        seconds = Int(st.st_mtim.tv_sec); nanoseconds = Int(st.st_mtim.tv_nsec)
    }
}
