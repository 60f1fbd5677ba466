import Foundation

/// Every error the library throws. Each case's description is one sentence naming the input at
/// fault; it says what is wrong, not what to do about it (a front end adds its own advice,
/// such as the command to run). Errors of the library's internals (a structure ending early,
/// a failed system call) never escape: they arrive as `corruptFile` or `io` naming the file.
public enum LoupeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A file of the index failed verification (bad magic, version, checksum or structure).
    case corruptFile(path: String, reason: String)
    /// Another writer holds the index lock.
    case locked(path: String)
    /// No index at the path.
    case noIndex(path: String)
    /// `Index.create`/`IndexWriter.create` found an index at the path and was not told to overwrite it.
    case indexExists(path: String)
    /// A stemming language libstemmer does not provide (`Analyzer.availableLanguages` lists them).
    case unknownLanguage(String)
    /// The schema breaks a rule of `Schema.validate()`; the reason names the field.
    case invalidSchema(String)
    /// A document was rejected; `source` is "file:line" or similar when known.
    case invalidDocument(source: String, reason: String)
    /// The query text is malformed; `position` is the 0-based character offset in the query.
    case invalidQuery(message: String, position: Int)
    /// A query or request names a field the schema does not index.
    case unknownField(String)
    /// A query of a kind this library cannot run (a type conforming to `Query` outside it).
    case unsupportedQuery(String)
    /// Reading or writing the file at `path` failed (missing, permissions, disk full ...);
    /// `reason` is the system's message.
    case io(path: String, reason: String)
    /// The file at `path` is in format version `found`; this build reads only `expected`.
    case unsupportedVersion(path: String, found: Int, expected: Int)
    /// A search request cannot be run as asked: a facet, sort or collapse on a field of the
    /// wrong type, a malformed cursor or one made for another sort order.
    case invalidRequest(String)
    /// A synonyms file breaks the format (see ``Synonyms/parse(_:source:)``): `source` is its
    /// path, `line` the 1-based line (0 for the whole file).
    case invalidSynonyms(source: String, line: Int, reason: String)
    /// No live document has this external id (``Index/similar(to:limit:settings:timeout:)``).
    case unknownDocument(String)

    /// One sentence naming the input at fault, without advice.
    public var description: String {
        switch self {
        case let .corruptFile(path, reason): return "index file \(path) is damaged: \(reason)"
        case let .locked(path): return "the index at \(path) is locked by another writer (lock file \(path)/write.lock)"
        case let .noIndex(path): return "no Loupe index at \(path)"
        case let .indexExists(path): return "an index already exists at \(path)"
        case let .unknownLanguage(name): return "unknown stemming language '\(name)'"
        case let .invalidSchema(reason): return "invalid schema: \(reason)"
        case let .invalidDocument(source, reason): return source.isEmpty ? "invalid document: \(reason)" : "\(source): \(reason)"
        case let .invalidQuery(message, position): return "invalid query at position \(position): \(message)"
        case let .unknownField(name): return "unknown field '\(name)'"
        case let .unsupportedQuery(kind): return "queries of type \(kind) cannot be run: only Loupe's query kinds can"
        case let .io(path, reason): return "\(path): \(reason)"
        case let .unsupportedVersion(path, found, expected): return "\(path) has format version \(found); this build reads version \(expected)"
        case let .invalidRequest(reason): return "invalid search request: \(reason)"
        case let .unknownDocument(id): return "no document with id '\(id)'"
        case let .invalidSynonyms(source, line, reason): return line > 0 ? "\(source):\(line): \(reason)" : "\(source): \(reason)"
        }
    }
}
