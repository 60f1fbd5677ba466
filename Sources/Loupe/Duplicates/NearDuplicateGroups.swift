/// Groups the matches of a search into near-duplicate clusters, from their MinHash signatures
/// (see `MinHash`): a collector fed every match, after which `groupKey(segment:doc:)` names
/// each match's cluster.
///
/// Candidate pairs come from locality-sensitive hashing: each signature is cut into
/// `MinHash.bands` bands, and matches sharing a band's values are compared on their whole
/// signature; a pair whose share of agreeing values reaches the threshold is joined
/// (union-find, so clusters are the connected components: single linkage). O(matches ×
/// bands) hash-table operations plus one 64-value comparison per candidate pair; memory
/// about 200 bytes per match. Matches without a signature (no words in the field, or written
/// before the schema asked for signatures) are each their own cluster.
public final class NearDuplicateGroups: Collector, LeafCollector {
    let threshold: Double
    /// Per segment ordinal: match index of each document, -1 when it is not a match.
    private var matchIndex: [[Int32]] = []
    private var parent: [Int32] = []
    private var signatures: [UInt16] = []
    private var hasSignature: [Bool] = []
    private var bandOwner: [UInt64: Int32] = [:]
    private var column: ColumnReader?
    private var segment = 0
    private var scratch = [UInt16](repeating: 0, count: MinHash.bins)

    /// Clusters at estimated Jaccard similarity `threshold` (the schema's `nearDuplicates`).
    public init(threshold: Double) { self.threshold = threshold }

    public var scoreMode: ScoreMode { .completeNoScores }

    public func leafCollector(for context: SegmentContext) -> any LeafCollector {
        segment = context.ordinal
        while matchIndex.count <= segment { matchIndex.append([]) }
        matchIndex[segment] = [Int32](repeating: -1, count: context.segment.docCount)
        column = context.segment.columns.signatures
        return self
    }

    public func collect(_ doc: Int, score: Double) {
        let me = Int32(parent.count)
        matchIndex[segment][doc] = me
        parent.append(me)
        var has = false
        if let column {
            let r = column.range(doc)
            if r.count == MinHash.bins {
                has = true
                for (k, i) in r.enumerated() { scratch[k] = UInt16(truncatingIfNeeded: column.values[i]) }
            }
        }
        hasSignature.append(has)
        if !has {
            signatures.append(contentsOf: repeatElement(0, count: MinHash.bins))
            return
        }
        signatures.append(contentsOf: scratch)
        let rows = MinHash.bins / MinHash.bands
        for band in 0..<MinHash.bands {
            var h = MinHash.mix(UInt64(band))
            for k in 0..<rows { h = MinHash.mix(h ^ UInt64(scratch[band * rows + k])) }
            if let other = bandOwner[h] {
                if find(other) != find(me), similar(Int(other), Int(me)) { union(other, me) }
            } else {
                bandOwner[h] = me
            }
        }
    }

    private func similar(_ a: Int, _ b: Int) -> Bool {
        var agree = 0
        for k in 0..<MinHash.bins where signatures[a * MinHash.bins + k] == signatures[b * MinHash.bins + k] { agree += 1 }
        return Double(agree) >= threshold * Double(MinHash.bins)
    }

    private func find(_ x: Int32) -> Int32 {
        var r = x
        while parent[Int(r)] != r { r = parent[Int(r)] }
        var y = x
        while parent[Int(y)] != r { let next = parent[Int(y)]; parent[Int(y)] = r; y = next }
        return r
    }

    private func union(_ a: Int32, _ b: Int32) {
        let ra = find(a), rb = find(b)
        if ra == rb { return }
        // The earlier match (in index order) stays the root: keys do not depend on insertion luck.
        if ra < rb { parent[Int(rb)] = ra } else { parent[Int(ra)] = rb }
    }

    /// The cluster of match `doc` of segment `segment`: the match index of the cluster's
    /// first member in index order. Nil when the document was not a match.
    public func groupKey(segment: Int, doc: Int) -> Int64? {
        guard segment < matchIndex.count, doc < matchIndex[segment].count else { return nil }
        let i = matchIndex[segment][doc]
        return i < 0 ? nil : Int64(find(i))
    }

    /// Number of matches seen.
    public var matchCount: Int { parent.count }

    /// Number of clusters among the matches.
    public var groupCount: Int { (0..<parent.count).reduce(0) { $0 + (find(Int32($1)) == Int32($1) ? 1 : 0) } }
}
