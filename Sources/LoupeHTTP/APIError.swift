import Foundation
import Hummingbird
import Loupe
import NIOCore

/// An error answered as `{"error": "...", "status": N}` (plus `position` for a malformed query).
public struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String
    /// For a malformed query: the 0-based character offset of the fault.
    public var position: Int?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ message: String, position: Int? = nil) {
        self.status = status; self.message = message; self.position = position
    }

    static func badRequest(_ m: String) -> APIError { APIError(.badRequest, m) }
    static func notFound(_ m: String) -> APIError { APIError(.notFound, m) }

    public var description: String { "\(status.code) \(message)" }

    /// The body: `{"error": ..., "status": N}`, plus `position` when known.
    private var body: OrderedJSONObject {
        var body = OrderedJSONObject(["error": message, "status": status.code])
        if let position { body.members.append(("position", position)) }
        return body
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response { response() }

    func response() -> Response {
        var r = jsonResponse(body, status: status)
        r.headers.append(contentsOf: headers)
        // The rest of a body that is too large is not read (it may be hundreds of megabytes):
        // the connection is closed after this answer (see `ConnectionCloseHandler`).
        if status == .contentTooLarge { r.headers[.connection] = "close" }
        return r
    }

    /// The API form of any error raised while answering.
    static func from(_ error: Error, maxBodyBytes: Int) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as LoupeError:
            switch e {
            case let .invalidQuery(_, position): return APIError(.badRequest, e.description, position: position)
            case .unknownField, .invalidDocument, .invalidRequest: return APIError(.badRequest, e.description)
            case .locked: return APIError(.serviceUnavailable, e.description)
            case .unknownDocument: return APIError(.notFound, e.description)
            default: return APIError(.internalServerError, e.description)
            }
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, "the request body is larger than the limit of \(maxBodyBytes) bytes")
        case let e as HTTPError:
            return APIError(e.status, e.body ?? e.status.reasonPhrase.lowercased())
        case let e as HTTPResponseError:
            return APIError(e.status, e.status.reasonPhrase.lowercased())
        default:
            return APIError(.internalServerError, "internal error: \(error)")
        }
    }
}

/// Turns every error thrown by the routes after it (and "no such route") into a JSON error.
///
/// With `routesAt` (the path Loupe's routes are mounted at, `""` for the root), it is the
/// router's own middleware and also answers what the router cannot: a known path asked with a
/// method it does not take gets 405 with `Allow` (not 404), and `OPTIONS` gets 204 with `Allow`.
public struct LoupeErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int
    let routesBase: String?

    public init(maxBodyBytes: Int = LoupeServiceConfiguration.defaultMaxBodyBytes, routesAt base: String? = nil) {
        self.maxBodyBytes = maxBodyBytes
        self.routesBase = base
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var e = APIError.from(error, maxBodyBytes: maxBodyBytes)
            if e.status == .notFound, error is HTTPError {
                if let routesBase, let methods = RouteTable.methods(path: request.uri.path, base: routesBase) {
                    let allow = RouteTable.allowHeader(methods)
                    if request.method == .options { return Response(status: .noContent, headers: [.allow: allow]) }
                    e = APIError(.methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path.prefix(200)) (it takes \(allow))")
                    e.headers[.allow] = allow
                    return e.response()
                }
                e.message = "no route for \(request.method) \(request.uri.path.prefix(200))"
            }
            if e.status == .internalServerError { context.logger.error("\(request.method) \(request.uri.path): \(error)") }
            return e.response()
        }
    }
}

/// `value` as a JSON response, written by the library's encoder (the CLI prints the same text).
func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
    guard var text = try? OrderedJSONEncoder().encode(value) else {
        // Loupe's answers encode without throwing; this is a guard, not a path.
        return Response(status: .internalServerError, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: #"{"error":"internal error: the answer could not be encoded","status":500}"# + "\n")))
    }
    text += "\n"
    return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: text)))
}
