import Foundation
import Loupe

/// The exit statuses of `loupe` (documented in the README and in `loupe --help`).
enum Exit: Int32 {
    /// Success.
    case ok = 0
    /// Bad command line: unknown option, missing argument, invalid value.
    case usage = 1
    /// Bad input or query: a rejected document, a malformed query, a bad date or schema,
    /// an unknown language, an absent document id.
    case badInput = 2
    /// The index is damaged, locked by another writer, missing, of another format version,
    /// or already exists (`init` without `--force`).
    case index = 3
    /// Reading or writing a file failed.
    case io = 4

    static let helpText = """
        Exit status: 0 success, 1 usage error, 2 bad input or query, \
        3 index damaged, locked, missing or already existing, 4 I/O error.
        """
}

/// An error raised by the command-line layer: one sentence and an exit status.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var exit: Exit
    init(_ message: String, exit: Exit) { self.message = message; self.exit = exit }
    var description: String { message }

    static func badInput(_ m: String) -> CLIError { CLIError(m, exit: .badInput) }
    static func io(_ m: String) -> CLIError { CLIError(m, exit: .io) }
    static func usage(_ m: String) -> CLIError { CLIError(m, exit: .usage) }
}

extension LoupeError {
    var exit: Exit {
        switch self {
        case .invalidDocument, .invalidQuery, .unknownField, .unsupportedQuery, .invalidSchema, .unknownLanguage, .invalidRequest, .invalidSynonyms, .unknownDocument: return .badInput
        case .corruptFile, .locked, .noIndex, .indexExists, .unsupportedVersion: return .index
        case .io: return .io
        }
    }

    /// What the user can do about the error with `loupe`, when there is something to say
    /// (the library's descriptions say only what is wrong).
    var advice: String? {
        switch self {
        case .noIndex: return "run `loupe init` first"
        case .indexExists: return "use --force to replace it"
        default: return nil
        }
    }
}

/// The message and status for any error reaching the top level.
func describe(_ error: Error) -> (message: String, exit: Exit) {
    switch error {
    case let e as CLIError: return (e.message, e.exit)
    case let e as LoupeError: return (e.description + (e.advice.map { " (\($0))" } ?? ""), e.exit)
    case let e as SchemaFileError: return (e.description, e.problem == .unreadable ? .io : .badInput)
    case let e as CocoaError where e.code == .fileReadNoSuchFile || e.code == .fileNoSuchFile:
        return ("\(e.filePath ?? "a file") does not exist", .io)
    case let e as CocoaError: return ("\(e.filePath.map { $0 + ": " } ?? "")\(e.localizedDescription)", .io)
    default:
        let text = String(describing: error)
        return (text.hasSuffix(".") ? String(text.dropLast()) : text, .io)
    }
}

/// Prints `loupe: error: ...` on standard error and exits with the error's status.
func fail(_ error: Error) -> Never {
    let (message, code) = describe(error)
    Terminal.err("loupe: error: \(message)")
    exit(code.rawValue)
}
