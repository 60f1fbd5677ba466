/// Every live document, scoring 0 (an empty query; the positive side of a query made only of
/// negations). Written `*:*`.
public struct MatchAllQuery: Query, Hashable {
    public init() {}
    public var description: String { "*:*" }
}

extension MatchAllQuery: WeightBuilding {
    func weight(_ context: WeightContext) throws -> Weight { MatchAllWeight() }
}

final class MatchAllWeight: Weight {
    func scorer(_ segment: SegmentContext) -> Scorer? { AllDocsScorer(count: segment.segment.docCount) }
    func explain(_ segment: SegmentContext, doc: UInt32) -> [Explanation.Entry]? { [] }
    func count(_ segment: SegmentContext) -> Int? { segment.segment.docCount }
}

/// Every document of the segment.
final class AllDocsScorer: Scorer {
    let count: UInt32
    private var started = false
    init(count: Int) { self.count = UInt32(count); super.init() }
    override var cost: Int { Int(count) }
    override func next() -> UInt32 {
        if !started { started = true; doc = 0 } else { doc += 1 }
        if doc >= count { doc = Scorer.noMore }
        return doc
    }
    override func advance(_ target: UInt32) -> UInt32 {
        started = true
        doc = target < count ? target : Scorer.noMore
        return doc
    }
    override func shallowBound(_ target: UInt32) -> (bound: Double, upTo: UInt32) { (0, Scorer.noMore - 2) }
}
