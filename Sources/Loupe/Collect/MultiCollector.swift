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

    /// Feeds every leaf each match. The leaves are called through unretained references in
    /// a buffer of their own (`leaves` keeps them alive): iterating an array of class
    /// existentials retained and released each leaf on every match, which was 40 % of a
    /// facet search's time.
    private final class Leaf: BatchLeafCollector {
        let leaves: [any LeafCollector]
        private struct Ref { unowned(unsafe) let leaf: any LeafCollector }
        private let refs: UnsafeMutableBufferPointer<Ref>

        init(_ leaves: [any LeafCollector]) {
            self.leaves = leaves
            refs = .allocate(capacity: leaves.count)
            _ = refs.initialize(from: leaves.map { Ref(leaf: $0) })
        }

        deinit { refs.deallocate() }

        func collect(_ doc: Int, score: Double) {
            for i in 0..<refs.count { refs[i].leaf.collect(doc, score: score) }
        }

        func collect(docs: UnsafeBufferPointer<UInt32>) {
            for i in 0..<refs.count {
                if let batch = refs[i].leaf as? any BatchLeafCollector { batch.collect(docs: docs) }
                else { for d in docs { refs[i].leaf.collect(Int(d), score: 0) } }
            }
        }

        var minCompetitiveScore: Double {
            var m = Double.infinity
            for i in 0..<refs.count { m = min(m, refs[i].leaf.minCompetitiveScore) }
            return refs.count == 0 ? -.infinity : m
        }
    }
}
