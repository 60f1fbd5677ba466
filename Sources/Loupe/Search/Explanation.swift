/// Why a hit scored what it did: one entry per matched clause and field. The entries' scores
/// add up to the hit's score.
public struct Explanation: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// `field:term` or `field:"a phrase"~slop`.
        public var clause: String
        public var field: String
        /// Term (or phrase match) frequency in the field.
        public var tf: Int
        /// Documents containing the term (for a phrase: its terms' document frequencies).
        public var df: [Int]
        /// Field length in tokens.
        public var dl: Int
        public var avgdl: Double
        public var idf: Double
        public var boost: Double
        public var score: Double
    }

    public var score: Double
    public var entries: [Entry]
    /// Live documents in the snapshot (BM25's N).
    public var docCount: Int

    static func make(plan: QueryPlan, reader: IndexReader, address: IndexReader.DocAddress) -> Explanation {
        var entries: [Entry] = []
        collect(plan, reader: reader, segment: reader.segments[address.segment], doc: UInt32(address.doc), into: &entries)
        return Explanation(score: entries.reduce(0) { $0 + $1.score }, entries: entries, docCount: reader.liveDocCount)
    }

    /// Appends the entries of `plan` for `doc`; returns whether the plan matches it.
    @discardableResult
    private static func collect(_ plan: QueryPlan, reader: IndexReader, segment: SegmentReader, doc: UInt32, into out: inout [Entry]) -> Bool {
        let names = reader.schema.indexedFields.map(\.name)
        switch plan {
        case let .terms(leaves):
            var matched = false
            for leaf in leaves {
                guard let info = leaf.term.withUnsafeBytes({ segment.termInfo(field: leaf.field, term: $0) }) else { continue }
                let c = segment.cursor(info)
                guard c.advance(doc) == doc else { continue }
                let dl = segment.norms[leaf.field][Int(doc)]
                out.append(Entry(clause: "\(names[leaf.field]):\(String(decoding: leaf.term, as: UTF8.self))", field: names[leaf.field],
                                 tf: Int(c.freq), df: [leaf.docFreq], dl: Int(dl), avgdl: reader.averageLengths[leaf.field],
                                 idf: leaf.idf, boost: leaf.boost, score: leaf.bm25.score(tf: c.freq, length: dl)))
                matched = true
            }
            return matched
        case let .phrase(leaves):
            var matched = false
            for leaf in leaves {
                var cursors: [PostingsCursor] = []
                for t in leaf.terms {
                    guard let info = t.withUnsafeBytes({ segment.termInfo(field: leaf.field, term: $0) }) else { break }
                    let c = segment.cursor(info)
                    guard c.advance(doc) == doc else { break }
                    cursors.append(c)
                }
                guard cursors.count == leaf.terms.count else { continue }
                let tf = PhraseMatcher(offsets: leaf.offsets, slop: leaf.slop).count(cursors)
                guard tf > 0 else { continue }
                let dl = segment.norms[leaf.field][Int(doc)]
                let text = leaf.terms.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
                let dfs = leaf.terms.map { t in t.withUnsafeBytes { reader.docFreq(field: leaf.field, term: $0) } }
                out.append(Entry(clause: "\(names[leaf.field]):\"\(text)\"" + (leaf.slop > 0 ? "~\(leaf.slop)" : ""), field: names[leaf.field],
                                 tf: Int(tf), df: dfs, dl: Int(dl), avgdl: reader.averageLengths[leaf.field],
                                 idf: leaf.idf, boost: leaf.boost, score: leaf.bm25.score(tf: tf, length: dl)))
                matched = true
            }
            return matched
        case let .dateRange(from, to):
            let v = segment.dates[Int(doc)]
            return v != DatesFile.missing && v >= from && v <= to
        case .matchAll:
            return true
        case .matchNone:
            return false
        case let .boolean(must, should, mustNot):
            // Mirror the scorers: every must matches, no mustNot does, and without musts at
            // least one should; only then do the matched clauses' entries count.
            var local: [Entry] = []
            for m in must where !collect(m, reader: reader, segment: segment, doc: doc, into: &local) { return false }
            var scratch: [Entry] = []
            for n in mustNot where collect(n, reader: reader, segment: segment, doc: doc, into: &scratch) { return false }
            var anyShould = false
            for s in should where collect(s, reader: reader, segment: segment, doc: doc, into: &local) { anyShould = true }
            guard !must.isEmpty || anyShould else { return false }
            out += local
            return true
        }
    }
}
