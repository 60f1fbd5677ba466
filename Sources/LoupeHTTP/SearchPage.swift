import Foundation
import Hummingbird
import Loupe
import NIOCore

/// The server-rendered search page: a form (query, date range, order), the results with
/// highlighted snippets, and paging. Every piece of text from the query or the index is escaped.
///
/// Layout: `<div class="layout">` holds `<main>` (summary, results, pager) and, when there is
/// something to refine by, a sidebar before it, `<aside class="facets" id="facets">`, whose
/// groups are `<section class="facet" data-field="FIELD">` with a heading and a list of
/// links (`<a class="facet-value" href="...">` with `.value` and `.count`; `aria-current="true"`
/// on a value in use). The layout then gets `with-facets` and two columns on wide screens.
struct SearchPage {
    static let pageSize = 10

    let routes: LoupeRoutes
    let query: QueryString

    func response() async -> Response {
        var status: HTTPResponse.Status = .ok
        var html = ""
        let q = query["q"] ?? ""
        let afterText = query.nonEmpty("after") ?? ""
        let beforeText = query.nonEmpty("before") ?? ""
        let sortText = query.nonEmpty("sort") ?? "relevance"
        let page = max(1, min(10_000, Int(query.nonEmpty("page") ?? "") ?? 1))
        let base = routes.basePath
        let docCount = routes.index.reader.liveDocCount

        html += """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(q.isEmpty ? "" : HTMLText.escape(q) + " – ")Loupe</title>
            <style>\(SearchPage.css)</style>
            </head>
            <body>
            <header><a class="brand" href="\(HTMLText.escape(base))/">Loupe</a><span class="muted">\(SearchPage.format(docCount)) documents</span></header>
            <form method="get" action="\(HTMLText.escape(base))/" role="search">
            <div class="row"><input type="search" name="q" value="\(HTMLText.escape(q))" placeholder="Search the archive: words, &quot;a phrase&quot;, title:word, -exclude" aria-label="Query" autofocus>
            <button type="submit">Search</button></div>
            <div class="row filters">
            <label>From <input type="date" name="after" value="\(HTMLText.escape(afterText))"></label>
            <label>to <input type="date" name="before" value="\(HTMLText.escape(beforeText))"></label>
            <label>Order <select name="sort">\(["relevance", "newest", "oldest"].map { "<option\($0 == sortText ? " selected" : "")>\($0)</option>" }.joined())</select></label>
            </div>
            </form>

            """

        var main = ""
        var sidebar = ""
        if !q.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                var params = try SearchParameters(query, maxLimit: SearchPage.pageSize, requireQuery: true)
                params.limit = SearchPage.pageSize
                params.offset = (page - 1) * SearchPage.pageSize
                params.explain = false
                // People page through results: count exactly so the page count is right.
                var request = params.request(schema: routes.schema)
                request.exactCount = true
                let found = try await routes.service.search(request)
                sidebar = facets(found, params: params)
                main += results(found, params: params, page: page, q: q, after: afterText, before: beforeText, sort: sortText)
            } catch {
                let e = APIError.from(error, maxBodyBytes: 0)
                status = e.status
                main += "<div class=\"error\"><p>\(HTMLText.escape(e.message))</p>"
                if let p = e.position {
                    let chars = Array(q)
                    let at = max(0, min(p, chars.count))
                    main += "<pre>\(HTMLText.escape(String(chars[..<at])))<span class=\"caret\">\(at < chars.count ? HTMLText.escape(String(chars[at])) : "&nbsp;")</span>\(at + 1 < chars.count ? HTMLText.escape(String(chars[(at + 1)...])) : "")</pre>"
                }
                main += "</div>\n"
            }
        } else {
            main += "<p class=\"muted\">Type some words and press Search. Quote a phrase (\"war legacy\"), prefix a field (title:oil), exclude with -word, match the start of words with oil*.</p>\n"
        }
        if sidebar.isEmpty {
            html += "<div class=\"layout\">\n<main>\n\(main)</main>\n</div>\n"
        } else {
            html += "<div class=\"layout with-facets\">\n<aside class=\"facets\" id=\"facets\" aria-label=\"Refine the results\">\n\(sidebar)</aside>\n<main>\n\(main)</main>\n</div>\n"
        }
        html += "</body>\n</html>\n"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private func results(_ r: SearchResults, params: SearchParameters, page: Int, q: String, after: String, before: String, sort: String) -> String {
        var html = ""
        let first = params.offset + 1
        let last = params.offset + r.hits.count
        let totalText = (r.totalIsLowerBound ? "at least " : "") + SearchPage.format(r.total)
        let took = String(format: "%.1f", Double(r.tookMicroseconds) / 1000)
        if r.hits.isEmpty {
            html += "<p class=\"summary\">No results\(page > 1 ? " on this page" : "") for <b>\(HTMLText.escape(q))</b>\(r.total > 0 ? " (\(totalText) in all)" : "") <span class=\"muted\">(\(took) ms)</span></p>\n"
        } else {
            html += "<p class=\"summary\">Results \(first)–\(last) of \(totalText) for <b>\(HTMLText.escape(q))</b> <span class=\"muted\">(\(took) ms)</span></p>\n"
            html += "<ol class=\"results\" start=\"\(first)\">\n"
            for hit in r.hits {
                let doc = hit.document
                let title = doc.flatMap(routes.schema.title(of:)) ?? hit.id
                var link = "\(routes.basePath)/documents/\(QueryString.encode(hit.id))"
                if let url = doc.flatMap(routes.schema.link(of:)) { link = url }
                html += "<li><h2><a href=\"\(HTMLText.escape(link))\">\(HTMLText.escape(title))</a></h2>"
                html += "<div class=\"meta\">"
                if let d = doc?.date {
                    let text = ISODate.format(d)
                    html += "<time datetime=\"\(HTMLText.escape(text))\">\(HTMLText.escape(String(text.prefix(10))))</time> · "
                }
                html += "<span class=\"id\">\(HTMLText.escape(hit.id))</span></div>"
                if let s = hit.snippet {
                    html += "<p class=\"snippet\">\(s.html)</p>"
                }
                html += "</li>\n"
            }
            html += "</ol>\n"
        }
        // Paging.
        let hasPrevious = page > 1
        let hasNext = r.totalIsLowerBound ? r.hits.count == SearchPage.pageSize : params.offset + r.hits.count < r.total
        if hasPrevious || hasNext {
            func link(_ p: Int) -> String {
                "?" + QueryString.build([("q", q), ("after", after.isEmpty ? nil : after), ("before", before.isEmpty ? nil : before),
                                         ("sort", sort == "relevance" ? nil : sort), ("page", p == 1 ? nil : String(p))])
            }
            html += "<nav class=\"pager\">"
            html += hasPrevious ? "<a rel=\"prev\" href=\"\(HTMLText.escape(link(page - 1)))\">← Previous</a>" : "<span></span>"
            let pages = r.totalIsLowerBound ? "" : " of \((r.total + SearchPage.pageSize - 1) / SearchPage.pageSize)"
            html += "<span class=\"muted\">Page \(page)\(pages)</span>"
            html += hasNext ? "<a rel=\"next\" href=\"\(HTMLText.escape(link(page + 1)))\">Next →</a>" : "<span></span>"
            html += "</nav>\n"
        }
        return html
    }

    /// The sidebar's facet groups for `r` (HTML, empty for none): nothing yet. Facet counts
    /// come with the library's facet requests; each group will be a
    /// `<section class="facet" data-field="FIELD">` as the type's comment describes.
    private func facets(_ r: SearchResults, params: SearchParameters) -> String {
        ""
    }

    /// 12345 as "12,345".
    static func format(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }

    static let css = """
        :root{--fg:#1d1d1f;--muted:#6e6e73;--accent:#0b57d0;--line:#e3e3e6;--mark:#fff3a3}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:46rem;padding:1.5rem 1rem 3rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg)}
        header{display:flex;align-items:baseline;gap:.75rem;margin-bottom:1rem}
        .brand{font-size:1.5rem;font-weight:700;color:var(--fg);text-decoration:none;letter-spacing:-.02em}
        .muted{color:var(--muted);font-size:.9rem}
        form{margin-bottom:1.25rem}
        .row{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}
        .filters{margin-top:.5rem;font-size:.9rem;color:var(--muted)}
        input[type=search]{flex:1;min-width:12rem;padding:.55rem .75rem;font-size:1rem;border:1px solid #c7c7cc;border-radius:.5rem}
        input[type=date],select{padding:.25rem .4rem;border:1px solid #c7c7cc;border-radius:.35rem;font:inherit}
        button{padding:.55rem 1.1rem;font-size:1rem;border:0;border-radius:.5rem;background:var(--accent);color:#fff;cursor:pointer}
        .summary{color:var(--muted);font-size:.9rem;border-bottom:1px solid var(--line);padding-bottom:.5rem}
        .results{list-style:none;padding:0;margin:0}
        .results li{padding:.8rem 0;border-bottom:1px solid var(--line)}
        .results h2{font-size:1.1rem;margin:0 0 .15rem;font-weight:600}
        .results h2 a{color:var(--accent);text-decoration:none}
        .results h2 a:hover{text-decoration:underline}
        .meta{color:var(--muted);font-size:.8rem}
        .id{font-family:ui-monospace,monospace}
        .snippet{margin:.35rem 0 0;font-size:.95rem}
        mark{background:var(--mark);padding:0 .1em;border-radius:.15em}
        .pager{display:flex;justify-content:space-between;align-items:center;margin-top:1rem}
        .pager a{color:var(--accent);text-decoration:none}
        .error{background:#fdecea;border:1px solid #f5c2c0;border-radius:.5rem;padding:.5rem 1rem;color:#8a1c14}
        .error pre{white-space:pre-wrap;font-size:.9rem}
        .caret{background:#f5c2c0;border-bottom:2px solid #8a1c14}
        body:has(.with-facets){max-width:66rem}
        .layout.with-facets{display:grid;grid-template-columns:minmax(10rem,14rem) minmax(0,1fr);gap:2rem;align-items:start}
        @media (max-width:44rem){.layout.with-facets{grid-template-columns:1fr}}
        .facets{font-size:.9rem}
        .facet{margin-bottom:1.25rem}
        .facet h3{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:0 0 .4rem}
        .facet ul{list-style:none;padding:0;margin:0}
        .facet-value{display:flex;justify-content:space-between;gap:.5rem;padding:.15rem .35rem;border-radius:.3rem;color:var(--fg);text-decoration:none}
        .facet-value:hover{background:#f2f2f5}
        .facet-value[aria-current=true]{background:#e8f0fe;color:var(--accent);font-weight:600}
        .facet-value .count{color:var(--muted);font-variant-numeric:tabular-nums}
        """
}
