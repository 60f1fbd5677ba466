import Foundation

/// The values of one keyword field over every segment of a snapshot, merged and sorted by
/// their UTF-8 bytes, with each segment's map from its own ordinals to these global ones
/// (Lucene's `OrdinalMap`). Facets, keyword sorting and collapsing then count and compare
/// integers across segments instead of strings.
///
/// Built once per snapshot and field by ``IndexReader/globalOrdinals(_:)``, in
/// O(V log V) for V values over all segments' dictionaries (values of deleted documents
/// included: they simply never get counted); then read-only and shared by concurrent searches.
public final class GlobalOrdinals: @unchecked Sendable {
    // @unchecked: the maps are allocated once in `init`, never written after, freed in deinit.
    /// The field's name.
    public let field: String
    /// The distinct values of all segments, in bytes order: global ordinal `g` is `values[g]`.
    public let values: [String]
    /// Per segment, global ordinal by segment ordinal (monotonic: segment order is bytes order too).
    let maps: [UnsafeMutableBufferPointer<Int32>]

    /// Merges the dictionaries of column `column` of `segments`.
    init(field: String, column: Int, segments: [SegmentReader]) {
        self.field = field
        var all: [[UInt8]] = []
        for seg in segments {
            let c = seg.columns.columns[column]
            for o in 0..<c.valueCount { all.append(Array(c.keyword(o).utf8)) }
        }
        all.sort { $0.lexicographicallyPrecedes($1) }
        var distinct: [[UInt8]] = []
        distinct.reserveCapacity(all.count)
        for v in all where distinct.last != v { distinct.append(v) }
        values = distinct.map { String(decoding: $0, as: UTF8.self) }
        // Keyed by bytes: Strings compare canonically equivalent spellings as equal, the
        // dictionaries do not.
        var globalOf: [[UInt8]: Int32] = [:]
        globalOf.reserveCapacity(values.count)
        for (g, v) in distinct.enumerated() { globalOf[v] = Int32(g) }
        maps = segments.map { seg in
            let c = seg.columns.columns[column]
            let m = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, c.valueCount))
            for o in 0..<c.valueCount { m[o] = globalOf[Array(c.keyword(o).utf8)] ?? 0 }
            return UnsafeMutableBufferPointer(rebasing: m[0..<c.valueCount])
        }
    }

    deinit { for m in maps { m.baseAddress.map { UnsafeMutablePointer($0).deallocate() } } }

    /// Number of distinct values.
    public var count: Int { values.count }

    /// The global ordinal of segment `segment`'s ordinal `ord`.
    @inline(__always) func global(segment: Int, ord: Int) -> Int { Int(maps[segment][ord]) }

    /// The global ordinal of `value` (already normalized), nil when no segment holds it. O(log V).
    public func ordinal(of value: String) -> Int? {
        let key = Array(value.utf8)
        var lo = 0, hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Array(values[mid].utf8).lexicographicallyPrecedes(key) { lo = mid + 1 } else { hi = mid }
        }
        return lo < values.count && Array(values[lo].utf8) == key ? lo : nil
    }
}

/// The per-snapshot cache of ``GlobalOrdinals``, by column number; guarded by its lock.
final class GlobalOrdinalsCache: @unchecked Sendable {
    // @unchecked: `built` is only touched under `lock`.
    private let lock = NSLock()
    private var built: [Int: GlobalOrdinals] = [:]

    /// The cached ordinals of `column`, built by `make` on first use. Building happens under
    /// the lock, so concurrent first searches build once.
    func get(_ column: Int, make: () -> GlobalOrdinals) -> GlobalOrdinals {
        lock.lock()
        defer { lock.unlock() }
        if let g = built[column] { return g }
        let g = make()
        built[column] = g
        return g
    }
}

extension IndexReader {
    /// The column number of field `name` (its index in `schema.columnFields`), checking that
    /// it is a column field of one of `types`; throws `LoupeError.unknownField` for a field
    /// the schema lacks and `.invalidRequest` for a field of another type.
    func columnNumber(_ name: String, types: Set<FieldType>, use: String) throws -> Int {
        guard let f = schema.field(name) else { throw LoupeError.unknownField(name) }
        guard types.contains(f.type), let n = schema.columnFields.firstIndex(where: { $0.name == name }) else {
            let allowed = FieldType.allCases.filter { types.contains($0) }.map(\.rawValue).joined(separator: " or ")
            throw LoupeError.invalidRequest("\(use) needs a \(allowed) field; '\(name)' is a \(f.type.rawValue) field")
        }
        return n
    }

    /// The global ordinals of keyword field `field`: computed on first use for this snapshot
    /// (O(V log V) over the segments' dictionaries), then cached. Thread-safe.
    /// Throws `LoupeError.unknownField` or `.invalidRequest` when `field` is not a keyword field.
    public func globalOrdinals(_ field: String) throws -> GlobalOrdinals {
        let column = try columnNumber(field, types: [.keyword], use: "this")
        return globalOrdinalsCache.get(column) { GlobalOrdinals(field: field, column: column, segments: segments) }
    }
}
