import ArgumentParser
import Foundation
import Loupe

struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "List the articles most like one article (related articles).",
        discussion: """
            The article's stored text is analyzed again and its most distinctive terms are \
            kept: each term of a field scores tf × idf (its count in the article times its \
            BM25 idf in the index); terms of one character, occurring once in the article, in \
            no other document or in more than half of the documents are left out, and the best 25 are searched \
            as an OR, each boosted by its score over the best one's. The article itself is \
            not listed. An unknown id exits with status 2.

            --json prints {"id", "total", "took_us", "terms": [{"field", "term", "tf", "df", \
            "score", "boost"}], "hits": [...]} with hits as `loupe search --json` prints them.

            Examples:
              loupe similar reuters-10
              loupe similar reuters-10 --limit 3 --json
              loupe similar reuters-10 --terms
            """
    )

    @OptionGroup var location: IndexLocation
    @OptionGroup var checksums: VerifyOption

    @Argument(help: "The article's id.")
    var id: String

    @Option(help: "Most articles to list.")
    var limit = 10

    @Option(help: ArgumentHelp("Most terms in the query.", valueName: "N"))
    var maxTerms = 25

    @Option(help: ArgumentHelp("Least occurrences of a term in the article.", valueName: "N"))
    var minTermFrequency = 2

    @Option(help: ArgumentHelp("Least documents holding a term (the article included).", valueName: "N"))
    var minDocumentFrequency = 2

    @Flag(help: "Also list the terms the articles were chosen by.")
    var terms = false

    @Option(help: ArgumentHelp("Stop searching after this long and show the best articles found so far (250ms, 2s, 1.5s, 1m).", valueName: "DURATION"))
    var timeout: String?

    @Flag(help: "Print one JSON document.")
    var json = false

    @Option(help: "Colour: auto, always or never.")
    var color: ColorMode = .auto

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
        guard maxTerms >= 1 else { throw ValidationError("--max-terms must be 1 or more") }
        guard minTermFrequency >= 1, minDocumentFrequency >= 1 else {
            throw ValidationError("--min-term-frequency and --min-document-frequency must be 1 or more")
        }
    }

    func run() throws {
        let index = try location.open(verify: checksums.verify)
        var settings = MoreLikeThis()
        settings.maxQueryTerms = maxTerms
        settings.minTermFrequency = minTermFrequency
        settings.minDocumentFrequency = minDocumentFrequency
        let related: RelatedArticles
        let limitTime = try parseTimeoutOption(timeout, name: "timeout")
        do { related = try index.similar(to: id, limit: limit, settings: settings, timeout: limitTime) } catch LoupeError.unknownDocument {
            throw CLIError.badInput("no document with id '\(id)' in \(location.path)")
        }
        if json {
            try Terminal.json(RelatedArticlesJSON(id: id, related: related, schema: index.schema))
            return
        }
        let style = Style(enabled: Terminal.colorEnabled(color))
        var out = ""
        if terms || related.terms.isEmpty {
            out += style.dim(related.terms.isEmpty ? "no distinctive terms in \(SearchOutput.oneLine(id))"
                             : "terms: " + related.terms.map { "\($0.field):\(SearchOutput.oneLine($0.term))^" + String(format: "%.2f", $0.boost) }.joined(separator: " ")) + "\n"
        }
        out += SearchOutput.text(query: "articles like \(id)", results: related.results, schema: index.schema, style: style,
                                 timeout: limitTime)
        Terminal.write(out, to: 1)
    }
}
