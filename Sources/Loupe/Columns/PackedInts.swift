/// Lucene-style packed integers with min/GCD encoding, the storage of every column.
///
/// A sequence of `count` signed 64-bit values is stored as `(value - min) / gcd`, each in
/// `width` bits (0 ... 56, or 64), packed least significant bit first: value `i` occupies
/// bits `i*width ..< (i+1)*width` of the data. Any value is then read in O(1) with one
/// unaligned 8-byte load, a shift and a mask. Layout (see `Index/FORMAT.md`, "Packed integers"):
///
///     u8 width | i64 min | u64 gcd | u64 count | ceil(count*width/8) data bytes | 8 zero bytes
///
/// The 8 trailing zero bytes let the last value be loaded with a full 8-byte read. Widths 57
/// to 63 are stored as 64, so a value never straddles more than 8 bytes.
enum PackedInts {
    /// Appends `values` to `w` in the layout above.
    static func write(_ values: [Int64], into w: inout ByteWriter) {
        var min = Int64.max, max = Int64.min
        for v in values { if v < min { min = v }; if v > max { max = v } }
        if values.isEmpty { min = 0; max = 0 }
        var gcd: UInt64 = 0
        for v in values {
            let d = UInt64(bitPattern: v &- min)
            gcd = PackedInts.gcd(gcd, d)
            if gcd == 1 { break }
        }
        if gcd == 0 { gcd = 1 }
        let span = UInt64(bitPattern: max &- min) / gcd
        var width = span == 0 ? 0 : 64 - span.leadingZeroBitCount
        if width > 56 { width = 64 }
        w.u8(UInt8(width)); w.i64(min); w.u64(gcd); w.u64(UInt64(values.count))
        let dataBytes = (values.count * width + 7) / 8
        var out = [UInt8](repeating: 0, count: dataBytes + 8)
        if width > 0 {
            out.withUnsafeMutableBytes { p in
                for (i, v) in values.enumerated() {
                    let q = UInt64(bitPattern: v &- min) / gcd
                    let bit = i * width
                    let byte = bit >> 3, shift = UInt64(bit & 7)
                    if width == 64 {
                        p.storeBytes(of: q.littleEndian, toByteOffset: byte, as: UInt64.self)
                    } else {
                        let old = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
                        p.storeBytes(of: (old | (q << shift)).littleEndian, toByteOffset: byte, as: UInt64.self)
                    }
                }
            }
        }
        w.append(contentsOf: out)
    }

    static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var a = a, b = b
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// Bytes `write` appends for `count` values of `width` bits.
    static func size(count: Int, width: Int) -> Int { 25 + (count * width + 7) / 8 + 8 }
}

/// Reads packed integers in place in a mapped file.
///
/// A plain value holding a pointer into the mapping, which its owner (a `ColumnsReader`)
/// keeps alive. Reads never leave the bytes `init` checked: `subscript` takes `i` in
/// `0..<count` (callers clamp ranges read from the file to that).
struct PackedIntsReader: @unchecked Sendable {
    let count: Int
    private let data: UnsafeRawPointer
    private let width: Int
    private let mask: UInt64
    private let min: Int64
    private let gcd: UInt64

    /// Reads the header at `r`'s position and checks that the data lies within `r`'s bounds;
    /// advances `r` past the data. Throws `ByteReader.Overrun` on a malformed header.
    init(_ r: inout ByteReader) throws {
        width = Int(try r.u8())
        min = try r.i64()
        gcd = try r.u64()
        let n = try r.u64()
        guard width <= 56 || width == 64, n <= UInt64(Int32.max), gcd > 0 else { throw ByteReader.Overrun() }
        count = Int(n)
        mask = width == 64 ? ~0 : (UInt64(1) << UInt64(width)) &- 1
        let bytes = try r.bytes((count * width + 7) / 8 + 8)
        data = bytes.baseAddress!
    }

    /// An empty sequence.
    init() { count = 0; data = UnsafeRawPointer(bitPattern: 8)!; width = 0; mask = 0; min = 0; gcd = 1 }

    /// Value `i`, for `i` in `0..<count`.
    @inline(__always) subscript(i: Int) -> Int64 {
        if width == 0 { return min }
        let bit = i &* width
        let raw = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
        let q = width == 64 ? raw : (raw >> UInt64(bit & 7)) & mask
        return min &+ Int64(bitPattern: q &* gcd)
    }
}
