/// The characters a set of Levenshtein patterns tell apart: each distinct scalar of the
/// patterns is a class, every other scalar is one "other" class (no pattern can tell two
/// such scalars apart, so they lead to the same state).
///
/// Looking a scalar up is an array read for ASCII and a small dictionary read otherwise, so a
/// walk maps each character of a term once, whatever the number of automata stepping it.
struct LevenshteinClasses {
    /// The pattern scalars in increasing order; class `i` is `scalars[i]`.
    let scalars: [UInt32]
    /// The class of every scalar outside `scalars`.
    let other: Int
    /// The class of each ASCII scalar.
    private let ascii: [Int32]
    /// The class of each non-ASCII pattern scalar.
    private let nonASCII: [UInt32: Int32]

    /// The classes of the scalars of `patterns`.
    init<S: Sequence>(patterns: S) where S.Element == [Unicode.Scalar] {
        scalars = Array(Set(patterns.flatMap { $0.map(\.value) })).sorted()
        other = scalars.count
        var ascii = [Int32](repeating: Int32(scalars.count), count: 128)
        var nonASCII: [UInt32: Int32] = [:]
        for (i, c) in scalars.enumerated() {
            if c < 128 { ascii[Int(c)] = Int32(i) } else { nonASCII[c] = Int32(i) }
        }
        self.ascii = ascii
        self.nonASCII = nonASCII
    }

    /// Number of classes (the pattern scalars and "other").
    var count: Int { scalars.count + 1 }

    /// The class of scalar value `c`.
    @inline(__always)
    func of(_ c: UInt32) -> Int {
        c < 128 ? Int(ascii[Int(c)]) : Int(nonASCII[c] ?? Int32(other))
    }

    /// A scalar of class `k`: the pattern scalar, or for "other" a value no pattern holds.
    func representative(_ k: Int) -> UInt32 {
        k < scalars.count ? scalars[k] : LevenshteinAutomaton.noChar
    }
}

/// A ``LevenshteinAutomaton`` compiled lazily into a table-driven DFA over character classes
/// (as Lucene's and Tantivy's Levenshtein automata): a state is a small integer, a step is a
/// read of a flat transition table once that transition has been taken, and acceptance is a
/// read of a flat array.
///
/// States of the banded automaton are interned when first reached, after normalization (the
/// previous row and the last character only matter for a transposition, so they are dropped
/// when the last character is in no pattern), and each transition is computed the first time
/// it is taken. Dictionary walks step millions of characters through a few hundred states, so
/// almost every step is a table read. A value type: a walk owns its copy and grows it.
struct LevenshteinDFA {
    /// The dead state: no extension of the input read is accepted. Every transition from it
    /// leads back to it.
    static let dead: Int32 = 0
    /// The state before any input.
    static let start: Int32 = 1

    /// The automaton compiled.
    let automaton: LevenshteinAutomaton
    /// The character classes the transitions are indexed by.
    let classes: LevenshteinClasses
    private let classCount: Int
    /// The banded state of each id (index 0, the dead state, holds a placeholder).
    private var states: [LevenshteinAutomaton.State]
    /// The id of each normalized banded state.
    private var ids: [LevenshteinAutomaton.State: Int32]
    /// `transitions[id * classCount + class]`: the next id, or -1 when not computed yet.
    private var transitions: [Int32]
    /// The distance of the input read when accepted, else -1, per id.
    private var distances: [Int8]

    /// Compiles `automaton` over `classes`, which must tell apart every scalar of its pattern.
    init(_ automaton: LevenshteinAutomaton, classes: LevenshteinClasses) {
        self.automaton = automaton
        self.classes = classes
        classCount = classes.count
        let s = automaton.start
        states = [s, s]
        ids = [:]
        transitions = [Int32](repeating: Self.dead, count: classCount)
        distances = [-1]
        ids[Self.normalized(s, classes: classes, automaton: automaton)] = Self.start
        transitions.append(contentsOf: repeatElement(-1, count: classCount))
        distances.append(Int8(automaton.distance(s) ?? -1))
    }

    /// Compiles `automaton` over the classes of its own pattern.
    init(_ automaton: LevenshteinAutomaton) {
        self.init(automaton, classes: LevenshteinClasses(patterns: [automaton.pattern]))
    }

    /// Compiles automata that one walk steps together over one set of classes (the union of
    /// their patterns' scalars), so each character of a term is classified once for all.
    static func compile(_ automata: [LevenshteinAutomaton]) -> [LevenshteinDFA] {
        let classes = LevenshteinClasses(patterns: automata.map(\.pattern))
        return automata.map { LevenshteinDFA($0, classes: classes) }
    }

    /// Number of states reached so far (the dead one included).
    var stateCount: Int { states.count }

    /// The state after reading a character of class `k` in state `id`.
    @inline(__always)
    mutating func step(_ id: Int32, class k: Int) -> Int32 {
        let next = transitions[Int(id) &* classCount &+ k]
        return next >= 0 ? next : compile(id, class: k)
    }

    /// The state after reading scalar value `c` in state `id`.
    @inline(__always)
    mutating func step(_ id: Int32, scalar c: UInt32) -> Int32 { step(id, class: classes.of(c)) }

    /// The distance of the input read in state `id` when within the automaton's distance.
    @inline(__always)
    func distance(_ id: Int32) -> Int? {
        let d = distances[Int(id)]
        return d >= 0 ? Int(d) : nil
    }

    /// Computes, interns and records the transition from `id` on class `k`.
    @inline(never)
    private mutating func compile(_ id: Int32, class k: Int) -> Int32 {
        let next = automaton.step(states[Int(id)], scalar: classes.representative(k))
        var target = Self.dead
        if !automaton.isDead(next) {
            let key = Self.normalized(next, classes: classes, automaton: automaton)
            if let known = ids[key] {
                target = known
            } else {
                target = Int32(states.count)
                ids[key] = target
                states.append(key)
                transitions.append(contentsOf: repeatElement(-1, count: classCount))
                distances.append(Int8(automaton.distance(key) ?? -1))
            }
        }
        transitions[Int(id) * classCount + k] = target
        return target
    }

    /// `s` with what cannot change its future dropped: without a pattern character last, no
    /// transposition can start, so the previous row and that character are forgotten.
    private static func normalized(_ s: LevenshteinAutomaton.State, classes: LevenshteinClasses,
                                   automaton: LevenshteinAutomaton) -> LevenshteinAutomaton.State {
        if s.last != LevenshteinAutomaton.noChar, automaton.pattern.contains(where: { $0.value == s.last }) { return s }
        return LevenshteinAutomaton.State(row: s.row, previous: 0, last: LevenshteinAutomaton.noChar, length: s.length)
    }
}
