/// Fixed-width bit packing of blocks of `blockSize` (128) unsigned 32-bit integers.
///
/// A block packed with width `w` takes exactly `16 * w` bytes: value `i` occupies bits
/// `i*w ..< (i+1)*w` of the little-endian bit stream. Width 0 means every value is 0 and
/// takes no bytes. Decoding reads 64-bit words, so the decoder needs no per-value branches.
public enum BitPacking {
    public static let blockSize = 128

    @inline(__always) public static func bitsNeeded(_ maxValue: UInt32) -> Int {
        maxValue == 0 ? 0 : 32 - maxValue.leadingZeroBitCount
    }

    @inline(__always) public static func packedByteCount(bits: Int) -> Int { bits * 16 }

    public static func maxBits(_ values: UnsafePointer<UInt32>, count: Int) -> Int {
        var acc: UInt32 = 0
        for i in 0..<count { acc |= values[i] }
        return bitsNeeded(acc)
    }

    /// Appends 128 values packed at `bits` bits each.
    public static func pack(_ values: UnsafePointer<UInt32>, bits: Int, into out: inout ByteWriter) {
        guard bits > 0 else { return }
        let byteCount = packedByteCount(bits: bits)
        let start = out.bytes.count
        out.bytes.append(contentsOf: repeatElement(0, count: byteCount + 8))
        out.bytes.withUnsafeMutableBytes { raw in
            let dst = raw.baseAddress! + start
            var bitPos = 0
            for i in 0..<blockSize {
                let v = UInt64(values[i])
                let byte = bitPos >> 3
                let shift = UInt64(bitPos & 7)
                var word = UInt64(littleEndian: dst.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
                word |= v << shift
                dst.storeBytes(of: word.littleEndian, toByteOffset: byte, as: UInt64.self)
                bitPos += bits
            }
        }
        out.bytes.removeLast(8)
    }

    /// Decodes 128 values of width `bits` from `src` into `out`. Reads at most `16 * bits` bytes
    /// plus up to 7 bytes of slack that must be readable (every file has a footer after its data).
    @inline(__always)
    public static func unpack(_ src: UnsafeRawPointer, bits: Int, into out: UnsafeMutablePointer<UInt32>) {
        if bits == 0 {
            out.update(repeating: 0, count: blockSize)
            return
        }
        if bits == 32 {
            for i in 0..<blockSize { out[i] = UInt32(littleEndian: src.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) }
            return
        }
        let mask = (UInt64(1) << UInt64(bits)) - 1
        var bitPos = 0
        for i in 0..<blockSize {
            let word = UInt64(littleEndian: src.loadUnaligned(fromByteOffset: bitPos >> 3, as: UInt64.self))
            out[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bitPos & 7)) & mask)
            bitPos += bits
        }
    }

    /// Decodes values `first ..< first + count` of a block packed at `bits` bits into `out`
    /// (random access: value `i` starts at bit `i * bits`).
    @inline(__always)
    public static func unpack(_ src: UnsafeRawPointer, bits: Int, from first: Int, count: Int, into out: UnsafeMutablePointer<UInt32>) {
        if bits == 0 {
            out.update(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = bits == 32 ? 0xFFFF_FFFF : (UInt64(1) << UInt64(bits)) - 1
        var bitPos = first * bits
        for i in 0..<count {
            let word = UInt64(littleEndian: src.loadUnaligned(fromByteOffset: bitPos >> 3, as: UInt64.self))
            out[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bitPos & 7)) & mask)
            bitPos += bits
        }
    }
}
