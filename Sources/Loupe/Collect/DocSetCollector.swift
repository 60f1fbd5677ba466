/// Every match's address and external id, in index order (what `loupe delete --query` deletes).
/// Scores nothing; O(matches) memory.
public final class DocSetCollector: Collector {
    /// The matches' addresses, in index order.
    public private(set) var addresses: [IndexReader.DocAddress] = []
    /// The matches' external ids, in the same order.
    public private(set) var ids: [String] = []

    public init() {}

    public var scoreMode: ScoreMode { .completeNoScores }

    public func leafCollector(for segment: SegmentContext) -> any LeafCollector { Leaf(self, segment) }

    private final class Leaf: LeafCollector {
        let parent: DocSetCollector
        let context: SegmentContext
        init(_ parent: DocSetCollector, _ context: SegmentContext) { self.parent = parent; self.context = context }
        func collect(_ doc: Int, score: Double) {
            parent.addresses.append(IndexReader.DocAddress(segment: context.ordinal, doc: doc))
            parent.ids.append(context.id(of: doc))
        }
    }
}
