/// Counts the matches, exactly; scores nothing.
public final class CountCollector: Collector, LeafCollector, BatchLeafCollector {
    /// Matches collected so far.
    public private(set) var count = 0

    public init() {}

    public var scoreMode: ScoreMode { .completeNoScores }

    public func leafCollector(for segment: SegmentContext) -> any LeafCollector { self }

    @inline(__always) public func collect(_ doc: Int, score: Double) { count += 1 }

    func collect(docs: UnsafeBufferPointer<UInt32>) { count += docs.count }

    /// Adds `n` matches a segment counted without iterating (see `Searcher.count(_:)`).
    func add(_ n: Int) { count += n }
}
