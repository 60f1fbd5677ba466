import ArgumentParser
import Foundation
import Loupe

struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add documents from files, directories or standard input.",
        discussion: """
            Inputs:
              .jsonl .ndjson   JSON Lines: one object per line
              .json            a JSON array of objects (or one object)
              .txt .md         one document per file: id = the file's path as given, title = \
            the first non-empty line, body = the rest
              DIR              every such file below DIR (hidden entries skipped)
              -                standard input (JSON Lines unless --format says otherwise)
            Each may be gzip-compressed (.gz).

            A JSON object has "id" (string or integer, required), "date" (ISO-8601, optional) \
            and values for the schema's fields (news schema: "title", "body", "url"): a string \
            for text and keyword fields, a number for number fields, ISO-8601 text or seconds \
            since 1970 for date fields, an array of those for a multi-valued field. A key that \
            is not in the schema is an error; --ignore-unknown drops such keys instead. \
            A document whose id exists replaces it. Text files fill "title" and "body" only.

            Input is all or nothing: at the first bad record (malformed JSON, invalid UTF-8, \
            missing id, bad date, unknown field, a value of the wrong type, oversized document) \
            loupe names the file and \
            line, commits nothing and exits with status 2. With --skip-invalid it reports each \
            bad record, commits the others and still exits with status 2 if any was skipped.

            Examples:
              loupe add articles.jsonl
              loupe add samples/reuters-sample.jsonl samples/seeds/
              loupe add --ignore-unknown extra-keys.jsonl
              zcat dump.jsonl.gz | loupe add - --threads 2
              loupe add --skip-invalid --memory-budget 512 big.ndjson.gz
            """
    )

    @OptionGroup var location: IndexLocation

    @Argument(help: ArgumentHelp("Files, directories, or - for standard input.", valueName: "PATH"))
    var paths: [String]

    @Option(help: "How to read the inputs: auto (by extension), jsonl, json or text.")
    var format: InputFormat = .auto

    @Flag(help: "Drop JSON keys that are not fields of the schema instead of failing.")
    var ignoreUnknown = false

    @Flag(help: "Commit the valid documents and report each invalid one, instead of adding nothing.")
    var skipInvalid = false

    @Option(help: "Indexing threads.")
    var threads: Int = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))

    @Option(name: .customLong("memory-budget"), help: ArgumentHelp("Memory for in-memory segments before they are written, in MB.", valueName: "MB"))
    var memoryBudget: Int = 192

    @Option(help: ArgumentHelp("Largest accepted document (sum of its field values), in bytes.", valueName: "BYTES"))
    var maxDocumentBytes: Int = 16 << 20

    @Flag(help: "Do not show the progress bar.")
    var quiet = false

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one PATH (or - for standard input)") }
        guard threads >= 1, threads <= 256 else { throw ValidationError("--threads must be between 1 and 256") }
        guard memoryBudget >= 1 else { throw ValidationError("--memory-budget must be at least 1 (MB)") }
        guard maxDocumentBytes >= 1 else { throw ValidationError("--max-document-bytes must be positive") }
        guard paths.filter({ $0 == "-" }).count <= 1 else { throw ValidationError("standard input (-) can be given once") }
    }

    func run() throws {
        let start = now()
        var options = IndexWriterOptions()
        options.threads = threads
        options.memoryBudgetBytes = memoryBudget << 20
        options.maxDocumentBytes = maxDocumentBytes
        let writer = try location.writer(options)
        defer { writer.close() }  // without a commit this leaves the index as it was
        let parser = RecordParser(schema: writer.schema, ignoreUnknown: ignoreUnknown)
        let input = try DocumentInput(paths: paths, format: format, parser: parser, maxDocumentBytes: maxDocumentBytes)
        let progress = ProgressBar(totalBytes: input.totalBytes, enabled: !quiet && Terminal.stderrIsTerminal)
        var added = 0, skipped = 0
        func reject(_ e: LoupeError) throws {
            guard skipInvalid else { throw e }
            skipped += 1
            progress.finish()
            Terminal.warn("skipped \(e.description)")
        }
        do {
            try input.forEach { item in
                switch item {
                case let .document(doc, source):
                    do {
                        try writer.validate(doc, source: source)
                    } catch let e as LoupeError {
                        try reject(e)
                        return
                    }
                    try writer.add(doc)
                    added += 1
                case let .invalid(e):
                    try reject(e)
                }
                progress.update(documents: added, bytes: input.bytesRead)
            }
            progress.update(documents: added, bytes: input.bytesRead, force: true)
            try writer.commit()
        } catch {
            progress.finish()
            writer.rollback()
            if !(error is LoupeError && (error as! LoupeError).exit == .badInput) || skipInvalid {
                throw error
            }
            throw CLIError.badInput("\(error) (nothing was added; fix the input or use --skip-invalid)")
        }
        progress.finish()
        let elapsed = now() - start
        let live = writer.documentCount
        let rate = elapsed > 0 ? Double(added) / elapsed : 0
        var summary = "Added \(Format.plural(added, "document")) (\(Format.megabytes(input.bytesRead)) from \(Format.plural(input.files.count, "input"))) in \(Format.elapsed(elapsed)), \(Format.count(Int(rate))) docs/s"
        if skipped > 0 { summary += "; skipped \(Format.plural(skipped, "invalid record"))" }
        summary += "; the index has \(Format.plural(live, "document"))."
        Terminal.out(summary)
        warnIfMergeSkipped(writer)
        if skipped > 0 { throw ExitCode(Exit.badInput.rawValue) }
    }
}

/// The commit succeeded but the automatic merge after it failed (a full disk, say): the
/// documents are durable, so the command still succeeds, with a warning.
func warnIfMergeSkipped(_ writer: IndexWriter) {
    guard let e = writer.skippedMerge else { return }
    Terminal.warn("the automatic merge after the commit was skipped (\(describe(e).message)); the changes are committed; `loupe merge` or the next commit will merge")
}
