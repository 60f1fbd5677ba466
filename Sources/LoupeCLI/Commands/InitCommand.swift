import ArgumentParser
import Foundation
import Loupe

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty index.",
        discussion: """
            By default the index has the news schema: title (searched, stored, boost 2), body \
            (searched, stored), url (stored), plus every document's id and optional date. A JSON \
            schema file defines other fields:

              {"fields": [{"name": "title", "boost": 2}, {"name": "body"},
                          {"name": "source", "indexed": false}],
               "language": "english", "defaultFields": ["title", "body"]}

            "indexed" and "stored" default to true and "boost" to 1. "language" is a Snowball \
            stemmer name or "none"; --language overrides it.

            Languages: none, \(Analyzer.availableLanguages.joined(separator: ", ")).

            Examples:
              loupe init
              loupe init --index /data/news --language french
              loupe init --schema schema.json --force
            """
    )

    @OptionGroup var location: IndexLocation

    @Option(help: ArgumentHelp("Stemming language (a Snowball name, or none).", valueName: "NAME"))
    var language: String?

    @Option(help: ArgumentHelp("A JSON schema file.", valueName: "FILE"))
    var schema: String?

    @Flag(help: "Replace an index that already exists (its documents are lost).")
    var force = false

    func run() throws {
        var s = try schema.map { try SchemaFile.load(path: $0) } ?? Schema.news()
        if let language {
            s.language = language.lowercased() == "none" ? nil : language.lowercased()
        }
        let path = location.path
        let w = try IndexWriter.create(directory: path, schema: s, overwrite: force)
        w.close()
        let fields = s.fields.map { f -> String in
            var attrs: [String] = []
            if f.indexed { attrs.append("indexed") }
            if f.stored { attrs.append("stored") }
            if f.boost != 1 { attrs.append("boost \(f.boost.formatted())") }
            return "\(f.name) (\(attrs.joined(separator: ", ")))"
        }
        Terminal.out("Created an empty index in \(path): language \(s.language ?? "none"); fields \(fields.joined(separator: ", ")).")
    }
}

extension Double {
    /// 2 -> "2", 1.5 -> "1.5".
    func formatted() -> String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}
