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
              vietnm~1  legasy~       a fuzzy term: within 1 or 2 (~ alone) edits, a swap counts one
              oil^2  "oil price"^0.5  (a OR b)^3   boosts: the clause's score times the number
              Words that analyze to nothing (& — !) are ignored and reported. Field names
              are case-insensitive; a word: that is not a field is text; and/or/not are words.
              date:[2025-01-01 TO 2025-06-30]   a date range (* for an open end)
              topic:crude  words:>=100  date:1987-03   keyword, number and date fields
              A query is at most 64 KiB with at most 1,024 clauses; its prefixes share 4,096 expansions.

            An empty QUERY ('') matches every document: browse with --filter, --facet, --sort.

            --index DIR repeated searches several indexes (shards sharing one schema) as one:
            scores, order and totals are those of one index holding all their documents
            (loupe search --index shard0 --index shard1 '"war legacy"'). Ordered by relevance,
            newest or oldest, with facets (counts added over shards); no --sort FIELD,
            --collapse or --cursor across shards.

            --filter FIELD:VALUE restricts the matches without changing scores; it takes the             query language (topic:crude, places:(usa OR uk), words:[100 TO 500], date:1987-03)             and may be repeated (all must match).

            --facet counts values over all the matches (repeatable; shown after the hits):
              --facet topic              the 10 most frequent values of keyword field topic
              --facet topic:5            the 5 most frequent
              --facet date:month         a date histogram: year, month, week (ISO) or day (UTC)
              --facet words:stats        count, min, max, sum and mean of a number field
              --facet words:ranges:0-100,100-500,500-   counts per range [from, to) (open: empty or *)
              --facet topic:10:multi     :multi at the end makes it multi-select: it ignores the             --filter on its own field, so the other values keep their counts

            --sort relevance | newest | oldest | FIELD | FIELD:asc | FIELD:desc, for any number,             date or keyword field (ascending unless :desc); ties by score, then index order.

            --collapse FIELD shows the best hit per value of a keyword field, with "+N similar"             for the others folded into it; --collapse near-duplicates groups edited copies of one             story (schemas with nearDuplicates). Paging then counts groups.

            Paging: each page that has a next one ends with "next page: --cursor C"; pass that             cursor with the same query and options to continue, at the same cost for page 2             or page 1000 (--offset N skips N hits but costs a top-k of N + limit). An --offset             past the last hit prints "offset N is past the last of M matches" and exits 0.

            --json adds "facets" ({"topic": [{"value", "count"}], "date:month": [...],             "words:stats": {"count", "min", "max", "sum", "mean"}}), "cursor" (null on the last             page), "groups" and per hit "collapsed" when collapsing; --batch adds the same             (cursor only when a next page exists).

            Results show title, date, id, score and a snippet with the matched words \
            highlighted (in colour on a terminal unless NO_COLOR is set; between ** when piped). \
            A long text gives up to three passages, the densest in matches, in text order, \
            joined by …; the title is highlighted too, and title:x marks only the title. In \
            --json, "highlights" and "title_highlights" are UTF-16 offsets into "snippet_text" \
            and the stored title.

            The index's synonyms (loupe synonyms --help) apply to every query: a rewritten \
            query prints "with synonyms: ..." ("expanded_query" in --json).

            --timeout DURATION (250ms, 2s, 1.5s, 1m) bounds the search: past it loupe stops and \
            shows the best hits among the documents it reached, each with its true score, under \
            "timed out after DURATION"; the total is then a lower bound ("at least N") and no \
            next-page cursor is given. --json has "timed_out" (true or false); --batch applies \
            the timeout to each query and adds "timed_out": true to a line that timed out.

            --batch reads one query per line from standard input and writes one JSON line per \
            query: {"query", "total", "took_us", "hits": [{"id", "score"}]}, or \
            {"query", "error"} for a bad query; took_us is the search time measured inside loupe.

            Examples:
              loupe search '"war legacy"'
              loupe search 'oil prices' --sort newest --limit 5
              loupe search 'title:acquisition' --after 1987-03-01 --json
              loupe search 'crude OR oil' --explain --limit 3
              printf 'oil\\ncrude AND price\\n' | loupe search --batch --count
              loupe search oil --facet topic --facet date:month --limit 3
              loupe search '' --filter topic:crude --sort date:desc --limit 3
              loupe search '' --filter topic:crude --facet places:5:multi --filter places:usa
              loupe search oil --collapse topic --limit 5
              loupe search oil --limit 5 --cursor CURSOR      (as the previous page printed it)
              loupe search 'a* b* c*' --timeout 250ms
            """
    )

    @OptionGroup var location: IndexLocations
    @OptionGroup var checksums: VerifyOption

    @Argument(help: ArgumentHelp("The query (several words are joined with spaces; put -- before a query starting with -).", valueName: "QUERY"))
    var query: [String] = []

    @Option(help: "Number of results.")
    var limit: Int = 10

    @Option(help: "Results to skip (for paging).")
    var offset: Int = 0

    @Option(help: ArgumentHelp("Order: relevance, newest, oldest, or FIELD[:asc|desc] for a number, date or keyword field.", valueName: "ORDER"))
    var sort: String = "relevance"

    @Option(name: .customLong("filter"), help: ArgumentHelp("Only matches of this query, without changing scores (repeatable): topic:crude, words:>=100.", valueName: "FIELD:VALUE"))
    var filters: [String] = []

    @Option(name: .customLong("facet"), help: ArgumentHelp("Count over all matches (repeatable): FIELD[:N], DATEFIELD:year|month|week|day, FIELD:stats, FIELD:ranges:0-100,100-; end with :multi for multi-select.", valueName: "SPEC"))
    var facets: [String] = []

    @Option(help: ArgumentHelp("At most one hit per value of this keyword field, or per group of near duplicates (near-duplicates).", valueName: "FIELD"))
    var collapse: String?

    @Option(help: ArgumentHelp("Continue after the page that printed this cursor (same query and options).", valueName: "CURSOR"))
    var cursor: String?

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

    @Option(help: ArgumentHelp("Stop searching after this long and show the best hits found so far (250ms, 2s, 1.5s, 1m).", valueName: "DURATION"))
    var timeout: String?

    @Option(help: "Colour: auto, always or never.")
    var color: ColorMode = .auto

    func validate() throws {
        if batch && !query.isEmpty { throw ValidationError("--batch reads the queries from standard input; give no QUERY") }
        if !batch && query.isEmpty { throw ValidationError("give a QUERY (or --batch)") }
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
        guard offset >= 0 else { throw ValidationError("--offset must be 0 or more") }
        if cursor != nil && offset > 0 { throw ValidationError("--cursor continues after its page: give no --offset with it") }
    }

    func request(_ text: String, index: Index) throws -> SearchRequest {
        let schema = index.schema
        var r = SearchRequest(query: text, limit: limit)
        r.snippetField = schema.snippetField
        r.titleField = schema.titleField
        r.offset = offset
        try r.setSort(sort, schema: schema)
        r.filters = try filters.map { try index.searcher.parseFilter($0) }
        r.facets = try facets.map { try FacetRequest(parsing: $0) }
        r.collapse = collapse.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        r.cursor = cursor
        r.after = try parseDateOption(after, name: "after", endOfDay: false)
        r.before = try parseDateOption(before, name: "before", endOfDay: true)
        r.defaultOperator = any ? .or : .and
        r.exactCount = count
        r.explain = explain
        r.timeout = try parseTimeoutOption(timeout, name: "timeout")
        return r
    }

    func run() throws {
        let index = try location.first.open(verify: checksums.verify)
        // Several --index: their shards searched as one, with global statistics.
        let shards = location.paths.count > 1
            ? try ShardedSearcher(readers: [index.reader] + location.paths.dropFirst().map { try IndexReader.open(directory: $0, verify: checksums.verify) }) : nil
        let search: (SearchRequest) throws -> SearchResults = { try shards?.search($0) ?? index.search($0) }
        if batch {
            var template = try request("", index: index)
            template.loadDocuments = false
            template.snippetField = nil
            try BatchSearch(search: search, template: template).run()
            return
        }
        let text = query.joined(separator: " ")
        let request = try request(text, index: index)
        let results = try search(request)
        if json {
            try Terminal.json(SearchResultsJSON(query: text, results: results, detail: .full(request: request, schema: index.schema)))
        } else {
            let style = Style(enabled: Terminal.colorEnabled(color))
            Terminal.write(SearchOutput.text(query: text, results: results, schema: index.schema, style: style,
                                             timeout: request.timeout), to: 1)
        }
    }
}

extension ColorMode: ExpressibleByArgument {}
