import XCTest
@testable import Loupe
import LoupeTestSupport

/// The automaton agrees with a brute-force optimal string alignment distance on random
/// strings, and a dead state is never revived by more input.
final class LevenshteinAutomatonTests: XCTestCase {
    /// Optimal string alignment distance (edits and adjacent transpositions, no substring
    /// edited twice), by the full dynamic programme.
    static func osaDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        let m = a.count, n = b.count
        var d = [[Int]](repeating: [Int](repeating: 0, count: n + 1), count: m + 1)
        for i in 0...m { d[i][0] = i }
        for j in 0...n { d[0][j] = j }
        if m == 0 || n == 0 { return max(m, n) }
        for i in 1...m {
            for j in 1...n {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[m][n]
    }

    /// Small alphabets (so near neighbours are common), with multi-byte scalars.
    private static let alphabet: [Unicode.Scalar] = ["a", "b", "c", "é", "ß", "经", "😀"]

    private func randomWord(_ rng: inout SeededRandom, maxLength: Int) -> [Unicode.Scalar] {
        (0..<rng.int(0...maxLength)).map { _ in rng.pick(Self.alphabet) }
    }

    /// A word a few random edits away from `w`.
    private func mutate(_ w: [Unicode.Scalar], _ rng: inout SeededRandom) -> [Unicode.Scalar] {
        var w = w
        for _ in 0..<rng.int(0...3) {
            switch rng.int(0...3) {
            case 0: w.insert(rng.pick(Self.alphabet), at: rng.int(0...w.count))
            case 1: if !w.isEmpty { w.remove(at: rng.int(0...(w.count - 1))) }
            case 2: if !w.isEmpty { w[rng.int(0...(w.count - 1))] = rng.pick(Self.alphabet) }
            default: if w.count >= 2 { let i = rng.int(0...(w.count - 2)); w.swapAt(i, i + 1) }
            }
        }
        return w
    }

    func testDistancesMatchBruteForce() {
        var rng = SeededRandom(seed: 17)
        for k in 0...2 {
            for _ in 0..<1500 {
                let p = randomWord(&rng, maxLength: 8)
                let w = rng.chance(0.7) ? mutate(p, &rng) : randomWord(&rng, maxLength: 9)
                let a = LevenshteinAutomaton(scalars: p, maxDistance: k)
                let expected = Self.osaDistance(p, w)
                var s = a.start
                var died = false
                for (j, c) in w.enumerated() {
                    s = a.step(s, c)
                    // The lower bound never exceeds the true distance of any prefix's extension:
                    // in particular of the whole word.
                    if let low = a.minimumDistance(s) { XCTAssertLessThanOrEqual(low, expected, "\(p) \(w) at \(j)") }
                    if a.isDead(s) { died = true }
                    // Dead stays dead.
                    if died { XCTAssertTrue(a.isDead(s), "\(p) \(w)") }
                }
                let got = a.distance(s)
                XCTAssertEqual(got, expected <= k ? expected : nil, "pattern \(String(String.UnicodeScalarView(p))) word \(String(String.UnicodeScalarView(w))) k \(k)")
                if died { XCTAssertGreaterThan(expected, k) }
                XCTAssertEqual(a.distance(of: String(String.UnicodeScalarView(w))), expected <= k ? expected : nil)
            }
        }
    }

    /// A prefix is dead exactly when no word starting with it is within the distance.
    func testDeadPrefixesHaveNoAcceptedExtension() {
        var rng = SeededRandom(seed: 42)
        for k in 1...2 {
            for _ in 0..<100 {
                let p = randomWord(&rng, maxLength: 6)
                let prefix = mutate(p.prefix(rng.int(0...p.count)).map { $0 }, &rng)
                let a = LevenshteinAutomaton(scalars: p, maxDistance: k)
                var s = a.start
                for c in prefix { s = a.step(s, c) }
                // The best extension: the prefix followed by any suffix; brute force over short
                // suffixes made of pattern characters (the only ones that can help) and one other.
                var best = Self.osaDistance(p, prefix)
                var frontier: [[Unicode.Scalar]] = [[]]
                let letters = Array(Set(p)) + ["z"]
                for _ in 0..<(p.count + k) {
                    frontier = frontier.flatMap { f in letters.map { f + [$0] } }.prefix(4000).map { $0 }
                    for f in frontier { best = min(best, Self.osaDistance(p, prefix + f)) }
                }
                if a.isDead(s) { XCTAssertGreaterThan(best, k, "\(p) \(prefix)") }
                if best <= k { XCTAssertFalse(a.isDead(s)) }
            }
        }
    }

    /// The compiled DFA gives the brute-force distance of every prefix of many random words
    /// stepped through one table (so most steps are cached transitions), with classes shared
    /// by two patterns as a walk over two forms of a word shares them, and dead stays dead.
    func testCompiledDFAMatchesBruteForce() {
        var rng = SeededRandom(seed: 23)
        for k in 0...2 {
            for _ in 0..<60 {
                let p = randomWord(&rng, maxLength: 8)
                let q = mutate(p, &rng)
                let classes = LevenshteinClasses(patterns: [p, q])
                var dfas = [LevenshteinDFA(LevenshteinAutomaton(scalars: p, maxDistance: k), classes: classes),
                            LevenshteinDFA(LevenshteinAutomaton(scalars: q, maxDistance: k), classes: classes)]
                let patterns = [p, q]
                for _ in 0..<40 {
                    let w = rng.chance(0.7) ? mutate(rng.chance(0.5) ? p : q, &rng) : randomWord(&rng, maxLength: 9)
                    for a in 0..<2 {
                        var id = LevenshteinDFA.start
                        for j in 0...w.count {
                            if j > 0 {
                                let before = id
                                id = dfas[a].step(id, scalar: w[j - 1].value)
                                if before == LevenshteinDFA.dead { XCTAssertEqual(id, LevenshteinDFA.dead) }
                            }
                            let prefix = Array(w[0..<j])
                            let expected = Self.osaDistance(patterns[a], prefix)
                            let label = "pattern \(String(String.UnicodeScalarView(patterns[a]))) input \(String(String.UnicodeScalarView(prefix))) k \(k)"
                            XCTAssertEqual(dfas[a].distance(id), expected <= k ? expected : nil, label)
                            if id == LevenshteinDFA.dead {
                                // Dead only when the banded automaton says so: no extension helps.
                                var s = dfas[a].automaton.start
                                for c in prefix { s = dfas[a].automaton.step(s, c) }
                                XCTAssertTrue(dfas[a].automaton.isDead(s), label)
                            }
                        }
                    }
                }
                // Equivalent states coincide: a handful of states, not one per input.
                XCTAssertLessThan(dfas[0].stateCount, 400)
            }
        }
    }

    func testExamplesAndUTF8() {
        let a = LevenshteinAutomaton("vietnam", maxDistance: 1)
        XCTAssertEqual(a.distance(of: "vietnam"), 0)
        XCTAssertEqual(a.distance(of: "vietnm"), 1)
        XCTAssertEqual(a.distance(of: "vitenam"), 1)
        XCTAssertEqual(a.distance(of: "vietnåm"), 1)
        XCTAssertNil(a.distance(of: "vtenam"))
        XCTAssertEqual(LevenshteinAutomaton("vietnam", maxDistance: 2).distance(of: "vtenam"), 2)
        XCTAssertEqual(LevenshteinAutomaton("legasi", maxDistance: 1).distance(of: "legaci"), 1)

        let b = LevenshteinAutomaton("经济会", maxDistance: 1)
        var bytes = Array("经齐会".utf8)
        let s = bytes.withUnsafeMutableBytes { b.run(utf8: UnsafeRawBufferPointer($0), from: b.start) }
        XCTAssertEqual(s.flatMap(b.distance), 1)
        bytes = Array("abcdef".utf8)
        XCTAssertNil(bytes.withUnsafeMutableBytes { b.run(utf8: UnsafeRawBufferPointer($0), from: b.start) })
    }
}
