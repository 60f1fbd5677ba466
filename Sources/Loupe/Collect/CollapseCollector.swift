/// At most one hit per group (Elasticsearch's field collapsing): the best match of each
/// group in the requested order, with the number of matches folded into it. Groups are a
/// keyword field's values (see ``GroupKeySource``); documents without a value are each a
/// group of their own.
///
/// Keeps the best entry and count per group in arrays indexed by group (no hashing), then
/// ranks the groups' best hits with a top-k: O(matches + groups log k). After a cursor, only
/// groups whose best hit ranks after it are returned, so groups never repeat across pages.
public final class CollapseCollector: Collector {
    /// How many groups to keep.
    public let k: Int
    /// The order; nil for relevance.
    public let sort: SortField?
    let source: SortKeySource
    let groups: any GroupKeySource
    let after: TopK.Entry?
    /// Per group: the best entry so far and the matches in it.
    private let best: UnsafeMutableBufferPointer<TopK.Entry>
    private let counts: UnsafeMutableBufferPointer<Int32>
    /// Documents in no group, ranked as they come (each is a group).
    let loose: TopK
    /// Loose documents after the cursor, and all of them.
    private let looseCounts = UnsafeMutablePointer<Int>.allocate(capacity: 2)

    /// Keeps the best `k` groups of keyword field `field` by `sort` (nil: relevance) on
    /// `reader`'s snapshot, after `cursor` when given. Throws `LoupeError.unknownField` or
    /// `.invalidRequest` for a field that cannot collapse or sort, or a cursor of another order.
    public convenience init(reader: IndexReader, field: String, k: Int, sort: SortField?, after cursor: SearchCursor? = nil) throws {
        try self.init(reader: reader, groups: KeywordGroupKeys(reader: reader, field: field), k: k, sort: sort, after: cursor)
    }

    /// Keeps the best `k` near-duplicate clusters of `clusters`, which must have been fed
    /// every match of the same query first (a search of its own). Otherwise as above.
    public convenience init(reader: IndexReader, nearDuplicates clusters: NearDuplicateGroups, k: Int, sort: SortField?,
                            after cursor: SearchCursor? = nil) throws {
        try self.init(reader: reader, groups: NearDuplicateGroupKeys(clusters: clusters), k: k, sort: sort, after: cursor)
    }

    init(reader: IndexReader, groups: any GroupKeySource, k: Int, sort: SortField?, after cursor: SearchCursor?) throws {
        self.k = max(0, k)
        self.sort = sort
        let source = try SortKeySource(sort, reader: reader)
        self.source = source
        self.groups = groups
        after = try cursor.map { try $0.entry(for: source) }
        best = .allocate(capacity: max(1, groups.groupCount))
        counts = .allocate(capacity: max(1, groups.groupCount))
        counts.initialize(repeating: 0)
        loose = TopK(k: self.k, byKey: true)
        looseCounts.initialize(repeating: 0, count: 2)
    }

    deinit { best.deallocate(); counts.deallocate(); looseCounts.deallocate() }

    public var scoreMode: ScoreMode { .complete }

    public func leafCollector(for segment: SegmentContext) -> any LeafCollector {
        Leaf(self, keys: source.keys(segment.ordinal, segment.segment), groups: groups.keys(for: segment), segment: Int32(segment.ordinal))
    }

    /// The ranked groups: each group's best entry and its size, first in the order first.
    /// Also the number of groups after the cursor (all groups without one).
    var ranked: (entries: [(entry: TopK.Entry, count: Int)], afterCursor: Int) {
        let top = TopK(k: k, byKey: true)
        var eligible = looseCounts[0]
        var sizes: [IndexReader.DocAddress: Int] = [:]
        for g in 0..<groups.groupCount where counts[g] > 0 {
            let e = best[g]
            if let after, !top.worse(e, after) { continue }
            eligible += 1
            top.insert(e)
        }
        let topGroups = top.sorted()
        let wanted = Set(topGroups.map(\.scored.address))
        for g in 0..<groups.groupCount where counts[g] > 0 {
            let a = best[g].scored.address
            if wanted.contains(a) { sizes[a] = Int(counts[g]) }
        }
        for e in loose.sorted() { top.insert(e) }
        let merged = top.sorted().map { (entry: $0, count: sizes[$0.scored.address] ?? 1) }
        return (merged, eligible)
    }

    /// The kept groups' best documents, first in the order first, with each group's size
    /// (matches folded into it, itself included).
    public var topGroups: [(document: ScoredDocument, collapsedCount: Int)] {
        ranked.entries.map { ($0.entry.scored, $0.count) }
    }

    /// Groups among all matches (a document without a value counts as one).
    public var groupCount: Int {
        var n = looseCounts[1]
        for g in 0..<groups.groupCount where counts[g] > 0 { n += 1 }
        return n
    }

    private final class Leaf: LeafCollector {
        let keys: SegmentSortKeys
        let groupKeys: any SegmentGroupKeys
        let segment: Int32
        let best: UnsafeMutablePointer<TopK.Entry>
        let counts: UnsafeMutablePointer<Int32>
        let loose: TopK
        let looseCounts: UnsafeMutablePointer<Int>
        let after: TopK.Entry?

        init(_ parent: CollapseCollector, keys: SegmentSortKeys, groups: any SegmentGroupKeys, segment: Int32) {
            self.keys = keys; groupKeys = groups; self.segment = segment
            best = parent.best.baseAddress!; counts = parent.counts.baseAddress!
            loose = parent.loose; looseCounts = parent.looseCounts; after = parent.after
        }

        @inline(__always) func collect(_ doc: Int, score: Double) {
            let e = TopK.Entry(score: score, segment: segment, doc: UInt32(doc), key: keys.key(doc))
            let g = groupKeys.group(doc)
            if g < 0 {
                looseCounts[1] += 1
                if let after, !loose.worse(e, after) { return }
                looseCounts[0] += 1
                loose.insert(e)
                return
            }
            if counts[g] == 0 || loose.worse(best[g], e) { best[g] = e }
            counts[g] += 1
        }
    }
}
