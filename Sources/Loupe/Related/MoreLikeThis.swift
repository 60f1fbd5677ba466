import Foundation

/// How a related-articles query is built from an article (Lucene's `MoreLikeThis`).
///
/// The article's stored text of each searched field is analyzed again with the index's
/// analyzer; each distinct term of a field gets the score `tf × idf`, its count in the field
/// times its BM25 idf in the index (`ln(1 + (N − df + 0.5) / (df + 0.5))`, live documents).
/// Terms are dropped when they are shorter than ``minWordLength`` characters, occur fewer
/// than ``minTermFrequency`` times in the article
/// (single-occurrence noise), in fewer than ``minDocumentFrequency`` documents (a term only
/// the article holds finds nothing else) or in more than ``maxDocumentFrequencyRatio`` of the
/// documents (words that say nothing about it). The ``maxQueryTerms`` best (ties: field
/// order, then term bytes) become a weighted OR: each term a ``BoostQuery`` of an
/// ``IndexedTermQuery`` in its field, boosted by its score over the best term's score (the
/// best weighs 1). A document's score is then the sum over the picked terms it holds of
/// boost × BM25. The article itself is left out of the results.
public struct MoreLikeThis: Sendable, Equatable {
    /// Least occurrences of a term in the article's field (Lucene's default: 2).
    public var minTermFrequency = 2
    /// Least live documents holding the term, the article included (2: at least one other).
    public var minDocumentFrequency = 2
    /// Largest share of the live documents holding the term (0.5: at most half of them).
    public var maxDocumentFrequencyRatio = 0.5
    /// Most terms in the query (Lucene's default: 25).
    public var maxQueryTerms = 25
    /// Fewest characters of an analyzed term (2: initials such as the `u` and `s` of `U.S.` say little).
    public var minWordLength = 2
    /// Text fields the terms are taken from and searched in; nil for the schema's default
    /// search fields. Only fields both indexed and stored contribute.
    public var fields: [String]?

    /// Lucene's defaults, adjusted as documented above.
    public init() {}

    /// A term picked from the article: its field, its analyzed text, `tf × idf` and the boost
    /// it gets in the query.
    public struct Term: Sendable, Equatable {
        public var field: String
        public var term: String
        public var termFrequency: Int
        public var documentFrequency: Int
        public var score: Double
        public var boost: Double
    }

    /// The terms of `document` that make its related-articles query, best first.
    func terms(of document: StoredDocument, reader: IndexReader, analyzer: Analyzer) throws -> [Term] {
        let schema = reader.schema
        let names = fields ?? schema.searchFields
        let n = reader.liveDocCount
        var picked: [(term: Term, field: Int)] = []
        for name in names {
            guard let def = schema.field(name), def.type == .text, def.indexed, def.stored else {
                if schema.field(name) == nil { throw LoupeError.unknownField(name) }
                continue
            }
            guard let fieldNumber = reader.fieldNumbers[name], let text = document.fields[name], !text.isEmpty else { continue }
            var counts: [String: Int] = [:]
            for t in analyzer.terms(text) { counts[t, default: 0] += 1 }
            for (term, tf) in counts where tf >= minTermFrequency && term.count >= minWordLength {
                let df = Array(term.utf8).withUnsafeBytes { reader.docFreq(field: fieldNumber, term: $0) }
                guard df >= minDocumentFrequency, Double(df) <= maxDocumentFrequencyRatio * Double(n) else { continue }
                let score = Double(tf) * BM25.idf(docCount: n, docFreq: df)
                picked.append((Term(field: name, term: term, termFrequency: tf, documentFrequency: df, score: score, boost: 1), fieldNumber))
            }
        }
        picked.sort {
            if $0.term.score != $1.term.score { return $0.term.score > $1.term.score }
            if $0.field != $1.field { return $0.field < $1.field }
            return Array($0.term.term.utf8).lexicographicallyPrecedes(Array($1.term.term.utf8))
        }
        let kept = picked.prefix(max(0, maxQueryTerms)).map(\.term)
        guard let best = kept.first?.score, best > 0 else { return [] }
        return kept.map { var t = $0; t.boost = t.score / best; return t }
    }

    /// The weighted OR of `terms` (see the type's description).
    static func query(_ terms: [Term]) -> any Query {
        BooleanQuery(terms.map { .init(.should, BoostQuery(IndexedTermQuery($0.term, field: $0.field), boost: $0.boost)) })
    }
}

/// The articles most like one article, and the terms that chose them.
public struct RelatedArticles: Sendable {
    /// The picked terms, best first (empty when the article has no distinctive term; then
    /// `results` has no hits).
    public var terms: [MoreLikeThis.Term]
    /// The related articles, best first, the article itself left out. Its `tookMicroseconds`
    /// covers the whole call: fetching the article, picking its terms and the search.
    public var results: SearchResults
}

extension Searcher {
    /// The live documents most like the one with external id `id` (see ``MoreLikeThis``), at
    /// most `limit`, with their stored fields. Throws `LoupeError.unknownDocument` when no
    /// live document has that id, `.unknownField` for a field of `settings` the schema lacks.
    /// `timeout` bounds the search for the related articles as ``SearchRequest/timeout`` does
    /// (`results.timedOut` tells whether it stopped early).
    public func similar(to id: String, limit: Int = 10, settings: MoreLikeThis = MoreLikeThis(),
                        timeout: Duration? = nil) throws -> RelatedArticles {
        let start = DispatchTime.now().uptimeNanoseconds
        guard let document = try reader.document(id: id) else { throw LoupeError.unknownDocument(id) }
        let terms = try withAnalyzer { try settings.terms(of: document, reader: reader, analyzer: $0) }
        guard !terms.isEmpty, limit > 0 else {
            let took = Int((DispatchTime.now().uptimeNanoseconds - start) / 1000)
            return RelatedArticles(terms: terms, results: SearchResults(total: 0, totalIsLowerBound: false, hits: [], tookMicroseconds: took))
        }
        // One more than asked, as the article itself is among the matches (it holds every term).
        var request = SearchRequest(MoreLikeThis.query(terms), limit: limit + 1)
        request.expandSynonyms = false
        request.snippetField = nil
        request.timeout = timeout
        var results = try search(request)
        results.hits.removeAll { $0.id == id }
        results.hits = Array(results.hits.prefix(limit))
        results.total = max(0, results.total - 1)
        results.cursor = nil
        results.tookMicroseconds = Int((DispatchTime.now().uptimeNanoseconds - start) / 1000)
        return RelatedArticles(terms: terms, results: results)
    }
}

extension Index {
    /// The live documents most like the one with external id `id`, on the current snapshot
    /// (see ``Searcher/similar(to:limit:settings:timeout:)``).
    public func similar(to id: String, limit: Int = 10, settings: MoreLikeThis = MoreLikeThis(),
                        timeout: Duration? = nil) throws -> RelatedArticles {
        try searcher.similar(to: id, limit: limit, settings: settings, timeout: timeout)
    }
}
