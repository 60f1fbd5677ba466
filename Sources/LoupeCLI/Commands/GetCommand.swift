import ArgumentParser
import Foundation
import Loupe

struct GetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print a stored document as JSON.",
        discussion: """
            The output has the same keys as `loupe add` reads (id, date, then the stored fields), \
            so it can be edited and added again. An absent id exits with status 2.

            Examples:
              loupe get reuters-10
              loupe get samples/seeds/000_fd2d3813decb2b3a.txt --compact
            """
    )

    @OptionGroup var location: IndexLocation
    @OptionGroup var checksums: VerifyOption

    @Argument(help: "The document's id.")
    var id: String

    @Flag(help: "One line instead of indented JSON.")
    var compact = false

    func run() throws {
        let index = try location.open(verify: checksums.verify)
        guard let doc = try index.document(id: id) else {
            throw CLIError.badInput("no document with id '\(id)' in \(location.path)")
        }
        try Terminal.json(StoredDocumentJSON(doc, schema: index.schema), pretty: !compact)
    }
}
