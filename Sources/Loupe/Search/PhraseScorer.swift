import CLoupeSupport

/// A phrase in one field. Documents come from a leapfrog intersection of the terms' postings
/// (rarest first); positions are decoded only for documents in the intersection.
///
/// Matching (the phrase frequency, its tf for BM25): for each position `p` of the first term,
/// each later term `i` contributes its displacement `min |q - (p + offset_i)|` over its
/// positions `q`; `p` is a match when the displacements sum to at most `slop`. With slop 0
/// this is the exact phrase, matched through a bitset of phrase starts (see
/// `PhraseMatcher.countExact`); a sloppy phrase walks each term's positions with one forward
/// pointer. Either way a document costs O(sum of the terms' frequencies), without allocating
/// (the bitset grows only for a document longer than any seen before).
final class PhraseScorer: Scorer {
    let cursors: [PostingsCursor]
    /// Offset of each term within the phrase (0, 1, 2, ... for a plain phrase).
    let offsets: [UInt32]
    let slop: Int
    let bm25: BM25Weight
    let lengths: UnsafePointer<UInt32>
    private(set) var phraseFreq: UInt32 = 0
    private let matcher: PhraseMatcher
    private var bounds: BlockBounds
    private let count: Int
    /// The term whose frequency bounds the phrase frequency (see `init`).
    private let boundingTerm: Int
    /// The cursors, rarest first, without reference counting in the loops (`cursors` keeps them alive).
    private let byRarity: UnsafeMutablePointer<Unmanaged<PostingsCursor>>
    private let inOrder: UnsafeMutablePointer<Unmanaged<PostingsCursor>>
    /// The terms (by rarity) from which on a candidate's blocks are prefetched.
    private let prefetchFrom: Int
    /// The terms (by rarity) from which on lists are moved to a candidate only after the
    /// rarer terms' positions match there (`count`: none).
    private let deferFrom: Int

    /// When to stop (see `SearchDeadline`): a phrase of frequent words may test millions of
    /// candidates between two matches, so the candidate loops tick it; nil for never.
    let deadline: SearchDeadline?

    init(cursors: [PostingsCursor], offsets: [UInt32], slop: Int, bm25: BM25Weight, lengths: UnsafePointer<UInt32>,
         deadline: SearchDeadline? = nil) {
        self.cursors = cursors; self.offsets = offsets; self.slop = slop; self.bm25 = bm25; self.lengths = lengths
        self.deadline = deadline
        count = cursors.count
        let order = cursors.indices.sorted { cursors[$0].docFreq < cursors[$1].docFreq }
        byRarity = .allocate(capacity: count)
        inOrder = .allocate(capacity: count)
        for i in 0..<count {
            byRarity[i] = Unmanaged.passUnretained(cursors[order[i]])
            inOrder[i] = Unmanaged.passUnretained(cursors[i])
        }
        matcher = PhraseMatcher(offsets: offsets, slop: slop, rarity: order)
        prefetchFrom = ConjunctionScorer.prefetchFrom(costs: order.map { cursors[$0].docFreq })
        // An exact phrase of three or more terms leaves its long lists (see `prefetchFrom`)
        // for last: a candidate is first matched on the rarer terms' positions, and only a
        // document where they already form the phrase moves the long lists to it. Most
        // candidates of a phrase like "bills every in" fail on "bills every" and never touch
        // a block of "in", each of which would be a cold read.
        deferFrom = slop == 0 && count >= 3 ? min(max(2, prefetchFrom), count) : count
        // An exact phrase occurs at most as often as its rarest term (each match uses its own
        // position of every term); a sloppy one at most as often as its first term (matches are
        // counted by the first term's positions, and may share the others'). That term's
        // impacts, scored with the phrase's weight, bound the phrase's score block by block.
        boundingTerm = slop == 0 ? order[0] : 0
        bounds = BlockBounds(cursor: cursors[boundingTerm], bm25: bm25, lengths: lengths)
        super.init()
    }

    deinit { byRarity.deallocate(); inOrder.deallocate() }

    /// Documents whose positions this scorer started reading (for tests of two-phase iteration).
    private(set) var positionReads = 0

    override var cost: Int { cursors.map(\.docFreq).min() ?? 0 }
    override var width: Int { count }

    /// Moves the terms `from ..< to` (by rarity) to `target`: returns `target` if they all
    /// hold it, else the lead's first document after the first term's overshoot.
    @inline(__always) private func agree(_ from: Int, _ to: Int, _ target: UInt32) -> UInt32 {
        for k in from..<to {
            let d = byRarity[k]._withUnsafeGuaranteedRef { $0.advance(target) }
            if d > target { return byRarity[0]._withUnsafeGuaranteedRef { $0.advance(d) } }
        }
        return target
    }

    private func align(_ start: UInt32) -> UInt32 {
        var target = start
        let lead = byRarity[0]
        while target != Scorer.noMore {
            // Past the deadline the phrase ends here; the bulk scorer collects nothing more. A
            // candidate may move every term's list: it counts as that many units of work.
            if let deadline, deadline.tick(count) { return Scorer.noMore }
            // The lead's frequency alone bounds an exact phrase's: a candidate it rules out is
            // dropped before the other lists move to it.
            if slop == 0 && minCompetitiveScore > 0 && cannotCompete(freq: lead._withUnsafeGuaranteedRef { $0.freq }, doc: target) {
                target = lead._withUnsafeGuaranteedRef { $0.next() }
                continue
            }
            var agreed = agree(1, deferFrom, target)
            guard agreed == target else { target = agreed; continue }
            positionReads &+= 1
            if deferFrom < count {
                if !matcher.prefixHasStart(inOrder, terms: deferFrom) {
                    target = lead._withUnsafeGuaranteedRef { $0.next() }
                    continue
                }
                agreed = agree(deferFrom, count, target)
                guard agreed == target else { target = agreed; continue }
            }
            // The lead's next document is most likely the next candidate (see
            // `ConjunctionScorer.prefetchFrom`). Its length, a scattered read that misses the
            // cache on a large segment, is fetched now for every candidate; the long lists'
            // blocks only for one whose positions are about to be read.
            let ahead = lead._withUnsafeGuaranteedRef { $0.peekNext }
            if ahead != Scorer.noMore { loupe_prefetch(lengths + Int(ahead)) }
            if minCompetitiveScore > 0 {
                // Skip the position check when even the largest possible phrase frequency
                // (see `init`) cannot make the document competitive.
                var maxFreq = UInt32.max
                if slop == 0 {
                    for k in 0..<count { maxFreq = min(maxFreq, byRarity[k]._withUnsafeGuaranteedRef { $0.freq }) }
                } else {
                    maxFreq = inOrder[0]._withUnsafeGuaranteedRef { $0.freq }
                }
                if cannotCompete(freq: maxFreq, doc: target) {
                    target = lead._withUnsafeGuaranteedRef { $0.next() }
                    continue
                }
            }
            if prefetchFrom < count && ahead != Scorer.noMore {
                for k in prefetchFrom..<count { byRarity[k]._withUnsafeGuaranteedRef { $0.prefetch(for: ahead) } }
            }
            phraseFreq = matcher.count(inOrder)
            if phraseFreq > 0 { return target }
            target = lead._withUnsafeGuaranteedRef { $0.next() }
        }
        return Scorer.noMore
    }

    /// Whether a document scores at most `minCompetitiveScore` (with slack) whatever its phrase
    /// frequency up to `freq`: score · slack ≤ θ, multiplied out by the score's (positive)
    /// denominator, so no division on the path of every candidate.
    @inline(__always) private func cannotCompete(freq: UInt32, doc: UInt32) -> Bool {
        let t = Double(freq)
        let denominator = t + bm25.constant + bm25.perLength * Double(lengths[Int(doc)])
        return bm25.weight * t * BlockMaxScore.slack <= minCompetitiveScore * denominator
    }

    // Two-phase iteration, when a boolean parent drives the phrase: candidates are documents
    // holding the rarer terms (those before `deferFrom`), and confirming one moves the long
    // lists there and reads positions.
    override var isTwoPhase: Bool { true }

    override func approximate(_ target: UInt32) -> UInt32 {
        if doc >= target && doc != Scorer.unstarted { return doc }
        var t = byRarity[0]._withUnsafeGuaranteedRef { $0.advance(target) }
        while t != Scorer.noMore {
            if let deadline, deadline.tick(deferFrom) { t = Scorer.noMore; break }
            let agreed = agree(1, deferFrom, t)
            if agreed == t { break }
            t = agreed
        }
        doc = t
        return t
    }

    override func confirm() -> Bool {
        positionReads &+= 1
        let target = doc
        if deferFrom < count {
            if !matcher.prefixHasStart(inOrder, terms: deferFrom) { return false }
            for k in deferFrom..<count where byRarity[k]._withUnsafeGuaranteedRef({ $0.advance(target) }) != target { return false }
        }
        phraseFreq = matcher.count(inOrder)
        return phraseFreq > 0
    }

    override func next() -> UInt32 { doc = align(byRarity[0]._withUnsafeGuaranteedRef { $0.next() }); return doc }
    override func advance(_ target: UInt32) -> UInt32 { doc = align(byRarity[0]._withUnsafeGuaranteedRef { $0.advance(target) }); return doc }
    override func score() -> Double { bm25.score(tf: phraseFreq, length: lengths[Int(doc)]) }
    override func shallowBound(_ target: UInt32) -> (bound: Double, upTo: UInt32) { bounds.bound(target) }
    override var peekNext: UInt32 { byRarity[0]._withUnsafeGuaranteedRef { $0.peekNext } }
    override func prefetch(for target: UInt32) {
        for k in 0..<count { byRarity[k]._withUnsafeGuaranteedRef { $0.prefetch(for: target) } }
    }
}

/// Counts phrase matches in the document the cursors are on (see `PhraseScorer`). Holds its
/// scratch space, so counting does not allocate.
final class PhraseMatcher {
    let offsets: [UInt32]
    private let offsetsBuffer: UnsafeMutablePointer<UInt32>
    let slop: Int
    private let lists: UnsafeMutablePointer<UnsafeBufferPointer<UInt32>>
    private let pointers: UnsafeMutablePointer<Int>
    /// Two bitsets over positions (all zero between calls), for exact matching; see `count(_:)`.
    private var kept: UnsafeMutablePointer<UInt64>
    private var next: UnsafeMutablePointer<UInt64>
    private var bitsetWords = 64
    /// Term indices by ascending in-document frequency (scratch for `countExact`).
    private let order: UnsafeMutablePointer<Int32>
    /// Phrase starts still possible, when they are few (see `countFewStarts`).
    private let fewStarts: UnsafeMutablePointer<UInt32>
    static let fewStartsLimit = 8
    /// Term indices by ascending document frequency.
    private let byRarity: UnsafeMutablePointer<Int32>

    /// `rarity`: the term indices by ascending document frequency (a guess at which terms have
    /// the fewest positions in a document; any order is correct).
    init(offsets: [UInt32], slop: Int, rarity: [Int]? = nil) {
        self.offsets = offsets
        offsetsBuffer = .allocate(capacity: offsets.count)
        for (i, o) in offsets.enumerated() { offsetsBuffer[i] = o }
        self.slop = slop
        lists = .allocate(capacity: offsets.count)
        lists.initialize(repeating: UnsafeBufferPointer(start: nil, count: 0), count: offsets.count)
        pointers = .allocate(capacity: offsets.count)
        kept = .allocate(capacity: bitsetWords); kept.initialize(repeating: 0, count: bitsetWords)
        next = .allocate(capacity: bitsetWords); next.initialize(repeating: 0, count: bitsetWords)
        order = .allocate(capacity: offsets.count)
        fewStarts = .allocate(capacity: Self.fewStartsLimit)
        byRarity = .allocate(capacity: offsets.count)
        for (k, i) in (rarity ?? Array(offsets.indices)).enumerated() { byRarity[k] = Int32(i) }
    }

    deinit {
        lists.deallocate(); pointers.deallocate(); offsetsBuffer.deallocate(); kept.deallocate(); next.deallocate()
        order.deallocate(); fewStarts.deallocate(); byRarity.deallocate()
    }

    func count(_ cursors: [PostingsCursor]) -> UInt32 {
        let unmanaged = UnsafeMutablePointer<Unmanaged<PostingsCursor>>.allocate(capacity: cursors.count)
        defer { unmanaged.deallocate() }
        for (i, c) in cursors.enumerated() { unmanaged[i] = .passUnretained(c) }
        return withExtendedLifetime(cursors) { count(unmanaged) }
    }

    @inline(__always)
    func count(_ cursors: UnsafeMutablePointer<Unmanaged<PostingsCursor>>) -> UInt32 {
        if slop == 0 { return countExact(cursors) }
        let n = offsets.count
        for i in 0..<n { lists[i] = cursors[i]._withUnsafeGuaranteedRef { $0.positions() } }
        return count(n)
    }

    @inline(__always)
    private func count(_ n: Int) -> UInt32 {
        for i in 0..<n { pointers[i] = 0; if lists[i].isEmpty { return 0 } }
        let first = lists[0]
        var matches: UInt32 = 0
        for p in first {
            var total = 0
            var ok = true
            for i in 1..<n {
                let list = lists[i]
                let want = Int(p) + Int(offsetsBuffer[i])
                var j = pointers[i]
                while j + 1 < list.count && abs(Int(list[j + 1]) - want) <= abs(Int(list[j]) - want) { j += 1 }
                pointers[i] = j
                total += abs(Int(list[j]) - want)
                if total > slop { ok = false; break }
            }
            if ok { matches += 1 }
        }
        return matches
    }

    /// Exact phrase: phrase starts `p` such that every term `i` occurs at `p + offset_i`. The
    /// terms are taken fewest positions first (the in-document frequencies are known before any
    /// position is decoded): the first one's candidate starts go into a bitset over positions,
    /// each next term's positions are tested against it independently (no merge whose every
    /// step waits for the previous comparison), and once no start survives the remaining
    /// terms' positions are never decoded. O(sum of the decoded lists) per document. Set bits
    /// are always a subset of the first term's starts, which is how the words are cleared.
    @inline(__always)
    private func countExact(_ cursors: UnsafeMutablePointer<Unmanaged<PostingsCursor>>) -> UInt32 {
        let n = offsets.count
        if BitPacking.simd {
            // The rarest term of the index nearly always has the fewest positions in the
            // document too; when they are few, match start by start without reading the other
            // terms' frequencies first (a block's frequencies are decoded on first use).
            let r = Int(byRarity[0])
            if Int(cursors[r]._withUnsafeGuaranteedRef { $0.freq }) <= Self.fewStartsLimit {
                let base = cursors[r]._withUnsafeGuaranteedRef { $0.positions() }
                return countFewStarts(cursors, base, Int(offsetsBuffer[r]), byRarity)
            }
        }
        for i in 0..<n {
            let f = cursors[i]._withUnsafeGuaranteedRef { $0.freq }
            var k = i
            while k > 0 && cursors[Int(order[k - 1])]._withUnsafeGuaranteedRef({ $0.freq }) > f { order[k] = order[k - 1]; k -= 1 }
            order[k] = Int32(i)
        }
        let b = Int(order[0])
        let base = cursors[b]._withUnsafeGuaranteedRef { $0.positions() }
        let baseOff = Int(offsetsBuffer[b])
        guard let lastBase = base.last, Int(lastBase) >= baseOff else { return 0 }
        if BitPacking.simd && base.count <= Self.fewStartsLimit { return countFewStarts(cursors, base, baseOff, order) }
        let maxP = Int(lastBase) - baseOff
        let words = maxP >> 6 + 1
        if words > bitsetWords {
            kept.deallocate(); next.deallocate()
            bitsetWords = words * 2
            kept = .allocate(capacity: bitsetWords); kept.initialize(repeating: 0, count: bitsetWords)
            next = .allocate(capacity: bitsetWords); next.initialize(repeating: 0, count: bitsetWords)
        }
        var s = kept, t = next
        for q in base {
            let p = Int(q) &- baseOff
            if p >= 0 { s[p >> 6] |= 1 &<< UInt64(p & 63) }
        }
        func clear(_ set: UnsafeMutablePointer<UInt64>) {
            for q in base {
                let p = Int(q) &- baseOff
                if p >= 0 { set[p >> 6] = 0 }
            }
        }
        var matches = 0
        for k in 1..<n {
            let i = Int(order[k])
            let list = cursors[i]._withUnsafeGuaranteedRef { $0.positions() }
            let off = Int(offsetsBuffer[i])
            let last = k == n - 1
            matches = 0
            for q in list {
                let p = Int(q) &- off
                guard p >= 0 && p <= maxP else { continue }
                let bit = (s[p >> 6] &>> UInt64(p & 63)) & 1
                matches &+= Int(bit)
                if !last { t[p >> 6] |= bit &<< UInt64(p & 63) }
            }
            if !last {
                clear(s)
                swap(&s, &t)
                if matches == 0 { return 0 } // `s` holds nothing, `t` is cleared
            }
        }
        clear(s)
        return UInt32(matches)
    }

    /// Whether some start of the exact phrase survives the `terms` rarest terms alone (their
    /// cursors on the document; `cursors` in term order). Each of the rarest term's starts is
    /// looked up in the others' sorted positions by binary search: O(f₀ · Σ log fᵢ).
    func prefixHasStart(_ cursors: UnsafeMutablePointer<Unmanaged<PostingsCursor>>, terms: Int) -> Bool {
        for k in 1..<terms {
            let i = Int(byRarity[k])
            lists[k] = cursors[i]._withUnsafeGuaranteedRef { $0.positions() }
        }
        let r = Int(byRarity[0])
        let baseOff = offsetsBuffer[r]
        let base = cursors[r]._withUnsafeGuaranteedRef { $0.positions() }
        search: for q in base where q >= baseOff {
            let start = q &- baseOff
            for k in 1..<terms {
                let list = lists[k]
                let want = start &+ offsetsBuffer[Int(byRarity[k])]
                var lo = 0, hi = list.count
                while lo < hi {
                    let mid = (lo &+ hi) >> 1
                    if list[mid] < want { lo = mid &+ 1 } else { hi = mid }
                }
                if lo == list.count || list[lo] != want { continue search }
            }
            return true
        }
        return false
    }

    /// `countExact` when term `order[0]` (`base` its positions) has at most `fewStartsLimit`
    /// positions in the document (the usual case for a phrase with a rare word): each remaining
    /// start is looked up in the positions of terms `order[1...]` in turn with an 8-wide
    /// equality count, a handful of vector compares per term instead of a bitset pass over
    /// every position. Positions of a term are distinct, so a start either survives a term or
    /// not; once none survives, the remaining terms are not read.
    @inline(__always)
    private func countFewStarts(_ cursors: UnsafeMutablePointer<Unmanaged<PostingsCursor>>,
                                _ base: UnsafeBufferPointer<UInt32>, _ baseOff: Int,
                                _ order: UnsafeMutablePointer<Int32>) -> UInt32 {
        var m = 0
        for q in base where Int(q) >= baseOff {
            fewStarts[m] = q &- UInt32(baseOff)
            m &+= 1
        }
        if m == 0 { return 0 }
        for k in 1..<offsets.count {
            let i = Int(order[k])
            let list = cursors[i]._withUnsafeGuaranteedRef { $0.positions() }
            let off = offsetsBuffer[i]
            var kept = 0
            for j in 0..<m {
                let start = fewStarts[j]
                if loupe_count_equal_avx2(list.baseAddress, list.count, start &+ off) > 0 {
                    fewStarts[kept] = start
                    kept &+= 1
                }
            }
            m = kept
            if m == 0 { return 0 }
        }
        return UInt32(m)
    }
}
