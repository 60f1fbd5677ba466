/// Direct-mapped cache from a raw non-ASCII word (its original UTF-8 bytes) to its folded terms,
/// so the Foundation normalization runs once per distinct word rather than once per occurrence.
/// A hit allocates nothing. Owned by one Analyzer, so one thread.
final class FoldCache {
    private struct Entry {
        var key: [UInt8] = []          // empty: free slot (words are never empty)
        var terms: [[UInt8]] = []
    }

    static let maxKeyBytes = 256
    private let mask: Int
    private var entries: [Entry]

    init(slots: Int = 4096) {
        precondition(slots > 0 && slots & (slots - 1) == 0, "slots must be a power of two")
        mask = slots - 1
        entries = Array(repeating: Entry(), count: slots)
    }

    @inline(__always)
    private static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in 0..<n {
            h = (h ^ UInt64(p[i])) &* 0x0000_0100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The folded terms of `word`, computed with `Folding.foldWord` on a miss.
    func terms(of word: UnsafeBufferPointer<UInt8>) -> [[UInt8]] {
        let n = word.count
        guard let p = word.baseAddress, n <= FoldCache.maxKeyBytes else {
            return Folding.foldWord(word)
        }
        let slot = FoldCache.hash(p, n) & mask
        let hit = entries[slot].key.withUnsafeBufferPointer { key -> Bool in
            key.count == n && memcmp(key.baseAddress!, p, n) == 0
        }
        if hit { return entries[slot].terms }
        let terms = Folding.foldWord(word)
        entries[slot] = Entry(key: Array(word), terms: terms)
        return terms
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
