import Foundation

extension DecodingError {
    /// A short reason for an error message naming the input: `missing "fields"`,
    /// `.fields[0].boost should be a number`, `malformed JSON (unexpected end of file)`.
    var reason: String {
        func path(_ ctx: Context) -> String {
            ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch self {
        case let .keyNotFound(key, ctx):
            return "missing \"\(key.stringValue)\"" + (ctx.codingPath.isEmpty ? "" : " in \(path(ctx))")
        case let .typeMismatch(type, ctx):
            return ctx.codingPath.isEmpty ? "expected \(DecodingError.kind(type))" : "\(path(ctx)) should be \(DecodingError.kind(type))"
        case let .valueNotFound(type, ctx):
            return ctx.codingPath.isEmpty ? "expected \(DecodingError.kind(type)), not null" : "\(path(ctx)) is null"
        case let .dataCorrupted(ctx):
            var detail = ctx.debugDescription
            if let underlying = ctx.underlyingError as NSError?,
               let d = underlying.userInfo[NSDebugDescriptionErrorKey] as? String { detail = d }
            detail = detail.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
            return "malformed JSON" + (detail.isEmpty || detail.hasPrefix("The given data was not valid JSON") ? "" : " (\(detail))")
        @unknown default:
            return "malformed JSON"
        }
    }

    /// "a string", "a number", ... for the Swift type a decoder expected.
    private static func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is Double.Type: return "a number"
        default: return String(describing: type).hasPrefix("Array") ? "an array" : "a JSON object"
        }
    }
}
