import Foundation
import Loupe

/// `loupe search --batch`: one query per input line, one JSON line per query, written and
/// flushed at once. The index is opened once; each line reuses the same request settings.
struct BatchSearch {
    /// Runs one request (on one index, or on shards).
    let search: (SearchRequest) throws -> SearchResults
    let template: SearchRequest

    func run() throws {
        // A line is one query: it has the query's length limit.
        let lines = LineReader(source: ByteSource(interactiveStandardInput: ()), maxLineBytes: QueryParser.maxQueryBytes)
        let encoder = OrderedJSONEncoder(formatting: .compact)
        while let line = try lines.next() {
            let out: String
            switch line {
            case .tooLong(let n):
                out = try encoder.encode(failure(query: "", "the query line is \(n) bytes long, over the limit of \(QueryParser.maxQueryBytes) bytes (64 KiB)"))
            case .bytes(let bytes):
                let text = String(decoding: bytes, as: UTF8.self)
                if firstInvalidUTF8(bytes) != nil {
                    out = try encoder.encode(failure(query: text, "the query is not valid UTF-8"))
                } else {
                    out = try respond(to: text, encoder: encoder)
                }
            }
            Terminal.write(out + "\n", to: 1)
        }
    }

    /// The line for one query: `SearchResultsJSON` with ids and scores, or `failure(query:_:)`.
    func respond(to text: String, encoder: OrderedJSONEncoder) throws -> String {
        var r = template
        r.query = text
        do {
            let results = try search(r)
            return try encoder.encode(SearchResultsJSON(query: text, results: results, detail: .idsAndScores))
        } catch {
            return try encoder.encode(failure(query: text, describe(error).message))
        }
    }

    /// The line for a query that could not run: `{"query": ..., "error": ...}`.
    func failure(query: String, _ message: String) -> OrderedJSONObject {
        OrderedJSONObject(["query": query, "error": message])
    }
}
