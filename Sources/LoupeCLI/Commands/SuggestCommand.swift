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

            Examples:
              loupe suggest vietn
              loupe suggest 'war leg' --limit 5
              loupe suggest 'crude o' --json
            """
    )

    @OptionGroup var location: IndexLocation

    @Argument(help: ArgumentHelp("The text typed so far (several arguments are joined with spaces).", valueName: "TEXT"))
    var text: [String] = []

    @Option(help: ArgumentHelp("Most completions to print (1 to 100).", valueName: "N"))
    var limit: Int = 10

    @Flag(help: "Print one JSON document: {\"query\", \"suggestions\": [{\"text\", \"kind\", \"count\"}]}.")
    var json = false

    func validate() throws {
        guard (1...100).contains(limit) else { throw ValidationError("--limit must be 1 to 100") }
    }

    func run() throws {
        let index = try location.open()
        let input = text.joined(separator: " ")
        let completions = try index.completions(for: input, limit: limit)
        if json {
            try Terminal.json(OrderedJSONObject(["query": input, "suggestions": completions.map {
                OrderedJSONObject(["text": $0.text, "kind": $0.kind.rawValue, "count": $0.count])
            }]))
            return
        }
        if completions.isEmpty {
            Terminal.write("no suggestions for '\(input)'\n", to: 1)
            return
        }
        let width = completions.map(\.text.count).max() ?? 0
        var out = ""
        for c in completions {
            out += c.text.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(c.count)"
                + (c.kind == .phrase ? " titles" : " docs") + "\n"
        }
        Terminal.write(out, to: 1)
    }
}
