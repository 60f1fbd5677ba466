/// Every word starting with a prefix (`legac*`), in one field or the default fields.
///
/// The prefix is folded like indexed text (lower case, accents removed) but not stemmed: a
/// stem need not be a prefix of the words it stems from. It expands to the dictionary terms
/// that start with it, each scored as a term and summed, at most `WeightContext.maxExpansions`
/// of them per field (1,024; less when the query's prefixes share the 4,096 expansions of
/// `WeightContext.maxTotalExpansions`). Which ones, when more terms start with the prefix, is
/// deterministic: the most frequent (document frequency summed over the segments, deleted
/// documents included, as the dictionaries record it; highest first), ties broken by term
/// bytes (lowest first). So `s*` always expands, and ranks, the same way on the same index.
public struct PrefixQuery: Query, Hashable {
    /// The prefix, without the `*`.
    public var prefix: String
    /// The field searched; nil for the default fields.
    public var field: String?

    public init(_ prefix: String, field: String? = nil) {
        self.prefix = prefix
        self.field = field
    }

    public var description: String { QuerySyntax.fieldPrefix(field) + QuerySyntax.escapeWord(prefix) + "*" }
}

extension PrefixQuery: WeightBuilding {
    func weight(_ context: WeightContext) throws -> Weight {
        let folded = context.analyzer.normalize(prefix)
        guard !folded.isEmpty else { return MatchNoneWeight() }
        let cap = context.maxExpansions
        var leaves: [WeightedTerm] = []
        for f in try context.fieldNumbers(field) {
            // Every term with the prefix, with its document frequency over the segments.
            var frequencies: [[UInt8]: Int] = [:]
            var bytes = Array(folded.utf8)
            let deadline = context.deadline
            bytes.withUnsafeMutableBytes { prefix in
                for seg in context.reader.segments {
                    if deadline?.expired == true { break }
                    seg.terms.forEachTerm(field: f, prefix: UnsafeRawBufferPointer(prefix)) { t, info in
                        frequencies[Array(t), default: 0] += Int(info.docFreq)
                        return !(deadline?.tick() ?? false)
                    }
                }
            }
            if deadline?.expired == true { return MatchNoneWeight() }
            var ranked = frequencies.map { (term: $0.key, df: $0.value) }
            if ranked.count > cap {
                ranked.sort { $0.df != $1.df ? $0.df > $1.df : $0.term.lexicographicallyPrecedes($1.term) }
                ranked.removeLast(ranked.count - cap)
            }
            ranked.sort { $0.term.lexicographicallyPrecedes($1.term) }
            leaves += ranked.map { context.weightedTerm(field: f, term: $0.term) }.filter { $0.states.docFreq > 0 }
        }
        if leaves.isEmpty { return MatchNoneWeight() }
        return TermsWeight(leaves, context: context, highlight: leaves.map { [$0.states.text] })
    }
}
