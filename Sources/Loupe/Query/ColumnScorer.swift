/// Whether a document's column values satisfy a filter (a keyword set, a number or date range).
/// Generic parameters of `ColumnScorer`, so the check is inlined into the scan.
protocol ColumnPredicate {
    /// Whether document `doc` (of the segment the predicate was made for) matches.
    func matches(_ doc: Int) -> Bool
}

/// The documents of a segment whose values satisfy a `ColumnPredicate`; scores 0 (filters
/// never score).
///
/// Iterates in two phases: as the clause of a conjunction its approximation is every document
/// (`approximate` costs nothing) and `confirm` reads the column, so a filter beside a term
/// costs O(1) per candidate the term proposes instead of a scan. Alone (`next`/`advance`) it
/// scans the column: O(documents in the segment).
final class ColumnScorer<P: ColumnPredicate>: Scorer {
    let predicate: P
    let docCount: Int
    private var started = false

    init(_ predicate: P, docCount: Int) {
        self.predicate = predicate
        self.docCount = docCount
        super.init()
    }

    override var cost: Int { docCount }

    @inline(__always) private func scan(_ start: Int) -> UInt32 {
        var d = start
        while d < docCount {
            if predicate.matches(d) { return UInt32(d) }
            d += 1
        }
        return Scorer.noMore
    }

    override func next() -> UInt32 {
        let start = started ? Int(doc) + 1 : 0
        started = true
        doc = scan(start)
        return doc
    }

    override func advance(_ target: UInt32) -> UInt32 {
        started = true
        doc = scan(Int(target))
        return doc
    }

    override func shallowBound(_ target: UInt32) -> (bound: Double, upTo: UInt32) { (0, Scorer.noMore - 2) }

    override var isTwoPhase: Bool { true }

    override func approximate(_ target: UInt32) -> UInt32 {
        started = true
        doc = Int(target) < docCount ? target : Scorer.noMore
        return doc
    }

    override func confirm() -> Bool { predicate.matches(Int(doc)) }
}

/// A weight over one column: makes a predicate per segment (nil when nothing there can
/// match) and scans or confirms with it.
final class ColumnFilterWeight<P: ColumnPredicate>: Weight {
    let makePredicate: (SegmentContext) -> P?

    init(_ makePredicate: @escaping (SegmentContext) -> P?) { self.makePredicate = makePredicate }

    func scorer(_ segment: SegmentContext) -> Scorer? {
        guard let p = makePredicate(segment) else { return nil }
        return ColumnScorer(p, docCount: segment.segment.docCount)
    }

    func explain(_ segment: SegmentContext, doc: UInt32) -> [Explanation.Entry]? {
        guard let p = makePredicate(segment), p.matches(Int(doc)) else { return nil }
        return []
    }
}

/// Any value of a keyword column is one of a set of ordinals.
struct KeywordPredicate: ColumnPredicate {
    let column: ColumnValues
    /// The single accepted ordinal, or -1 when `accepted` decides.
    let single: Int64
    let accepted: [Bool]

    init?(column: ColumnReader, ords: [Int]) {
        guard !ords.isEmpty else { return nil }
        self.column = column.hot
        if ords.count == 1 {
            single = Int64(ords[0]); accepted = []
        } else {
            single = -1
            var a = [Bool](repeating: false, count: column.valueCount)
            for o in ords { a[o] = true }
            accepted = a
        }
    }

    @inline(__always) func matches(_ doc: Int) -> Bool {
        for i in column.range(doc) {
            let o = column.values[i]
            if single >= 0 {
                if o == single { return true }
            } else if o >= 0 && Int(o) < accepted.count && accepted[Int(o)] {
                return true
            }
        }
        return false
    }
}

/// Any value of a number or date column lies in `lower ... upper` (a date as its seconds,
/// exact as a double for every date in `ISODate.range`).
struct NumberPredicate: ColumnPredicate {
    let column: ColumnValues
    let lower: Double, upper: Double

    @inline(__always) func matches(_ doc: Int) -> Bool {
        for i in column.range(doc) {
            let v = column.number(i)
            if v >= lower && v <= upper { return true }
        }
        return false
    }
}

/// The default `date` (the `.dates` file) lies in `from ... to`.
struct DatePredicate: ColumnPredicate {
    let dates: UnsafeBufferPointer<Int64>
    let from: Int64, to: Int64

    @inline(__always) func matches(_ doc: Int) -> Bool {
        let v = dates[doc]
        return v != DatesFile.missing && v >= from && v <= to
    }
}

extension WeightContext {
    /// The column number of `name`, which must be a field of type `type`; throws
    /// `LoupeError.unknownField` otherwise.
    func columnNumber(_ name: String, type: FieldType) throws -> Int {
        let fields = reader.schema.columnFields
        guard let n = fields.firstIndex(where: { $0.name == name }), fields[n].type == type else {
            throw LoupeError.unknownField(name)
        }
        return n
    }
}
