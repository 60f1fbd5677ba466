import ArgumentParser
import Foundation
import Loupe

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge segments (and drop deleted documents) for faster searches.",
        discussion: """
            Examples:
              loupe merge                 # one segment
              loupe merge --segments 4
            """
    )

    @OptionGroup var location: IndexLocation

    @Option(help: "Merge until at most this many segments remain.")
    var segments: Int = 1

    func validate() throws {
        guard segments >= 1 else { throw ValidationError("--segments must be at least 1") }
    }

    func run() throws {
        let start = now()
        let writer = try location.writer()
        defer { writer.close() }
        let before = writer.segmentCount
        let deleted = writer.deletedDocumentCount
        try writer.forceMerge(maxSegments: segments)
        let after = writer.segmentCount
        let size = writer.segmentBytes
        let live = writer.documentCount
        if before == after && deleted == 0 {
            Terminal.out("Nothing to merge: \(Format.plural(after, "segment")), \(Format.plural(live, "document")).")
        } else {
            Terminal.out("Merged \(Format.plural(before, "segment")) into \(after) (\(Format.plural(live, "document")), \(Format.bytes(size))) in \(Format.elapsed(now() - start)).")
        }
    }
}
