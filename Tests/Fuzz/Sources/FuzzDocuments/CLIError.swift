// What the `loupe add` input readers (linked in from Sources/LoupeCLI/Input) need from the
// rest of the command-line tool: its error type, without the exit statuses.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
    static func badInput(_ m: String) -> CLIError { CLIError(message: m) }
    static func io(_ m: String) -> CLIError { CLIError(message: m) }
}
