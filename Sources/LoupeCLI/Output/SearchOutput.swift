import Foundation
import Loupe

/// Renders search results for people; programs get `SearchResultsJSON` (`--json`). Every
/// text from the index or the query goes through `oneLine` (one line, terminal-safe).
enum SearchOutput {
    /// `timeout`: the request's, named in the note of a search that timed out.
    static func text(query: String, results: SearchResults, schema: Schema, style: Style, timeout: Duration? = nil) -> String {
        var out = ""
        let offset = results.offset
        let total = results.totalIsLowerBound ? "at least \(Format.count(results.total))" : Format.count(results.total)
        let noun = results.total == 1 && !results.totalIsLowerBound ? "result" : "results"
        let groups = results.groupCount.map { " in \(Format.plural($0, "group"))" } ?? ""
        let shown = query.isEmpty ? "(every document)" : oneLine(query)
        var header = "\(total) \(noun)\(groups) for \(shown) (\(Format.millis(results.tookMicroseconds)))"
        if !results.hits.isEmpty, results.hits.count < (results.groupCount ?? results.total) || offset > 0 {
            header += ", showing \(offset + 1)–\(offset + results.hits.count)"
        }
        out += style.dim(header) + "\n"
        if results.timedOut {
            let after = timeout.map { " after \(TimeoutText.format($0))" } ?? ""
            out += "timed out\(after): the best hits among the documents searched so far\n"
        }
        out += ignoredText(results.ignored, style: style)
        if let expanded = results.expandedQuery { out += style.dim("with synonyms: \(oneLine(expanded))") + "\n" }
        if let s = results.suggestion { out += "did you mean: " + style.bold(oneLine(s)) + "?\n" }
        if results.offsetIsPastEnd {
            let last = results.groupCount.map { Format.plural($0, "group") } ?? Format.plural(results.total, "match", "matches")
            out += "\noffset \(Format.count(offset)) is past the last of \(last)\n"
        }
        for (i, hit) in results.hits.enumerated() {
            out += "\n"
            var title = oneLine(hit.document.flatMap(schema.title(of:)) ?? hit.id)
            if let t = hit.titleHighlight, !t.text.isEmpty {
                title = t.rendered(open: style.highlightOpen, close: style.highlightClose, escape: { oneLine(String($0)) })
            }
            out += style.bold("\(offset + i + 1). \(title)") + "\n"
            var meta: [String] = []
            if let d = hit.document?.date { meta.append(ISODate.format(d)) }
            meta.append("id \(oneLine(hit.id))")
            meta.append(String(format: "score %.3f", hit.score))
            if let shard = hit.shard { meta.append("shard \(shard)") }
            if let n = hit.collapsedCount, n > 1 { meta.append("+\(Format.count(n - 1)) similar") }
            if let link = hit.document.flatMap(schema.link(of:)) { meta.append(oneLine(link)) }
            out += "   " + style.dim(meta.joined(separator: " · ")) + "\n"
            if let s = hit.snippet, !s.text.isEmpty {
                out += "   " + s.rendered(open: style.highlightOpen, close: style.highlightClose, escape: { oneLine(String($0)) }) + "\n"
            }
            if let e = hit.explanation { out += explanationText(e, style: style) }
        }
        for f in results.facets { out += "\n" + facetText(f, style: style) }
        if let cursor = results.cursor { out += "\n" + style.dim("next page: --cursor \(cursor)") + "\n" }
        return out
    }

    /// One note per clause left out of the search (`ignored: "&" (no searchable words)`).
    static func ignoredText(_ ignored: [IgnoredClause], style: Style) -> String {
        ignored.map { style.dim("ignored: \"\(oneLine($0.text))\" at position \($0.position) (no searchable words)") + "\n" }.joined()
    }

    /// Widest bar, in characters.
    static let barWidth = 30

    /// A facet as an aligned table with bars (`crude   12 ██████`), or stats on one line.
    static func facetText(_ f: FacetResult, style: Style) -> String {
        var out = style.bold(f.name) + "\n"
        if case .stats = f.request.kind {
            let s = f.stats ?? NumberStats(count: 0, min: nil, max: nil, sum: 0)
            func n(_ v: Double?) -> String { v.map(number) ?? "–" }
            out += "  count \(Format.count(s.count)) · min \(n(s.min)) · max \(n(s.max)) · sum \(n(s.sum)) · mean \(n(s.mean))\n"
            return out
        }
        if f.buckets.isEmpty { return out + "  " + style.dim("(no values)") + "\n" }
        let labels = f.buckets.map { oneLine($0.value) }
        let width = labels.map(\.count).max() ?? 0
        let counts = f.buckets.map { Format.count($0.count) }
        let countWidth = counts.map(\.count).max() ?? 0
        let top = max(1, f.buckets.map(\.count).max() ?? 1)
        for (i, b) in f.buckets.enumerated() {
            let bar = b.count == 0 ? "" : String(repeating: "█", count: max(1, Int((Double(b.count) / Double(top) * Double(barWidth)).rounded())))
            out += "  " + labels[i] + String(repeating: " ", count: width - labels[i].count + 1)
                + String(repeating: " ", count: countWidth - counts[i].count) + counts[i] + " " + bar + "\n"
        }
        return out
    }

    /// 12, 12.5, 0.333 (up to 3 decimals, no trailing zeros).
    static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return Format.count(Int(v)) }
        var s = String(format: "%.3f", v)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    static func explanationText(_ e: Explanation, style: Style) -> String {
        var out = "   " + style.dim(String(format: "score %.4f = sum over clauses and fields of boost · idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)), k1=%.1f b=%.2f, N=%d",
                                           e.score, BM25.k1, BM25.b, e.docCount)) + "\n"
        for x in e.entries {
            let df = x.df.map(String.init).joined(separator: "+")
            out += String(format: "     %8.4f  ", x.score) + oneLine(x.clause)
                + "  tf=\(x.tf) df=\(df) dl=\(x.dl)" + String(format: " avgdl=%.1f idf=%.4f", x.avgdl, x.idf) + " boost=\(x.boost.formatted())\n"
        }
        return out
    }

    /// `s` on one line (line breaks and tabs as spaces), with other control and bidirectional
    /// characters escaped (`TerminalText`).
    static func oneLine(_ s: String) -> String {
        TerminalText.escaped(s.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " "))
    }
}
