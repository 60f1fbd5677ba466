/// Runs several collectors over one search (Tantivy's `MultiCollector`): say, the top hits
/// and a count, or facets later. Pruning happens only if every collector allows it, and a
/// match is then skipped only when none of them wants it.
public final class MultiCollector: Collector {
    /// The collectors, fed in this order.
    public let collectors: [any Collector]

    public init(_ collectors: [any Collector]) { self.collectors = collectors }

    public var scoreMode: ScoreMode {
        let modes = collectors.map(\.scoreMode)
        if modes.allSatisfy({ $0 == .topScores }) && !modes.isEmpty { return .topScores }
        return modes.contains { $0.needsScores } ? .complete : .completeNoScores
    }

    public func leafCollector(for segment: SegmentContext) throws -> any LeafCollector {
        Leaf(try collectors.map { try $0.leafCollector(for: segment) })
    }

    private final class Leaf: LeafCollector {
        let leaves: [any LeafCollector]
        init(_ leaves: [any LeafCollector]) { self.leaves = leaves }
        func collect(_ doc: Int, score: Double) {
            for l in leaves { l.collect(doc, score: score) }
        }
        var minCompetitiveScore: Double { leaves.map(\.minCompetitiveScore).min() ?? -.infinity }
    }
}
