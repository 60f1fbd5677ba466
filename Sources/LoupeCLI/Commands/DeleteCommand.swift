import ArgumentParser
import Foundation
import Loupe

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete documents by id, or every document matching a query.",
        discussion: """
            Ids that are not in the index are reported and otherwise ignored. With --query, \
            every match is deleted (use --dry-run first to list them). The deletions are \
            committed together.

            Examples:
              loupe delete reuters-10 reuters-12
              loupe delete --query 'date:[* TO 1987-03-01]' --dry-run
              loupe delete --query 'title:"ohio mattress"'
            """
    )

    @OptionGroup var location: IndexLocation

    @Argument(help: ArgumentHelp("Ids of the documents to delete.", valueName: "ID"))
    var ids: [String] = []

    @Option(help: ArgumentHelp("Delete every document matching this query.", valueName: "QUERY"))
    var query: String?

    @Flag(help: "With --query: match terms with OR instead of AND.")
    var any = false

    @Flag(help: "List what would be deleted without deleting it.")
    var dryRun = false

    func validate() throws {
        if ids.isEmpty && query == nil { throw ValidationError("give the ids to delete, or --query QUERY") }
        if !ids.isEmpty && query != nil { throw ValidationError("give either ids or --query, not both") }
    }

    func run() throws {
        // The writer's lock first: no other writer can change the documents found below.
        let writer = try location.writer()
        defer { writer.close() }
        let index = try location.open()
        var targets: [String] = []
        var missing: [String] = []
        if let query {
            let parsed = try index.searcher.parse(query, defaultOperator: any ? .or : .and)
            let matches = DocSetCollector()
            try index.searcher.search(parsed, collector: matches)
            targets = matches.ids
        } else {
            var seen = Set<String>()
            for id in ids where seen.insert(id).inserted {
                if try index.document(id: id) != nil { targets.append(id) } else { missing.append(id) }
            }
        }
        if dryRun {
            for id in targets { Terminal.out(id) }
            Terminal.err("Would delete \(Format.plural(targets.count, "document")).")
            return
        }
        for id in targets { try writer.delete(id: id) }
        if !targets.isEmpty { try writer.commit(); warnIfMergeSkipped(writer) }
        for id in missing { Terminal.warn("no document with id '\(id)'") }
        let live = writer.documentCount
        Terminal.out("Deleted \(Format.plural(targets.count, "document")); the index has \(Format.plural(live, "document")).")
    }
}
