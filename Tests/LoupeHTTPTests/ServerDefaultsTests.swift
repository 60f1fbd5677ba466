import Foundation
import Hummingbird
import HummingbirdTesting
import Loupe
import LoupeHTTP
import LoupeTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The server's safe defaults (issue 19): JSON-only writes, no cross-site writes unless allowed,
/// timeouts for slow clients, 413 that closes, security headers, 405 with Allow.
extension LoupeHTTPTests {
    func withGuardedServer(allowedOrigins: [String] = [], maxBodyBytes: Int = 1 << 20,
                    connections: LoupeConnectionLimits = .init(),
                    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var configuration = LoupeServiceConfiguration(maxBodyBytes: maxBodyBytes)
        configuration.allowedOrigins = allowedOrigins
        let service = try LoupeService(indexDirectory: dir, configuration: configuration)
        let app = makeLoupeApplication(service: service, port: 0, connections: connections)
        try await app.test(.live, body)
    }

    // MARK: Content-Type

    func testWritesNeedAJSONContentType() async throws {
        try await withGuardedServer { client in
            let doc = Self.body(#"{"title": "Planted", "body": "planted text"}"#)
            var r = try await client.execute(uri: "/documents/p1", method: .put, headers: [.contentType: "text/plain"], body: doc)
            try Self.assertError(r, .unsupportedMediaType, contains: "'text/plain'")
            XCTAssertTrue(try Self.json(r)["error"].map { "\($0)" }?.contains("application/json") == true)
            r = try await client.execute(uri: "/documents/p1", method: .put, body: doc)
            try Self.assertError(r, .unsupportedMediaType, contains: "no Content-Type")
            r = try await client.execute(uri: "/documents", method: .post, headers: [.contentType: "text/plain;charset=UTF-8"],
                                         body: Self.body(#"[{"id": "p2", "title": "Planted"}]"#))
            try Self.assertError(r, .unsupportedMediaType, contains: "text/plain")
            r = try await client.execute(uri: "/documents", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: Self.body(#"{"id": "p3", "title": "Planted"}"#))
            try Self.assertError(r, .unsupportedMediaType)
            // NDJSON is a batch's type, not a document's.
            r = try await client.execute(uri: "/documents/p1", method: .put, headers: [.contentType: "application/x-ndjson"], body: doc)
            try Self.assertError(r, .unsupportedMediaType, contains: "application/x-ndjson")
            // Nothing was written.
            var j = try Self.json(try await client.execute(uri: "/search?q=planted", method: .get))
            XCTAssertEqual(j["total"] as? Int, 0)

            // The right types, with parameters and in any case, are taken.
            r = try await client.execute(uri: "/documents/p1", method: .put, headers: [.contentType: "Application/JSON; charset=utf-8"], body: doc)
            XCTAssertEqual(r.status, .created)
            r = try await client.execute(uri: "/documents", method: .post, headers: [.contentType: "application/x-ndjson"],
                                         body: Self.body(#"{"id": "p2", "title": "Planted"}"# + "\n"))
            XCTAssertEqual(r.status, .ok)
            r = try await client.execute(uri: "/documents", method: .post, headers: [.contentType: "application/json"],
                                         body: Self.body(#"[{"id": "p3", "title": "Planted"}]"#))
            XCTAssertEqual(r.status, .ok)
            j = try Self.json(try await client.execute(uri: "/search?q=planted", method: .get))
            XCTAssertEqual(j["total"] as? Int, 3)
            // DELETE has no body and needs no type.
            r = try await client.execute(uri: "/documents/p3", method: .delete)
            XCTAssertEqual(r.status, .ok)
        }
    }

    // MARK: Origin

    func testCrossSiteWritesAreRefusedUnlessAllowed() async throws {
        try await withGuardedServer(allowedOrigins: ["https://News.Example.org:443/"]) { client in
            let doc = Self.body(#"{"title": "Planted"}"#)
            var r = try await client.execute(uri: "/documents/x1", method: .put,
                                             headers: [.contentType: "application/json", .origin: "https://evil.example"], body: doc)
            try Self.assertError(r, .forbidden, contains: "--allow-origin https://evil.example")
            XCTAssertNil(r.headers[.accessControlAllowOrigin])
            r = try await client.execute(uri: "/documents/a1", method: .delete, headers: [.origin: "http://evil.example:8080"])
            try Self.assertError(r, .forbidden)
            r = try await client.execute(uri: "/documents", method: .post,
                                         headers: [.contentType: "application/json", .origin: "null"], body: Self.body("[]"))
            try Self.assertError(r, .forbidden, contains: "'null'")
            // Reads stay open to everyone, but other sites' pages get no CORS answer to read them.
            r = try await client.execute(uri: "/search?q=oil", method: .get, headers: [.origin: "https://evil.example"])
            XCTAssertEqual(r.status, .ok)
            XCTAssertNil(r.headers[.accessControlAllowOrigin])
            // No preflight is granted to them either.
            r = try await client.execute(uri: "/documents/x1", method: .options,
                                         headers: [.origin: "https://evil.example", .accessControlRequestMethod: "PUT"])
            XCTAssertNil(r.headers[.accessControlAllowOrigin])

            // An allowed origin: its preflight is granted and its write goes through.
            r = try await client.execute(uri: "/documents/x1", method: .options,
                                         headers: [.origin: "https://news.example.org", .accessControlRequestMethod: "PUT",
                                                   .accessControlRequestHeaders: "content-type"])
            XCTAssertEqual(r.status, .noContent)
            XCTAssertEqual(r.headers[.accessControlAllowOrigin], "https://news.example.org")
            XCTAssertTrue(r.headers[.accessControlAllowMethods]?.contains("PUT") == true)
            XCTAssertTrue(r.headers[.accessControlAllowHeaders]?.contains("Content-Type") == true)
            r = try await client.execute(uri: "/documents/x1", method: .put,
                                         headers: [.contentType: "application/json", .origin: "https://news.example.org"], body: doc)
            XCTAssertEqual(r.status, .created, String(buffer: r.body))
            XCTAssertEqual(r.headers[.accessControlAllowOrigin], "https://news.example.org")
        }
    }

    /// The page's own origin (the Host it reached) may write; so may clients without Origin.
    func testSameOriginWritesAreAllowed() async throws {
        try await withGuardedServer { client in
            let port = try XCTUnwrap(client.port)
            let doc = #"{"title": "Mine"}"#
            var answer = try RawHTTP.exchange(port: port, """
                PUT /documents/m1 HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nOrigin: http://127.0.0.1:\(port)\r\n\
                Content-Type: application/json\r\nContent-Length: \(doc.utf8.count)\r\nConnection: close\r\n\r\n\(doc)
                """)
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 201"), answer)
            // The same host on another port is another origin.
            answer = try RawHTTP.exchange(port: port, """
                PUT /documents/m2 HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nOrigin: http://127.0.0.1:\(port + 1)\r\n\
                Content-Type: application/json\r\nContent-Length: \(doc.utf8.count)\r\nConnection: close\r\n\r\n\(doc)
                """)
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 403"), answer)
            let r = try await client.execute(uri: "/documents/m3", method: .put, headers: Self.jsonHeaders, body: Self.body(doc))
            XCTAssertEqual(r.status, .created)
        }
    }

    func testOriginParsing() {
        XCTAssertEqual(WebOriginSyntax.normalized("HTTPS://News.Example.org:443/"), "https://news.example.org")
        XCTAssertEqual(WebOriginSyntax.normalized("http://localhost:3000"), "http://localhost:3000")
        XCTAssertEqual(WebOriginSyntax.normalized("http://[::1]:8080"), "http://[::1]:8080")
        XCTAssertNil(WebOriginSyntax.normalized("null"))
        XCTAssertNil(WebOriginSyntax.normalized("https://example.org/path"))
        XCTAssertNil(WebOriginSyntax.normalized("ftp://example.org"))
        XCTAssertNil(WebOriginSyntax.normalized("example.org"))
        XCTAssertNil(WebOriginSyntax.normalized("http://example.org:99999"))
    }

    // MARK: Methods and parameters (openapi.yaml agrees)

    func testUnknownMethodsOnKnownPathsGet405WithAllow() async throws {
        try await withGuardedServer { client in
            var r = try await client.execute(uri: "/search?q=oil", method: .init("TRACE")!)
            try Self.assertError(r, .methodNotAllowed, contains: "TRACE")
            XCTAssertEqual(r.headers[.allow], "GET, HEAD, OPTIONS")
            r = try await client.execute(uri: "/documents/a1", method: .init("PATCH")!, headers: Self.jsonHeaders, body: Self.body("{}"))
            try Self.assertError(r, .methodNotAllowed)
            XCTAssertEqual(r.headers[.allow], "GET, HEAD, PUT, DELETE, OPTIONS")
            r = try await client.execute(uri: "/documents", method: .get)
            try Self.assertError(r, .methodNotAllowed)
            XCTAssertEqual(r.headers[.allow], "POST, OPTIONS")
            r = try await client.execute(uri: "/", method: .post, headers: Self.jsonHeaders, body: Self.body("{}"))
            XCTAssertEqual(r.status, .methodNotAllowed)
            r = try await client.execute(uri: "/stats", method: .options)
            XCTAssertEqual(r.status, .noContent)
            XCTAssertEqual(r.headers[.allow], "GET, HEAD, OPTIONS")
            // An unknown path is still a 404.
            try Self.assertError(try await client.execute(uri: "/nope", method: .get), .notFound, contains: "no route")
            try Self.assertError(try await client.execute(uri: "/documents/a1/nope", method: .trace), .notFound)
            // Every route of the table is answered by a handler for each of its read methods.
            for (pattern, methods) in [(["search"], ["q=oil"]), (["documents", "a1"], []), (["documents", "a1", "similar"], []),
                                       (["articles", "a1"], []), (["synonyms"], []), (["stats"], []), (["health"], []), ([], []),
                                       (["suggest"], ["q=oi"]), (["assets", "loupe.css"], []), (["assets", "suggest.js"], [])] {
                let uri = "/" + pattern.joined(separator: "/") + (methods.isEmpty ? "" : "?" + methods.joined(separator: "&"))
                let r = try await client.execute(uri: uri, method: .get)
                XCTAssertEqual(r.status, .ok, uri)
            }
        }
    }

    func testInvalidParametersAndIDsAre400() async throws {
        try await withGuardedServer { client in
            try Self.assertError(try await client.execute(uri: "/search?q=oil&sort=bogus", method: .get), .badRequest, contains: "sort")
            try Self.assertError(try await client.execute(uri: "/search?q=oil&sort=date:sideways", method: .get), .badRequest, contains: "sort")
            try Self.assertError(try await client.execute(uri: "/search?q=oil&explain=maybe", method: .get), .badRequest, contains: "explain")
            try Self.assertError(try await client.execute(uri: "/search?q=oil&limit=-1", method: .get), .badRequest, contains: "limit")
            for id in ["null", "5", "true", "[\"x\"]", "{}"] {
                let r = try await client.execute(uri: "/documents/5", method: .put, headers: Self.jsonHeaders,
                                                 body: Self.body(#"{"id": \#(id), "title": "T"}"#))
                try Self.assertError(r, .badRequest, contains: "\"id\" must be a string")
            }
            try Self.assertError(try await client.execute(uri: "/documents/5", method: .get), .notFound)
            let r = try await client.execute(uri: "/documents/5", method: .put, headers: Self.jsonHeaders, body: Self.body(#"{"id": "5", "title": "T"}"#))
            XCTAssertEqual(r.status, .created)
        }
    }

    /// A request the HTTP decoder rejects (here a 100 KB query) gets the API's JSON error, not
    /// Hummingbird's bare 400.
    func testUnparsableRequestsGetAJSONError() async throws {
        try await withGuardedServer { client in
            let port = try XCTUnwrap(client.port)
            let answer = try RawHTTP.exchange(port: port, "GET /search?q=\(String(repeating: "a", count: 100_000)) HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 400"), String(answer.prefix(200)))
            XCTAssertTrue(answer.lowercased().contains("content-type: application/json"), answer)
            XCTAssertTrue(answer.lowercased().contains("x-content-type-options: nosniff"), answer)
            let body = try XCTUnwrap(answer.components(separatedBy: "\r\n\r\n").last)
            let j = try jsonObject(Data(body.utf8))
            XCTAssertEqual(j["status"] as? Int, 400)
            XCTAssertTrue((j["error"] as? String)?.contains("not valid HTTP/1.1") == true, body)
            // The server still answers.
            let health = try await client.execute(uri: "/health", method: .get)
            XCTAssertEqual(health.status, .ok)
        }
    }

    // MARK: Headers of pages and answers

    func testSecurityHeaders() async throws {
        try await withGuardedServer { client in
            for uri in ["/?q=oil", "/articles/a2?q=war"] {
                let r = try await client.execute(uri: uri, method: .get)
                XCTAssertEqual(r.status, .ok, uri)
                XCTAssertEqual(r.headers[.xContentTypeOptions], "nosniff", uri)
                let csp = try XCTUnwrap(r.headers[.contentSecurityPolicy], uri)
                XCTAssertTrue(csp.contains("script-src 'self'") && csp.contains("style-src 'self'") && csp.contains("default-src 'none'"), csp)
                XCTAssertFalse(csp.contains("unsafe-inline"), csp)
                let html = String(buffer: r.body)
                // No inline script or style the policy would block.
                XCTAssertFalse(html.contains("<style"), uri)
                XCTAssertFalse(html.contains("<script>"), uri)
                XCTAssertFalse(html.contains(" style="), uri)
                XCTAssertTrue(html.contains("<link rel=\"stylesheet\" href=\"/assets/loupe.css?v="), uri)
            }
            let page = String(buffer: try await client.execute(uri: "/", method: .get).body)
            XCTAssertTrue(page.contains("<script src=\"/assets/suggest.js?v="), page)
            var r = try await client.execute(uri: "/assets/loupe.css", method: .get)
            XCTAssertEqual(r.headers[.contentType], "text/css; charset=utf-8")
            XCTAssertTrue(String(buffer: r.body).contains(".results{"))
            XCTAssertEqual(r.headers[.xContentTypeOptions], "nosniff")
            r = try await client.execute(uri: "/assets/suggest.js", method: .get)
            XCTAssertEqual(r.headers[.contentType], "text/javascript; charset=utf-8")
            XCTAssertTrue(String(buffer: r.body).contains("getElementById('suggestions')"))
            // JSON answers and errors too.
            for uri in ["/search?q=oil", "/search", "/nope", "/documents/zz"] {
                let r = try await client.execute(uri: uri, method: .get)
                XCTAssertEqual(r.headers[.xContentTypeOptions], "nosniff", uri)
                XCTAssertEqual(r.headers[.contentSecurityPolicy], "default-src 'none'; frame-ancestors 'none'", uri)
            }
        }
    }

    // MARK: Slow and large requests

    /// A body over the limit is answered at once with 413 and `Connection: close`, and the
    /// server stops reading: the client cannot push 200 MB through.
    func testOversizedBodyIsRefusedAndTheConnectionClosed() async throws {
        try await withGuardedServer(maxBodyBytes: 1024) { client in
            let port = try XCTUnwrap(client.port)
            let socket = try RawHTTP(port: port)
            let declared = 200 << 20
            XCTAssertTrue(socket.send("PUT /documents/big HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(declared)\r\n\r\n"))
            let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 16)
            XCTAssertTrue(socket.send(chunk))
            let head = socket.readHead()
            XCTAssertTrue(head.hasPrefix("HTTP/1.1 413"), head)
            XCTAssertTrue(head.lowercased().contains("connection: close"), head)
            // Keep streaming the body: the server has stopped reading, so sending fails long
            // before the 200 MB are through.
            var sent = chunk.count
            while sent < declared, socket.send(chunk) { sent += chunk.count }
            XCTAssertLessThan(sent, 64 << 20, "the server read \(sent) bytes of a refused body")
            // The index was not touched, and the server still answers.
            let r = try await client.execute(uri: "/documents/big", method: .get)
            XCTAssertEqual(r.status, .notFound)
        }
    }

    /// A client that sends half a request header is disconnected after the header timeout,
    /// even when it keeps trickling bytes (so the idle timeout would never fire).
    func testSlowRequestHeadersAreCutOff() async throws {
        let limits = LoupeConnectionLimits(headerTimeout: .milliseconds(600), idleTimeout: .seconds(60))
        try await withGuardedServer(connections: limits) { client in
            let port = try XCTUnwrap(client.port)
            var socket = try RawHTTP(port: port)
            let start = Date()
            XCTAssertTrue(socket.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"))
            XCTAssertTrue(socket.waitForClose(within: 10), "the connection was not closed")
            let elapsed = Date().timeIntervalSince(start)
            XCTAssertGreaterThanOrEqual(elapsed, 0.5)
            XCTAssertLessThan(elapsed, 8)

            socket = try RawHTTP(port: port)
            let trickleStart = Date()
            var closed = false
            for byte in "GET /health HTTP/1.1\r\nX-Slow: ".utf8 + Array(repeating: UInt8(ascii: "z"), count: 200) {
                if !socket.send([byte]) { closed = true; break }
                usleep(50_000)
            }
            closed = closed || socket.waitForClose(within: 5)
            XCTAssertTrue(closed)
            XCTAssertLessThan(Date().timeIntervalSince(trickleStart), 8)

            // A whole request in time is answered, and the connection stays open for the next.
            socket = try RawHTTP(port: port)
            XCTAssertTrue(socket.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
            XCTAssertTrue(socket.readResponse().hasPrefix("HTTP/1.1 200"))
            usleep(1_000_000)
            XCTAssertTrue(socket.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
            XCTAssertTrue(socket.readResponse().hasPrefix("HTTP/1.1 200"))
        }
    }

    /// A connection that sends nothing is closed after the idle timeout.
    func testIdleConnectionsAreClosed() async throws {
        let limits = LoupeConnectionLimits(headerTimeout: .seconds(60), idleTimeout: .milliseconds(600))
        try await withGuardedServer(connections: limits) { client in
            let port = try XCTUnwrap(client.port)
            let socket = try RawHTTP(port: port)
            let start = Date()
            XCTAssertTrue(socket.waitForClose(within: 10))
            XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.5)
            // And after an answer, too (keep-alive does not keep it forever).
            let second = try RawHTTP(port: port)
            XCTAssertTrue(second.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
            XCTAssertTrue(second.readResponse().hasPrefix("HTTP/1.1 200"))
            XCTAssertTrue(second.waitForClose(within: 10))
        }
    }
}

/// A plain TCP client for what an HTTP client library will not do: half a header, a body
/// that never ends.
final class RawHTTP {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        setReadTimeout(10)
    }

    deinit { close(fd) }

    func setReadTimeout(_ seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// False once the server has closed or reset the connection.
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue }; return false }
            offset += n
        }
        return true
    }

    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads up to the end of a response header (or until the connection ends).
    func readHead() -> String {
        var data: [UInt8] = []
        var byte: UInt8 = 0
        while !data.suffix(4).elementsEqual("\r\n\r\n".utf8) {
            guard recv(fd, &byte, 1, 0) == 1 else { break }
            data.append(byte)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads a response: its header, then `Content-Length` bytes of body; returns the header.
    func readResponse() -> String {
        let head = readHead()
        let length = head.lowercased().split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        var buffer = [UInt8](repeating: 0, count: max(1, length))
        var got = 0
        while got < length {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, length - got, 0) }
            if n <= 0 { break }
            got += n
        }
        return head
    }

    /// Reads until the server closes (EOF or reset); false when it is still open after `seconds`.
    func waitForClose(within seconds: Double) -> Bool {
        setReadTimeout(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    /// Sends `request` and reads the whole answer (the request should ask to close).
    static func exchange(port: Int, _ request: String) throws -> String {
        let s = try RawHTTP(port: port)
        guard s.send(request) else { return "" }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(s.fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data += buffer[..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }
}
