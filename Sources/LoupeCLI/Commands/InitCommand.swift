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
        var s = try schema.map { try SchemaFile.load($0) } ?? Schema.news()
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

/// The schema file accepted by `loupe init --schema` (friendlier than `Schema`'s own coding:
/// `indexed`, `stored` and `boost` may be left out).
struct SchemaFile: Decodable {
    struct Field: Decodable {
        var name: String
        var indexed: Bool?
        var stored: Bool?
        var boost: Double?
    }

    var fields: [Field]
    var language: String??
    var defaultFields: [String]?

    enum CodingKeys: String, CodingKey { case fields, language, defaultFields, default_fields }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        fields = try c.decode([Field].self, forKey: .fields)
        if c.contains(.language) {
            language = .some(try c.decodeNil(forKey: .language) ? nil : try c.decode(String.self, forKey: .language))
        }
        defaultFields = try c.decodeIfPresent([String].self, forKey: .defaultFields)
            ?? c.decodeIfPresent([String].self, forKey: .default_fields)
    }

    static func load(_ path: String) throws -> Schema {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.io("cannot read the schema file \(path)")
        }
        let file: SchemaFile
        do {
            file = try JSONDecoder().decode(SchemaFile.self, from: data)
        } catch let e as DecodingError {
            throw CLIError.badInput("\(path) is not a valid schema: \(describeDecodingError(e))")
        }
        var language: String? = "english"
        if let l = file.language { language = l.flatMap { $0.lowercased() == "none" ? nil : $0.lowercased() } }
        let schema = Schema(
            fields: file.fields.map { FieldDefinition(name: $0.name, indexed: $0.indexed ?? true, stored: $0.stored ?? true, boost: $0.boost ?? 1) },
            language: language, defaultFields: file.defaultFields)
        try schema.validate()
        return schema
    }
}

func describeDecodingError(_ e: DecodingError) -> String {
    func path(_ ctx: DecodingError.Context) -> String {
        ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
    switch e {
    case let .keyNotFound(key, ctx): return "missing \"\(key.stringValue)\"" + (ctx.codingPath.isEmpty ? "" : " in \(path(ctx))")
    case let .typeMismatch(type, ctx): return "\(path(ctx).isEmpty ? "the top level" : path(ctx)) should be \(type == String.self ? "a string" : "\(type)")"
    case let .valueNotFound(_, ctx): return "\(path(ctx)) is null"
    case .dataCorrupted: return "malformed JSON"
    @unknown default: return "malformed JSON"
    }
}
