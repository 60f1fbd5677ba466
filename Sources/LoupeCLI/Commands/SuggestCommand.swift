import ArgumentParser
import Foundation
import Loupe

struct SuggestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Complete a query as it is being typed.",
        discussion: """
            Prints completions of TEXT, one a line with its count: the last word completed \
            from the words of the index's default fields (most documents first; earlier words \
            are kept as typed), and title phrases of 2 to 4 words that start with the last \
            words typed (most titles first). With one word typed, words come first; with \
            several, phrases do. Case and accents do not matter (vietn finds Vietnam, \
            viet finds Việt); words show in their most common spelling. Text ending in a \
            space completes only phrases. Segments written before format 5 contribute nothing.

            --batch reads one TEXT per line from standard input and writes one JSON line per \
            line: {"query", "suggestions", "took_us"} (took_us: microseconds spent completing, \
            the first line's including the build of the index's merged word list).

            Examples:
              loupe suggest vietn
              loupe suggest 'war leg' --limit 5
              loupe suggest 'crude o' --json
              printf 'vietn\\nwar leg\\n' | loupe suggest --batch
            """
    )

    @OptionGroup var location: IndexLocation
    @OptionGroup var checksums: VerifyOption

    @Argument(help: ArgumentHelp("The text typed so far (several arguments are joined with spaces).", valueName: "TEXT"))
    var text: [String] = []

    @Option(help: ArgumentHelp("Most completions to print (1 to 100).", valueName: "N"))
    var limit: Int = 10

    @Flag(help: "Print one JSON document: {\"query\", \"suggestions\": [{\"text\", \"kind\", \"count\"}]}.")
    var json = false

    @Flag(help: "Read one TEXT per line from standard input; write one JSON line per line.")
    var batch = false

    func validate() throws {
        guard (1...100).contains(limit) else { throw ValidationError("--limit must be 1 to 100") }
        if batch && !text.isEmpty { throw ValidationError("--batch reads the text from standard input; give no TEXT") }
    }

    func run() throws {
        let index = try location.open(verify: checksums.verify)
        if batch {
            let lines = LineReader(source: ByteSource(interactiveStandardInput: ()), maxLineBytes: 4096)
            let encoder = OrderedJSONEncoder(formatting: .compact)
            while let line = try lines.next() {
                let object: OrderedJSONObject
                switch line {
                case .tooLong(let n):
                    object = OrderedJSONObject(["query": "", "error": "the line is \(n) bytes long, over the limit of 4096 bytes"])
                case .bytes(let bytes):
                    let input = String(decoding: bytes, as: UTF8.self)
                    if firstInvalidUTF8(bytes) != nil {
                        object = OrderedJSONObject(["query": input, "error": "the text is not valid UTF-8"])
                    } else {
                        let start = DispatchTime.now().uptimeNanoseconds
                        let completions = try index.completions(for: input, limit: limit)
                        let took = (DispatchTime.now().uptimeNanoseconds - start) / 1000
                        object = OrderedJSONObject(["query": input, "suggestions": completions.map(Self.json), "took_us": Int(took)])
                    }
                }
                Terminal.write(try encoder.encode(object) + "\n", to: 1)
            }
            return
        }
        let input = text.joined(separator: " ")
        let completions = try index.completions(for: input, limit: limit)
        if json {
            try Terminal.json(OrderedJSONObject(["query": input, "suggestions": completions.map(Self.json)]))
            return
        }
        if completions.isEmpty {
            Terminal.write("no suggestions for '\(SearchOutput.oneLine(input))'\n", to: 1)
            return
        }
        let texts = completions.map { SearchOutput.oneLine($0.text) }
        let width = texts.map(\.count).max() ?? 0
        var out = ""
        for (c, text) in zip(completions, texts) {
            out += text.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + Format.plural(c.count, c.kind == .phrase ? "title" : "doc") + "\n"
        }
        Terminal.write(out, to: 1)
    }

    static func json(_ c: Completion) -> OrderedJSONObject {
        OrderedJSONObject(["text": c.text, "kind": c.kind.rawValue, "count": c.count])
    }
}
