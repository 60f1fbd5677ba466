/// An append-only little-endian byte buffer used by every file writer.
///
/// Variable-byte integers ("vint") use 7 bits per byte, low bits first; the high bit says
/// another byte follows. A 32-bit value takes 1 to 5 bytes, a 64-bit value 1 to 10.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var count: Int { bytes.count }

    @inline(__always) mutating func u8(_ v: UInt8) { bytes.append(v) }

    @inline(__always) mutating func u16(_ v: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: v)); bytes.append(UInt8(truncatingIfNeeded: v >> 8))
    }

    @inline(__always) mutating func u32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always) mutating func u64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always) mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }

    @inline(__always) mutating func vint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inline(__always) mutating func vint(_ value: UInt32) { vint(UInt64(value)) }
    @inline(__always) mutating func vint(_ value: Int) { vint(UInt64(value)) }

    mutating func append<C: Collection>(contentsOf c: C) where C.Element == UInt8 { bytes.append(contentsOf: c) }

    mutating func append(_ p: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: p) }

    /// A vint length followed by the bytes.
    mutating func lengthPrefixed(_ s: String) {
        var s = s
        s.withUTF8 { p in vint(p.count); bytes.append(contentsOf: p) }
    }

    mutating func lengthPrefixed(_ p: UnsafeBufferPointer<UInt8>) { vint(p.count); bytes.append(contentsOf: p) }
}
