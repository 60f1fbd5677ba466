/// Where collapse groups come from: each document's group as a dense integer in
/// `0..<groupCount` over the snapshot, or -1 for a document in no group (it is then a group
/// of its own). ``KeywordGroupKeys`` groups by a keyword field's global ordinal; a hidden
/// near-duplicate group column can plug in the same way.
protocol GroupKeySource {
    /// Groups over the snapshot: keys are in `0..<groupCount`.
    var groupCount: Int { get }
    /// Segment `segment`'s keys.
    func keys(for segment: SegmentContext) -> any SegmentGroupKeys
}

/// One segment's group keys (one dynamic call per match: collapsing is not the hot path of
/// plain searches, and the indirection lets other key sources plug in).
protocol SegmentGroupKeys: AnyObject {
    /// Document `doc`'s group, -1 for none.
    func group(_ doc: Int) -> Int
}

/// Groups by a keyword field: a document's group is the global ordinal of its value (its
/// smallest value, for a multi-valued field); documents without a value are in no group.
struct KeywordGroupKeys: GroupKeySource {
    let column: Int
    let ordinals: GlobalOrdinals

    /// Throws `LoupeError.unknownField` or `.invalidRequest` unless `field` is a keyword field.
    init(reader: IndexReader, field: String) throws {
        column = try reader.columnNumber(field, types: [.keyword], use: "collapsing")
        ordinals = try reader.globalOrdinals(field)
    }

    var groupCount: Int { ordinals.count }

    func keys(for segment: SegmentContext) -> any SegmentGroupKeys {
        Leaf(column: segment.segment.columns.columns[column].hot, map: UnsafeBufferPointer(ordinals.maps[segment.ordinal]))
    }

    final class Leaf: SegmentGroupKeys {
        let column: ColumnValues
        let map: UnsafeBufferPointer<Int32>
        init(column: ColumnValues, map: UnsafeBufferPointer<Int32>) { self.column = column; self.map = map }

        @inline(__always) func group(_ doc: Int) -> Int {
            let r = column.range(doc)
            guard !r.isEmpty else { return -1 }
            let o = Int(column.values[r.lowerBound])
            return o < map.count ? Int(map[o]) : -1
        }
    }
}

/// Groups by near-duplicate cluster, from a ``NearDuplicateGroups`` already fed every match
/// of the same search (its cluster keys are match indexes, so dense below `matchCount`).
struct NearDuplicateGroupKeys: GroupKeySource {
    let clusters: NearDuplicateGroups

    var groupCount: Int { clusters.matchCount }

    func keys(for segment: SegmentContext) -> any SegmentGroupKeys { Leaf(clusters, segment.ordinal) }

    final class Leaf: SegmentGroupKeys {
        let clusters: NearDuplicateGroups
        let segment: Int
        init(_ clusters: NearDuplicateGroups, _ segment: Int) { self.clusters = clusters; self.segment = segment }
        func group(_ doc: Int) -> Int { clusters.groupKey(segment: segment, doc: doc).map { Int($0) } ?? -1 }
    }
}
