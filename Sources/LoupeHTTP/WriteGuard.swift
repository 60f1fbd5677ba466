import Foundation
import Hummingbird

/// What a write (PUT, POST, DELETE) must show before its body is read, so that a web page
/// the user happens to visit cannot change a local index through the user's browser.
///
/// A browser sends a cross-origin POST without asking first ("a simple request") only when its
/// Content-Type is `text/plain`, `application/x-www-form-urlencoded` or `multipart/form-data`.
/// Requiring a JSON media type therefore forces every cross-origin browser write through a
/// CORS preflight, which the server grants only to origins named with `--allow-origin`; and a
/// write whose `Origin` is another site is refused outright unless that origin is allowed.
/// Clients that are not browsers send no `Origin` and are unaffected.
struct WriteGuard: Sendable {
    /// Origins (`scheme://host[:port]`, normalized by `WebOrigin`) allowed to write.
    let allowedOrigins: Set<String>

    init(allowedOrigins: [String]) {
        self.allowedOrigins = Set(allowedOrigins.compactMap { WebOrigin(parsing: $0)?.serialized })
    }

    /// Throws 403 when the request's `Origin` is neither this server's nor an allowed one.
    func checkOrigin(_ request: Request) throws {
        guard let raw = request.headers[.origin] else { return }
        let origin = WebOrigin(parsing: raw)
        if let origin {
            if allowedOrigins.contains(origin.serialized) { return }
            if let authority = request.head.authority, origin.isSameOrigin(asAuthority: authority) { return }
        }
        throw APIError(.forbidden, "cross-site write refused: the request's Origin '\(raw.prefix(200))' is not this server's"
                       + " (start the server with --allow-origin \(origin?.serialized ?? "ORIGIN") to allow it)")
    }

    /// Throws 415 unless the request's Content-Type is one of `accepted` (parameters such as
    /// `; charset=utf-8` are allowed).
    static func checkContentType(_ request: Request, accepted: [String]) throws {
        let names = accepted.map { "Content-Type: \($0)" }.joined(separator: " or ")
        guard let raw = request.headers[.contentType] else {
            throw APIError(.unsupportedMediaType, "the request has no Content-Type; send \(names)")
        }
        let type = raw.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard accepted.contains(type) else {
            throw APIError(.unsupportedMediaType, "the request's Content-Type is '\(raw.prefix(200))'; send \(names)")
        }
    }
}

/// A web origin, `scheme://host[:port]` (RFC 6454), as browsers send it in `Origin`.
struct WebOrigin: Equatable, Sendable {
    var scheme: String
    var host: String
    var port: Int

    /// Nil for `null`, a value with a path, query or user, or one that is not http(s).
    init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let sep = t.range(of: "://") else { return nil }
        scheme = String(t[..<sep.lowerBound])
        guard let defaultPort = WebOrigin.defaultPort(scheme) else { return nil }
        var rest = String(t[sep.upperBound...])
        if rest.hasSuffix("/") { rest.removeLast() }
        guard !rest.isEmpty, !rest.contains(where: { "/?#@ ".contains($0) }) else { return nil }
        guard let (h, p) = WebOrigin.splitAuthority(rest) else { return nil }
        host = h
        port = p ?? defaultPort
    }

    /// `scheme://host` with the port only when it is not the scheme's default.
    var serialized: String {
        scheme + "://" + host + (port == WebOrigin.defaultPort(scheme) ? "" : ":\(port)")
    }

    /// Whether a page of this origin is served by the server reached as `authority` (the
    /// request's Host): same host, and same port (a Host without one means the scheme's default,
    /// which covers a proxy that terminates TLS and passes the Host on).
    func isSameOrigin(asAuthority authority: String) -> Bool {
        guard let (h, p) = WebOrigin.splitAuthority(authority.lowercased()) else { return false }
        return h == host && (p ?? WebOrigin.defaultPort(scheme)) == port
    }

    static func defaultPort(_ scheme: String) -> Int? {
        switch scheme { case "http": return 80; case "https": return 443; default: return nil }
    }

    /// `host[:port]`, `[v6]` or `[v6]:port`.
    static func splitAuthority(_ a: String) -> (String, Int?)? {
        var host = a, portText: Substring?
        if a.hasPrefix("[") {
            guard let close = a.firstIndex(of: "]") else { return nil }
            host = String(a[...close])
            let after = a[a.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = a.lastIndex(of: ":") {
            host = String(a[..<colon])
            portText = a[a.index(after: colon)...]
        }
        guard !host.isEmpty else { return nil }
        guard let portText else { return (host, nil) }
        guard let port = Int(portText), (0...65535).contains(port) else { return nil }
        return (host, port)
    }
}

/// Answers CORS for the origins allowed with `--allow-origin`: their preflights (`OPTIONS`
/// with `Access-Control-Request-Method`) get 204 with the methods and headers the API takes,
/// and their requests get `Access-Control-Allow-Origin`. Other origins get no CORS headers, so
/// their pages can neither read answers nor send JSON writes.
public struct LoupeCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowedOrigins: Set<String>

    public init(allowedOrigins: [String]) {
        self.allowedOrigins = Set(allowedOrigins.compactMap { WebOrigin(parsing: $0)?.serialized })
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let raw = request.headers[.origin], let origin = WebOrigin(parsing: raw)?.serialized,
              allowedOrigins.contains(origin) else {
            return try await next(request, context)
        }
        var response: Response
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            response = Response(status: .noContent)
            response.headers[.accessControlAllowMethods] = "GET, HEAD, PUT, POST, DELETE"
            response.headers[.accessControlAllowHeaders] = "Authorization, Content-Type"
            response.headers[.accessControlMaxAge] = "600"
        } else {
            response = try await next(request, context)
        }
        response.headers[.accessControlAllowOrigin] = raw
        response.headers[.vary] = "Origin"
        return response
    }
}

/// Origin syntax for front ends (the `--allow-origin` option's check).
public enum WebOriginSyntax {
    /// `https://news.example.org` for `HTTPS://News.Example.org:443/`; nil when `text` is not
    /// an http(s) origin (a path, a query, `null`).
    public static func normalized(_ text: String) -> String? { WebOrigin(parsing: text)?.serialized }
}
