import Foundation
import Loupe

/// Renders search results for people (text) and programs (JSON).
enum SearchOutput {
    static func json(query: String, results: SearchResults, request: SearchRequest, schema: Schema) -> JSONValue {
        .object([
            ("query", .string(query)),
            ("total", .int(results.total)),
            ("total_is_lower_bound", .bool(results.totalIsLowerBound)),
            ("took_us", .int(results.tookMicroseconds)),
            ("offset", .int(request.offset)),
            ("limit", .int(request.limit)),
            ("sort", .string(request.sort.rawValue)),
            ("hits", .array(results.hits.enumerated().map { i, hit in hitJSON(hit, rank: request.offset + i + 1, schema: schema) })),
        ])
    }

    static func hitJSON(_ hit: SearchHit, rank: Int, schema: Schema) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("rank", .int(rank)), ("id", .string(hit.id)), ("score", .double(hit.score))]
        if let doc = hit.document {
            pairs.append(("date", .optional(doc.date.map(ISODate.format))))
            pairs.append(("fields", documentFields(doc, schema: schema)))
        }
        if let s = hit.snippet {
            pairs.append(("snippet", .object([
                ("text", .string(s.text)),
                ("highlights", .array(s.highlights.map { .array([.int($0.lowerBound), .int($0.upperBound)]) })),
            ])))
        }
        if let e = hit.explanation { pairs.append(("explanation", explanationJSON(e))) }
        return .object(pairs)
    }

    /// Stored fields in schema order.
    static func documentFields(_ doc: StoredDocument, schema: Schema) -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        for f in schema.fields { if let v = doc.fields[f.name] { pairs.append((f.name, .string(v))) } }
        for (k, v) in doc.fields.sorted(by: { $0.key < $1.key }) where !schema.fields.contains(where: { $0.name == k }) {
            pairs.append((k, .string(v)))
        }
        return .object(pairs)
    }

    static func explanationJSON(_ e: Explanation) -> JSONValue {
        .object([
            ("score", .double(e.score)),
            ("doc_count", .int(e.docCount)),
            ("k1", .double(BM25.k1)),
            ("b", .double(BM25.b)),
            ("entries", .array(e.entries.map { x in
                .object([
                    ("clause", .string(x.clause)), ("field", .string(x.field)), ("tf", .int(x.tf)),
                    ("df", .array(x.df.map { .int($0) })), ("dl", .int(x.dl)), ("avgdl", .double(x.avgdl)),
                    ("idf", .double(x.idf)), ("boost", .double(x.boost)), ("score", .double(x.score)),
                ])
            })),
        ])
    }

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
            let title = hit.document?.fields["title"].flatMap { $0.isEmpty ? nil : $0 } ?? hit.id
            out += style.bold("\(offset + i + 1). \(oneLine(title))") + "\n"
            var meta: [String] = []
            if let d = hit.document?.date { meta.append(ISODate.format(d)) }
            meta.append("id \(hit.id)")
            meta.append(String(format: "score %.3f", hit.score))
            if let url = hit.document?.fields["url"], !url.isEmpty { meta.append(url) }
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
