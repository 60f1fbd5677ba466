import Foundation

/// Every error the library throws. Each case's description is one sentence naming the input at fault.
public enum LoupeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A file of the index failed verification (bad magic, version, checksum or structure).
    case corruptFile(path: String, reason: String)
    /// Another writer holds the index lock.
    case locked(path: String)
    /// No index at the path.
    case noIndex(path: String)
    case indexExists(path: String)
    case unknownLanguage(String)
    case invalidSchema(String)
    /// A document was rejected; `source` is "file:line" or similar when known.
    case invalidDocument(source: String, reason: String)
    /// The query text is malformed; `position` is the 0-based character offset in the query.
    case invalidQuery(message: String, position: Int)
    case unknownField(String)
    /// A query of a kind this library cannot run (a type conforming to `Query` outside it).
    case unsupportedQuery(String)
    case io(path: String, reason: String)
    case unsupportedVersion(path: String, found: Int, expected: Int)

    public var description: String {
        switch self {
        case let .corruptFile(path, reason): return "index file \(path) is damaged: \(reason)"
        case let .locked(path): return "the index at \(path) is locked by another writer (lock file \(path)/write.lock)"
        case let .noIndex(path): return "no Loupe index at \(path) (run `loupe init` first)"
        case let .indexExists(path): return "an index already exists at \(path) (use --force to replace it)"
        case let .unknownLanguage(name): return "unknown stemming language '\(name)'"
        case let .invalidSchema(reason): return "invalid schema: \(reason)"
        case let .invalidDocument(source, reason): return source.isEmpty ? "invalid document: \(reason)" : "\(source): \(reason)"
        case let .invalidQuery(message, position): return "invalid query at position \(position): \(message)"
        case let .unknownField(name): return "unknown field '\(name)'"
        case let .unsupportedQuery(kind): return "queries of type \(kind) cannot be run: only Loupe's query kinds can"
        case let .io(path, reason): return "\(path): \(reason)"
        case let .unsupportedVersion(path, found, expected): return "\(path) has format version \(found); this build reads version \(expected)"
        }
    }
}
