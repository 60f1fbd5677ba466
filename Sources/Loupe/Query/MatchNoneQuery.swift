/// Matches no document: what query text parses to when every clause was ignored (see
/// ``ParsedQuery/ignored``), so that such a search finds nothing rather than failing.
public struct MatchNoneQuery: Query, Hashable {
    public init() {}

    /// Empty: the query text that led here had nothing searchable.
    public var description: String { "" }
}

extension MatchNoneQuery: WeightBuilding {
    func weight(_ context: WeightContext) throws -> Weight { MatchNoneWeight() }
}
