/// One column of a segment, read in place from `.cols` (see `ColumnsFile`).
///
/// Every read is O(1) (a value) or O(log values) (finding a keyword's ordinal), and stays
/// within the bytes checked at open: ranges read from the file are clamped to the values
/// present, and an ordinal past the dictionary reads as no value. A column of a segment that
/// has none (written before the field existed, or by format version 3) is empty.
/// The part of a column the hot loops read: plain values and pointers only, so copying it
/// (into a collector's leaf, a sort key source) costs no reference counting, unlike
/// `ColumnReader`, which also holds the field's definition (a `String`).
struct ColumnValues: @unchecked Sendable {
    let kind: ColumnKind
    /// Layout 0: exactly one value per document, value `d` being document `d`'s.
    let dense: Bool
    let starts: PackedIntsReader
    let values: PackedIntsReader

    /// Positions in `values` of document `doc`'s values (clamped to the values present).
    @inline(__always) func range(_ doc: Int) -> Range<Int> {
        if dense { return doc ..< doc + 1 }
        if starts.count == 0 { return 0..<0 }
        let a = Swift.max(0, Swift.min(Int(truncatingIfNeeded: starts[doc]), values.count))
        let b = Swift.max(a, Swift.min(Int(truncatingIfNeeded: starts[doc + 1]), values.count))
        return a..<b
    }

    /// Value `i` as a number (a date as its seconds; a keyword as its ordinal).
    @inline(__always) func number(_ i: Int) -> Double {
        let v = values[i]
        return kind == .double ? ColumnKind.double(sortableBits: v) : Double(v)
    }
}

struct ColumnReader: @unchecked Sendable {
    let field: FieldDefinition
    let kind: ColumnKind
    /// Layout 0: exactly one value per document, value `d` being document `d`'s.
    let dense: Bool
    private let starts: PackedIntsReader
    let values: PackedIntsReader
    /// What the hot loops copy.
    var hot: ColumnValues { ColumnValues(kind: kind, dense: dense, starts: starts, values: values) }
    /// Keyword dictionary: `valueCount + 1` u32 offsets into `bytes`.
    let valueCount: Int
    private let offsets: UnsafeRawPointer?
    private let bytes: UnsafeRawPointer?
    private let byteCount: Int

    /// An empty column: no document has a value.
    init(empty field: FieldDefinition) {
        self.field = field
        kind = field.type == .keyword ? .keyword : field.type == .date ? .date : .integer
        dense = false
        starts = PackedIntsReader(); values = PackedIntsReader()
        valueCount = 0; offsets = nil; bytes = nil; byteCount = 0
    }

    /// Reads a column at `r`'s position. Throws `ByteReader.Overrun` when it is malformed.
    init(field: FieldDefinition, kind: ColumnKind, layout: UInt8, docCount: Int, reader r: inout ByteReader) throws {
        self.field = field
        self.kind = kind
        let expected: ColumnKind? = switch field.type {
        case _ where kind == .signature: layout == 1 ? .signature : nil
        case .keyword: .keyword
        case .date: .date
        case .number: kind == .double ? .double : .integer
        case .text: nil
        }
        guard kind == expected, layout <= 1 else { throw ByteReader.Overrun() }
        if kind == .keyword {
            valueCount = Int(try r.u32())
            let table = try r.bytes((valueCount + 1) * 4)
            offsets = table.baseAddress!
            byteCount = Int(UInt32(littleEndian: table.baseAddress!.loadUnaligned(fromByteOffset: valueCount * 4, as: UInt32.self)))
            bytes = try r.bytes(byteCount).baseAddress ?? table.baseAddress
            var prev: UInt32 = 0
            for o in 0...valueCount {
                let v = UInt32(littleEndian: table.baseAddress!.loadUnaligned(fromByteOffset: o * 4, as: UInt32.self))
                guard v >= prev else { throw ByteReader.Overrun() }
                prev = v
            }
        } else {
            valueCount = 0; offsets = nil; bytes = nil; byteCount = 0
        }
        dense = layout == 0
        starts = dense ? PackedIntsReader() : try PackedIntsReader(&r)
        values = try PackedIntsReader(&r)
        guard dense ? values.count == docCount : starts.count == docCount + 1 else { throw ByteReader.Overrun() }
    }

    /// Whether the column is empty (no document of the segment has a value).
    var isEmpty: Bool { values.count == 0 }

    /// Positions in `values` of document `doc`'s values.
    @inline(__always) func range(_ doc: Int) -> Range<Int> { hot.range(doc) }

    /// Value `i` as a number (a date as its seconds; a keyword as its ordinal).
    @inline(__always) func number(_ i: Int) -> Double { hot.number(i) }

    /// The keyword of ordinal `ord` ("" for an ordinal past the dictionary).
    func keyword(_ ord: Int) -> String {
        guard let offsets, let bytes, ord >= 0, ord < valueCount else { return "" }
        let a = Int(UInt32(littleEndian: offsets.loadUnaligned(fromByteOffset: ord * 4, as: UInt32.self)))
        let b = Int(UInt32(littleEndian: offsets.loadUnaligned(fromByteOffset: ord * 4 + 4, as: UInt32.self)))
        guard a <= b, b <= byteCount else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: bytes + a, count: b - a), as: UTF8.self)
    }

    /// Compares the bytes of ordinal `ord` with `key`.
    private func compare(_ ord: Int, _ key: UnsafeBufferPointer<UInt8>) -> Int {
        guard let offsets, let bytes else { return 0 }
        let a = Int(UInt32(littleEndian: offsets.loadUnaligned(fromByteOffset: ord * 4, as: UInt32.self)))
        let b = Int(UInt32(littleEndian: offsets.loadUnaligned(fromByteOffset: ord * 4 + 4, as: UInt32.self)))
        guard a <= b, b <= byteCount else { return -1 }
        let v = UnsafeRawBufferPointer(start: bytes + a, count: b - a)
        let n = Swift.min(v.count, key.count)
        for i in 0..<n where v[i] != key[i] { return v[i] < key[i] ? -1 : 1 }
        return v.count == key.count ? 0 : (v.count < key.count ? -1 : 1)
    }

    /// The first ordinal whose value is not below `key` (bytes order): `valueCount` if none.
    func lowerBound(_ key: String) -> Int {
        var key = key
        return key.withUTF8 { k in
            var lo = 0, hi = valueCount
            while lo < hi {
                let mid = (lo + hi) / 2
                if compare(mid, k) < 0 { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
    }

    /// The ordinal of `value` (already normalized), nil when no document of the segment has it.
    func ord(of value: String) -> Int? {
        let o = lowerBound(value)
        guard o < valueCount else { return nil }
        var key = value
        return key.withUTF8 { compare(o, $0) == 0 } ? o : nil
    }

    /// The first broken invariant of the column, nil when it holds them all: starts ascend
    /// within the values; the dictionary is strictly ascending; each document's ordinals are
    /// within the dictionary and strictly ascend, its numbers ascend; a single-valued field
    /// has at most one value per document; dates lie in `ISODate.range`; a signature has 0
    /// or `MinHash.bins` values. O(values).
    func invariantViolation(docCount: Int) -> String? {
        if !dense && starts.count > 0 {
            var previous: Int64 = 0
            for d in 0...docCount {
                let s = starts[d]
                guard s >= previous, s <= Int64(values.count), d > 0 || s == 0 else { return "its starts are out of order at document \(d)" }
                previous = s
            }
        }
        for o in 0..<Swift.max(0, valueCount - 1) {
            var next = keyword(o + 1)
            guard next.withUTF8({ compare(o, $0) }) < 0 else { return "its values are not in ascending byte order at \(o)" }
        }
        for d in 0..<docCount {
            let r = range(d)
            if kind == .signature {
                guard r.count == 0 || r.count == MinHash.bins else { return "document \(d) has a signature of \(r.count) values" }
                continue
            }
            guard field.multiValued || r.count <= 1 else { return "single-valued field '\(field.name)' has \(r.count) values in document \(d)" }
            var previous: Int64? = nil
            for i in r {
                let v = values[i]
                if kind == .keyword {
                    guard v >= 0, v < Int64(valueCount) else { return "document \(d) has an ordinal past the dictionary" }
                    if let p = previous, v <= p { return "document \(d)'s ordinals do not ascend" }
                } else if let p = previous, v < p {
                    return "document \(d)'s values do not ascend"
                }
                if kind == .date, !ISODate.range.contains(v) { return "document \(d) has a date outside the years 0001 to 9999" }
                previous = v
            }
        }
        return nil
    }

    /// Document `doc`'s values.
    func fieldValues(_ doc: Int) -> [FieldValue] {
        range(doc).map { i in
            switch kind {
            case .keyword: return .keyword(keyword(Int(values[i])))
            case .date: return .date(values[i])
            case .integer, .double, .signature: return .number(number(i))
            }
        }
    }
}

/// The columns of one segment, by column number (the schema's column fields, in order).
final class ColumnsReader: @unchecked Sendable {
    let file: MappedFile?
    let columns: [ColumnReader]
    /// The MinHash signatures (see `MinHash`), nil when the segment has none.
    let signatures: ColumnReader?

    /// Empty columns for a segment without `.cols`.
    init(emptyFor fields: [FieldDefinition]) {
        file = nil
        columns = fields.map { ColumnReader(empty: $0) }
        signatures = nil
    }

    init(path: String, fields: [FieldDefinition], docCount: Int, segment: FileFormat.SegmentID? = nil, verify: Bool = true) throws {
        let (f, body) = try MappedFile.open(path, kind: .columns, segment: segment, verifyChecksum: verify)
        file = f
        var r = ByteReader(base: f.base, count: body.upperBound, offset: body.lowerBound)
        do {
            guard Int(try r.u32()) == docCount else {
                throw LoupeError.corruptFile(path: path, reason: "document count disagrees with the manifest")
            }
            let n = Int(try r.u32())
            var out = fields.map { ColumnReader(empty: $0) }
            var signatures: ColumnReader?
            var seen = Set<Int>()
            for _ in 0..<n {
                let number = Int(try r.u16())
                guard let kind = ColumnKind(rawValue: try r.u8()) else { throw ByteReader.Overrun() }
                let layout = try r.u8()
                let offset = Int(try r.u64())
                guard number < fields.count || number == ColumnsFile.signatureColumn, seen.insert(number).inserted,
                      offset >= body.lowerBound, offset < body.upperBound else { throw ByteReader.Overrun() }
                var cr = ByteReader(base: f.base, count: body.upperBound, offset: offset)
                if number == ColumnsFile.signatureColumn {
                    guard kind == .signature else { throw ByteReader.Overrun() }
                    signatures = try ColumnReader(field: FieldDefinition(name: "_signature", type: .number, multiValued: true),
                                                  kind: kind, layout: layout, docCount: docCount, reader: &cr)
                } else {
                    out[number] = try ColumnReader(field: fields[number], kind: kind, layout: layout, docCount: docCount, reader: &cr)
                }
            }
            columns = out
            self.signatures = signatures
        } catch let e as LoupeError { throw e } catch {
            throw LoupeError.corruptFile(path: path, reason: "the columns are malformed")
        }
    }
}
