import Foundation

/// Searches several indexes (shards) as one: the hits, scores, order and totals equal those
/// of one index holding every shard's documents.
///
/// Each shard weighs terms with the statistics of all shards together (live documents, mean
/// field lengths, and document frequencies summed over shards: ``CollectionStatistics``), so
/// a document scores exactly as it would in the single index. Each shard then collects its
/// own top `offset + limit`, and the lists are merged by score; equal scores keep the order
/// of an index holding shard 0's documents, then shard 1's, and so on (under a date order,
/// equal dates go by score first, as in one index).
///
/// Shards must share a schema and synonyms (documents split by id hash over indexes created
/// with the same `loupe init`, say). Requests ordered by relevance or by date are supported,
/// with filters, date ranges, exact counts, snippets, explanations and facets (counts added
/// over shards: see `ShardedFacets`); sorts by a field, collapsing and cursors throw
/// `LoupeError.invalidRequest`, and "did you mean" is
/// not offered. Prefix and fuzzy terms are expanded in each shard's own dictionary: when a
/// term expands past its cap, shards may keep different expansions than one index would.
///
/// A request's timeout covers the whole search: each shard gets what is left of it, and a
/// shard reached after it passed is not searched (the results are then `timedOut`).
///
/// Cost: the shards are searched one after another, and each term's document frequency is
/// looked up in every shard. Thread-safe like ``Searcher``.
public final class ShardedSearcher: Sendable {
    /// One searcher per shard, in the order given, each weighing with the global statistics.
    public let shards: [Searcher]

    /// A searcher over the snapshots `readers`. Throws `LoupeError.invalidRequest` when there
    /// are none, or when their schemas or synonyms differ.
    public init(readers: [IndexReader]) throws {
        guard let first = readers.first else { throw LoupeError.invalidRequest("a sharded search needs at least one index") }
        for r in readers.dropFirst() {
            guard r.schema == first.schema else {
                throw LoupeError.invalidRequest("the index at \(r.directory) has another schema than the one at \(first.directory): shards must share one")
            }
            guard r.synonyms == first.synonyms else {
                throw LoupeError.invalidRequest("the index at \(r.directory) has other synonyms than the one at \(first.directory): shards must share them")
            }
        }
        shards = readers.indices.map { Searcher(reader: readers[$0], statistics: CollectionStatistics(shards: readers, for: $0)) }
    }

    /// Opens the latest commit of each directory (see ``IndexReader/open(directory:verify:)``).
    public convenience init(directories: [String], verify: Bool = true) throws {
        try self.init(readers: directories.map { try IndexReader.open(directory: $0, verify: verify) })
    }

    /// Live documents over all shards.
    public var liveDocCount: Int { shards.reduce(0) { $0 + $1.reader.liveDocCount } }

    /// Runs `request` on every shard and merges the results (see the type's description for
    /// what a sharded request may ask).
    public func search(_ request: SearchRequest) throws -> SearchResults {
        let start = DispatchTime.now().uptimeNanoseconds
        if request.cursor != nil { throw unsupported("cursors") }
        if request.collapse != nil { throw unsupported("collapsing") }
        if request.sortField != nil { throw unsupported("sorting by a field") }
        var perShard = request
        perShard.offset = 0
        perShard.limit = max(0, request.offset) + max(0, request.limit)
        perShard.suggest = false
        perShard.facets = request.facets.map(ShardedFacets.perShard)
        var facets: [[FacetResult]] = []
        var merged: [SearchHit] = []
        var first: SearchResults?
        var total = 0, lowerBound = false, timedOut = false
        // One deadline for the whole search: each shard gets what is left of the timeout.
        let clock = ContinuousClock()
        let end = request.timeout.map { clock.now + $0 }
        for (s, shard) in shards.enumerated() {
            if let end {
                let left = end - clock.now
                if left <= .zero { timedOut = true; break }
                perShard.timeout = left
            }
            let r = try shard.search(perShard)
            timedOut = timedOut || r.timedOut
            if first == nil { first = r }
            total += r.total
            lowerBound = lowerBound || r.totalIsLowerBound
            merged += r.hits.map { var h = $0; h.shard = s; return h }
            facets.append(r.facets)
        }
        merged = merge(merged, sort: request.sort)
        let page = Array(merged.dropFirst(max(0, request.offset)).prefix(max(0, request.limit)))
        var results = first ?? SearchResults(total: 0, totalIsLowerBound: true, hits: [], tookMicroseconds: 0)
        results.hits = page
        results.total = total
        results.totalIsLowerBound = lowerBound || timedOut
        results.timedOut = timedOut
        results.offset = max(0, request.offset)
        results.cursor = nil
        results.facets = ShardedFacets.merge(facets, requests: request.facets)
        results.suggestion = nil
        results.tookMicroseconds = Int((DispatchTime.now().uptimeNanoseconds - start) / 1000)
        return results
    }

    /// The exact number of live documents matching `query` over all shards.
    public func count(_ query: any Query, fields: [String]? = nil) throws -> Int {
        try shards.reduce(0) { $0 + (try $1.count(query, fields: fields)) }
    }

    /// The shards' hits (each list in its shard's order, concatenated in shard order) in one
    /// order: by score, or by date (dated documents first) and then score; what is still
    /// equal keeps shard order, then each shard's own (index) order.
    private func merge(_ hits: [SearchHit], sort: SortOrder) -> [SearchHit] {
        func date(_ h: SearchHit) -> Int64 {
            let segment = shards[h.shard!].reader.segments[h.address.segment]
            return segment.dates[h.address.doc]
        }
        let missing = DatesFile.missing
        let keyed = hits.enumerated().map { (position: $0.offset, hit: $0.element, date: sort == .relevance ? 0 : date($0.element)) }
        return keyed.sorted { a, b in
            if sort != .relevance && a.date != b.date {
                if a.date == missing || b.date == missing { return b.date == missing }
                return sort == .newest ? a.date > b.date : a.date < b.date
            }
            if a.hit.score != b.hit.score { return a.hit.score > b.hit.score }
            return a.position < b.position
        }.map(\.hit)
    }

    private func unsupported(_ what: String) -> LoupeError {
        .invalidRequest("\(what): not supported when searching several indexes")
    }
}
