import ArgumentParser
import Foundation
import Loupe

/// `--index DIR`, shared by every command. Defaults to `$LOUPE_INDEX`, else `./Index`.
struct IndexLocation: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The index directory (default: $LOUPE_INDEX, else ./Index).", valueName: "DIR"))
    var index: String?

    var path: String {
        if let index { return index }
        if let env = ProcessInfo.processInfo.environment["LOUPE_INDEX"], !env.isEmpty { return env }
        return "./Index"
    }

    /// Opens the index for searching: headers, footers and structures are checked (time
    /// independent of the index's size); `verify` also checks every file's checksum.
    func open(verify: Bool = false) throws -> Index { try Index.open(at: path, verify: verify) }

    func writer(_ options: IndexWriterOptions = .init()) throws -> IndexWriter {
        try IndexWriter.open(directory: path, options: options)
    }
}

/// `--index DIR`, repeatable: the indexes `loupe search` searches as one (shards). Without
/// it, the one index of `IndexLocation`'s default.
struct IndexLocations: ParsableArguments {
    @Option(name: .customLong("index"), help: ArgumentHelp(
        "The index directory (default: $LOUPE_INDEX, else ./Index). Repeat it to search several indexes (shards of one collection) as one.",
        valueName: "DIR"))
    var indexes: [String] = []

    var paths: [String] { indexes.isEmpty ? [IndexLocation().path] : indexes }

    /// The first index (its schema is every shard's).
    var first: IndexLocation {
        var l = IndexLocation()
        l.index = paths[0]
        return l
    }
}

/// Parses a timeout option (`--timeout 250ms`): see `TimeoutText`.
func parseTimeoutOption(_ text: String?, name: String) throws -> Duration? {
    guard let text else { return nil }
    guard let d = TimeoutText.parse(text) else {
        throw CLIError.badInput("--\(name) '\(text)' is not a timeout (\(TimeoutText.forms), at most a day)")
    }
    return d
}

/// `--verify`, for the commands that read an index.
struct VerifyOption: ParsableArguments {
    @Flag(name: .long, help: "Check every index file's checksum before reading (reads the whole index once; without it only headers, footers and structures are checked, and 'loupe check' checks everything).")
    var verify = false
}

/// Parses a date option (`--after`, `--before`): ISO-8601 date or date-time.
func parseDateOption(_ text: String?, name: String, endOfDay: Bool) throws -> Int64? {
    guard let text else { return nil }
    // A year or a month stands for its whole period: --after 2024 --before 2025-06.
    guard let period = ISODate.parsePeriod(text) else {
        throw CLIError.badInput("--\(name) '\(text)' is not a date (use 2025, 2025-06, 2025-06-01 or an ISO-8601 date-time such as 2025-06-01T12:00:00Z)")
    }
    return endOfDay ? period.upperBound : period.lowerBound
}
