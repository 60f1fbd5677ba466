/// MinHash signatures of documents for near-duplicate detection (Broder 1997), computed with
/// one permutation hashing (Li, Owen & Zhang 2012) so a document costs one hash per shingle.
///
/// A document's shingles are its overlapping runs of `shingleLength` analyzed words (so case,
/// accents and inflections do not matter). Each shingle's 64-bit hash picks one of `bins` bins
/// by its top 6 bits and competes for that bin's minimum with its other 58 bits. The
/// signature keeps the low 16 bits of each bin's minimum (b-bit MinHash, Li & König 2010): two
/// documents agree on a bin with probability J + (1 - J) / 65536, where J is the Jaccard
/// similarity of their shingle sets, so the share of agreeing bins estimates J. Empty bins
/// (documents of few shingles) borrow the next non-empty bin's value to their right, offset by
/// the distance (rotation densification, Shrivastava & Li 2014), so that they still agree
/// exactly when the borrowed bins do.
enum MinHash {
    /// Bins (values) per signature.
    static let bins = 64
    /// Words per shingle.
    static let shingleLength = 3
    /// Bands of the locality-sensitive hashing that proposes candidate pairs; `bins / bands`
    /// values each. Two documents of similarity J share some band with probability
    /// 1 - (1 - J^4)^16: 0.9998 at J = 0.8, 0.64 at J = 0.5 (then rejected on the full signature).
    static let bands = 16

    /// The signature of a token stream given by its per-token hashes, in order; nil when the
    /// stream has no token. `out` receives `bins` values.
    static func signature(tokenHashes: UnsafePointer<UInt32>, count: Int, into out: inout [UInt16]) -> Bool {
        guard count > 0 else { return false }
        var minima = [UInt64](repeating: .max, count: bins)
        let n = Swift.max(1, count - shingleLength + 1)
        for i in 0..<n {
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15
            for k in i..<Swift.min(count, i + shingleLength) { h = mix(h ^ UInt64(tokenHashes[k])) }
            let bin = Int(h >> 58)
            let rest = h & ((1 << 58) - 1)
            if rest < minima[bin] { minima[bin] = rest }
        }
        out.removeAll(keepingCapacity: true)
        for b in 0..<bins {
            var j = b, distance: UInt64 = 0
            while minima[j] == .max { j = (j + 1) % bins; distance += 1 }
            out.append(UInt16(truncatingIfNeeded: minima[j] &+ distance &* 0x9E37_79B9))
        }
        return true
    }

    /// SplitMix64's finalizer: a fast 64-bit mixer with good avalanche.
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
