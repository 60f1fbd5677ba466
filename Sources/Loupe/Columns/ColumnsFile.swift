/// How one column stores its values (a byte in `.cols`).
enum ColumnKind: UInt8, Sendable {
    /// Ordinals into the column's sorted value dictionary.
    case keyword = 1
    /// Numbers that are all integers of magnitude below 2^53, stored as themselves.
    case integer = 2
    /// Numbers stored as sortable bits (`ColumnKind.sortableBits`): order-preserving as Int64.
    case double = 3
    /// Seconds since 1970 UTC.
    case date = 4
    /// MinHash signatures (`MinHash.bins` values of 16 bits per document, in bin order), in
    /// the hidden column number `ColumnsFile.signatureColumn`.
    case signature = 5

    /// The IEEE bits of `d`, flipped so that signed Int64 order is numeric order
    /// (Lucene's `NumericUtils.doubleToSortableLong`). Its own inverse.
    @inline(__always) static func sortableBits(_ d: Double) -> Int64 {
        let b = Int64(bitPattern: (d == 0 ? 0.0 : d).bitPattern)
        return b ^ ((b >> 63) & 0x7fff_ffff_ffff_ffff)
    }

    @inline(__always) static func double(sortableBits v: Int64) -> Double {
        Double(bitPattern: UInt64(bitPattern: v ^ ((v >> 63) & 0x7fff_ffff_ffff_ffff)))
    }
}

/// The column file (`.cols`) of a segment: the values of the schema's keyword, number and
/// date fields per document ("doc values"), for filters, sorting, facets and collapsing.
///
///     body:   u32 docCount | u32 columnCount | columnCount × entry
///     entry:  u16 column number (index into the schema's column fields) | u8 kind | u8 layout | u64 offset
///     column (at offset):
///       keyword only: u32 valueCount | (valueCount+1) × u32 offsets | value bytes
///       layout 1 only: packed starts, docCount+1 values (document d's values are
///                      starts[d] ..< starts[d+1])
///       packed values (layout 0: exactly one per document, value d is document d's)
///
/// Keyword values are sorted by their UTF-8 bytes and each document's ordinals ascend
/// without repeats; a document's numbers ascend (repeats kept). See `PackedInts`.
enum ColumnsFile {
    /// The column number of the hidden MinHash signature column.
    static let signatureColumn = 0xFFFF

    static func write(path: String, columns: [ColumnBuilder], docCount: Int, segment: FileFormat.SegmentID = .none) throws -> Int {
        let f = try FileWriter(path: path, kind: .columns, segment: segment)
        f.buffer.u32(UInt32(docCount))
        f.buffer.u32(UInt32(columns.count))
        var bodies: [(ColumnKind, UInt8, ByteWriter)] = []
        for c in columns {
            precondition(c.docCount == docCount)
            bodies.append(c.encode())
        }
        var offset = f.offset + columns.count * 12
        for (i, (kind, layout, body)) in bodies.enumerated() {
            f.buffer.u16(UInt16(columns[i].number)); f.buffer.u8(kind.rawValue); f.buffer.u8(layout)
            f.buffer.u64(UInt64(offset))
            offset += body.count
        }
        for (_, _, body) in bodies {
            f.buffer.append(contentsOf: body.bytes)
            try f.maybeFlush()
        }
        return try f.finish()
    }
}

/// Collects one column's values document by document (while indexing or merging) and
/// encodes them.
final class ColumnBuilder {
    let number: Int
    let field: FieldDefinition
    private(set) var docCount = 0
    private var starts: [Int64] = [0]
    private var numbers: [Double] = []
    private var dates: [Int64] = []
    /// Keyword values as UTF-8 bytes: distinct byte strings are distinct values, even where
    /// Swift's `String` equality (canonical equivalence) would call them equal.
    private var keywords: [[UInt8]] = []
    private var raw: [Int64] = []
    private var scratch: [[UInt8]] = []
    /// Whether this is the signature column (values kept as given, in order).
    let isSignature: Bool

    init(number: Int, field: FieldDefinition) {
        self.number = number
        self.field = field
        isSignature = false
    }

    /// The hidden MinHash signature column.
    init(signatures: Void) {
        number = ColumnsFile.signatureColumn
        field = FieldDefinition(name: "_signature", type: .number, multiValued: true)
        isSignature = true
    }

    /// The next document's signature values (none: an empty document), kept in order.
    func addRaw(_ values: some Collection<Int64>) {
        raw.append(contentsOf: values)
        starts.append(Int64(raw.count))
        docCount += 1
    }

    /// Approximate memory held.
    var memoryBytes: Int { starts.count * 8 + numbers.count * 8 + dates.count * 8 + keywords.count * 40 + raw.count * 8 }

    /// The next document's values (already validated against the field's type).
    func add(_ values: [FieldValue]?) {
        if let values {
            switch field.type {
            case .keyword:
                scratch.removeAll(keepingCapacity: true)
                for v in values { if let s = v.keyword { scratch.append(Array(field.normalized(s).utf8)) } }
                if scratch.count > 1 { scratch = Array(Set(scratch)) }
                keywords.append(contentsOf: scratch)
            case .number:
                let start = numbers.count
                for v in values { if case let .number(d) = v { numbers.append(d) } }
                if numbers.count - start > 1 { numbers[start...].sort() }
            case .date:
                let start = dates.count
                for v in values { if case let .date(t) = v { dates.append(t) } }
                if dates.count - start > 1 { dates[start...].sort() }
            case .text:
                break
            }
        }
        starts.append(Int64(field.type == .keyword ? keywords.count : field.type == .number ? numbers.count : dates.count))
        docCount += 1
    }

    /// Kind, layout and the encoded column.
    func encode() -> (ColumnKind, UInt8, ByteWriter) {
        var w = ByteWriter()
        var kind: ColumnKind
        var values: [Int64]
        if isSignature {
            PackedInts.write(starts, into: &w)
            PackedInts.write(raw, into: &w)
            return (.signature, 1, w)
        }
        switch field.type {
        case .keyword:
            kind = .keyword
            let distinct = Array(Set(keywords)).sorted { $0.lexicographicallyPrecedes($1) }
            var ordOf: [[UInt8]: Int64] = [:]
            ordOf.reserveCapacity(distinct.count)
            for (o, v) in distinct.enumerated() { ordOf[v] = Int64(o) }
            w.u32(UInt32(distinct.count))
            var off: UInt32 = 0
            w.u32(0)
            for v in distinct { off += UInt32(v.count); w.u32(off) }
            for v in distinct { w.append(contentsOf: v) }
            values = keywords.map { ordOf[$0]! }
            // Each document's ordinals ascend.
            for d in 0..<docCount {
                let a = Int(starts[d]), b = Int(starts[d + 1])
                if b - a > 1 { values[a..<b].sort() }
            }
        case .number:
            let integral = numbers.allSatisfy { $0 == $0.rounded() && abs($0) < 9_007_199_254_740_992 }
            kind = integral ? .integer : .double
            values = integral ? numbers.map { Int64($0) } : numbers.map(ColumnKind.sortableBits)
        case .date, .text:
            kind = .date
            values = dates
        }
        let dense = values.count == docCount && (0..<docCount).allSatisfy { starts[$0 + 1] - starts[$0] == 1 }
        if !dense { PackedInts.write(starts, into: &w) }
        PackedInts.write(values, into: &w)
        return (kind, dense ? 0 : 1, w)
    }
}
