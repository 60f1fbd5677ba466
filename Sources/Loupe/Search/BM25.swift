/// BM25 with k1 = 1.2 and b = 0.75, per field:
///
///     idf(t)      = ln(1 + (N - df + 0.5) / (df + 0.5))
///     score(t, d) = boost · idf · tf · (k1 + 1) / (tf + k1 · (1 - b + b · dl / avgdl))
///
/// N, df and avgdl are over the live documents of the whole snapshot; dl is the field's exact
/// length in tokens. A phrase scores like a term whose tf is its match count and whose idf is
/// the sum of its terms' idf. A document's score is the sum over matched clauses and fields.
public enum BM25 {
    public static let k1 = 1.2
    public static let b = 0.75

    public static func idf(docCount: Int, docFreq: Int) -> Double {
        let n = Double(docCount), df = Double(docFreq)
        return log(1 + (n - df + 0.5) / (df + 0.5))
    }
}

/// Precomputed BM25 factors of one scored list (a term or phrase in one field).
struct BM25Weight {
    /// boost · idf · (k1 + 1)
    let weight: Double
    /// k1 · (1 - b)
    let constant: Double
    /// k1 · b / avgdl
    let perLength: Double

    init(boost: Double, idf: Double, averageLength: Double) {
        weight = boost * idf * (BM25.k1 + 1)
        constant = BM25.k1 * (1 - BM25.b)
        perLength = averageLength > 0 ? BM25.k1 * BM25.b / averageLength : 0
    }

    private init(weight: Double, constant: Double, perLength: Double) {
        self.weight = weight
        self.constant = constant
        self.perLength = perLength
    }

    /// The same weight scoring `factor` times as much.
    func scaled(by factor: Double) -> BM25Weight {
        BM25Weight(weight: weight * factor, constant: constant, perLength: perLength)
    }

    @inline(__always) func score(tf: UInt32, length: UInt32) -> Double {
        let t = Double(tf)
        return weight * t / (t + constant + perLength * Double(length))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
