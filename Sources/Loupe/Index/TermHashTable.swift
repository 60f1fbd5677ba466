/// Maps term bytes to dense term ids while indexing, without a String per token: term bytes
/// live in one arena and an open-addressing table (linear probing, power-of-two size, load
/// factor at most 1/2) holds ids. Lookup or insert is O(term length) expected.
struct TermHashTable {
    private(set) var arena: [UInt8] = []
    private(set) var starts: [UInt32] = []
    private(set) var lengths: [UInt16] = []
    private var hashes: [UInt32] = []
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int = 1 << 12) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = [Int32](repeating: -1, count: n)
        mask = n - 1
    }

    var count: Int { starts.count }

    /// Approximate heap bytes used.
    var memoryBytes: Int { arena.capacity + starts.capacity * 4 + lengths.capacity * 2 + hashes.capacity * 4 + slots.count * 4 }

    @inline(__always) static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in p { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }

    /// The id of `term`, inserting it if new. `isNew` tells which.
    @inline(__always)
    mutating func intern(_ term: UnsafeBufferPointer<UInt8>) -> (id: Int, isNew: Bool) {
        let h = TermHashTable.hash(term)
        var i = Int(h) & mask
        while true {
            let s = slots[i]
            if s < 0 { break }
            let id = Int(s)
            if hashes[id] == h && Int(lengths[id]) == term.count {
                let start = Int(starts[id])
                let equal = arena.withUnsafeBufferPointer { a in
                    term.count == 0 || memcmp(a.baseAddress! + start, term.baseAddress!, term.count) == 0
                }
                if equal { return (id, false) }
            }
            i = (i + 1) & mask
        }
        let id = starts.count
        starts.append(UInt32(arena.count))
        lengths.append(UInt16(term.count))
        hashes.append(h)
        arena.append(contentsOf: term)
        slots[i] = Int32(id)
        if starts.count * 2 > slots.count { grow() }
        return (id, true)
    }

    func lookup(_ term: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = TermHashTable.hash(term)
        var i = Int(h) & mask
        while true {
            let s = slots[i]
            if s < 0 { return nil }
            let id = Int(s)
            if hashes[id] == h && Int(lengths[id]) == term.count {
                let start = Int(starts[id])
                let equal = arena.withUnsafeBufferPointer { a in
                    term.count == 0 || memcmp(a.baseAddress! + start, term.baseAddress!, term.count) == 0
                }
                if equal { return id }
            }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let n = slots.count * 2
        slots = [Int32](repeating: -1, count: n)
        mask = n - 1
        for id in 0..<starts.count {
            var i = Int(hashes[id]) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(id)
        }
    }

    func withTerm<R>(_ id: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try arena.withUnsafeBytes { a in
            try body(UnsafeRawBufferPointer(rebasing: a[Int(starts[id])..<(Int(starts[id]) + Int(lengths[id]))]))
        }
    }

    /// Term ids sorted by their bytes.
    func sortedIds() -> [Int] {
        var ids = Array(0..<starts.count)
        arena.withUnsafeBytes { a in
            let base = a.baseAddress!
            ids.sort { x, y in
                let ax = UnsafeRawBufferPointer(start: base + Int(starts[x]), count: Int(lengths[x]))
                let ay = UnsafeRawBufferPointer(start: base + Int(starts[y]), count: Int(lengths[y]))
                return compareBytes(ax, ay) < 0
            }
        }
        return ids
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
