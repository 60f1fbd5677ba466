/// Every word starting with a prefix (`legac*`), in one field or the default fields.
///
/// The prefix is folded like indexed text (lower case, accents removed) but not stemmed: a
/// stem need not be a prefix of the words it stems from. It expands to the dictionary terms
/// that start with it, each scored as a term and summed, at most `WeightContext.maxExpansions`
/// of them per field (1,024; less when the query's prefixes share the 4,096 expansions of
/// `WeightContext.maxTotalExpansions`): the most frequent (live document frequency, highest
/// first), ties broken by term bytes, among the first 4 × that many terms in byte order, so the
/// same index always expands the same way.
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
            // Distinct terms over the segments; past 4 × cap the rarest would not be kept anyway.
            var seen = Set<[UInt8]>()
            var bytes = Array(folded.utf8)
            bytes.withUnsafeMutableBytes { prefix in
                for seg in context.reader.segments {
                    seg.terms.forEachTerm(field: f, prefix: UnsafeRawBufferPointer(prefix)) { t, _ in
                        if seen.count < cap * 4 { seen.insert(Array(t)) }
                        return seen.count < cap * 4
                    }
                }
            }
            var expanded = seen.map { context.weightedTerm(field: f, term: $0) }.filter { $0.states.docFreq > 0 }
            if expanded.count > cap {
                expanded.sort {
                    $0.states.docFreq != $1.states.docFreq ? $0.states.docFreq > $1.states.docFreq
                        : $0.states.term.lexicographicallyPrecedes($1.states.term)
                }
                expanded.removeLast(expanded.count - cap)
            }
            expanded.sort { $0.states.term.lexicographicallyPrecedes($1.states.term) }
            leaves += expanded
        }
        if leaves.isEmpty { return MatchNoneWeight() }
        return TermsWeight(leaves, context: context, highlight: leaves.map { [$0.states.text] })
    }
}
