/// Facets of a sharded search: each shard counts its own matches exactly, and the counts are
/// added up. For that, a shard is asked for every value of a terms facet (the top `size`
/// are only known after adding), and histograms are refilled over the union of the shards'
/// periods. Used by ``ShardedSearcher``.
enum ShardedFacets {
    /// What each shard is asked for `request`.
    static func perShard(_ request: FacetRequest) -> FacetRequest {
        guard case .terms = request.kind else { return request }
        var all = request
        all.kind = .terms(size: Int.max)
        return all
    }

    /// The facets of all shards together, in the order `requests` asked them. `shards[s][i]`
    /// is shard `s`'s result for `requests[i]`.
    static func merge(_ shards: [[FacetResult]], requests: [FacetRequest]) -> [FacetResult] {
        requests.enumerated().map { i, request in
            let parts = shards.map { $0[i] }
            switch request.kind {
            case .terms(let size): return FacetResult(request: request, buckets: terms(parts, size: size))
            case .histogram(let interval): return FacetResult(request: request, buckets: histogram(parts, interval))
            case .ranges: return FacetResult(request: request, buckets: ranges(parts))
            case .stats: return FacetResult(request: request, buckets: [], stats: stats(parts))
            }
        }
    }

    /// Counts added by value; the most frequent first, ties by value bytes (the order of the
    /// global ordinals a single index ranks ties by).
    private static func terms(_ parts: [FacetResult], size: Int) -> [FacetBucket] {
        var counts: [String: Int] = [:]
        for p in parts { for b in p.buckets { counts[b.value, default: 0] += b.count } }
        let sorted = counts.sorted { a, b in
            a.value != b.value ? a.value > b.value : Array(a.key.utf8).lexicographicallyPrecedes(Array(b.key.utf8))
        }
        return sorted.prefix(max(0, size)).map { FacetBucket(value: $0.key, count: $0.value) }
    }

    /// Counts added by period, every period from the first to the last of any shard (empty
    /// ones as 0), as one index lists them.
    private static func histogram(_ parts: [FacetResult], _ interval: HistogramInterval) -> [FacetBucket] {
        var counts: [Int64: Int] = [:]
        for p in parts {
            for b in p.buckets { if let start = b.start { counts[DateHistogramCollector.period(start, interval), default: 0] += b.count } }
        }
        guard let low = counts.keys.min(), let high = counts.keys.max() else { return [] }
        return (low...high).map { p in
            let start = DateHistogramCollector.start(of: p, interval)
            return FacetBucket(value: DateHistogramCollector.label(start, interval), count: counts[p] ?? 0, start: start)
        }
    }

    /// Counts added range by range (every shard lists the ranges in the order asked).
    private static func ranges(_ parts: [FacetResult]) -> [FacetBucket] {
        guard var merged = parts.first?.buckets else { return [] }
        for p in parts.dropFirst() { for (i, b) in p.buckets.enumerated() where i < merged.count { merged[i].count += b.count } }
        return merged
    }

    /// Counts and sums added, extremes of the extremes. A sum of fractional values may differ
    /// from one index's in the last digits (floating-point addition in another order).
    private static func stats(_ parts: [FacetResult]) -> NumberStats {
        var s = NumberStats(count: 0, min: nil, max: nil, sum: 0)
        for p in parts {
            guard let t = p.stats else { continue }
            s.count += t.count
            s.sum += t.sum
            if let m = t.min { s.min = Swift.min(s.min ?? m, m) }
            if let m = t.max { s.max = Swift.max(s.max ?? m, m) }
        }
        return s
    }
}
