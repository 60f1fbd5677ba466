import ArgumentParser
import Foundation
import Loupe

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Show how text is split into terms.",
        discussion: """
            Prints each token's term, position and UTF-8 byte offsets in the text. The language \
            is --language, else the index's (when --index or ./Index holds one), else english. \
            The analysis version is the index's (1 for indexes created before versions were \
            recorded), else the current one (2: elision for French, Italian, Catalan and Irish, \
            CJK bigrams, Thai/Lao/Khmer/Myanmar word breaking, emoji terms).

            Examples:
              loupe analyze 'The war legacies of Việt Nam'
              loupe analyze --language none --json "Hà Nội's defence ministers"
              echo 'Running runners ran' | loupe analyze -
            """
    )

    @OptionGroup var location: IndexLocation

    @Argument(help: ArgumentHelp("The text (several arguments are joined with spaces; - reads standard input).", valueName: "TEXT"))
    var text: [String]

    @Option(help: ArgumentHelp("Stemming language (a Snowball name, or none).", valueName: "NAME"))
    var language: String?

    @Flag(help: "Print one JSON document.")
    var json = false

    func validate() throws {
        if text.isEmpty { throw ValidationError("give the TEXT to analyze (or - for standard input)") }
    }

    func run() throws {
        var input = text.joined(separator: " ")
        if text == ["-"] {
            guard let bytes = try ByteSource(path: "-").readAll(limit: 64 << 20) else {
                throw CLIError.badInput("standard input is over 64 MB")
            }
            if let offset = firstInvalidUTF8(bytes) { throw CLIError.badInput("standard input is not valid UTF-8 (byte \(offset + 1))") }
            input = String(decoding: bytes, as: UTF8.self)
        }
        var lang: String? = "english"
        var version = Analyzer.currentVersion
        let index = try? Index.open(at: location.path, verify: false)
        if let index { version = index.schema.analysis }
        if let language {
            lang = language.lowercased() == "none" ? nil : language.lowercased()
        } else if let index {
            lang = index.schema.language
        }
        let analyzer = try Analyzer(language: lang, version: version)
        let tokens = analyzer.analyze(input)
        let bytes = Array(input.utf8)
        func original(_ t: Token) -> String { String(decoding: bytes[t.startOffset..<min(t.endOffset, bytes.count)], as: UTF8.self) }
        if json {
            try Terminal.json(OrderedJSONObject(["language": lang, "analysis_version": version, "tokens": tokens.map {
                OrderedJSONObject(["term": $0.term, "position": $0.position, "start": $0.startOffset, "end": $0.endOffset, "text": original($0)])
            }]))
            return
        }
        var out = "language \(lang ?? "none"), analysis version \(version): \(Format.plural(tokens.count, "token"))\n"
        if !tokens.isEmpty {
            let width = max(4, tokens.map { $0.term.count }.max() ?? 4)
            out += "pos  " + "term".padding(toLength: width, withPad: " ", startingAt: 0) + "  bytes      text\n"
            for t in tokens {
                let pos = String(t.position).padding(toLength: 5, withPad: " ", startingAt: 0)
                let range = "\(t.startOffset)-\(t.endOffset)".padding(toLength: 11, withPad: " ", startingAt: 0)
                out += pos + t.term.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + range + SearchOutput.oneLine(original(t)) + "\n"
            }
        }
        Terminal.write(out, to: 1)
    }
}
