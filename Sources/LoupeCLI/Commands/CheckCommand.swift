import ArgumentParser
import Foundation
import Loupe

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify every file and structure of the index.",
        discussion: """
            Checks each file's checksum, then decodes every term, postings list, position and \
            stored document and checks their invariants. A damaged index exits with status 3 \
            and names the damaged file.

            Other commands check only file headers, footers and structures when they open the \
            index (fast at any size; --verify adds the checksums): run check after copying an \
            index or when a disk is suspect.

            Examples:
              loupe check
              loupe check --index /data/news && echo healthy
            """
    )

    @OptionGroup var location: IndexLocation

    func run() throws {
        let start = now()
        let r = try IndexChecker.check(directory: location.path)
        Terminal.out("OK: \(location.path) is healthy: \(Format.plural(r.segments, "segment")), \(Format.plural(r.documents, "document")), "
            + "\(Format.plural(r.terms, "term")), \(Format.plural(r.postings, "posting")), \(Format.plural(r.positions, "position")) "
            + "in \(Format.plural(r.files, "file")) checked in \(Format.elapsed(now() - start)).")
    }
}
