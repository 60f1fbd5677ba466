import CLoupeSupport

/// Fixed-width bit packing of blocks of `blockSize` (128) unsigned 32-bit integers.
///
/// A block packed with width `w` takes exactly `16 * w` bytes: value `i` occupies bits
/// `i*w ..< (i+1)*w` of the little-endian bit stream. Width 0 means every value is 0 and
/// takes no bytes. Decoding reads 64-bit words, so the decoder needs no per-value branches.
enum BitPacking {
    static let blockSize = 128

    @inline(__always) static func bitsNeeded(_ maxValue: UInt32) -> Int {
        maxValue == 0 ? 0 : 32 - maxValue.leadingZeroBitCount
    }

    @inline(__always) static func packedByteCount(bits: Int) -> Int { bits * 16 }

    static func maxBits(_ values: UnsafePointer<UInt32>, count: Int) -> Int {
        var acc: UInt32 = 0
        for i in 0..<count { acc |= values[i] }
        return bitsNeeded(acc)
    }

    /// Bytes taken by `count` values packed at `bits` bits (`16 · bits` for a whole block).
    @inline(__always) static func packedByteCount(bits: Int, count: Int) -> Int { (count * bits + 7) >> 3 }

    /// Appends `count` (128 unless given) values packed at `bits` bits each, in
    /// `packedByteCount(bits:count:)` bytes.
    static func pack(_ values: UnsafePointer<UInt32>, bits: Int, count: Int = blockSize, into out: inout ByteWriter) {
        guard bits > 0, count > 0 else { return }
        let byteCount = packedByteCount(bits: bits, count: count)
        let start = out.bytes.count
        out.bytes.append(contentsOf: repeatElement(0, count: byteCount + 8))
        out.bytes.withUnsafeMutableBytes { raw in
            let dst = raw.baseAddress! + start
            var bitPos = 0
            for i in 0..<count {
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
    /// Dispatches once per block to a loop specialized for the width, so shifts and masks are
    /// constants the compiler can unroll and vectorize.
    @inline(__always)
    static func unpack(_ src: UnsafeRawPointer, bits: Int, into out: UnsafeMutablePointer<UInt32>) {
        if simd && bits <= simdMaxBits {
            loupe_unpack128_avx2(src.assumingMemoryBound(to: UInt8.self), UInt32(bits), out, Int32(LOUPE_UNPACK_PLAIN), 0, nil)
            return
        }
        unpackScalar(src, bits: bits, into: out)
    }

    /// Whether the AVX2 kernels of `CLoupeSupport` decode blocks (x86-64 processors since
    /// 2013), for widths up to `simdMaxBits`; otherwise the scalar loops below do, which are
    /// also the reference the tests hold the kernels to.
    @inline(__always) static var simd: Bool { loupe_avx2_available() != 0 }
    static let simdMaxBits = 24

    /// Decodes a block of doc-id gaps (each stored minus one) into ascending doc ids after
    /// `previous` (wrapping, so `UInt32.max` stands for "none before").
    @inline(__always)
    static func unpackGaps(_ src: UnsafeRawPointer, bits: Int, after previous: UInt32, into out: UnsafeMutablePointer<UInt32>) {
        if simd && bits <= simdMaxBits {
            loupe_unpack128_avx2(src.assumingMemoryBound(to: UInt8.self), UInt32(bits), out, Int32(LOUPE_UNPACK_GAPS), previous, nil)
            return
        }
        unpackScalar(src, bits: bits, into: out)
        var d = previous
        for i in 0..<blockSize {
            d = d &+ out[i] &+ 1
            out[i] = d
        }
    }

    /// Decodes a block of values stored minus one (term frequencies); with `starts`, also
    /// their running sums: `starts[i]` is the sum of `out[0 ..< i]`, for `i` in `0 ... 128`.
    @inline(__always)
    static func unpackPlusOne(_ src: UnsafeRawPointer, bits: Int, into out: UnsafeMutablePointer<UInt32>,
                              starts: UnsafeMutablePointer<UInt32>? = nil) {
        if simd && bits <= simdMaxBits {
            loupe_unpack128_avx2(src.assumingMemoryBound(to: UInt8.self), UInt32(bits), out, Int32(LOUPE_UNPACK_PLUS_ONE), 0, starts)
            return
        }
        unpackScalar(src, bits: bits, into: out)
        for i in 0..<blockSize { out[i] &+= 1 }
        if let starts { exclusiveSums(out, count: blockSize, into: starts) }
    }

    /// `starts[i]` = the sum of `values[0 ..< i]`, for `i` in `0 ... count` (wrapping).
    @inline(__always)
    static func exclusiveSums(_ values: UnsafePointer<UInt32>, count: Int, into starts: UnsafeMutablePointer<UInt32>) {
        if simd { loupe_exclusive_sums_avx2(values, count, starts); return }
        var sum: UInt32 = 0
        for i in 0..<count { starts[i] = sum; sum &+= values[i] }
        starts[count] = sum
    }

    /// The portable decoder (see `unpack(_:bits:into:)`).
    @inline(__always)
    static func unpackScalar(_ src: UnsafeRawPointer, bits: Int, into out: UnsafeMutablePointer<UInt32>) {
        switch bits {
        case 0: out.update(repeating: 0, count: blockSize)
        case 1: unpackFixed(src, 1, out)
        case 2: unpackFixed(src, 2, out)
        case 3: unpackFixed(src, 3, out)
        case 4: unpackFixed(src, 4, out)
        case 5: unpackFixed(src, 5, out)
        case 6: unpackFixed(src, 6, out)
        case 7: unpackFixed(src, 7, out)
        case 8: unpackFixed(src, 8, out)
        case 9: unpackFixed(src, 9, out)
        case 10: unpackFixed(src, 10, out)
        case 11: unpackFixed(src, 11, out)
        case 12: unpackFixed(src, 12, out)
        case 13: unpackFixed(src, 13, out)
        case 14: unpackFixed(src, 14, out)
        case 15: unpackFixed(src, 15, out)
        case 16: unpackFixed(src, 16, out)
        case 17: unpackFixed(src, 17, out)
        case 18: unpackFixed(src, 18, out)
        case 19: unpackFixed(src, 19, out)
        case 20: unpackFixed(src, 20, out)
        case 21: unpackFixed(src, 21, out)
        case 22: unpackFixed(src, 22, out)
        case 23: unpackFixed(src, 23, out)
        case 24: unpackFixed(src, 24, out)
        case 32:
            for i in 0..<blockSize { out[i] = UInt32(littleEndian: src.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) }
        default: unpackGeneric(src, bits, out)
        }
    }

    /// Eight values at a time: for a constant `bits` every offset and shift below is a constant.
    @inline(__always)
    private static func unpackFixed(_ src: UnsafeRawPointer, _ bits: Int, _ out: UnsafeMutablePointer<UInt32>) {
        let mask = (UInt64(1) << UInt64(bits)) - 1
        var base = src
        var o = out
        for _ in 0..<(blockSize / 8) {
            // 8 values span exactly `bits` bytes.
            for k in 0..<8 {
                let bit = k * bits
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                o[k] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            }
            base += bits
            o += 8
        }
    }

    private static func unpackGeneric(_ src: UnsafeRawPointer, _ bits: Int, _ out: UnsafeMutablePointer<UInt32>) {
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
    static func unpack(_ src: UnsafeRawPointer, bits: Int, from first: Int, count: Int, into out: UnsafeMutablePointer<UInt32>) {
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
