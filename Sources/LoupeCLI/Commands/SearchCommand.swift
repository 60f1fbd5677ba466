import ArgumentParser
import Foundation
import Loupe

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the index.",
        discussion: """
            Query language (see the README for details):
              war legacy              both terms (all terms are required; --any: at least one)
              war OR conflict         either;  +must  -mustnot  NOT term  (a OR b) c
              "war legacy"            a phrase;  "war legacy"~2  within 2 extra positions
              title:vietnam           a field;  title:"war legacy"
              legac*                  a prefix
              date:[2025-01-01 TO 2025-06-30]   a date range (* for an open end)
              A query is at most 64 KiB with at most 1,024 clauses; its prefixes share 4,096 expansions.

            Results show title, date, id, score and a snippet with the matched words \
            highlighted (in colour on a terminal unless NO_COLOR is set; between ** when piped).

            --batch reads one query per line from standard input and writes one JSON line per \
            query: {"query", "total", "took_us", "hits": [{"id", "score"}]}, or \
            {"query", "error"} for a bad query; took_us is the search time measured inside loupe.

            Examples:
              loupe search '"war legacy"'
              loupe search 'oil prices' --sort newest --limit 5
              loupe search 'title:acquisition' --after 1987-03-01 --json
              loupe search 'crude OR oil' --explain --limit 3
              printf 'oil\\ncrude AND price\\n' | loupe search --batch --count
            """
    )

    @OptionGroup var location: IndexLocation

    @Argument(help: ArgumentHelp("The query (several words are joined with spaces; put -- before a query starting with -).", valueName: "QUERY"))
    var query: [String] = []

    @Option(help: "Number of results.")
    var limit: Int = 10

    @Option(help: "Results to skip (for paging).")
    var offset: Int = 0

    @Option(help: "Order: relevance, newest or oldest.")
    var sort: Loupe.SortOrder = .relevance

    @Option(help: ArgumentHelp("Only documents dated on or after DATE (2025, 2025-06, 2025-06-01 or an ISO-8601 date-time).", valueName: "DATE"))
    var after: String?

    @Option(help: ArgumentHelp("Only documents dated on or before DATE (a year, month or day includes all of it).", valueName: "DATE"))
    var before: String?

    @Flag(help: "Match documents with any of the bare terms (default: all of them).")
    var any = false

    @Flag(help: "Print one JSON document.")
    var json = false

    @Flag(help: "Show the BM25 breakdown of each hit's score.")
    var explain = false

    @Flag(help: "Count every match exactly (otherwise a large total may be a lower bound).")
    var count = false

    @Flag(help: "Read queries from standard input, one per line; write one JSON line each.")
    var batch = false

    @Option(help: "Colour: auto, always or never.")
    var color: ColorMode = .auto

    func validate() throws {
        if batch && !query.isEmpty { throw ValidationError("--batch reads the queries from standard input; give no QUERY") }
        if !batch && query.isEmpty { throw ValidationError("give a QUERY (or --batch)") }
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
        guard offset >= 0 else { throw ValidationError("--offset must be 0 or more") }
    }

    func request(_ text: String, schema: Schema) throws -> SearchRequest {
        var r = SearchRequest(query: text, limit: limit)
        r.snippetField = schema.snippetField
        r.offset = offset
        r.sort = sort
        r.after = try parseDateOption(after, name: "after", endOfDay: false)
        r.before = try parseDateOption(before, name: "before", endOfDay: true)
        r.defaultOperator = any ? .or : .and
        r.exactCount = count
        r.explain = explain
        return r
    }

    func run() throws {
        let index = try location.open()
        if batch {
            var template = try request("", schema: index.schema)
            template.loadDocuments = false
            template.snippetField = nil
            try BatchSearch(index: index, template: template).run()
            return
        }
        let text = query.joined(separator: " ")
        let request = try request(text, schema: index.schema)
        let results = try index.search(request)
        if json {
            try Terminal.json(SearchResultsJSON(query: text, results: results, detail: .full(request: request, schema: index.schema)))
        } else {
            let style = Style(enabled: Terminal.colorEnabled(color))
            Terminal.write(SearchOutput.text(query: text, results: results, offset: offset, schema: index.schema, style: style), to: 1)
        }
    }
}

extension Loupe.SortOrder: ExpressibleByArgument {}
extension ColorMode: ExpressibleByArgument {}
