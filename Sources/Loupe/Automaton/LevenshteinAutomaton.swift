/// A deterministic automaton accepting the words within edit distance 1 or 2 of a pattern,
/// where an edit is an insertion, a deletion, a substitution or the transposition of two
/// adjacent characters (the optimal string alignment distance, as Lucene's
/// `LevenshteinAutomata` with transpositions and Tantivy's `levenshtein_automata`).
///
/// Characters are Unicode scalars: `vietnåm` is one substitution from `vietnam`. A state is a
/// small value (two rows of Ukkonen's band of the edit-distance table, 2 × maxDistance + 1
/// cells each, plus the last character read), so stepping allocates nothing and costs a few
/// comparisons per character whatever the pattern's length. The states reachable from
/// ``start`` form the (lazily explored) Levenshtein DFA of the pattern.
///
/// Dictionary walks do not step this type directly: they compile it lazily into a
/// table-driven DFA over character classes (`LevenshteinDFA`), which computes each distinct
/// transition once with ``step(_:scalar:)`` and afterwards reads it from a table.
///
/// A dictionary walk steps each term from the state of the prefix it shares with the previous
/// term, and when ``State/isDead`` holds it skips every term with that prefix: no extension of
/// a dead prefix is within the distance.
///
///     let a = LevenshteinAutomaton("vietnam", maxDistance: 1)
///     a.distance(of: "vietnm")   // 1
///     a.distance(of: "vitenam")  // 1 (a transposition)
///     a.distance(of: "vtenam")   // nil: 2 edits
public struct LevenshteinAutomaton: Sendable {
    /// The largest distance this automaton is built for.
    public static let maxSupportedDistance = 2

    /// The pattern's scalars.
    public let pattern: [Unicode.Scalar]
    /// The largest accepted distance, 0 to 2.
    public let maxDistance: Int
    /// The pattern's scalar values, padded with sentinels (never equal to a scalar) so that the
    /// band can read `maxDistance` places past either end without bounds checks.
    private let padded: [UInt32]

    /// A state: where the band of the edit-distance table stands after reading some input.
    ///
    /// Row `j` (the input read so far, `j` characters) is kept for the pattern lengths
    /// `j - maxDistance ... j + maxDistance` (one byte each, capped at `maxDistance + 1`), with
    /// row `j - 1` and the last character for transpositions.
    public struct State: Hashable, Sendable {
        /// Row j, cell d (pattern length j - maxDistance + d) in byte d.
        var row: UInt64
        /// Row j - 1, same layout relative to j - 1.
        var previous: UInt64
        /// The last character read (a sentinel before any).
        var last: UInt32
        /// Characters read.
        public private(set) var length: Int32

        init(row: UInt64, previous: UInt64, last: UInt32, length: Int32) {
            self.row = row; self.previous = previous; self.last = last; self.length = length
        }
    }

    /// Never equal to a scalar value (scalars end at 0x10FFFF).
    static let noChar: UInt32 = 0xFFFF_FFFF
    private static let noPattern: UInt32 = 0xFFFF_FFFE

    /// An automaton for `pattern`'s Unicode scalars within `maxDistance` (0, 1 or 2) edits.
    public init(_ pattern: String, maxDistance: Int) {
        self.init(scalars: Array(pattern.unicodeScalars), maxDistance: maxDistance)
    }

    /// An automaton for a pattern given as scalars.
    public init(scalars: [Unicode.Scalar], maxDistance: Int) {
        precondition((0...Self.maxSupportedDistance).contains(maxDistance), "the distance must be 0, 1 or 2")
        pattern = scalars
        self.maxDistance = maxDistance
        let pad = [UInt32](repeating: Self.noPattern, count: maxDistance + 2)
        padded = pad + scalars.map(\.value) + pad
    }

    private var cells: Int { 2 * maxDistance + 1 }
    private var cap: UInt64 { UInt64(maxDistance + 1) }

    @inline(__always) private func cell(_ row: UInt64, _ d: Int) -> UInt64 { (row >> UInt64(8 * d)) & 0xFF }

    /// The state before any input: row 0 holds the distance from the empty input to each
    /// pattern prefix, that is its length.
    public var start: State {
        var row: UInt64 = 0
        for d in 0..<cells {
            let i = d - maxDistance
            row |= (i < 0 || i > pattern.count ? cap : min(UInt64(i), cap)) << UInt64(8 * d)
        }
        return State(row: row, previous: Self.allDead(cells: cells, cap: cap), last: Self.noChar, length: 0)
    }

    private static func allDead(cells: Int, cap: UInt64) -> UInt64 {
        var r: UInt64 = 0
        for d in 0..<cells { r |= cap << UInt64(8 * d) }
        return r
    }

    /// The state after reading `c` in `state`.
    @inline(__always)
    public func step(_ state: State, _ c: Unicode.Scalar) -> State { step(state, scalar: c.value) }

    /// The state after reading the scalar value `c` in `state`.
    public func step(_ state: State, scalar c: UInt32) -> State {
        let k = maxDistance
        let j = Int(state.length) + 1
        let m = pattern.count
        let cap = self.cap
        var row: UInt64 = 0
        padded.withUnsafeBufferPointer { p in
            // p[x + k + 2] is pattern scalar x (0-based); sentinels around it.
            var left: UInt64 = cap  // row j, cell d - 1 (pattern length i - 1)
            for d in 0..<(2 * k + 1) {
                let i = j - k + d  // pattern length of this cell
                var v: UInt64
                if i < 0 || i > m {
                    v = cap
                } else if i == 0 {
                    v = min(UInt64(j), cap)
                } else {
                    // Delete the input's last character: row j-1, pattern length i (cell d+1).
                    let up = d + 1 <= 2 * k ? cell(state.row, d + 1) : cap
                    // Match or substitute: row j-1, pattern length i-1 (cell d).
                    let a = p[i - 1 + k + 2]
                    let diag = cell(state.row, d) + (a == c ? 0 : 1)
                    v = min(diag, up + 1, left + 1)
                    // Transpose: pattern[i-2...i-1] == input[j-1], input[j-2] reversed; row j-2,
                    // pattern length i-2, which is cell d of the previous row.
                    if i >= 2, j >= 2, a == state.last, p[i - 2 + k + 2] == c {
                        v = min(v, cell(state.previous, d) + 1)
                    }
                    v = min(v, cap)
                }
                row |= v << UInt64(8 * d)
                left = v
            }
        }
        return State(row: row, previous: state.row, last: c, length: state.length + 1)
    }

    /// Whether no input extending the one read can be accepted: every cell of the band is
    /// past the distance. A dictionary walk skips every term with this prefix.
    public func isDead(_ state: State) -> Bool {
        for d in 0..<cells where cell(state.row, d) <= UInt64(maxDistance) { return false }
        return true
    }

    /// The distance between the pattern and the input read, when it is at most `maxDistance`.
    public func distance(_ state: State) -> Int? {
        let d = pattern.count - Int(state.length) + maxDistance
        guard d >= 0, d < cells else { return nil }
        let v = Int(cell(state.row, d))
        return v <= maxDistance ? v : nil
    }

    /// Whether the input read is accepted (within `maxDistance` of the pattern).
    public func accepts(_ state: State) -> Bool { distance(state) != nil }

    /// The smallest distance any extension of the input read can reach (a lower bound), or nil
    /// when the state is dead.
    public func minimumDistance(_ state: State) -> Int? {
        var best = Int.max
        for d in 0..<cells { best = min(best, Int(cell(state.row, d))) }
        return best <= maxDistance ? best : nil
    }

    /// The distance between the pattern and `word` when it is at most `maxDistance`.
    public func distance(of word: String) -> Int? {
        var s = start
        for c in word.unicodeScalars {
            s = step(s, c)
            if isDead(s) { return nil }
        }
        return distance(s)
    }

    /// Steps through UTF-8 bytes: the state after reading `bytes`, or nil when it dies on the
    /// way (or the bytes are not valid UTF-8).
    public func run(utf8 bytes: UnsafeRawBufferPointer, from state: State) -> State? {
        var s = state
        var i = 0
        while i < bytes.count {
            guard let (scalar, n) = UTF8Scalars.decode(bytes, at: i) else { return nil }
            s = step(s, scalar: scalar)
            if isDead(s) { return nil }
            i += n
        }
        return s
    }
}

/// Decoding one scalar from UTF-8 bytes, for walks over dictionary terms.
enum UTF8Scalars {
    /// The scalar starting at `i` and its length in bytes; nil on a malformed sequence.
    @inline(__always)
    static func decode(_ b: UnsafeRawBufferPointer, at i: Int) -> (UInt32, Int)? {
        let b0 = UInt32(b[i])
        if b0 < 0x80 { return (b0, 1) }
        let n = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0
        guard n > 0, i + n <= b.count else { return nil }
        var v = b0 & (0xFF >> UInt32(n + 1))
        for k in 1..<n {
            let c = UInt32(b[i + k])
            guard c & 0xC0 == 0x80 else { return nil }
            v = v << 6 | (c & 0x3F)
        }
        return (v, n)
    }

    /// Whether byte `b` starts a scalar (is not a continuation byte).
    @inline(__always)
    static func isStart(_ b: UInt8) -> Bool { b & 0xC0 != 0x80 }
}
