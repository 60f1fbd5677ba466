import ArgumentParser
import Foundation
import Loupe

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty index (text, keyword, number, date fields).",
        discussion: """
            By default the index has the news schema: title (text, boost 2), body (text), url \
            (stored text), plus every document's id and optional date. A JSON schema file \
            defines other fields:

              {"fields": [{"name": "title", "boost": 2}, {"name": "body"},
                          {"name": "url", "indexed": false},
                          {"name": "source", "type": "keyword", "normalize": "lowercase"},
                          {"name": "places", "type": "keyword", "multiValued": true},
                          {"name": "words", "type": "number"},
                          {"name": "updated", "type": "date"}],
               "language": "english", "defaultFields": ["title", "body"]}

            Field types ("type", default text):
              text     analyzed words: BM25, phrases, prefixes. "indexed" and "stored"
                       default to true; "boost" (default 1) weighs its matches.
              keyword  exact values (a source, tags, places): source:reuters matches
                       the whole value. "normalize": "lowercase" makes Reuters and
                       REUTERS one value.
              number   64-bit integers or doubles (a word count): words:[100 TO 500].
              date     ISO-8601 text or seconds since 1970: updated:2025-06. The
                       document's "date" is the default date field, not listed.
            Keyword, number and date fields filter without scoring and are always \
            returned with the document. They hold one value unless "multiValued" (or \
            "multi_valued") is true, when they take a JSON array. A bad value (text for a \
            number, an array for a single-valued field) rejects the document.

            "language" is a Snowball stemmer name or "none"; --language overrides it. \
            french, italian, catalan and irish also remove elided articles (l'économie is \
            found by économie). Whatever the language, Chinese, Japanese and Korean are \
            indexed as character bigrams, Thai, Lao, Khmer and Myanmar are split into words \
            with ICU's dictionaries, and emoji are terms (analysis version \(Analyzer.currentVersion), \
            recorded in the index; see `loupe analyze`).

            Languages: none, \(Analyzer.availableLanguages.joined(separator: ", ")).

            Examples:
              loupe init
              loupe init --index /data/news --language french
              loupe init --schema schema.json --force
              loupe init --schema samples/schema.json --synonyms samples/synonyms.txt
            """
    )

    @OptionGroup var location: IndexLocation

    @Option(help: ArgumentHelp("Stemming language (a Snowball name, or none).", valueName: "NAME"))
    var language: String?

    @Option(help: ArgumentHelp("A JSON schema file.", valueName: "FILE"))
    var schema: String?

    @Option(help: ArgumentHelp("A synonyms file (Solr's format; see `loupe synonyms --help`).", valueName: "FILE"))
    var synonyms: String?

    @Flag(help: "Replace an index that already exists (its documents are lost).")
    var force = false

    func run() throws {
        var s = try schema.map { try SchemaFile.load(path: $0) } ?? Schema.news()
        if let language {
            s.language = language.lowercased() == "none" ? nil : language.lowercased()
        }
        let path = location.path
        let rules = try synonyms.map { try Synonyms.load(path: $0) } ?? Synonyms()
        let w = try IndexWriter.create(directory: path, schema: s, synonyms: rules, overwrite: force)
        w.close()
        let fields = s.fields.map { "\($0.name) (\($0.summary))" }
        let note = rules.isEmpty ? "" : "; \(rules.rules.count) synonym rule\(rules.rules.count == 1 ? "" : "s")"
        Terminal.out("Created an empty index in \(path): language \(s.language ?? "none"); fields \(fields.joined(separator: ", "))\(note).")
    }
}

extension FieldDefinition {
    /// "text, indexed, stored, boost 2", "keyword, multi-valued, lowercase", "number".
    var summary: String {
        var attrs = [type.rawValue]
        if type == .text {
            if indexed { attrs.append("indexed") }
            if stored { attrs.append("stored") }
            if boost != 1 { attrs.append("boost \(boost.formatted())") }
        } else {
            if multiValued { attrs.append("multi-valued") }
            if let normalize { attrs.append(normalize.rawValue) }
        }
        return attrs.joined(separator: ", ")
    }
}

extension Double {
    /// 2 -> "2", 1.5 -> "1.5".
    func formatted() -> String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}
