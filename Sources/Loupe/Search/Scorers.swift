/// Iterates matching documents of one segment in ascending order and scores the current one.
///
/// The generic building block for boolean trees. Leaf term lists are `TermScorer`s; the
/// pure-disjunction fast path (`BlockMaxScore`) bypasses this class and works on cursors
/// directly. Subclasses are final so calls within a subclass are static.
class Scorer {
    static let noMore = PostingsCursor.noMore
    /// `doc` before the first `next()`/`advance(_:)`.
    static let unstarted = UInt32.max - 1
    var doc: UInt32 = Scorer.unstarted
    /// Set by a top-level collector: documents scoring at most this cannot enter the results,
    /// so a scorer may skip them (they then go uncounted: the total becomes a lower bound).
    var minCompetitiveScore: Double = 0
    /// Expected number of matches (drives the order of conjunctions: cheapest leads).
    var cost: Int { 0 }
    /// The postings lists (or other leaves) the tree moves per match, about: what one match
    /// counts for against a search's deadline (see `DeadlineCountdown`). Read once per segment.
    var width: Int { 1 }
    @discardableResult func next() -> UInt32 { fatalError("abstract") }
    /// First match >= target (target > doc).
    @discardableResult func advance(_ target: UInt32) -> UInt32 { fatalError("abstract") }
    func score() -> Double { 0 }
    /// An upper bound on the score of any document in `target ... upTo`, computed without
    /// moving the scorer (from block-max data), and the last document it covers. The default
    /// knows nothing: an infinite bound over everything.
    func shallowBound(_ target: UInt32) -> (bound: Double, upTo: UInt32) { (.infinity, Scorer.noMore - 2) }
    /// The document after `doc` if the scorer already knows it without work, else `noMore`:
    /// the likely next candidate of an intersection this scorer leads.
    var peekNext: UInt32 { Scorer.noMore }
    /// A hint that `advance(target)` is likely soon: start fetching the data it will read
    /// (see `PostingsCursor.prefetch(for:)`). The default does nothing.
    func prefetch(for target: UInt32) {}

    // MARK: Two-phase iteration (Lucene's `TwoPhaseIterator`)
    //
    // A scorer whose matching has an expensive part (a phrase reads positions) can split it:
    // `approximate` moves to the next candidate (a superset of the matches, found from doc ids
    // alone) and `confirm` decides the current candidate. A parent that combines it with other
    // clauses moves everyone by approximation and confirms only documents all of them hold,
    // so positions are read only where every required clause agrees. A scorer is driven either
    // this way or through `next`/`advance`, never both.

    /// Whether `approximate`/`confirm` are cheaper than `advance`.
    var isTwoPhase: Bool { false }
    /// Moves to the first candidate ≥ `target` (never backwards; stays when already there).
    func approximate(_ target: UInt32) -> UInt32 { doc >= target && doc != Scorer.unstarted ? doc : advance(target) }
    /// Whether the candidate `approximate` stopped at matches; `score()` is valid only after
    /// it returned true.
    func confirm() -> Bool { true }
}

extension Scorer {
    /// Moves this scorer, as a sub-scorer, to `target` or beyond, by approximation when it
    /// iterates in two phases (the parent confirms); returns where it stands.
    @inline(__always) func reach(_ target: UInt32) -> UInt32 {
        if doc >= target && doc != Scorer.unstarted { return doc }
        return isTwoPhase ? approximate(target) : advance(target)
    }

    /// Whether this scorer, as a sub-scorer, matches `target` (which never decreases between
    /// calls): moved there, and confirmed when it iterates in two phases.
    @inline(__always) func matches(_ target: UInt32) -> Bool {
        reach(target) == target && (!isTwoPhase || confirm())
    }
}

/// Block-max bounds of one postings list under one BM25 weight, computed lazily per block
/// from the block's impacts (or, for a short list without skip data, its exact maximum).
struct BlockBounds {
    let cursor: PostingsCursor
    let bm25: BM25Weight
    let lengths: UnsafePointer<UInt32>
    private var cache: [Double] = []
    private var lastBlock = 0

    init(cursor: PostingsCursor, bm25: BM25Weight, lengths: UnsafePointer<UInt32>) {
        self.cursor = cursor
        self.bm25 = bm25
        self.lengths = lengths
    }

    mutating func bound(_ target: UInt32) -> (bound: Double, upTo: UInt32) {
        if cache.isEmpty {
            if cursor.hasBlockBounds {
                cache = [Double](repeating: -1, count: cursor.blockCount)
            } else {
                cache = [PostingsCursorProbe.maxScore(cursor: cursor, bm25: bm25, lengths: lengths)]
            }
        }
        guard cursor.hasBlockBounds else { return (cache[0], Scorer.noMore - 2) }
        let b = cursor.blockIndex(for: target, from: lastBlock)
        lastBlock = b
        let end = cursor.lastDoc(ofBlock: b)
        // Past the list's last document: it contributes nothing from here on.
        if end < target { return (0, Scorer.noMore - 2) }
        if cache[b] < 0 { cache[b] = cursor.blockMaxScore(b, bm25) }
        return (cache[b], end >= Scorer.noMore - 1 ? Scorer.noMore - 2 : end)
    }
}

/// One term in one field: BM25 over its postings.
final class TermScorer: Scorer {
    let cursor: PostingsCursor
    let bm25: BM25Weight
    let lengths: UnsafePointer<UInt32>

    private var bounds: BlockBounds

    init(cursor: PostingsCursor, bm25: BM25Weight, lengths: UnsafePointer<UInt32>) {
        self.cursor = cursor; self.bm25 = bm25; self.lengths = lengths
        bounds = BlockBounds(cursor: cursor, bm25: bm25, lengths: lengths)
        super.init()
    }

    override func shallowBound(_ target: UInt32) -> (bound: Double, upTo: UInt32) { bounds.bound(target) }

    override var cost: Int { cursor.docFreq }
    override func next() -> UInt32 { doc = cursor.next(); return doc }
    override func advance(_ target: UInt32) -> UInt32 { doc = cursor.advance(target); return doc }
    override func score() -> Double { bm25.score(tf: cursor.freq, length: lengths[Int(doc)]) }
    override var peekNext: UInt32 { cursor.peekNext }
    override func prefetch(for target: UInt32) { cursor.prefetch(for: target) }
}

/// Sub-scorers as unmanaged references, so the per-document loops over them do no reference
/// counting (the owning scorer's arrays keep them alive).
struct UnownedScorers {
    let base: UnsafeMutablePointer<Unmanaged<Scorer>>
    let count: Int

    init(_ scorers: [Scorer]) {
        count = scorers.count
        base = .allocate(capacity: max(count, 1))
        for (i, s) in scorers.enumerated() { base[i] = .passUnretained(s) }
    }

    func deallocate() { base.deallocate() }

    @inline(__always) func with<R>(_ i: Int, _ body: (Scorer) -> R) -> R { base[i]._withUnsafeGuaranteedRef(body) }
}

/// Documents matching all sub-scorers; score is the sum. Leapfrog: the cheapest scorer leads
/// and the others are advanced to its candidate; any overshoot becomes the new candidate.
final class ConjunctionScorer: Scorer {
    /// Cheapest first, for leapfrogging.
    let subs: [Scorer]
    /// Query order, for summing scores identically in every segment.
    let inQueryOrder: [Scorer]
    private let byCost: UnownedScorers
    private let ordered: UnownedScorers
    /// The subs (by cost) from which on a candidate's blocks are prefetched.
    private let prefetchFrom: Int

    /// Where prefetching starts in a cost-ordered intersection: at the first list at least 16
    /// times longer than the lead's (`costs.count` if none). Such a list's blocks hold few
    /// candidates each, so nearly every candidate lands in a block not yet read; the blocks
    /// of closer lists are usually the current ones, and prefetching them would only add work.
    static func prefetchFrom(costs: [Int]) -> Int {
        guard let lead = costs.first else { return 0 }
        return costs.indices.dropFirst().first { costs[$0] >= 16 * max(lead, 1) } ?? costs.count
    }

    /// Whether candidates are pruned one by one (`competitive(_:)`) once `minCompetitiveScore`
    /// is set: when the other lists are dense enough that at least `denseShare` of the lead's
    /// documents are expected in the intersection (their shares of the segment multiplied).
    /// Elsewhere most lead documents would be scored for nothing, each a scattered read of
    /// its length, which misses the cache on a large segment (medium conjunctions ran 2–3×
    /// slower at 1M documents).
    private let prunesCandidates: Bool
    static let denseShare = 0.25

    /// See `prunesCandidates`; `costs` in cost order, the lead's first.
    static func prunesCandidates(costs: [Int], docCount: Int) -> Bool {
        var share = 1.0
        for c in costs.dropFirst() { share *= min(1, Double(c) / Double(max(docCount, 1))) }
        return share >= denseShare
    }
    /// `remaining[k]`: the sum of the bounds of subs `k...` (by cost) over the window that
    /// ends at `windowEnd` (-1 before the first; candidates only move forward);
    /// `remaining[count]` is 0.
    private let remaining: UnsafeMutablePointer<Double>
    private var windowEnd = -1

    /// When to stop: the leapfrog may run long between two matches (many lists that rarely
    /// agree), so each candidate ticks it (see `SearchDeadline`); nil for never.
    let deadline: SearchDeadline?

    init(_ subs: [Scorer], docCount: Int, deadline: SearchDeadline? = nil) {
        self.deadline = deadline
        inQueryOrder = subs
        let sorted = subs.sorted { $0.cost < $1.cost }
        self.subs = sorted
        byCost = UnownedScorers(sorted)
        ordered = UnownedScorers(subs)
        let costs = sorted.map(\.cost)
        prefetchFrom = ConjunctionScorer.prefetchFrom(costs: costs)
        twoPhase = sorted.indices.filter { sorted[$0].isTwoPhase }
        anyTwoPhase = !twoPhase.isEmpty
        twoPhaseSubs = .allocate(capacity: sorted.count)
        for (k, sub) in sorted.enumerated() { (twoPhaseSubs + k).initialize(to: sub.isTwoPhase) }
        // Candidate pruning scores subs before all of them agree: not with two-phase subs,
        // whose scores exist only once confirmed.
        prunesCandidates = twoPhase.isEmpty && ConjunctionScorer.prunesCandidates(costs: costs, docCount: docCount)
        remaining = .allocate(capacity: subs.count + 1)
        remaining.initialize(repeating: .infinity, count: subs.count + 1)
        remaining[subs.count] = 0
        super.init()
    }
    deinit { byCost.deallocate(); ordered.deallocate(); remaining.deallocate(); twoPhaseSubs.deallocate() }
    override var cost: Int { subs[0].cost }
    override var width: Int { subs.reduce(0) { $0 + $1.width } }

    /// The subs' bounds over the window holding `target` (where all of them hold).
    private func refreshBounds(_ target: UInt32) {
        var upTo = Scorer.noMore - 2
        var sum = 0.0
        for k in stride(from: byCost.count - 1, through: 1, by: -1) {
            let (b, u) = byCost.with(k) { $0.shallowBound(target) }
            sum += b
            remaining[k] = sum
            if u < upTo { upTo = u }
        }
        // Nothing usable (a bound that does not reach `target`): no pruning until the next call.
        windowEnd = Int(max(upTo, target))
        if upTo < target { for k in 1..<byCost.count { remaining[k] = .infinity } }
    }

    /// Moves sub `k` (by cost) to its first document (or candidate) ≥ `target`, unless it is
    /// there already. Which subs iterate in two phases is known from the start: no virtual
    /// call asks it on the intersection's hot path.
    @inline(__always) private func reach(_ k: Int, _ target: UInt32) -> UInt32 {
        byCost.with(k) { s in
            if s.doc >= target && s.doc != Scorer.unstarted { return s.doc }
            return anyTwoPhase && twoPhaseSubs[k] ? s.approximate(target) : s.advance(target)
        }
    }

    /// Moves the lead to its next document (or candidate) after `doc`.
    @inline(__always) private func leadNext() -> UInt32 {
        byCost.with(0) { anyTwoPhase && twoPhaseSubs[0] ? $0.approximate($0.doc == Scorer.unstarted ? 0 : $0.doc &+ 1) : $0.next() }
    }

    /// Moves the lead to its first document (or candidate) ≥ `target`.
    @inline(__always) private func leadAdvance(_ target: UInt32) -> UInt32 {
        byCost.with(0) { anyTwoPhase && twoPhaseSubs[0] ? $0.approximate(target) : $0.advance(target) }
    }

    /// Whether sub `k` (by cost) iterates in two phases, and whether any does.
    private let twoPhaseSubs: UnsafeMutablePointer<Bool>
    private let anyTwoPhase: Bool

    /// The subs (by cost) that iterate in two phases: confirmed, cheapest first, only once every
    /// sub holds the candidate.
    private let twoPhase: [Int]

    /// Whether `target`, where the lead stands, can still beat `minCompetitiveScore` (Lucene's
    /// block-max conjunction): the lead's score is added first, then each sub is advanced to
    /// `target` in cost order and adds its score, and the candidate is dropped as soon as its
    /// partial score plus the bounds of the subs not yet reached cannot. Returns the document
    /// the intersection tries next: `target` if it survives. The sum here only decides;
    /// `score()` sums in query order, and `slack` absorbs the difference.
    @inline(__always) private func competitive(_ target: UInt32) -> UInt32 {
        if Int(target) > windowEnd { refreshBounds(target) }
        let threshold = minCompetitiveScore
        var partial = byCost.with(0) { $0.score() }
        if (partial + remaining[1]) * BlockMaxScore.slack <= threshold { return byCost.with(0) { $0.next() } }
        for k in 1..<byCost.count {
            let d = reach(k, target)
            if d > target { return byCost.with(0) { $0.advance(d) } }
            partial += byCost.with(k) { $0.score() }
            if (partial + remaining[k + 1]) * BlockMaxScore.slack <= threshold { return byCost.with(0) { $0.next() } }
        }
        return target
    }

    private func align(_ start: UInt32) -> UInt32 {
        var target = start
        outer: while target != Scorer.noMore {
            if let deadline, deadline.tick(byCost.count) { return Scorer.noMore }
            if prunesCandidates && minCompetitiveScore > 0 {
                let next = competitive(target)
                if next != target { target = next; continue outer }
            }
            var k = 1
            while k < byCost.count {
                let d = reach(k, target)
                if d > target {
                    target = leadAdvance(d)
                    continue outer
                }
                k += 1
            }
            if anyTwoPhase {
                for k in twoPhase where !byCost.with(k, { $0.confirm() }) {
                    target = leadNext()
                    continue outer
                }
            }
            // The lead's next document is the likely next candidate: the others start
            // fetching its blocks while this one is scored.
            if prefetchFrom < byCost.count {
                let ahead = byCost.with(0) { $0.peekNext }
                if ahead != Scorer.noMore {
                    for k in prefetchFrom..<byCost.count { byCost.with(k) { $0.prefetch(for: ahead) } }
                }
            }
            return target
        }
        return Scorer.noMore
    }

    override func next() -> UInt32 { doc = align(leadNext()); return doc }
    override func advance(_ target: UInt32) -> UInt32 { doc = align(leadAdvance(target)); return doc }
    override func score() -> Double {
        var s = 0.0
        for k in 0..<ordered.count { s += ordered.with(k) { $0.score() } }
        return s
    }
    override func shallowBound(_ target: UInt32) -> (bound: Double, upTo: UInt32) { sumOfBounds(byCost, target) }
}

/// Sum of the subs' bounds over the window where all of them hold.
@inline(__always)
func sumOfBounds(_ subs: UnownedScorers, _ target: UInt32) -> (bound: Double, upTo: UInt32) {
    var total = 0.0
    var upTo = Scorer.noMore - 2
    for k in 0..<subs.count {
        let (b, u) = subs.with(k) { $0.shallowBound(target) }
        total += b
        if u < upTo { upTo = u }
    }
    return (total, upTo)
}

/// Documents matching any sub-scorer; score is the sum of those that match.
///
/// With two-phase subs (a phrase over several fields) it iterates in two phases itself: the
/// candidates are the union of the subs' candidates, and a candidate matches when one of the
/// subs on it confirms.
final class DisjunctionScorer: Scorer {
    let subs: [Scorer]
    private let unowned: UnownedScorers
    private var started = false
    private let anyTwoPhase: Bool
    /// Under two-phase iteration, whether sub `k` matches the current document (set by `confirm`).
    private let confirmed: UnsafeMutablePointer<Bool>
    private var approximating = false

    init(_ subs: [Scorer]) {
        self.subs = subs
        unowned = UnownedScorers(subs)
        anyTwoPhase = subs.contains { $0.isTwoPhase }
        confirmed = .allocate(capacity: max(subs.count, 1))
        confirmed.initialize(repeating: true, count: max(subs.count, 1))
        super.init()
    }
    deinit { unowned.deallocate(); confirmed.deallocate() }
    override var cost: Int { subs.reduce(0) { $0 + $1.cost } }
    override var width: Int { subs.reduce(0) { $0 + $1.width } }

    private func minDoc() -> UInt32 {
        var m = Scorer.noMore
        for k in 0..<unowned.count { m = min(m, unowned.with(k) { $0.doc }) }
        return m
    }

    override func next() -> UInt32 {
        let current = doc
        for k in 0..<unowned.count {
            unowned.with(k) { s in
                if !started || s.doc == current { s.next() }
            }
        }
        started = true
        doc = minDoc()
        return doc
    }

    override func advance(_ target: UInt32) -> UInt32 {
        for k in 0..<unowned.count {
            unowned.with(k) { s in
                if !started || s.doc < target { s.advance(target) }
            }
        }
        started = true
        doc = minDoc()
        return doc
    }

    override var isTwoPhase: Bool { anyTwoPhase }

    override func approximate(_ target: UInt32) -> UInt32 {
        approximating = true
        if started && doc >= target { return doc }
        for k in 0..<unowned.count { _ = unowned.with(k) { $0.reach(target) } }
        started = true
        doc = minDoc()
        return doc
    }

    override func confirm() -> Bool {
        let current = doc
        var any = false
        for k in 0..<unowned.count {
            let hit = unowned.with(k) { s in s.doc == current && (!s.isTwoPhase || s.confirm()) }
            confirmed[k] = hit
            any = any || hit
        }
        return any
    }

    override func score() -> Double {
        var total = 0.0
        let current = doc
        for k in 0..<unowned.count where !approximating || confirmed[k] {
            total += unowned.with(k) { s in s.doc == current ? s.score() : 0 }
        }
        return total
    }
    override func shallowBound(_ target: UInt32) -> (bound: Double, upTo: UInt32) { sumOfBounds(unowned, target) }
}

/// `required` minus documents matching `excluded`.
final class ExclusionScorer: Scorer {
    let required: Scorer
    let excluded: Scorer
    /// When to stop: every candidate may be excluded, so each ticks it; nil for never.
    let deadline: SearchDeadline?
    init(required: Scorer, excluded: Scorer, deadline: SearchDeadline? = nil) {
        self.required = required; self.excluded = excluded; self.deadline = deadline
        super.init()
    }
    override var cost: Int { required.cost }
    override var width: Int { required.width + excluded.width }

    /// Past the deadline the iteration ends; a candidate whose exclusion an expired sub-scorer
    /// could not decide is never collected (the bulk scorer checks the deadline first).
    private func skipExcluded(_ start: UInt32) -> UInt32 {
        var d = start
        while d != Scorer.noMore {
            if let deadline, deadline.tick() { return Scorer.noMore }
            if !excluded.matches(d) { return d }
            d = required.next()
        }
        return d
    }
    override func next() -> UInt32 { doc = skipExcluded(required.next()); return doc }
    override func advance(_ target: UInt32) -> UInt32 { doc = skipExcluded(required.advance(target)); return doc }
    override func score() -> Double { required.score() }
    override func shallowBound(_ target: UInt32) -> (bound: Double, upTo: UInt32) { required.shallowBound(target) }
}

/// `required`, plus the score of `optional` where it matches too.
final class OptionalScorer: Scorer {
    let required: Scorer
    let optional: Scorer
    init(required: Scorer, optional: Scorer) { self.required = required; self.optional = optional; super.init() }
    override var cost: Int { required.cost }
    override var width: Int { required.width + optional.width }
    override func next() -> UInt32 { doc = required.next(); return doc }
    override func advance(_ target: UInt32) -> UInt32 { doc = required.advance(target); return doc }
    override func score() -> Double {
        var s = required.score()
        if optional.matches(doc) { s += optional.score() }
        return s
    }
    override func shallowBound(_ target: UInt32) -> (bound: Double, upTo: UInt32) {
        let (a, ua) = required.shallowBound(target), (b, ub) = optional.shallowBound(target)
        return (a + b, min(ua, ub))
    }
}
