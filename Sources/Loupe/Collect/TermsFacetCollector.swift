/// The most frequent values of a keyword field among the matches (a terms facet), with
/// exact counts; ties by value (bytes order). A multi-valued document counts once for each of
/// its distinct values.
///
/// Each segment counts into an array indexed by its own ordinals (one increment per value,
/// no hashing); the counts are folded into global ordinals (``GlobalOrdinals``) when the next
/// segment starts. Picking the top values costs O(V log V) for V distinct values, once.
public final class TermsFacetCollector: FacetCollector {
    /// The keyword field.
    public let field: String
    /// How many values to return.
    public let size: Int
    let request: FacetRequest
    let column: Int
    let ordinals: GlobalOrdinals
    /// Counts by global ordinal.
    private var global: [Int]
    /// The segment being counted, not yet folded into `global`.
    private var pending: (segment: Int, counts: OrdinalCounts)?

    /// Counts values of keyword field `field` on `reader`'s snapshot, keeping the `size` most
    /// frequent. Throws `LoupeError.unknownField` or `.invalidRequest` unless it is a keyword field.
    public convenience init(reader: IndexReader, field: String, size: Int = 10) throws {
        try self.init(reader: reader, field: field, size: size, request: .terms(field, size: size))
    }

    init(reader: IndexReader, field: String, size: Int, request: FacetRequest) throws {
        self.field = field
        self.size = max(0, size)
        self.request = request
        column = try reader.columnNumber(field, types: [.keyword], use: "a terms facet")
        ordinals = try reader.globalOrdinals(field)
        global = Array(repeating: 0, count: ordinals.count)
    }

    public var scoreMode: ScoreMode { .completeNoScores }

    public func leafCollector(for segment: SegmentContext) -> any LeafCollector {
        flush()
        let c = segment.segment.columns.columns[column]
        let counts = OrdinalCounts(c.valueCount)
        pending = (segment.ordinal, counts)
        return Leaf(column: c, counts: counts.counts.baseAddress!)
    }

    private func flush() {
        guard let (s, counts) = pending else { return }
        pending = nil
        let map = ordinals.maps[s]
        for o in 0..<map.count where counts.counts[o] != 0 { global[Int(map[o])] += Int(counts.counts[o]) }
    }

    /// Count of every value by global ordinal (`GlobalOrdinals.values` names them).
    public var countsByOrdinal: [Int] { flush(); return global }

    /// The `size` most frequent values with a count above 0, most frequent first, ties by value.
    public var buckets: [FacetBucket] {
        flush()
        var nonzero: [Int] = []
        for (g, c) in global.enumerated() where c > 0 { nonzero.append(g) }
        nonzero.sort { global[$0] != global[$1] ? global[$0] > global[$1] : $0 < $1 }
        return nonzero.prefix(size).map { FacetBucket(value: ordinals.values[$0], count: global[$0]) }
    }

    public var result: FacetResult { FacetResult(request: request, buckets: buckets) }

    private final class Leaf: BatchLeafCollector {
        let column: ColumnReader
        let counts: UnsafeMutablePointer<Int32>
        let valueCount: Int
        /// A dense column (one value per document, the common single-valued case) is read
        /// directly: value `doc` is the document's ordinal.
        let dense: Bool
        let ordinals: PackedIntsReader
        init(column: ColumnReader, counts: UnsafeMutablePointer<Int32>) {
            self.column = column; self.counts = counts; valueCount = column.valueCount
            dense = column.dense; ordinals = column.values
        }

        func collect(docs: UnsafeBufferPointer<UInt32>) {
            if dense {
                let n = UInt(valueCount)
                for d in docs {
                    let o = Int(truncatingIfNeeded: ordinals[Int(d)])
                    if UInt(bitPattern: o) < n { counts[o] &+= 1 }
                }
                return
            }
            for d in docs { collect(Int(d), score: 0) }
        }

        @inline(__always) func collect(_ doc: Int, score: Double) {
            if dense {
                let o = Int(truncatingIfNeeded: ordinals[doc])
                if UInt(bitPattern: o) < UInt(valueCount) { counts[o] &+= 1 }
                return
            }
            for i in column.range(doc) {
                let o = Int(column.values[i])
                if o < valueCount { counts[o] &+= 1 }
            }
        }
    }
}
