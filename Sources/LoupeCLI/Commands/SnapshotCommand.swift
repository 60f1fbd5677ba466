import ArgumentParser
import Foundation
import Loupe

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Copy one consistent commit of the index into DEST, while writes go on.",
        discussion: """
            DEST is created, or is an empty directory, or holds an earlier snapshot of the same \
            index, which is brought up to date: only new files are added, the manifest is \
            replaced last (atomically), then files the new commit no longer needs are removed. \
            A reader of DEST (such as `loupe serve --index DEST`) therefore always sees a \
            complete commit. Files are hard-linked when DEST is on the same file system \
            (instant, no extra space: index files are never modified in place), copied \
            otherwise.

            Use it for backups and to keep replicas current (see the README's "Serving" \
            section for copying to other machines).

            Examples:
              loupe snapshot /backups/news-2026-12-03
              loupe snapshot --index /srv/news /srv/replica    # run again to update
              loupe snapshot --copy /mnt/backup/news
            """
    )

    @OptionGroup var location: IndexLocation

    @Argument(help: ArgumentHelp("The directory to copy the commit into.", valueName: "DEST"))
    var destination: String

    @Flag(help: "Copy every file instead of hard-linking.")
    var copy = false

    func run() throws {
        let start = now()
        let r = try Snapshot.take(from: location.path, to: destination, mode: copy ? .copy : .linkOrCopy)
        var parts: [String] = []
        if r.linked > 0 { parts.append("\(r.linked) linked") }
        if r.copied > 0 { parts.append("\(r.copied) copied (\(Format.bytes(r.bytesCopied)))") }
        if r.kept > 0 { parts.append("\(r.kept) already there") }
        if r.removed > 0 { parts.append("\(r.removed) obsolete removed") }
        let files = parts.isEmpty ? "no files" : "files: " + parts.joined(separator: ", ")
        Terminal.out("Snapshot of commit \(r.generation) (\(Format.plural(r.documents, "document"))) in \(destination): \(files); "
            + "took \(Format.elapsed(now() - start)).")
    }
}
