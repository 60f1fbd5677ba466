import Foundation
import Hummingbird
import Loupe
import NIOCore

/// An article's page, `/articles/{id}?q=...`: where the search page links a hit that has no
/// web address of its own. It shows the article (`<article class="article">`: `<h1
/// class="article-title">`, `.meta` with the date, the id, the keyword values and the
/// document's link when it has one, then the body as `<p>` elements in `.article-body`), with
/// the words of `q` marked (`<mark>`, in the title too; a query scoped `title:x` marks only
/// the title), a link back to the search, and the related articles (`<aside class="related">`,
/// `<a class="related-link">` to their own pages, keeping `q`). Everything from the index or
/// the query is escaped. An unknown id is a 404 page.
struct ArticlePage: Sendable {
    /// Related articles listed.
    static let relatedCount = 5

    let routes: LoupeRoutes
    let id: String
    let query: String

    /// The page of document `id`, carrying the query `query` (omitted when empty).
    static func link(base: String, id: String, query: String) -> String {
        "\(base)/articles/\(QueryString.encode(id))" + (query.isEmpty ? "" : "?" + QueryString.build([("q", query)]))
    }

    func response() -> Response {
        let schema = routes.schema
        let base = routes.basePath
        let back = "\(base)/" + (query.isEmpty ? "" : "?" + QueryString.build([("q", query)]))
        var body = ""
        var status: HTTPResponse.Status = .ok
        var pageTitle = "Not found"
        do {
            guard let doc = try routes.index.document(id: id) else { throw LoupeError.unknownDocument(id) }
            let titleField = schema.titleField, bodyField = schema.snippetField
            let title = schema.title(of: doc) ?? id
            pageTitle = title
            // A query that does not parse still shows the article, unmarked.
            let shown = [titleField, bodyField].compactMap { $0 }
            let marked = query.trimmingCharacters(in: .whitespaces).isEmpty ? [:]
                : (try? routes.index.searcher.highlighted(doc, query: query, fields: shown)) ?? [:]
            body += "<article class=\"article\" data-id=\"\(HTMLText.escape(id))\">\n"
            let titleHTML = titleField.flatMap { marked[$0] }.flatMap { $0.text.isEmpty ? nil : $0.html } ?? HTMLText.escape(title)
            body += "<h1 class=\"article-title\">\(titleHTML)</h1>\n"
            body += "<div class=\"meta\">" + meta(doc, schema: schema) + "</div>\n"
            body += "<div class=\"article-body\">\n"
            if let field = bodyField, field != titleField, let text = doc.fields[field] {
                let snippet = marked[field] ?? Snippet(text: text, highlights: [])
                for p in snippet.paragraphs { body += "<p>\(p.html)</p>\n" }
            }
            body += "</div>\n</article>\n"
            body += related(schema: schema, base: base)
        } catch {
            let e = APIError.from(error, maxBodyBytes: 0)
            status = e.status
            body += "<div class=\"error\"><p>\(HTMLText.escape(e.message))</p></div>\n"
        }
        let html = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escape(pageTitle)) – Loupe</title>
            <link rel="stylesheet" href="\(HTMLText.escape(PageAssets.stylesheetURL(base: routes.basePath)))">
            </head>
            <body>
            <header><a class="brand" href="\(HTMLText.escape(base))/">Loupe</a><a class="back" href="\(HTMLText.escape(back))">← \(query.isEmpty ? "Search" : "Results for " + HTMLText.escape(query))</a></header>
            \(body)</body>
            </html>

            """
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Date · id · keyword values (`topic: crude`) · the document's own link.
    private func meta(_ doc: StoredDocument, schema: Schema) -> String {
        var parts: [String] = []
        if let d = doc.date {
            let text = ISODate.format(d)
            parts.append("<time datetime=\"\(HTMLText.escape(text))\">\(HTMLText.escape(String(text.prefix(10))))</time>")
        }
        parts.append("<span class=\"id\">\(HTMLText.escape(id))</span>")
        for f in schema.fields where f.type == .keyword {
            let values = (doc.values[f.name] ?? []).compactMap { v -> String? in if case let .keyword(k) = v { return k }; return nil }
            guard !values.isEmpty else { continue }
            parts.append("<span class=\"keyword\" data-field=\"\(HTMLText.escape(f.name))\">\(HTMLText.escape(f.name)): \(HTMLText.escape(values.joined(separator: ", ")))</span>")
        }
        if let url = schema.link(of: doc) {
            parts.append("<a class=\"source\" href=\"\(HTMLText.escape(url))\" rel=\"noopener\">source</a>")
        }
        return parts.joined(separator: " · ")
    }

    /// The related articles, or nothing when the article has no distinctive terms.
    private func related(schema: Schema, base: String) -> String {
        guard let r = try? routes.index.similar(to: id, limit: ArticlePage.relatedCount,
                                                      timeout: routes.service.configuration.searchTimeout), !r.results.hits.isEmpty else { return "" }
        var html = "<aside class=\"related\" aria-label=\"Related articles\">\n<h2>Related</h2>\n<ol>\n"
        for hit in r.results.hits {
            let title = hit.document.flatMap(schema.title(of:)) ?? hit.id
            let href = ArticlePage.link(base: base, id: hit.id, query: query)
            html += "<li><a class=\"related-link\" data-id=\"\(HTMLText.escape(hit.id))\" href=\"\(HTMLText.escape(href))\">\(HTMLText.escape(title))</a>"
            if let d = hit.document?.date {
                let text = ISODate.format(d)
                html += " <time class=\"muted\" datetime=\"\(HTMLText.escape(text))\">\(HTMLText.escape(String(text.prefix(10))))</time>"
            }
            html += "</li>\n"
        }
        return html + "</ol>\n</aside>\n"
    }

    static let css = """
        .back{color:var(--accent);text-decoration:none;font-size:.9rem}
        .article-title{font-size:1.6rem;line-height:1.25;margin:.5rem 0 .3rem}
        .article .meta{margin-bottom:1rem}
        .article-body p{margin:0 0 .9rem}
        .keyword{white-space:nowrap}
        .source{color:var(--accent)}
        .related{border-top:1px solid var(--line);margin-top:2rem;padding-top:.5rem}
        .related h2{font-size:1rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
        .related ol{padding-left:1.2rem}
        .related li{margin:.3rem 0}
        .related-link{color:var(--accent);text-decoration:none}
        .related-link:hover{text-decoration:underline}
        """
}
