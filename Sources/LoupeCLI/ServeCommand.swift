import ArgumentParser
import Dispatch
import Foundation
import Hummingbird
import Loupe
import LoupeHTTP

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the index over HTTP: a JSON API and a search page.",
        discussion: """
            Routes (described in openapi.yaml):
              GET    /                  search page for people (query, dates, paging)
              GET    /search?q=&limit=&offset=&sort=&after=&before=&explain=&timeout=
              GET    /documents/ID      one document
              PUT    /documents/ID      add or replace a document (JSON object)
              POST   /documents         add a batch (JSON array or NDJSON), all or nothing
              DELETE /documents/ID      delete a document
              GET    /stats, /health

            The index's write lock is held while serving (other writers get "locked"),
            unless --read-only.
            Writes need 'Authorization: Bearer KEY' when --api-key (or $LOUPE_API_KEY) is set.
            No search holds a search thread longer than --search-timeout (default 10s): past it
            a search answers with the best hits it found so far and "timed_out": true. A request
            may ask for less with timeout= (/search?q=oil&timeout=250ms); more is cut to it.

            Each write is searchable as soon as it is answered: only the new segment (and
            changed deletions) are opened, not the whole index.

            With --read-only no lock is taken and PUT, POST and DELETE answer 405: the
            server searches, and picks up the commits of another process (loupe add, a
            writing server) by checking the manifest every --poll-interval seconds. Several
            read-only servers can serve one index directory while one writer updates it.

            Opening checks file headers, footers and structures (fast at any index size);
            --verify also checks every file's checksum first (reads the whole index once).
            SIGINT or SIGTERM stop the server after the requests in progress.

            Safe defaults, so a web page the user visits cannot write to a local index:
            writes need 'Content-Type: application/json' (POST also takes
            application/x-ndjson), else 415; a write whose Origin is another site's gets
            403 unless named with --allow-origin (which also answers that origin's CORS
            preflights). Programs that send no Origin are unaffected. A request header must
            arrive within --header-timeout of its first byte, and a connection that sends
            nothing for --idle-timeout while a request is awaited is closed. A body over
            --max-body-bytes gets 413 and the connection is closed without reading the rest.
            Every answer has 'X-Content-Type-Options: nosniff'; the pages a strict
            Content-Security-Policy (no inline script or style).

            Examples:
              loupe serve
              loupe serve --host 0.0.0.0 --port 8080 --api-key s3cret
              loupe serve --read-only --port 7701 --poll-interval 0.5
              curl 'http://127.0.0.1:7700/search?q=oil+prices&limit=3'
            """
    )

    @OptionGroup var location: IndexLocation
    @OptionGroup var checksums: VerifyOption

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port = 7700

    @Option(name: .customLong("api-key"), help: ArgumentHelp("Bearer token required for writes (default: $LOUPE_API_KEY; none: writes are open).", valueName: "KEY"))
    var apiKey: String?

    @Option(name: .customLong("max-body-bytes"), help: ArgumentHelp("Largest request body accepted (413 beyond).", valueName: "N"))
    var maxBodyBytes = LoupeServiceConfiguration.defaultMaxBodyBytes

    @Option(name: .customLong("allow-origin"), help: ArgumentHelp("A web origin (scheme://host[:port]) whose pages may write and get CORS answers; repeatable. Default: only this server's own pages (and clients without an Origin).", valueName: "ORIGIN"))
    var allowOrigins: [String] = []

    @Option(name: .customLong("header-timeout"), help: ArgumentHelp("Seconds a request's header may take from its first byte before the connection is closed.", valueName: "SECONDS"))
    var headerTimeout = 10.0

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Seconds a connection may send nothing while a request (or the rest of its body) is awaited before it is closed.", valueName: "SECONDS"))
    var idleTimeout = 60.0

    @Option(name: .customLong("search-timeout"), help: ArgumentHelp("Longest a search may run (250ms, 2s, 1.5s, 1m): the timeout of every search, and the most a request's timeout parameter may ask for.", valueName: "DURATION"))
    var searchTimeout = "10s"

    @Flag(name: .customLong("read-only"), help: "Serve searches only: take no write lock, answer 405 to writes, pick up other processes' commits.")
    var readOnly = false

    @Option(name: .customLong("poll-interval"), help: ArgumentHelp("With --read-only: how often to look for a new commit (seconds, e.g. 0.25).", valueName: "SECONDS"))
    var pollInterval = 1.0

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        for origin in allowOrigins where WebOriginSyntax.normalized(origin) == nil {
            throw ValidationError("--allow-origin '\(origin)' is not a web origin: write scheme://host[:port] (http or https, no path), e.g. https://news.example.org")
        }
        guard headerTimeout > 0, headerTimeout <= 86_400 else { throw ValidationError("--header-timeout must be more than 0 and at most 86400 seconds") }
        guard idleTimeout > 0, idleTimeout <= 86_400 else { throw ValidationError("--idle-timeout must be more than 0 and at most 86400 seconds") }
        guard pollInterval.isFinite, pollInterval >= 0.01, pollInterval <= 3600 else {
            throw ValidationError("--poll-interval must be from 0.01 to 3600 seconds")
        }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive") }
        if let apiKey, apiKey.isEmpty { throw ValidationError("--api-key must not be empty") }
        guard TimeoutText.parse(searchTimeout) != nil else {
            throw ValidationError("--search-timeout '\(searchTimeout)' is not a timeout (\(TimeoutText.forms), at most a day)")
        }
    }

    var key: String? {
        if let apiKey { return apiKey }
        if let env = ProcessInfo.processInfo.environment["LOUPE_API_KEY"], !env.isEmpty { return env }
        return nil
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    func run() throws {
        // A client closing its connection must not kill the server.
        signal(SIGPIPE, SIG_IGN)
        var configuration = LoupeServiceConfiguration(apiKey: key, maxBodyBytes: maxBodyBytes,
                                                      searchTimeout: TimeoutText.parse(searchTimeout)!, readOnly: readOnly,
                                                      pollInterval: .milliseconds(Int((pollInterval * 1000).rounded())),
                                                      verifyChecksums: checksums.verify)
        configuration.allowedOrigins = allowOrigins
        let service = try LoupeService(indexDirectory: location.path, configuration: configuration)
        if key == nil && !readOnly && !ServeCommand.isLoopback(host) {
            Terminal.err("loupe: warning: listening on \(host) without an API key: anyone who can reach this address can change the index (use --api-key or $LOUPE_API_KEY)")
        }
        let path = location.path, host = self.host
        let docs = service.index.reader.liveDocCount
        let writesText = readOnly ? "read-only, checking for commits every \(pollInterval) s" : key == nil ? "writes open" : "writes need the API key"
        let connections = LoupeConnectionLimits(headerTimeout: .nanoseconds(Int64(headerTimeout * 1e9)),
                                                idleTimeout: .nanoseconds(Int64(idleTimeout * 1e9)))
        let app = makeLoupeApplication(service: service, host: host, port: port, connections: connections) { channel in
            let bound = channel.localAddress?.port ?? 0
            Terminal.err("loupe: serving \(path) (\(docs) documents, \(writesText)) on http://\(host.contains(":") ? "[\(host)]" : host):\(bound)/ — Ctrl-C stops")
        }
        // The command runs synchronously (the root command is not async): run the server on
        // the concurrency pool and wait for it here.
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        Task {
            do { try await app.runService() } catch { outcome.error = error }
            await service.close()
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw CLIError.io("the server stopped: \(error)") }
        Terminal.err("loupe: stopped; the index is released")
    }
}

private final class Outcome: @unchecked Sendable {
    var error: Error?
}
