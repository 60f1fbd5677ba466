import Hummingbird
import NIOCore

/// The pages' stylesheet and script, served as files of their own (`GET /assets/loupe.css`,
/// `GET /assets/suggest.js`) rather than inline, so the pages' Content-Security-Policy can
/// forbid inline script and style altogether (see `LoupeSecurityHeadersMiddleware`).
///
/// Their URLs carry a version (`?v=` a hash of the content), so they are cached for a year
/// and a new release's files are fetched at once.
enum PageAssets {
    /// The search page's and the article pages' styles.
    static let stylesheet = SearchPage.css + "\n" + ArticlePage.css + "\n"
    static let script = SearchPage.suggestScript + "\n"

    static let stylesheetVersion = version(stylesheet)
    static let scriptVersion = version(script)

    static let stylesheetPath = "/assets/loupe.css"
    static let scriptPath = "/assets/suggest.js"

    /// `{base}/assets/loupe.css?v=...`, for a page's `<link>`.
    static func stylesheetURL(base: String) -> String { base + stylesheetPath + "?v=" + stylesheetVersion }
    /// `{base}/assets/suggest.js?v=...`, for a page's `<script src>`.
    static func scriptURL(base: String) -> String { base + scriptPath + "?v=" + scriptVersion }

    static func stylesheetResponse() -> Response { response(stylesheet, type: "text/css; charset=utf-8") }
    static func scriptResponse() -> Response { response(script, type: "text/javascript; charset=utf-8") }

    private static func response(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=31536000, immutable"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// 64-bit FNV-1a of the text in hex: a cache key, not a security measure.
    static func version(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }
}
