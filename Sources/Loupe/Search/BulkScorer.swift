/// Scores a whole segment into a leaf collector (Lucene's `BulkScorer`): the one place where
/// matches meet collectors, so a scorer's loop and a collector's work stay independent.
protocol BulkScorer {
    /// Feeds `collector` the segment's matches that pass `accept`. Returns the matches
    /// counted: all of them, unless `mode` is `.topScores`, where a match proven unable to
    /// beat the collector's `minCompetitiveScore` may be skipped without being counted.
    func score(into collector: any LeafCollector, accept: DocFilter, mode: ScoreMode) -> Int
}

/// A bulk loop's share of the search's deadline: counted down in a register, so the loop ticks
/// the shared `SearchDeadline` once every `stride` matches, each worth the scorer's `width`
/// units (a match of a 1,024-term disjunction moves 1,024 lists). Without a deadline it starts
/// at `Int.max` and never reaches zero: the loop pays one decrement per match, and no branch
/// on an optional.
struct DeadlineCountdown {
    /// Units of work between two ticks of the shared deadline.
    static let units = 256
    let deadline: SearchDeadline?
    private let stride: Int
    private let width: Int
    private var left: Int

    init(_ deadline: SearchDeadline?, width: Int = 1) {
        self.deadline = deadline
        self.width = max(1, width)
        stride = max(1, Self.units / self.width)
        left = deadline == nil ? .max : stride
    }

    init(_ deadline: SearchDeadline?, scorer: Scorer) {
        self.init(deadline, width: deadline == nil ? 1 : scorer.width)
    }

    /// One match done; true when the search must stop.
    @inline(__always) mutating func step() -> Bool {
        left &-= 1
        if left > 0 { return false }
        left = stride
        return deadline!.tick(stride &* width)
    }

    /// Whether the deadline has expired, possibly inside a scorer since the last step (a
    /// phrase or intersection that stopped mid-walk): nothing is collected then, since the
    /// current match may be one an expired sub-scorer failed to exclude or score fully.
    @inline(__always) var expired: Bool { deadline?.expired == true }
}

/// Drives any scorer tree. Under `.topScores`, once the collector has a finite
/// `minCompetitiveScore`, windows whose block-max bound cannot beat it are skipped without
/// decoding positions or scoring, and the bound is handed to the scorers (see
/// `Scorer.minCompetitiveScore`). Until then nothing can be pruned, so bounds are not computed
/// (a query with few matches never pays for them).
///
/// With a deadline every loop counts its matches (`DeadlineCountdown`) and stops when it
/// expires; a match is collected only while it has not, so every collected match is a true
/// one with its true score.
struct ScorerBulkScorer: BulkScorer {
    let scorer: Scorer

    func score(into collector: any LeafCollector, accept: DocFilter, mode: ScoreMode) -> Int {
        if mode == .topScores {
            // The common collector gets loops specialized for it (direct, inlined collects).
            if let top = collector as? TopScoreCollector { return scorePruned(into: top, accept: accept) }
            return scorePruned(into: collector, accept: accept)
        }
        if mode.needsScores, let sorted = collector as? TopFieldCollector.Leaf { return scoreLazily(into: sorted, accept: accept) }
        if !mode.needsScores, let batch = collector as? any BatchLeafCollector { return collectBatches(into: batch, accept: accept) }
        return scoreAll(into: collector, accept: accept, scores: mode.needsScores)
    }

    /// Every match, unscored, in batches of up to 256 (a term's postings read straight from
    /// its cursor): one dynamic call per batch instead of two per match.
    private func collectBatches(into collector: any BatchLeafCollector, accept: DocFilter) -> Int {
        let capacity = 256
        let buffer = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var n = 0, matched = 0
        let all = accept.acceptsAll
        let deadline = accept.deadline
        let width = deadline == nil ? 1 : scorer.width
        /// Adds a match to the batch; false when the deadline expired (the batch is dropped:
        /// a sub-scorer may have stopped while it was filled).
        @inline(__always) func add(_ d: UInt32) -> Bool {
            guard all || accept.passes(Int(d)) else { return true }
            buffer[n] = d
            n += 1
            if n == capacity {
                if let deadline, deadline.tick(capacity &* width) { n = 0; return false }
                collector.collect(docs: UnsafeBufferPointer(start: buffer, count: n))
                matched += n
                n = 0
            }
            return true
        }
        if let term = scorer as? TermScorer {
            let cursor = term.cursor
            while true {
                let d = cursor.next()
                if d == PostingsCursor.noMore || !add(d) { break }
            }
        } else {
            while scorer.next() != Scorer.noMore && add(scorer.doc) {}
        }
        if n > 0 && deadline?.expired != true { collector.collect(docs: UnsafeBufferPointer(start: buffer, count: n)); matched += n }
        return matched
    }

    /// Every match into a field-sorted top-k, which asks for a score only where it needs one.
    private func scoreLazily(into collector: TopFieldCollector.Leaf, accept: DocFilter) -> Int {
        var matched = 0
        var countdown = DeadlineCountdown(accept.deadline, scorer: scorer)
        while scorer.next() != Scorer.noMore {
            let d = Int(scorer.doc)
            guard accept.passes(d) else { continue }
            if countdown.step() || countdown.expired { break }
            matched += 1
            // The score, when the collector asks for it, may be where a sub-scorer stops: the
            // collector checks the deadline again before keeping it.
            collector.collect(d, scorer: scorer, deadline: accept.deadline)
        }
        return matched
    }

    private func scoreAll(into collector: any LeafCollector, accept: DocFilter, scores: Bool) -> Int {
        var matched = 0
        var countdown = DeadlineCountdown(accept.deadline, scorer: scorer)
        while scorer.next() != Scorer.noMore {
            let d = Int(scorer.doc)
            guard accept.passes(d) else { continue }
            if countdown.step() { break }
            let s = scores ? scorer.score() : 0
            if countdown.expired { break }
            matched += 1
            collector.collect(d, score: s)
        }
        return matched
    }

    @_specialize(where C == TopScoreCollector)
    private func scorePruned<C: LeafCollector>(into collector: C, accept: DocFilter) -> Int {
        var scored = 0
        var target: UInt32 = 0
        // The collector's bar changes only when it collects: read it then, not per document.
        var threshold = collector.minCompetitiveScore
        var countdown = DeadlineCountdown(accept.deadline, scorer: scorer)
        scoring: while true {
            let bounded = threshold > -.infinity
            var upTo = Scorer.noMore - 2
            if bounded {
                var bound: Double
                (bound, upTo) = scorer.shallowBound(target)
                if upTo < target { (bound, upTo) = (.infinity, Scorer.noMore - 2) } // no usable bound: never loop
                if bound * BlockMaxScore.slack <= threshold {
                    // A window skipped without scoring is a step of work too (a long run of them is a walk of the skip data).
                    if countdown.step() { break scoring }
                    if upTo >= Scorer.noMore - 2 { break }
                    target = upTo + 1
                    continue
                }
            }
            var d = scorer.advance(target)
            while d <= upTo {
                if accept.passes(Int(d)) {
                    if countdown.step() { break scoring }
                    scored += 1
                    let s = scorer.score()
                    if s > threshold {
                        // Only a competitive match pays for the flag (see `DeadlineCountdown.expired`).
                        if countdown.expired { break scoring }
                        collector.collect(Int(d), score: s)
                        threshold = collector.minCompetitiveScore
                        if threshold > -.infinity { scorer.minCompetitiveScore = threshold }
                    }
                }
                d = scorer.next()
                // The collector just started pruning: bounds can skip from here.
                if !bounded && threshold > -.infinity { break }
            }
            if d == Scorer.noMore { break }
            target = d
        }
        return scored
    }
}

/// A pure disjunction of term lists under `.topScores`: block-max MaxScore (`BlockMaxScore`)
/// into a ``TopScoreCollector``. Another collector that only wants competitive hits (a
/// ``MultiCollector`` of top-k collectors, one of the embedder's) gets the disjunction's scorer
/// tree with block-max skipping instead.
struct MaxScoreBulkScorer: BulkScorer {
    let lists: [BlockMaxScore.List]
    let fallback: () -> Scorer?

    /// Nil when none of the terms is in the segment.
    init?(terms: [WeightedTerm], segment: SegmentContext, fallback: @escaping () -> Scorer?) {
        lists = terms.compactMap { t in
            t.states.cursor(segment).map { BlockMaxScore.List(cursor: $0, bm25: t.bm25, lengths: segment.lengths(t.field)) }
        }
        if lists.isEmpty { return nil }
        self.fallback = fallback
    }

    func score(into collector: any LeafCollector, accept: DocFilter, mode: ScoreMode) -> Int {
        if let top = collector as? TopScoreCollector { return BlockMaxScore.run(lists: lists, filter: accept, collector: top) }
        guard let scorer = fallback() else { return 0 }
        return ScorerBulkScorer(scorer: scorer).score(into: collector, accept: accept, mode: mode)
    }
}
