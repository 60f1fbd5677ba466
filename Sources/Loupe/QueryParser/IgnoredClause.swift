/// A clause of the query text that was left out of the search because it analyzes to no
/// term (`&` in `oil & gas`, `—` in `HÀ NỘI — State President`): it could never match.
public struct IgnoredClause: Hashable, Sendable, Codable {
    /// The clause as written, with its field when it had one (`title:&`).
    public var text: String
    /// The 0-based position of its first character in the query, in characters.
    public var position: Int

    public init(text: String, position: Int) {
        self.text = text
        self.position = position
    }
}

/// Parsed query text: the query searched and the clauses left out of it.
public struct ParsedQuery: Sendable {
    /// What is searched.
    public var query: any Query
    /// The clauses dropped because they analyze to no term, in query order.
    public var ignored: [IgnoredClause]

    public init(query: any Query, ignored: [IgnoredClause] = []) {
        self.query = query
        self.ignored = ignored
    }
}

extension Analyzer {
    /// Whether `text` analyzes to at least one term (a query clause that does not is ignored).
    func hasTerms(_ text: String) -> Bool {
        var found = false
        forEachTerm(in: text) { _, _ in found = true }
        return found
    }
}
