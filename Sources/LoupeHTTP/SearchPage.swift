import Foundation
import Hummingbird
import Loupe
import NIOCore

/// The server-rendered search page: a form (query, date range, order, collapse, the filters in
/// use as hidden fields), the results with highlighted snippets, and paging. Every piece of
/// text from the query or the index is escaped; nothing needs JavaScript.
///
/// The URL holds the whole state (`q`, `after`, `before`, `sort`, repeated `filter`,
/// `collapse`, `page`); every link is that state changed (see `State.link`).
///
/// Layout: `<div class="layout">` holds `<main>` (the filters in use as
/// `.active-filters .active-filter` links removing them, the summary, results, pager) and,
/// when there is something to refine by, a sidebar before it, `<aside class="facets"
/// id="facets">`, whose groups are `<section class="facet" data-field="FIELD">` with a heading
/// and a list of links (`<a class="facet-value" href="..." data-value data-count>` with
/// `.value` and `.count`; `aria-current="true"` on a value in use), then the date histogram,
/// `<section class="facet histogram" data-interval="day|month|year">` holding an `<svg
/// class="chart">` whose bars are `<rect class="bar" data-value data-count>` inside links
/// (`.selected` for the period in use). A collapsed hit has `.similar` ("N similar",
/// `data-count` N); a page past the end has `p.summary.past-end` with a link back; a search
/// stopped by the server's search timeout has `p.timed-out` above its results. The layout
/// gets `with-facets` and two columns on wide screens.
struct SearchPage {
    static let pageSize = 10
    /// Most values listed per keyword field in the sidebar.
    static let facetSize = 10

    let routes: LoupeRoutes
    let query: QueryString

    /// What the page's links carry over: the form's fields, the filters, the collapse, the page.
    struct State {
        var q = ""
        var after = ""
        var before = ""
        var sort = "relevance"
        var filters: [String] = []
        var collapse = ""
        var page = 1

        /// A link to this state changed as given (`page` defaults to 1: a new refinement
        /// starts over).
        func link(page p: Int = 1, filters f: [String]? = nil, collapse c: String? = nil) -> String {
            var pairs: [(String, String?)] = [("q", q), ("after", after.isEmpty ? nil : after),
                                              ("before", before.isEmpty ? nil : before),
                                              ("sort", sort == "relevance" ? nil : sort)]
            for x in f ?? filters { pairs.append(("filter", x)) }
            let col = c ?? collapse
            pairs.append(("collapse", col.isEmpty ? nil : col))
            pairs.append(("page", p == 1 ? nil : String(p)))
            return "?" + QueryString.build(pairs)
        }

        /// The filters with `filter` added, or removed when present (a facet value's link).
        func toggling(_ filter: String) -> [String] {
            filters.contains(filter) ? filters.filter { $0 != filter } : filters + [filter]
        }
    }

    /// `field:"value"`: an exact keyword filter, quoted so any value parses back.
    static func keywordFilter(_ field: String, _ value: String) -> String {
        var quoted = ""
        for c in value {
            if c == "\\" || c == "\"" { quoted.append("\\") }
            quoted.append(c)
        }
        return "\(field):\"\(quoted)\""
    }

    func response() async -> Response {
        var status: HTTPResponse.Status = .ok
        var html = ""
        var state = State()
        state.q = query["q"] ?? ""
        state.after = query.nonEmpty("after") ?? ""
        state.before = query.nonEmpty("before") ?? ""
        state.sort = query.nonEmpty("sort") ?? "relevance"
        state.filters = query.all("filter")
        state.collapse = query.nonEmpty("collapse") ?? ""
        // A page number that is not one is a 400, as for the JSON API's parameters.
        var pageError: String?
        if let text = query.given("page") {
            if let p = Int(text), (1...10_000).contains(p) { state.page = p } else {
                pageError = "page must be an integer from 1 to 10000, not '\(text.prefix(40))'"
            }
        }
        let q = state.q
        let base = routes.basePath
        let docCount = routes.index.reader.liveDocCount
        let schema = routes.schema

        html += """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(q.isEmpty ? "" : HTMLText.escape(q) + " – ")Loupe</title>
            <link rel="stylesheet" href="\(HTMLText.escape(PageAssets.stylesheetURL(base: base)))">
            </head>
            <body>
            <header><a class="brand" href="\(HTMLText.escape(base))/">Loupe</a><span class="muted">\(SearchPage.format(docCount)) documents</span></header>
            <form method="get" action="\(HTMLText.escape(base))/" role="search">
            <div class="row"><div class="combo"><input type="search" name="q" value="\(HTMLText.escape(q))" placeholder="Search the archive: words, &quot;a phrase&quot;, title:word, -exclude" aria-label="Query" autofocus>
            <ul id="suggestions" role="listbox" aria-label="Suggestions" hidden data-endpoint="\(HTMLText.escape(base))/suggest"></ul></div>
            <button type="submit">Search</button></div>
            <div class="row filters">
            <label>From <input type="date" name="after" value="\(HTMLText.escape(state.after))"></label>
            <label>to <input type="date" name="before" value="\(HTMLText.escape(state.before))"></label>
            <label>Order <select name="sort">\(SearchPage.sortOptions(schema, selected: state.sort))</select></label>
            <label>Collapse <select name="collapse">\(SearchPage.collapseOptions(schema, selected: state.collapse))</select></label>
            \(state.filters.map { "<input type=\"hidden\" name=\"filter\" value=\"\(HTMLText.escape($0))\">" }.joined())
            </div>
            </form>

            """

        var main = ""
        var sidebar = ""
        if let pageError {
            status = .badRequest
            main += "<div class=\"error\"><p>\(HTMLText.escape(pageError))</p></div>\n"
        } else if !q.trimmingCharacters(in: .whitespaces).isEmpty || !state.filters.isEmpty {
            do {
                var params = try SearchParameters(query, maxLimit: SearchPage.pageSize, requireQuery: false)
                params.limit = SearchPage.pageSize
                params.offset = (state.page - 1) * SearchPage.pageSize
                params.explain = false
                params.facets = []
                params.cursor = nil
                // People page through results: count exactly so the page count is right.
                var request = try params.request(index: routes.index)
                request.exactCount = true
                let keywordFields = schema.fields.filter { $0.type == .keyword }.map(\.name)
                request.facets = keywordFields.map { FacetRequest.terms($0, size: SearchPage.facetSize) }
                    + [FacetRequest.histogram("date", .month)]
                let found = try await routes.service.search(request)
                let histogram = try await dateHistogram(found.facets.last, request: request)
                main += activeFilters(state)
                main += results(found, state: state)
                sidebar = facets(Array(found.facets.dropLast()), histogram: histogram, state: state)
            } catch {
                let e = APIError.from(error, maxBodyBytes: 0)
                status = e.status
                main += activeFilters(state)
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
        html += "<script src=\"\(HTMLText.escape(PageAssets.scriptURL(base: base)))\"></script>\n</body>\n</html>\n"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The date histogram at a sensible interval: by month from the main search, by day
    /// (a second, hit-less search) when the matches span at most two months, by year
    /// (months summed) when they span more than two years.
    private func dateHistogram(_ months: FacetResult?, request: SearchRequest) async throws -> (interval: HistogramInterval, buckets: [FacetBucket]) {
        guard let months, !months.buckets.isEmpty else { return (.month, []) }
        if months.buckets.count <= 2 {
            var r = request
            r.limit = 0
            r.offset = 0
            r.collapse = nil
            r.exactCount = false
            r.loadDocuments = false
            r.snippetField = nil
            r.facets = [FacetRequest.histogram("date", .day)]
            let days = try await routes.service.search(r)
            return (.day, days.facets.first?.buckets ?? [])
        }
        if months.buckets.count <= 24 { return (.month, months.buckets) }
        var years: [FacetBucket] = []
        for b in months.buckets {
            let key = String(b.value.dropLast(3))  // 1987-02 -> 1987
            if let last = years.last, last.value == key { years[years.count - 1].count += b.count }
            else { years.append(FacetBucket(value: key, count: b.count, start: b.start)) }
        }
        return (.year, years)
    }

    /// The filters in use, each with a link removing it.
    private func activeFilters(_ state: State) -> String {
        guard !state.filters.isEmpty else { return "" }
        var html = "<div class=\"active-filters\"><span class=\"muted\">Filtered by</span>"
        for f in state.filters {
            html += " <a class=\"active-filter\" href=\"\(HTMLText.escape(state.link(filters: state.filters.filter { $0 != f })))\" title=\"Remove this filter\"><span class=\"filter-text\">\(HTMLText.escape(f))</span> <span aria-hidden=\"true\">×</span></a>"
        }
        if state.filters.count > 1 {
            html += " <a class=\"clear-filters\" href=\"\(HTMLText.escape(state.link(filters: [])))\">clear all</a>"
        }
        return html + "</div>\n"
    }

    /// The clauses left out of the search (`&`, `—`), when any: one note above the results.
    static func ignoredNote(_ ignored: [IgnoredClause]) -> String {
        guard !ignored.isEmpty else { return "" }
        let list = ignored.map { "<q>\(HTMLText.escape($0.text))</q>" }.joined(separator: ", ")
        return "<p class=\"ignored muted\">Ignored \(list): no searchable words.</p>\n"
    }

    /// The query as searched when the index's synonyms rewrote it, when they did: one note
    /// above the results, so a hit without the typed words is explained.
    static func synonymsNote(_ expanded: String?) -> String {
        guard let expanded else { return "" }
        return "<p class=\"synonyms muted\">Searched with synonyms: <code>\(HTMLText.escape(expanded))</code></p>\n"
    }

    /// A search that stopped at the server's search timeout: its hits are the best of the
    /// documents it reached, and the counts count those.
    static func timedOutNote(_ timedOut: Bool) -> String {
        guard timedOut else { return "" }
        return "<p class=\"timed-out\">This search took too long and was stopped: these are the best results among the articles searched so far, and the counts are lower bounds.</p>\n"
    }

    private func results(_ r: SearchResults, state: State) -> String {
        var html = ""
        let q = state.q
        let offset = r.offset
        let first = offset + 1
        let last = offset + r.hits.count
        let units = r.groupCount ?? r.total
        let totalText = (r.totalIsLowerBound ? "at least " : "") + SearchPage.format(units)
            + (r.groupCount != nil ? " groups (\(SearchPage.format(r.total)) matches)" : "")
        let forText = q.trimmingCharacters(in: .whitespaces).isEmpty ? "every document" : "<b>\(HTMLText.escape(q))</b>"
        let took = String(format: "%.1f", Double(r.tookMicroseconds) / 1000)
        let pages = max(1, (units + SearchPage.pageSize - 1) / SearchPage.pageSize)
        html += SearchPage.ignoredNote(r.ignored)
        html += SearchPage.synonymsNote(r.expandedQuery)
        html += SearchPage.timedOutNote(r.timedOut)
        if r.offsetIsPastEnd {
            html += "<p class=\"summary past-end\">Page \(state.page) is past the last page: \(totalText)\(r.groupCount == nil ? " results" : "") for \(forText) fill \(pages == 1 ? "one page" : "\(pages) pages"). "
            html += "<a rel=\"prev\" href=\"\(HTMLText.escape(state.link(page: pages)))\">Go to page \(pages)</a></p>\n"
            return html
        }
        if let s = r.suggestion {
            var corrected = state
            corrected.q = s
            html += "<p class=\"did-you-mean\">Did you mean <a href=\"\(HTMLText.escape(corrected.link()))\">\(HTMLText.escape(s))</a>?</p>\n"
        }
        if r.hits.isEmpty {
            html += "<p class=\"summary\">No results for \(forText) <span class=\"muted\">(\(took) ms)</span></p>\n"
            return html
        }
        html += "<p class=\"summary\">Results \(first)–\(last) of \(totalText) for \(forText) <span class=\"muted\">(\(took) ms)</span></p>\n"
        html += "<ol class=\"results\" start=\"\(first)\">\n"
        let collapseField = routes.schema.field(state.collapse).flatMap { $0.type == .keyword && !$0.multiValued ? $0.name : nil }
        for hit in r.hits {
            let doc = hit.document
            let title = doc.flatMap(routes.schema.title(of:)) ?? hit.id
            // A document without a web address opens on its article page, the query's words marked.
            let link = doc.flatMap(routes.schema.link(of:)) ?? ArticlePage.link(base: routes.basePath, id: hit.id, query: q)
            let shownTitle = hit.titleHighlight.map { $0.text.isEmpty ? HTMLText.escape(title) : $0.html } ?? HTMLText.escape(title)
            html += "<li><h2><a href=\"\(HTMLText.escape(link))\">\(shownTitle)</a></h2>"
            html += "<div class=\"meta\">"
            if let d = doc?.date {
                let text = ISODate.format(d)
                html += "<time datetime=\"\(HTMLText.escape(text))\">\(HTMLText.escape(String(text.prefix(10))))</time> · "
            }
            html += "<span class=\"id\">\(HTMLText.escape(hit.id))</span>"
            if let n = hit.collapsedCount, n > 1 {
                let similar = "\(SearchPage.format(n - 1)) similar"
                if let field = collapseField, case let .keyword(value)? = doc?.values[field]?.first {
                    let href = state.link(filters: state.filters + [SearchPage.keywordFilter(field, value)], collapse: "")
                    html += " · <a class=\"similar\" data-count=\"\(n - 1)\" href=\"\(HTMLText.escape(href))\">\(similar)</a>"
                } else {
                    html += " · <span class=\"similar\" data-count=\"\(n - 1)\">\(similar)</span>"
                }
            }
            html += "</div>"
            if let s = hit.snippet {
                html += "<p class=\"snippet\">\(s.html)</p>"
            }
            html += "</li>\n"
        }
        html += "</ol>\n"
        // Paging by offset: the page count is exact (counts are exact on the page).
        let hasPrevious = state.page > 1
        let hasNext = r.totalIsLowerBound ? r.hits.count == SearchPage.pageSize : last < units
        if hasPrevious || hasNext {
            html += "<nav class=\"pager\">"
            html += hasPrevious ? "<a rel=\"prev\" href=\"\(HTMLText.escape(state.link(page: state.page - 1)))\">← Previous</a>" : "<span></span>"
            let of = r.totalIsLowerBound ? "" : " of \(pages)"
            html += "<span class=\"muted\">Page \(state.page)\(of)</span>"
            html += hasNext ? "<a rel=\"next\" href=\"\(HTMLText.escape(state.link(page: state.page + 1)))\">Next →</a>" : "<span></span>"
            html += "</nav>\n"
        }
        return html
    }

    /// The sidebar: per keyword field its most frequent values among the matches (a link
    /// adding `field:"value"` as a filter, or removing it when in use), then the date histogram.
    private func facets(_ terms: [FacetResult], histogram: (interval: HistogramInterval, buckets: [FacetBucket]), state: State) -> String {
        var html = ""
        for f in terms where !f.buckets.isEmpty {
            html += "<section class=\"facet\" data-field=\"\(HTMLText.escape(f.request.field))\"><h3>\(HTMLText.escape(f.request.field))</h3><ul>"
            for b in f.buckets {
                let filter = SearchPage.keywordFilter(f.request.field, b.value)
                let selected = state.filters.contains(filter)
                html += "<li><a class=\"facet-value\" href=\"\(HTMLText.escape(state.link(filters: state.toggling(filter))))\" data-value=\"\(HTMLText.escape(b.value))\" data-count=\"\(b.count)\"\(selected ? " aria-current=\"true\" title=\"Remove this filter\"" : "")>"
                html += "<span class=\"value\">\(HTMLText.escape(b.value))</span><span class=\"count\">\(SearchPage.format(b.count))</span></a></li>"
            }
            html += "</ul></section>\n"
        }
        if !histogram.buckets.isEmpty { html += chart(histogram.buckets, interval: histogram.interval, state: state) }
        return html
    }

    /// The date histogram as an SVG bar chart; each non-empty bar links to the matches of its
    /// period (`date:1987-02-26`, `date:1987-03`, `date:1987`), or back when that filter is in use.
    private func chart(_ buckets: [FacetBucket], interval: HistogramInterval, state: State) -> String {
        let width = 220.0, height = 80.0
        let step = width / Double(buckets.count)
        let gap = step > 4 ? 1.0 : 0
        let top = Double(max(1, buckets.map(\.count).max() ?? 1))
        let unit = interval == .day ? "day" : interval.rawValue
        let first = buckets.first!.value, last = buckets.last!.value
        var html = "<section class=\"facet histogram\" data-field=\"date\" data-interval=\"\(interval.rawValue)\"><h3>date · by \(unit)</h3>"
        html += "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"Matches by \(unit) from \(HTMLText.escape(first)) to \(HTMLText.escape(last))\">"
        for (i, b) in buckets.enumerated() {
            let x = String(format: "%.2f", Double(i) * step), w = String(format: "%.2f", max(0.5, step - gap))
            let h = b.count == 0 ? 0 : max(3, Double(b.count) / top * (height - 2))
            let y = String(format: "%.2f", height - h), hText = String(format: "%.2f", h)
            let label = "\(b.value): \(SearchPage.format(b.count)) \(b.count == 1 ? "match" : "matches")"
            guard b.count > 0 else { continue }
            let filter = "date:\(b.value)"
            let selected = state.filters.contains(filter)
            html += "<a href=\"\(HTMLText.escape(state.link(filters: state.toggling(filter))))\" class=\"bar-link\" aria-label=\"\(HTMLText.escape(label))\">"
            // A full-height transparent target, so short bars are easy to click.
            html += "<rect class=\"bar-target\" x=\"\(x)\" y=\"0\" width=\"\(w)\" height=\"\(Int(height))\"/>"
            html += "<rect class=\"bar\(selected ? " selected" : "")\" data-value=\"\(HTMLText.escape(b.value))\" data-count=\"\(b.count)\" x=\"\(x)\" y=\"\(y)\" width=\"\(w)\" height=\"\(hText)\"><title>\(HTMLText.escape(label))</title></rect></a>"
        }
        html += "</svg><div class=\"axis\"><span>\(HTMLText.escape(first))</span><span>\(HTMLText.escape(last))</span></div></section>\n"
        return html
    }

    /// The order menu: relevance, newest, oldest, then both directions of every keyword,
    /// number and date field.
    static func sortOptions(_ schema: Schema, selected: String) -> String {
        var options: [(value: String, label: String)] = [("relevance", "relevance"), ("newest", "newest"), ("oldest", "oldest")]
        for f in schema.fields where f.type != .text {
            let (up, down): (String, String)
            switch f.type {
            case .keyword: (up, down) = ("A–Z", "Z–A")
            case .date: (up, down) = ("oldest first", "newest first")
            default: (up, down) = ("lowest first", "highest first")
            }
            options.append(("\(f.name):asc", "\(f.name), \(up)"))
            options.append(("\(f.name):desc", "\(f.name), \(down)"))
        }
        if !options.contains(where: { $0.value == selected }) { options.append((selected, selected)) }
        return options.map {
            "<option value=\"\(HTMLText.escape($0.value))\"\($0.value == selected ? " selected" : "")>\(HTMLText.escape($0.label))</option>"
        }.joined()
    }

    /// The collapse menu: none, each keyword field, near duplicates when the schema keeps them.
    static func collapseOptions(_ schema: Schema, selected: String) -> String {
        var options: [(value: String, label: String)] = [("", "none")]
        for f in schema.fields where f.type == .keyword { options.append((f.name, "one per \(f.name)")) }
        if schema.nearDuplicates != nil { options.append((SearchRequest.nearDuplicates, "near duplicates")) }
        if !options.contains(where: { $0.value == selected }) { options.append((selected, selected)) }
        return options.map {
            "<option value=\"\(HTMLText.escape($0.value))\"\($0.value == selected ? " selected" : "")>\(HTMLText.escape($0.label))</option>"
        }.joined()
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
        .chart{display:block;width:100%;height:5rem;background:#fafafc;border-bottom:1px solid var(--line)}
        .chart .bar{fill:#8fb1ee}
        .chart .bar-target{fill:transparent}
        .chart .bar-link:hover .bar,.chart .bar-link:focus .bar{fill:var(--accent)}
        .chart .bar.selected{fill:var(--accent)}
        .axis{display:flex;justify-content:space-between;color:var(--muted);font-size:.75rem}
        .active-filters{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin-bottom:.5rem;font-size:.85rem}
        .active-filter{background:#e8f0fe;color:var(--accent);border-radius:1rem;padding:.1rem .6rem;text-decoration:none}
        .active-filter:hover{background:#d2e3fc}
        .clear-filters{color:var(--muted)}
        .similar{color:var(--accent)}
        .past-end a{color:var(--accent)}
        .timed-out{background:#fff4e5;border-radius:.4rem;padding:.4rem .7rem;font-size:.9rem}
        .combo{position:relative;flex:1;min-width:12rem;display:flex}
        #suggestions{position:absolute;top:100%;left:0;right:0;z-index:5;list-style:none;margin:.2rem 0 0;padding:.25rem 0;background:#fff;border:1px solid #c7c7cc;border-radius:.5rem;box-shadow:0 4px 12px rgba(0,0,0,.08)}
        #suggestions li{padding:.35rem .75rem;cursor:pointer}
        #suggestions li[aria-selected=true],#suggestions li:hover{background:#e8f0fe}
        .did-you-mean{margin:.25rem 0 .5rem}
        .did-you-mean a{color:var(--accent);font-weight:600}
        """

    /// Suggestions under the search box, from `GET /suggest` as the user types: an ARIA
    /// combobox whose listbox takes up/down arrows, Enter, Escape and clicks; a pick searches
    /// at once. Text goes in with `textContent` only (never parsed as HTML), the endpoint comes
    /// from an escaped attribute, and answers to stale keystrokes are dropped. Without
    /// JavaScript the form is a plain search form.
    static let suggestScript = """
        (function(){
        var input=document.querySelector('input[name=q]'),list=document.getElementById('suggestions');
        if(!input||!list||!window.fetch)return;
        var form=input.form,items=[],active=-1,seq=0,timer=0;
        input.setAttribute('role','combobox');input.setAttribute('aria-autocomplete','list');
        input.setAttribute('aria-controls','suggestions');input.setAttribute('aria-expanded','false');input.setAttribute('autocomplete','off');
        function close(){list.hidden=true;input.setAttribute('aria-expanded','false');input.removeAttribute('aria-activedescendant');active=-1;}
        function mark(i){active=i;items.forEach(function(li,k){li.setAttribute('aria-selected',k===i?'true':'false');});
        if(i>=0)input.setAttribute('aria-activedescendant',items[i].id);else input.removeAttribute('aria-activedescendant');}
        function pick(i){input.value=items[i].getAttribute('data-text');close();form.submit();}
        function show(s){list.textContent='';items=s.map(function(x,k){var li=document.createElement('li');
        li.id='suggestion-'+k;li.setAttribute('role','option');li.setAttribute('aria-selected','false');li.setAttribute('data-text',x.text);
        li.textContent=x.text;li.addEventListener('mousedown',function(e){e.preventDefault();pick(k);});list.appendChild(li);return li;});
        active=-1;if(items.length){list.hidden=false;input.setAttribute('aria-expanded','true');}else close();}
        input.addEventListener('input',function(){clearTimeout(timer);var q=input.value,n=++seq;if(!q.trim()){close();return;}
        timer=setTimeout(function(){fetch(list.getAttribute('data-endpoint')+'?limit=8&q='+encodeURIComponent(q))
        .then(function(r){return r.ok?r.json():{suggestions:[]};}).then(function(d){if(n===seq)show(d.suggestions||[]);})
        .catch(function(){if(n===seq)close();});},100);});
        input.addEventListener('keydown',function(e){if(list.hidden||!items.length)return;
        if(e.key==='ArrowDown'){e.preventDefault();mark((active+1)%items.length);}
        else if(e.key==='ArrowUp'){e.preventDefault();mark(active<=0?items.length-1:active-1);}
        else if(e.key==='Enter'&&active>=0){e.preventDefault();pick(active);}
        else if(e.key==='Escape'){close();}});
        input.addEventListener('blur',function(){setTimeout(close,150);});
        })();
        """
}
