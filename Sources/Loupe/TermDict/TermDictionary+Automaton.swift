/// Intersecting a field's terms with a Levenshtein automaton (fuzzy terms, suggestions).
///
/// The walk decodes the front-coded blocks in order and steps the automaton only over the
/// bytes a term does not share with the previous one (states, ids of the compiled
/// `LevenshteinDFA`, are kept per byte of the term; a step is a class lookup and a table read).
/// When a prefix's state is dead, no term starting with it can be accepted: the terms that
/// still share it are passed over without stepping, and when the next block's first term
/// also starts with it the walk seeks, through the in-memory block index, to the block where
/// terms past that prefix begin, without decoding the blocks in between.
extension TermDictionary {
    /// What one intersection read, for tests and measurements.
    struct WalkCounts: Equatable {
        /// Terms decoded from blocks.
        var decoded = 0
        /// Blocks skipped by a seek past a dead prefix.
        var blocksSkipped = 0
        /// Seeks through the block index.
        var seeks = 0
    }

    /// Calls `body` with each term of `field` that starts with `fixed` and whose remaining
    /// bytes `automaton` accepts, with its info and the distance, in byte order.
    @discardableResult
    func intersect(field: Int, fixed: [UInt8], automaton: LevenshteinAutomaton,
                   _ body: (UnsafeRawBufferPointer, TermInfo, Int) -> Void) -> WalkCounts {
        intersect(field: field, fixed: fixed, automata: [automaton]) { t, info, _, d in body(t, info, d) }
    }

    /// One walk for several automata (the forms of one word): calls `body` with each term of
    /// `field` that starts with `fixed` and the index and distance of every automaton that
    /// accepts its remaining bytes, in byte order. A prefix is dead when it is dead for all.
    @discardableResult
    func intersect(field: Int, fixed: [UInt8], automata: [LevenshteinAutomaton],
                   _ body: (UnsafeRawBufferPointer, TermInfo, Int, Int) -> Void) -> WalkCounts {
        var dfas = LevenshteinDFA.compile(automata)
        return intersect(field: field, fixed: fixed, dfas: &dfas, body)
    }

    /// The walk over compiled automata (``LevenshteinDFA``, sharing one set of character
    /// classes): they grow as the walk takes new transitions, so passing the same ones to the
    /// walks of every segment builds each transition once per query.
    @discardableResult
    func intersect(field: Int, fixed: [UInt8], dfas: inout [LevenshteinDFA],
                   _ body: (UnsafeRawBufferPointer, TermInfo, Int, Int) -> Void) -> WalkCounts {
        var counts = WalkCounts()
        guard let s = sections[field], !s.blockOffsets.isEmpty, !dfas.isEmpty else { return counts }
        let classes = dfas[0].classes
        let blockSize = TermDictionaryWriter.blockSize
        let p = fixed.count
        let n = dfas.count
        // The current term, in a buffer that only grows.
        var capacity = 256
        var term = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { term.deallocate() }
        var length = 0
        // states[i * n + a]: automaton a's state id after the first i bytes past `fixed`
        // (valid where i is a scalar boundary of the previous term and i ≤ valid).
        var states = [Int32](repeating: LevenshteinDFA.start, count: 64 * n)
        var valid = 0
        // The previous term's walk died (for every automaton) after this many bytes past
        // `fixed` (Int.max: it did not).
        var deadAt = Int.max
        // How the previous term's first p bytes compare with `fixed` (-1, 0, 1).
        var fixedOrder = -1
        // Terms below this one cannot be accepted (the smallest live successor of a dead prefix).
        var skipUntil: [UInt8]? = nil
        // The bytes every term since the last one walked shares with it.
        var common = Int.max
        var block = p == 0 ? 0 : fixed.withUnsafeBytes { blockFor(s, $0) } ?? 0
        let blocks = s.blockOffsets.count
        blockLoop: while block < blocks {
            let entries = min(blockSize, Int(s.termCount) - block * blockSize)
            guard entries > 0 else { break }
            var r = ByteReader(base: file.base, count: dataEnd, offset: s.blockOffsets[block])
            var postings: UInt64 = 0, positions: UInt64 = 0
            var seekTo: [UInt8]? = nil
            do {
                for _ in 0..<entries {
                    let shared = try r.vintInt()
                    let suffix = try r.bytes(try r.vintInt())
                    let df = try r.vint32()
                    postings &+= try r.vint()
                    if s.hasPositions { positions &+= try r.vint() }
                    guard shared <= length else { return counts }
                    if shared + suffix.count > capacity {
                        capacity = max(capacity * 2, shared + suffix.count)
                        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                        bigger.update(from: term, count: length)
                        term.deallocate()
                        term = bigger
                    }
                    if let base = suffix.baseAddress { (term + shared).update(from: base.assumingMemoryBound(to: UInt8.self), count: suffix.count) }
                    length = shared + suffix.count
                    let t = UnsafeRawBufferPointer(start: term, count: length)
                    counts.decoded += 1
                    if shared < p || fixedOrder != 0 || shared == 0 {
                        let c = fixed.withUnsafeBytes { compareBytes(UnsafeRawBufferPointer(rebasing: t[0..<min(p, length)]), $0) }
                        fixedOrder = c < 0 ? -1 : (c > 0 ? 1 : 0)
                        if fixedOrder > 0 { break blockLoop }
                        valid = 0
                        deadAt = Int.max
                        if fixedOrder < 0 { continue }
                    }
                    common = min(common, shared)
                    if let target = skipUntil {
                        if target.withUnsafeBytes({ compareBytes(t, $0) }) < 0 { continue }
                        skipUntil = nil
                    }
                    let sh = max(0, common - p)
                    if sh >= deadAt { continue }
                    common = Int.max
                    let rest = length - p
                    var i = min(sh, valid)
                    // Back up to a scalar boundary of this term.
                    while i > 0, i < rest, !UTF8Scalars.isStart(t[p + i]) { i -= 1 }
                    deadAt = Int.max
                    var malformed = false
                    let suffixBytes = UnsafeRawBufferPointer(rebasing: t[p...])
                    while i < rest {
                        guard let (scalar, size) = UTF8Scalars.decode(suffixBytes, at: i) else { malformed = true; break }
                        let next = i + size
                        if (next + 1) * n > states.count { states.append(contentsOf: repeatElement(LevenshteinDFA.dead, count: (next + 1) * n - states.count + 16 * n)) }
                        let k = classes.of(scalar)
                        var alive = false
                        for a in 0..<n {
                            let st = dfas[a].step(states[i &* n &+ a], class: k)
                            states[next &* n &+ a] = st
                            if st != LevenshteinDFA.dead { alive = true }
                        }
                        i = next
                        if !alive { deadAt = i; break }
                    }
                    valid = i
                    if deadAt == Int.max {
                        if !malformed {
                            for a in 0..<n {
                                if let d = dfas[a].distance(states[i * n + a]) {
                                    body(t, TermInfo(docFreq: df, postingsOffset: postings, positionsOffset: positions), a, d)
                                }
                            }
                        }
                    } else {
                        // Every term below the smallest live successor of the dead prefix is
                        // skipped (Lucene's `nextString`); when the next block starts below
                        // it, the walk seeks there.
                        guard let next = Self.liveSuccessor(t, p: p, dead: deadAt, states: states, dfas: &dfas) else { break blockLoop }
                        skipUntil = next
                        guard block + 1 < blocks else { continue }
                        let nextFirst = s.firstTerms.withUnsafeBytes { all in
                            UnsafeRawBufferPointer(rebasing: all[s.firstTermEnds[block]..<s.firstTermEnds[block + 1]])
                        }
                        if next.withUnsafeBytes({ compareBytes(nextFirst, $0) }) < 0 {
                            seekTo = next
                            break
                        }
                    }
                }
            } catch {
                return counts
            }
            if let target = seekTo, let b = target.withUnsafeBytes({ blockFor(s, $0) }), b > block {
                counts.seeks += 1
                counts.blocksSkipped += b - block - 1
                block = b
            } else {
                block += 1
            }
            // Each block's first term is written whole: the walk restarts from the empty term.
            length = 0
            valid = 0
            deadAt = Int.max
            fixedOrder = -1
            common = Int.max
        }
        return counts
    }

    /// The smallest term bytes above every extension of the dead prefix `t[..<p + dead]` that
    /// some automaton may accept, or nil when no greater term can be. It raises the prefix's
    /// last character to the smallest one that keeps an automaton alive (a character of a
    /// pattern, or the first other one: all others behave alike), else drops that character
    /// and raises the one before.
    static func liveSuccessor(_ t: UnsafeRawBufferPointer, p: Int, dead: Int, states: [Int32],
                              dfas: inout [LevenshteinDFA]) -> [UInt8]? {
        let n = dfas.count
        let patternScalars = dfas[0].classes.scalars
        let rest = UnsafeRawBufferPointer(rebasing: t[p...])
        var end = dead
        while end > 0 {
            var start = end - 1
            while start > 0, !UTF8Scalars.isStart(rest[start]) { start -= 1 }
            guard let (c, _) = UTF8Scalars.decode(rest, at: start) else { return nil }
            // Candidates above c, in increasing order: the first non-pattern character, and
            // the pattern's characters.
            var other = c + 1
            while other == 0xD800 || patternScalars.contains(other) { other = other == 0xD800 ? 0xE000 : other + 1 }
            // Merged from the sorted pattern scalars and `other` without building a list: this
            // runs at every dead prefix.
            var next = 0
            while next < patternScalars.count, patternScalars[next] <= c { next += 1 }
            var otherPending = other <= 0x10FFFF
            while true {
                let x: UInt32
                if otherPending, next == patternScalars.count || other < patternScalars[next] {
                    x = other
                    otherPending = false
                } else if next < patternScalars.count {
                    x = patternScalars[next]
                    next += 1
                } else {
                    break
                }
                var alive = false
                for a in 0..<n where dfas[a].step(states[start * n + a], scalar: x) != LevenshteinDFA.dead { alive = true; break }
                if alive, let scalar = Unicode.Scalar(x) {
                    var out = [UInt8]()
                    out.reserveCapacity(p + start + 4)
                    out.append(contentsOf: t[0..<(p + start)])
                    UTF8.encode(scalar) { out.append($0) }
                    return out
                }
            }
            end = start
        }
        return nil
    }
}
