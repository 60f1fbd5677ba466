/// A query whose score is multiplied by a positive factor: `oil^2`, `"war legacy"^3` and
/// `(oil OR gas)^0.5` in query text, and the weighted terms of a related-articles query.
///
/// It matches exactly what `query` matches. The factor scales every score and score bound of
/// the inner scorer, so block-max pruning stays exact; a boost of 1 is the query itself.
public struct BoostQuery: Query {
    /// The query boosted.
    public var query: any Query
    /// The factor, finite and greater than 0.
    public var boost: Double

    /// `query` scored `boost` times as much. `boost` must be finite and greater than 0.
    public init(_ query: any Query, boost: Double) {
        precondition(boost.isFinite && boost > 0, "a boost must be finite and greater than 0")
        self.query = query
        self.boost = boost
    }

    public func isEqual(to other: any Query) -> Bool {
        guard let o = other as? BoostQuery else { return false }
        return o.boost == boost && o.query.isEqual(to: query)
    }

    /// `inner^B`, the inner query parenthesized when it is a boolean combination.
    public var description: String {
        let inner = query is BooleanQuery ? "(" + query.description + ")" : query.description
        return inner + "^" + QuerySyntax.number(boost)
    }
}

extension Query where Self == BoostQuery {
    /// `query` with its score multiplied by `boost` (see ``BoostQuery``).
    public static func boost(_ query: any Query, _ boost: Double) -> BoostQuery { BoostQuery(query, boost: boost) }
}

extension BoostQuery: WeightBuilding {
    func weight(_ context: WeightContext) throws -> Weight {
        let inner = try context.weight(query)
        return boost == 1 ? inner : ScaledWeight(inner, factor: boost)
    }
}
