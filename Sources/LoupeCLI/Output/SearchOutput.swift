import Foundation
import Loupe

/// Renders search results for people; programs get `SearchResultsJSON` (`--json`).
enum SearchOutput {
    static func text(query: String, results: SearchResults, offset: Int, schema: Schema, style: Style) -> String {
        var out = ""
        let total = results.totalIsLowerBound ? "at least \(Format.count(results.total))" : Format.count(results.total)
        let noun = results.total == 1 && !results.totalIsLowerBound ? "result" : "results"
        var header = "\(total) \(noun) for \(query) (\(Format.millis(results.tookMicroseconds)))"
        if !results.hits.isEmpty, results.hits.count < results.total || offset > 0 {
            header += ", showing \(offset + 1)–\(offset + results.hits.count)"
        }
        out += style.dim(header) + "\n"
        for (i, hit) in results.hits.enumerated() {
            out += "\n"
            let title = hit.document.flatMap(schema.title(of:)) ?? hit.id
            out += style.bold("\(offset + i + 1). \(oneLine(title))") + "\n"
            var meta: [String] = []
            if let d = hit.document?.date { meta.append(ISODate.format(d)) }
            meta.append("id \(hit.id)")
            meta.append(String(format: "score %.3f", hit.score))
            if let link = hit.document.flatMap(schema.link(of:)) { meta.append(link) }
            out += "   " + style.dim(meta.joined(separator: " · ")) + "\n"
            if let s = hit.snippet, !s.text.isEmpty {
                out += "   " + oneLine(s.rendered(open: style.highlightOpen, close: style.highlightClose)) + "\n"
            }
            if let e = hit.explanation { out += explanationText(e, style: style) }
        }
        return out
    }

    static func explanationText(_ e: Explanation, style: Style) -> String {
        var out = "   " + style.dim(String(format: "score %.4f = sum over clauses and fields of boost · idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)), k1=%.1f b=%.2f, N=%d",
                                           e.score, BM25.k1, BM25.b, e.docCount)) + "\n"
        for x in e.entries {
            let df = x.df.map(String.init).joined(separator: "+")
            out += String(format: "     %8.4f  ", x.score) + x.clause
                + "  tf=\(x.tf) df=\(df) dl=\(x.dl)" + String(format: " avgdl=%.1f idf=%.4f", x.avgdl, x.idf) + " boost=\(x.boost.formatted())\n"
        }
        return out
    }

    static func oneLine(_ s: String) -> String {
        s.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
    }
}
