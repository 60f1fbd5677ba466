import Foundation
import Hummingbird
import Loupe
import NIOCore

/// Mounts Loupe's routes into a Hummingbird router (or a group of one):
///
///     GET    {prefix}/                the search page (HTML)
///     GET    {prefix}/search          JSON search
///     GET    {prefix}/documents/{id}  one stored document
///     PUT    {prefix}/documents/{id}  add or replace one document (protected; 405 when read-only)
///     POST   {prefix}/documents       add a batch, all or nothing (protected; 405 when read-only)
///     DELETE {prefix}/documents/{id}  delete one document (protected; 405 when read-only)
///     GET    {prefix}/documents/{id}/similar  related articles (JSON)
///     GET    {prefix}/articles/{id}   an article's page (HTML): the article, the query's words marked, related articles
///     GET    {prefix}/synonyms        the index's synonyms
///     GET    {prefix}/stats           index statistics
///     GET    {prefix}/health          liveness
///     GET    {prefix}/assets/loupe.css, {prefix}/assets/suggest.js   the pages' style and script
///
/// Writes need a JSON Content-Type (415) and an `Origin` that is the server's own or in
/// `configuration.allowedOrigins` when they have one (403); every answer gets the security
/// headers (`LoupeSecurityHeadersMiddleware`). Errors are answered as `{"error": "...", "status": N}`. `prefix` (e.g. "/archive") is also
/// used by the search page for its links. Add `service` to the application's services so the
/// writer is released on graceful shutdown:
///
///     let service = try LoupeService(indexDirectory: "Index")
///     let router = Router()
///     addLoupeRoutes(to: router, service: service, at: "/archive")
///     let app = Application(router: router, services: [service])
///     try await app.runService()
public func addLoupeRoutes<Context: RequestContext>(to router: some RouterMethods<Context>, service: LoupeService, at prefix: String = "") {
    var base = prefix
    while base.hasSuffix("/") { base.removeLast() }
    if !base.isEmpty && !base.hasPrefix("/") { base = "/" + base }
    let routes = LoupeRoutes(service: service, basePath: base)
    let group = router.group(RouterPath(base.isEmpty ? "" : base))
        .add(middleware: LoupeSecurityHeadersMiddleware<Context>())
        .add(middleware: LoupeErrorMiddleware<Context>(maxBodyBytes: service.configuration.maxBodyBytes))
    group.get("/") { request, _ in await routes.searchPage(request) }
    group.get("/search") { request, _ in try await routes.search(request) }
    group.get("/suggest") { request, _ in try await routes.suggest(request) }
    group.get("/documents/:id") { request, context in try routes.getDocument(try routes.documentID(context)) }
    group.put("/documents/:id") { request, context in try await routes.putDocument(request, id: try routes.documentID(context)) }
    group.delete("/documents/:id") { request, context in try await routes.deleteDocument(request, id: try routes.documentID(context)) }
    group.post("/documents") { request, _ in try await routes.postDocuments(request) }
    group.get("/documents/:id/similar") { request, context in try await routes.similar(request, id: try routes.documentID(context)) }
    group.get("/articles/:id") { request, context in try await routes.articlePage(request, id: try routes.documentID(context)) }
    group.get("/synonyms") { _, _ in routes.synonyms() }
    group.get("/stats") { _, _ in routes.stats() }
    group.get("/health") { _, _ in await routes.health() }
    group.get(RouterPath(PageAssets.stylesheetPath)) { _, _ in PageAssets.stylesheetResponse() }
    group.get(RouterPath(PageAssets.scriptPath)) { _, _ in PageAssets.scriptResponse() }
}

/// A ready-to-run application serving `service` at the root: the routes, JSON errors for
/// unknown paths, 405 with `Allow` for a known path asked with another method, HEAD for every
/// GET, the security headers on every answer, CORS for the configured origins, the header,
/// idle and linger timeouts of `connections`, and the service in the application's ServiceGroup.
public func makeLoupeApplication(service: LoupeService, host: String = "127.0.0.1", port: Int = 7700,
                                 serverName: String? = "Loupe",
                                 connections: LoupeConnectionLimits = .init(),
                                 onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in })
    -> Application<RouterResponder<BasicRequestContext>> {
    let router = Router(options: .autoGenerateHeadEndpoints)
    router.add(middleware: LoupeSecurityHeadersMiddleware<BasicRequestContext>())
    router.add(middleware: LoupeCORSMiddleware<BasicRequestContext>(allowedOrigins: service.configuration.allowedOrigins))
    router.add(middleware: LoupeErrorMiddleware<BasicRequestContext>(maxBodyBytes: service.configuration.maxBodyBytes, routesAt: ""))
    addLoupeRoutes(to: router, service: service)
    return Application(router: router,
                       server: .loupeHTTP1(connections),
                       configuration: .init(address: .hostname(host, port: port), serverName: serverName),
                       services: [service],
                       onServerRunning: onServerRunning)
}

struct LoupeRoutes: Sendable {
    let service: LoupeService
    let basePath: String

    var index: Index { service.index }
    var schema: Schema { service.index.schema }

    // MARK: Reading

    func search(_ request: Request) async throws -> Response {
        let params = try SearchParameters(QueryString(request.uri.query), maxLimit: service.configuration.maxLimit, requireQuery: true)
        let searchRequest = try params.request(index: index)
        let results = try await service.search(searchRequest)
        return jsonResponse(SearchResultsJSON(query: params.query, results: results, detail: .full(request: searchRequest, schema: schema)))
    }

    /// Completions of `q` as typed so far (`IndexReader.completions(for:limit:)`); `limit` 1 to 50, default 8.
    func suggest(_ request: Request) async throws -> Response {
        let qs = QueryString(request.uri.query)
        let text = qs["q"] ?? ""
        var limit = 8
        if let l = qs.given("limit") {
            guard let v = Int(l), (1...50).contains(v) else { throw APIError.badRequest("limit must be an integer from 1 to 50, not '\(l.prefix(40))'") }
            limit = v
        }
        let completions = try await service.completions(for: text, limit: limit)
        return jsonResponse(OrderedJSONObject(["query": text, "suggestions": completions.map {
            OrderedJSONObject(["text": $0.text, "kind": $0.kind.rawValue, "count": $0.count])
        }]))
    }

    func documentID(_ context: some RequestContext) throws -> String {
        let raw = try context.parameters.require("id")
        guard let id = raw.removingPercentEncoding, !id.isEmpty else { throw APIError.badRequest("the document id in the URL is not valid percent-encoding") }
        return id
    }

    func getDocument(_ id: String) throws -> Response {
        guard let doc = try index.document(id: id) else { throw APIError.notFound("no document with id '\(id)'") }
        return jsonResponse(StoredDocumentJSON(doc, schema: schema))
    }

    func stats() -> Response {
        jsonResponse(IndexStats(reader: index.reader))
    }

    func health() async -> Response {
        let reader = index.reader
        let writable = await service.isWritable
        return jsonResponse(OrderedJSONObject(["status": "ok", "documents": reader.liveDocCount,
                                               "generation": reader.generation, "writable": writable,
                                               "read_only": service.isReadOnly]))
    }

    // MARK: Writing

    /// Throws 405 on a read-only service (`loupe serve --read-only`), with `Allow` listing the
    /// methods the path still answers there (`allow`; empty for a path that only writes).
    func requireWritable(allow: String) throws {
        guard service.isReadOnly else { return }
        var e = APIError(.methodNotAllowed, "this server is read-only: it serves searches and picks up the commits another writer makes (such as 'loupe add' or a server without --read-only); send writes there")
        e.headers[.allow] = allow
        throw e
    }

    /// Throws 401 unless writes are open or the request carries the right bearer token.
    func authorize(_ request: Request) throws {
        guard let key = service.configuration.apiKey else { return }
        var e = APIError(.unauthorized, "")
        e.headers[.wwwAuthenticate] = "Bearer realm=\"loupe\""
        guard let header = request.headers[.authorization] else {
            e.message = "writes need an API key: send the header 'Authorization: Bearer <key>'"
            throw e
        }
        let prefix = "bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix,
              constantTimeEqual(Array(header.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces).utf8), Array(key.utf8)) else {
            e.message = "the API key is wrong (send the header 'Authorization: Bearer <key>')"
            throw e
        }
    }

    /// The body, up to the configured limit (413 beyond).
    func body(_ request: Request) async throws -> [UInt8] {
        let limit = service.configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "the request body is \(length) bytes, over the limit of \(limit) bytes")
        }
        var buffer = try await request.body.collect(upTo: limit)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// The checks of every write, before its body is read: a read-only server (405, with the
    /// methods the path still takes in `allow`), a cross-site `Origin` (403), the API key (401),
    /// then the body's media type (415), one of `accepting` (none for DELETE).
    func checkWrite(_ request: Request, accepting types: [String], allow: String) throws {
        try requireWritable(allow: allow)
        try WriteGuard(allowedOrigins: service.configuration.allowedOrigins).checkOrigin(request)
        try authorize(request)
        if !types.isEmpty { try WriteGuard.checkContentType(request, accepted: types) }
    }

    func putDocument(_ request: Request, id: String) async throws -> Response {
        try checkWrite(request, accepting: ["application/json"], allow: "GET, HEAD")
        let bytes = try await body(request)
        let doc = try service.mapping.document(fromBody: bytes, pathID: id)
        let index = self.index
        let (replaced, generation) = try await service.write { writer -> (Bool, Int) in
            try writer.validate(doc)
            let existed = try index.document(id: doc.id) != nil
            try writer.add(doc)
            try writer.commit()
            return (existed, writer.generation)
        }
        return jsonResponse(OrderedJSONObject(["id": id, "replaced": replaced, "generation": generation]),
                            status: replaced ? .ok : .created)
    }

    func postDocuments(_ request: Request) async throws -> Response {
        try checkWrite(request, accepting: ["application/json", "application/x-ndjson"], allow: "")
        let bytes = try await body(request)
        let docs = try service.mapping.documents(fromBatch: bytes)
        guard !docs.isEmpty else { throw APIError.badRequest("the batch holds no documents") }
        let generation = try await service.write { writer -> Int in
            // Check everything before adding anything: the batch is all or nothing.
            for (i, d) in docs.enumerated() { try writer.validate(d, source: "document \(i + 1)") }
            for d in docs { try writer.add(d) }
            try writer.commit()
            return writer.generation
        }
        return jsonResponse(OrderedJSONObject(["added": docs.count, "generation": generation]))
    }

    func deleteDocument(_ request: Request, id: String) async throws -> Response {
        try checkWrite(request, accepting: [], allow: "GET, HEAD")
        let index = self.index
        let generation = try await service.write { writer -> Int in
            guard try index.document(id: id) != nil else { throw APIError.notFound("no document with id '\(id)'") }
            try writer.delete(id: id)
            try writer.commit()
            return writer.generation
        }
        return jsonResponse(OrderedJSONObject(["id": id, "deleted": true, "generation": generation]))
    }

    // MARK: Page

    func searchPage(_ request: Request) async -> Response {
        await SearchPage(routes: self, query: QueryString(request.uri.query)).response()
    }
}

func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var diff = UInt8(a.count == b.count ? 0 : 1)
    for i in 0..<max(a.count, b.count) {
        diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0xFF)
    }
    return diff == 0
}

/// The parameters of a search, from a query string (shared by `/search` and the page).
struct SearchParameters {
    var query: String = ""
    var limit = 10
    var offset = 0
    /// `relevance`, `newest`, `oldest` or `FIELD[:asc|desc]` (checked by `request(index:)`).
    var sort = "relevance"
    var after: Int64?
    var before: Int64?
    var explain = false
    /// `filter=` (repeatable): restrictions in the query language.
    var filters: [String] = []
    /// `facet=` (repeatable), in `FacetRequest(parsing:)`'s syntax.
    var facets: [String] = []
    var collapse: String?
    var cursor: String?
    /// `timeout=` (`250ms`, `2s`): nil for the server's default (which also caps it).
    var timeout: Duration?

    init() {}

    init(_ qs: QueryString, maxLimit: Int, requireQuery: Bool) throws {
        query = qs["q"] ?? ""
        filters = qs.all("filter")
        facets = qs.all("facet")
        collapse = qs.nonEmpty("collapse")
        cursor = qs.nonEmpty("cursor")
        // Browsing (no words, only filters or facets) matches everything they allow.
        if requireQuery && query.trimmingCharacters(in: .whitespaces).isEmpty && filters.isEmpty && facets.isEmpty {
            throw APIError.badRequest("missing query: give q, e.g. /search?q=oil+prices (or filter= or facet= to browse every document)")
        }
        func int(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = qs.given(name) else { return nil }
            guard let v = Int(text), range.contains(v) else {
                throw APIError.badRequest("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(text.prefix(40))'")
            }
            return v
        }
        limit = try int("limit", 0...maxLimit) ?? 10
        offset = try int("offset", 0...100_000) ?? 0
        if let s = qs.nonEmpty("sort") { sort = s }
        func date(_ name: String, endOfDay: Bool) throws -> Int64? {
            guard let text = qs.nonEmpty(name) else { return nil }
            guard let period = ISODate.parsePeriod(text) else {
                throw APIError.badRequest("\(name) '\(text.prefix(40))' is not a date (use 2025, 2025-06, 2025-06-01 or an ISO-8601 date-time such as 2025-06-01T12:00:00Z)")
            }
            return endOfDay ? period.upperBound : period.lowerBound
        }
        after = try date("after", endOfDay: false)
        before = try date("before", endOfDay: true)
        timeout = try SearchParameters.timeout(qs)
        if let e = qs.given("explain") {
            switch e.lowercased() {
            case "true", "1", "yes", "on": explain = true
            case "false", "0", "no", "off": explain = false
            default: throw APIError.badRequest("explain must be true or false, not '\(e.prefix(40))'")
            }
        }
    }

    /// The `timeout` parameter (`250ms`, `2s`, `1.5s`, `1m`), nil when absent; 400 when malformed.
    static func timeout(_ qs: QueryString) throws -> Duration? {
        guard let text = qs.given("timeout") else { return nil }
        guard let d = TimeoutText.parse(text) else {
            throw APIError.badRequest("timeout '\(text.prefix(40))' is not a timeout (\(TimeoutText.forms))")
        }
        return d
    }

    /// The request on `index`: parses the sort, filters and facets (`LoupeError.invalidRequest`,
    /// a 400, when malformed).
    func request(index: Index) throws -> SearchRequest {
        let schema = index.schema
        var r = SearchRequest(query: query, limit: limit)
        r.offset = offset
        do { try r.setSort(sort, schema: schema) } catch let e as LoupeError { throw APIError.badRequest("sort: \(e.description)") }
        r.filters = try filters.map { try index.searcher.parseFilter($0) }
        r.facets = try facets.map { try FacetRequest(parsing: $0) }
        r.collapse = collapse
        r.cursor = cursor
        r.after = after
        r.before = before
        r.explain = explain
        r.timeout = timeout
        r.snippetField = schema.snippetField
        r.titleField = schema.titleField
        return r
    }
}
