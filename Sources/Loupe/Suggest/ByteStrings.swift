#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Many byte strings in one contiguous buffer: string `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
/// The word lists keep their words this way, so a list of a million words is two arrays, not a
/// million allocations.
struct ByteStrings: Sendable {
    private(set) var bytes: [UInt8] = []
    private(set) var offsets: [Int] = [0]

    var count: Int { offsets.count - 1 }

    mutating func append(_ s: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: s)
        offsets.append(bytes.count)
    }

    mutating func append(_ s: [UInt8]) { s.withUnsafeBytes { append($0) } }

    mutating func reserve(strings: Int, bytes n: Int) {
        offsets.reserveCapacity(strings + 1)
        bytes.reserveCapacity(n)
    }

    /// Calls `body` with string `i`'s bytes (valid during the call only).
    @inline(__always) func with<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = offsets[i], end = offsets[i + 1]
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    func array(_ i: Int) -> [UInt8] { Array(bytes[offsets[i]..<offsets[i + 1]]) }

    func string(_ i: Int) -> String { String(decoding: bytes[offsets[i]..<offsets[i + 1]], as: UTF8.self) }

    func length(_ i: Int) -> Int { offsets[i + 1] - offsets[i] }

    /// The first index in `range` whose string is not below `key` (the strings must ascend).
    func lowerBound(_ key: UnsafeRawBufferPointer, in range: Range<Int>? = nil) -> Int {
        var lo = range?.lowerBound ?? 0, hi = range?.upperBound ?? count
        bytes.withUnsafeBytes { all in
            while lo < hi {
                let mid = (lo + hi) / 2
                let s = UnsafeRawBufferPointer(rebasing: all[offsets[mid]..<offsets[mid + 1]])
                if compareBytes(s, key) < 0 { lo = mid + 1 } else { hi = mid }
            }
        }
        return lo
    }

    /// The strings that start with `prefix`, as an index range (the strings must ascend).
    func prefixRange(_ prefix: UnsafeRawBufferPointer) -> Range<Int> {
        let lo = lowerBound(prefix)
        var hi = lo
        // Binary search for the end: the first string at or after `lo` not starting with the prefix.
        var a = lo, b = count
        bytes.withUnsafeBytes { all in
            while a < b {
                let mid = (a + b) / 2
                let s = UnsafeRawBufferPointer(rebasing: all[offsets[mid]..<offsets[mid + 1]])
                if s.count >= prefix.count && (prefix.isEmpty || memcmp(s.baseAddress!, prefix.baseAddress!, prefix.count) == 0) {
                    a = mid + 1
                } else { b = mid }
            }
            hi = a
        }
        return lo..<hi
    }
}

/// Interns byte strings to dense ids 0, 1, 2, ... (open addressing, linear probing, FNV-1a,
/// a table at most half full; the strings live in one arena). The builder interns every
/// word of the default fields through one of these, so it works on raw bytes without
/// creating a `String` per token.
///
/// Only its owner's thread touches an instance, so the dynamic exclusivity checks (a visible
/// share of indexing time) are switched off for its storage.
final class ByteInterner {
    @exclusivity(unchecked) private var slots: [UInt64]  // hash << 32 | (id + 1); 0 = empty
    @exclusivity(unchecked) private var mask: Int
    @exclusivity(unchecked) private(set) var strings = ByteStrings()
    @exclusivity(unchecked) private var hashes: [UInt32] = []

    init(capacity: Int = 1024) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = [UInt64](repeating: 0, count: n)
        mask = n - 1
    }

    var count: Int { strings.count }

    var memoryBytes: Int { slots.count * 8 + strings.bytes.capacity + strings.offsets.capacity * 8 + hashes.capacity * 4 }

    @inline(__always) static func hash(_ p: UnsafeRawBufferPointer) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in p { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }

    /// The id of `key`, adding it if new; `isNew` tells which.
    func intern(_ key: UnsafeRawBufferPointer) -> (id: Int, isNew: Bool) {
        let h = ByteInterner.hash(key)
        var i = Int(h) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            if UInt32(truncatingIfNeeded: s >> 32) == h {
                let id = Int(UInt32(truncatingIfNeeded: s)) - 1
                let same = strings.with(id) { $0.count == key.count && (key.isEmpty || memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0) }
                if same { return (id, false) }
            }
            i = (i + 1) & mask
        }
        let id = strings.count
        strings.append(key)
        hashes.append(h)
        slots[i] = UInt64(h) << 32 | UInt64(id + 1)
        if strings.count * 2 > slots.count { grow() }
        return (id, true)
    }

    private func grow() {
        let n = slots.count * 2
        slots = [UInt64](repeating: 0, count: n)
        mask = n - 1
        for (id, h) in hashes.enumerated() {
            var i = Int(h) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = UInt64(h) << 32 | UInt64(id + 1)
        }
    }
}
