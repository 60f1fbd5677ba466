// CONTRACT (to be implemented by the analysis work): the public shape other folders rely on.

/// One token of analyzed text.
public struct Token: Hashable, Sendable {
    /// The normalized, folded and (optionally) stemmed term.
    public var term: String
    /// Token ordinal within the analyzed text (0-based).
    public var position: Int
    /// Byte offsets (UTF-8) of the token in the original, un-normalized text: `start..<end`.
    public var startOffset: Int
    public var endOffset: Int
}

/// Turns text into terms. Not thread-safe (it owns a Snowball stemmer): use one per thread.
public final class Analyzer {
    public let language: String?
    /// `language` is a Snowball algorithm name ("english", "french", ...), or nil / "none" for no stemming.
    /// Throws `LoupeError.unknownLanguage` for a name libstemmer does not know.
    public init(language: String?) throws { fatalError("contract") }

    /// All tokens of `text` with positions and original byte offsets.
    public func analyze(_ text: String) -> [Token] { fatalError("contract") }

    /// Hot path for indexing and query analysis: calls `body(termBytes, position)` for each token.
    /// `termBytes` is valid only during the call (a reused buffer; no allocation per token).
    /// Returns the number of positions used (the field length).
    @discardableResult
    public func forEachTerm(in text: String, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) -> Int { fatalError("contract") }

    /// Names of the Snowball languages libstemmer provides.
    public static var availableLanguages: [String] { fatalError("contract") }
}
