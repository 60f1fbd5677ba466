/// A term exactly as the index holds it (already analyzed: folded and stemmed), in one field
/// or the default fields: how a related-articles query names the terms it picked from an
/// article's analyzed text, which analyzing again could change (a stem need not stem to itself).
///
/// Scored like a ``TermQuery``. Built in code only: its `description` (`body:legaci`) reads
/// back through the parser as a ``TermQuery``, which analyzes the text again.
public struct IndexedTermQuery: Query, Hashable {
    /// The analyzed term.
    public var term: String
    /// The field searched; nil for the default fields.
    public var field: String?

    public init(_ term: String, field: String? = nil) {
        self.term = term
        self.field = field
    }

    public var description: String { QuerySyntax.fieldPrefix(field) + QuerySyntax.escapeWord(term) }
}

extension IndexedTermQuery: WeightBuilding {
    func weight(_ context: WeightContext) throws -> Weight {
        guard !term.isEmpty else { return MatchNoneWeight() }
        let leaves = try context.fieldNumbers(field).map { context.weightedTerm(field: $0, term: Array(term.utf8)) }
        return TermsWeight(leaves, context: context, highlight: [[term]])
    }
}
