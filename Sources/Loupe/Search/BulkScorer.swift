/// Scores a whole segment into a leaf collector (Lucene's `BulkScorer`): the one place where
/// matches meet collectors, so a scorer's loop and a collector's work stay independent.
protocol BulkScorer {
    /// Feeds `collector` the segment's matches that pass `accept`. Returns the matches
    /// counted: all of them, unless `mode` is `.topScores`, where a match proven unable to
    /// beat the collector's `minCompetitiveScore` may be skipped without being counted.
    func score(into collector: any LeafCollector, accept: DocFilter, mode: ScoreMode) -> Int
}

/// Drives any scorer tree. Under `.topScores`, once the collector has a finite
/// `minCompetitiveScore`, windows whose block-max bound cannot beat it are skipped without
/// decoding positions or scoring, and the bound is handed to the scorers (see
/// `Scorer.minCompetitiveScore`). Until then nothing can be pruned, so bounds are not computed
/// (a query with few matches never pays for them).
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
        @inline(__always) func add(_ d: UInt32) {
            guard all || accept.passes(Int(d)) else { return }
            buffer[n] = d
            n += 1
            if n == capacity {
                collector.collect(docs: UnsafeBufferPointer(start: buffer, count: n))
                matched += n
                n = 0
            }
        }
        if let term = scorer as? TermScorer {
            let cursor = term.cursor
            while true {
                let d = cursor.next()
                if d == PostingsCursor.noMore { break }
                add(d)
            }
        } else {
            while scorer.next() != Scorer.noMore { add(scorer.doc) }
        }
        if n > 0 { collector.collect(docs: UnsafeBufferPointer(start: buffer, count: n)); matched += n }
        return matched
    }

    /// Every match into a field-sorted top-k, which asks for a score only where it needs one.
    private func scoreLazily(into collector: TopFieldCollector.Leaf, accept: DocFilter) -> Int {
        var matched = 0
        while scorer.next() != Scorer.noMore {
            let d = Int(scorer.doc)
            guard accept.passes(d) else { continue }
            matched += 1
            collector.collect(d, scorer: scorer)
        }
        return matched
    }

    private func scoreAll(into collector: any LeafCollector, accept: DocFilter, scores: Bool) -> Int {
        var matched = 0
        while scorer.next() != Scorer.noMore {
            let d = Int(scorer.doc)
            guard accept.passes(d) else { continue }
            matched += 1
            collector.collect(d, score: scores ? scorer.score() : 0)
        }
        return matched
    }

    @_specialize(where C == TopScoreCollector)
    private func scorePruned<C: LeafCollector>(into collector: C, accept: DocFilter) -> Int {
        var scored = 0
        var target: UInt32 = 0
        // The collector's bar changes only when it collects: read it then, not per document.
        var threshold = collector.minCompetitiveScore
        while true {
            let bounded = threshold > -.infinity
            var upTo = Scorer.noMore - 2
            if bounded {
                var bound: Double
                (bound, upTo) = scorer.shallowBound(target)
                if upTo < target { (bound, upTo) = (.infinity, Scorer.noMore - 2) } // no usable bound: never loop
                if bound * BlockMaxScore.slack <= threshold {
                    if upTo >= Scorer.noMore - 2 { break }
                    target = upTo + 1
                    continue
                }
            }
            var d = scorer.advance(target)
            while d <= upTo {
                if accept.passes(Int(d)) {
                    scored += 1
                    let s = scorer.score()
                    if s > threshold {
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
