/// Intersecting a field's terms with a Levenshtein automaton (fuzzy terms, suggestions).
///
/// The walk decodes the front-coded blocks in order and steps the automaton only over the
/// bytes a term does not share with the previous one (states are kept per byte of the term).
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
    }

    /// Calls `body` with each term of `field` that starts with `fixed` and whose remaining
    /// bytes `automaton` accepts, with its info and the distance, in byte order.
    @discardableResult
    func intersect(field: Int, fixed: [UInt8], automaton: LevenshteinAutomaton,
                   _ body: (UnsafeRawBufferPointer, TermInfo, Int) -> Void) -> WalkCounts {
        var counts = WalkCounts()
        guard let s = sections[field], !s.blockOffsets.isEmpty else { return counts }
        let blockSize = TermDictionaryWriter.blockSize
        let p = fixed.count
        var term: [UInt8] = []
        term.reserveCapacity(128)
        // states[i]: the automaton after the first i bytes past `fixed` (valid where i is a
        // scalar boundary of the previous term and i ≤ valid).
        var states = [LevenshteinAutomaton.State](repeating: automaton.start, count: 64)
        var valid = 0
        // The previous term's walk died after this many bytes past `fixed` (Int.max: it did not).
        var deadAt = Int.max
        // How the previous term's first p bytes compare with `fixed` (-1, 0, 1).
        var fixedOrder = -1
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
                    guard shared <= term.count else { return counts }
                    term.removeSubrange(shared...)
                    term.append(contentsOf: suffix)
                    counts.decoded += 1
                    if shared < p || fixedOrder != 0 || shared == 0 {
                        fixedOrder = term.withUnsafeBytes { t in
                            fixed.withUnsafeBytes { f in
                                let c = compareBytes(UnsafeRawBufferPointer(rebasing: t[0..<min(p, t.count)]), f)
                                return c < 0 ? -1 : (c > 0 ? 1 : 0)
                            }
                        }
                        if fixedOrder > 0 { break blockLoop }
                        valid = 0
                        deadAt = Int.max
                        if fixedOrder < 0 { continue }
                    }
                    let sh = max(0, shared - p)
                    if sh >= deadAt { continue }
                    let length = term.count - p
                    var i = min(sh, valid)
                    deadAt = Int.max
                    var state = states[0]
                    let accepted: Int? = term.withUnsafeBytes { t in
                        // Back up to a scalar boundary of this term.
                        while i > 0, i < length, !UTF8Scalars.isStart(t[p + i]) { i -= 1 }
                        state = states[i]
                        let rest = UnsafeRawBufferPointer(rebasing: t[p...])
                        while i < length {
                            guard let (scalar, n) = UTF8Scalars.decode(rest, at: i) else { return nil }
                            state = automaton.step(state, scalar: scalar)
                            i += n
                            if i >= states.count { states.append(contentsOf: repeatElement(state, count: i + 1 - states.count + 32)) }
                            states[i] = state
                            if automaton.isDead(state) { deadAt = i; return nil }
                        }
                        return automaton.distance(state)
                    }
                    valid = i
                    if let d = accepted {
                        term.withUnsafeBytes { body($0, TermInfo(docFreq: df, postingsOffset: postings, positionsOffset: positions), d) }
                    } else if deadAt != Int.max, block + 1 < blocks {
                        // Terms starting with the dead prefix can be skipped: when the next
                        // block starts with it too, seek past it.
                        var next = Array(term[0..<(p + min(deadAt, length))])
                        while let last = next.last, last == 0xFF { next.removeLast() }
                        guard !next.isEmpty else { break blockLoop }
                        next[next.count - 1] += 1
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
                counts.blocksSkipped += b - block - 1
                block = b
            } else {
                block += 1
            }
            // Each block's first term is written whole: the walk restarts from the empty term.
            term.removeAll(keepingCapacity: true)
            valid = 0
            deadAt = Int.max
            fixedOrder = -1
        }
        return counts
    }
}
