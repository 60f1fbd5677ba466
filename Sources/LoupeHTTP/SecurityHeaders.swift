import Hummingbird

/// Headers every answer carries so that a browser treats it as what it is:
///
/// - `X-Content-Type-Options: nosniff` on every response: a JSON answer holding text from a
///   document is never run as a script or rendered as HTML by a browser guessing its type.
/// - `Content-Security-Policy` on the pages: scripts, styles and fetches only from this
///   server's own files (`/assets/...`, no inline script or style), forms only to this server,
///   no framing; on everything else `default-src 'none'`, since no other answer is a page.
///   Escaping already keeps document text inert; the policy is a second wall if it ever fails.
/// - `Referrer-Policy: same-origin` on the pages, so a click on an article's link does not send
///   the search (the query is in the page's URL) to the other site.
public struct LoupeSecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var referrerPolicy: HTTPFields.Element.Name { HTTPFields.Element.Name("Referrer-Policy")! }

    /// The policy of the search page and the article pages.
    public static var pagePolicy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    }

    /// The policy of every other answer (JSON, scripts, styles).
    public static var otherPolicy: String { "default-src 'none'; frame-ancestors 'none'" }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        LoupeSecurityHeadersMiddleware.apply(to: &response)
        return response
    }

    /// Sets (not appends: the middleware may run twice when routes are mounted in a router
    /// that has it too) the headers on `response`.
    static func apply(to response: inout Response) {
        response.headers[.xContentTypeOptions] = "nosniff"
        if response.headers[.contentType]?.hasPrefix("text/html") == true {
            response.headers[.contentSecurityPolicy] = pagePolicy
            response.headers[referrerPolicy] = "same-origin"
        } else {
            response.headers[.contentSecurityPolicy] = otherPolicy
        }
    }
}
