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

    public init(apiKey: String? = nil, maxBodyBytes: Int = LoupeServiceConfiguration.defaultMaxBodyBytes,
                maxLimit: Int = 1000, writerOptions: IndexWriterOptions = .init(),
                searchTimeout: Duration = LoupeServiceConfiguration.defaultSearchTimeout) {
        self.apiKey = apiKey; self.maxBodyBytes = maxBodyBytes; self.maxLimit = maxLimit; self.writerOptions = writerOptions
        self.searchTimeout = searchTimeout
    }

    /// The timeout a search runs with: the one asked for, at most `searchTimeout`; `searchTimeout` when none is.
    public func searchTimeout(asked: Duration?) -> Duration { min(asked ?? searchTimeout, searchTimeout) }
}

/// One index served over HTTP: searches run concurrently on the current snapshot; writes go
/// one at a time through a single `IndexWriter` opened at startup (so the index's write lock is
/// held while the service runs), and each commit refreshes the snapshot.
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

    /// Opens the index in `directory` for searching and writing. Throws `LoupeError.noIndex`
    /// when there is none, `LoupeError.locked` when another writer holds it.
    public init(indexDirectory directory: String, configuration: LoupeServiceConfiguration = .init()) throws {
        let index = try Index.open(at: directory, verify: true)
        let writer = try IndexWriter.open(directory: directory, options: configuration.writerOptions)
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
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Waits for the write in progress, discards nothing committed, and releases the writer lock.
    /// Later writes fail with 503. Idempotent.
    public func close() async { await writes.close() }

    /// Whether the writer is still open.
    public var isWritable: Bool { get async { await writes.isOpen } }

    /// Runs `body` with the writer, one call at a time (on a dedicated thread, not on the
    /// concurrency pool: commits and merges can take a while). An error rolls back what `body`
    /// did not commit; afterwards the index is refreshed, so new searches see every commit.
    func write<T>(_ body: @escaping (IndexWriter) throws -> T) async throws -> T {
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

    init(writer: IndexWriter) { self.writer = writer }

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
