import ArgumentParser
import Foundation
import Loupe

let loupeVersion = "0.1.0"

/// The `loupe` command: subcommands for building, searching and inspecting an index.
struct LoupeTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loupe",
        abstract: "Loupe: full-text search for news archives.",
        discussion: """
            Every command works on the index in --index DIR (default: $LOUPE_INDEX, else ./Index).

            Examples:
              loupe init --schema samples/schema.json --synonyms samples/synonyms.txt
              loupe add samples/reuters-sample.jsonl samples/seeds/
              loupe search '"war legacy"'
              loupe search vietnam                  (finds "Việt Nam" through a synonym)
              loupe similar reuters-44              (related articles)
              loupe search 'oil AND (price OR prices) -opec' --sort newest --limit 5
              loupe stats

            \(Exit.helpText)
            """,
        version: loupeVersion,
        subcommands: [InitCommand.self, AddCommand.self, SearchCommand.self, GetCommand.self, DeleteCommand.self,
                      StatsCommand.self, MergeCommand.self, CheckCommand.self, AnalyzeCommand.self, SuggestCommand.self,
                      ServeCommand.self, SynonymsCommand.self, SimilarCommand.self, SnapshotCommand.self]
    )
}

@main
enum Main {
    static func main() {
        // A closed pipe (e.g. `loupe search ... | head`) ends the program quietly.
        signal(SIGPIPE, SIG_DFL)
        do {
            var command = try LoupeTool.parseAsRoot()
            try command.run()
        } catch let e as ExitCode {
            exit(e.rawValue)
        } catch let e as ValidationError {
            Terminal.err("loupe: error: \(e.message)")
            exit(Exit.usage.rawValue)
        } catch where error is CLIError || error is LoupeError || error is SchemaFileError || error is CocoaError {
            fail(error)
        } catch {
            commandLineError(error)
        }
        exit(0)
    }
}

/// Help, version and usage errors, as reported by ArgumentParser (help and version exit 0).
func commandLineError(_ error: Error) -> Never {
    if LoupeTool.exitCode(for: error) == .success {
        LoupeTool.exit(withError: error)
    }
    let message = LoupeTool.message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
    Terminal.err("loupe: error: \(message.isEmpty ? "invalid command line" : message)")
    let usage = LoupeTool.usageString(for: error)
    if !usage.isEmpty { Terminal.err(usage) }
    exit(Exit.usage.rawValue)
}

extension LoupeTool {
    /// Usage of the subcommand an error belongs to (ArgumentParser offers the full message only).
    static func usageString(for error: Error) -> String {
        let full = fullMessage(for: error)
        guard let r = full.range(of: "Usage:") else { return "" }
        return String(full[r.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
