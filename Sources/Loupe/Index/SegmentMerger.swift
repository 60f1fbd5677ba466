/// Rewrites several segments as one, without their deleted documents. Documents keep their
/// relative order (segment by segment), so a merge never reorders equal-score results.
/// Each term's postings are read from every source that has it, renumbered and re-encoded.
struct SegmentMerger {
    let directory: String
    let name: String
    let schema: Schema

    func merge(_ sources: [SegmentReader]) throws -> SegmentMeta {
        // Old doc -> new doc (-1 for deleted), per source.
        var docMaps: [[Int32]] = []
        var next: Int32 = 0
        for s in sources {
            var map = [Int32](repeating: -1, count: s.docCount)
            for d in 0..<s.docCount where !s.isDeleted(d) { map[d] = next; next += 1 }
            docMaps.append(map)
        }
        let docCount = Int(next)
        let files = try SegmentFilesWriter(directory: directory, name: name)
        do {
            let nIndexed = schema.indexedFields.count
            var norms: [(field: Int, lengths: [UInt32])] = []
            for f in 0..<nIndexed {
                var lengths = [UInt32](repeating: 0, count: docCount)
                for (s, src) in sources.enumerated() {
                    for d in 0..<src.docCount where docMaps[s][d] >= 0 { lengths[Int(docMaps[s][d])] = src.norms[f][d] }
                }
                norms.append((f, lengths))
            }
            var dates = [Int64](repeating: DatesFile.missing, count: docCount)
            var ids = [String](repeating: "", count: docCount)
            for (s, src) in sources.enumerated() {
                for d in 0..<src.docCount where docMaps[s][d] >= 0 {
                    dates[Int(docMaps[s][d])] = src.dates[d]
                    ids[Int(docMaps[s][d])] = src.ids.id(d)
                }
            }
            let columns = schema.columnFields.enumerated().map { ColumnBuilder(number: $0.offset, field: $0.element) }
            let signatures = schema.nearDuplicates != nil ? ColumnBuilder(signatures: ()) : nil
            for (s, src) in sources.enumerated() {
                for d in 0..<src.docCount where docMaps[s][d] >= 0 {
                    for c in columns {
                        let values = src.columns.columns[c.number].fieldValues(d)
                        c.add(values.isEmpty ? nil : values)
                    }
                    if let signatures {
                        if let sig = src.columns.signatures { signatures.addRaw(sig.range(d).map { sig.values[$0] }) }
                        else { signatures.addRaw(EmptyCollection()) }
                    }
                }
            }
            for f in Array(0..<nIndexed) + [idFieldNumber] {
                let positions = f != idFieldNumber
                try mergeField(f, hasPositions: positions, sources: sources, docMaps: docMaps,
                               lengths: positions ? norms[f].lengths : nil, into: files)
            }
            for (s, src) in sources.enumerated() {
                try src.store.forEachRecord { d, record in
                    if docMaps[s][d] >= 0 { try files.store.add(record: record) }
                }
            }
            let bytes = try files.finish(norms: norms, dates: dates, ids: ids, columns: columns + (signatures.map { [$0] } ?? []),
                                         docCount: docCount)
                + files.writeWords(mergedWords(sources, docCount: docCount))
            // Text bytes of deleted documents are not recorded per document; scale by the live share.
            let text = sources.reduce(0) { acc, s in
                acc + (s.docCount == 0 ? 0 : Int((Double(s.meta.textBytes) * Double(s.meta.liveCount) / Double(s.docCount)).rounded()))
            }
            for src in sources { try src.damage.throwIfDamaged() }
            return files.meta(docCount: docCount, lengths: norms.map(\.lengths), textBytes: text, sizeBytes: bytes)
        } catch {
            files.abandon()
            throw error
        }
    }

    /// K-way merge of the sources' term lists for one field.
    private func mergeField(_ field: Int, hasPositions: Bool, sources: [SegmentReader], docMaps: [[Int32]],
                            lengths: [UInt32]?, into files: SegmentFilesWriter) throws {
        files.startField(field, hasPositions: hasPositions)
        defer { files.finishField() }
        // Materialize each source's term list lazily through its cursor.
        var heads: [(term: [UInt8], info: TermInfo)?] = []
        var cursors: [TermDictionary.Cursor?] = []
        for src in sources {
            var c = src.terms.cursor(field: field)
            if let (t, info) = c?.next() { heads.append((Array(t), info)) } else { heads.append(nil) }
            cursors.append(c)
        }
        var docs = [UInt32](), tfs = [UInt32](), pos = [UInt32]()
        var termsMerged = 0
        while true {
            var minTerm: [UInt8]? = nil
            for h in heads {
                guard let h else { continue }
                if minTerm == nil || h.term.lexicographicallyPrecedes(minTerm!) { minTerm = h.term }
            }
            guard let term = minTerm else { break }
            docs.removeAll(keepingCapacity: true); tfs.removeAll(keepingCapacity: true); pos.removeAll(keepingCapacity: true)
            for s in sources.indices {
                guard let h = heads[s], h.term == term else { continue }
                let c = sources[s].cursor(h.info)
                while c.next() != PostingsCursor.noMore {
                    let nd = docMaps[s][Int(c.doc)]
                    guard nd >= 0 else { continue }
                    docs.append(UInt32(nd)); tfs.append(c.freq)
                    if hasPositions { pos.append(contentsOf: c.positions()) }
                }
                if let (t, info) = cursors[s]?.next() { heads[s] = (Array(t), info) } else { heads[s] = nil }
            }
            termsMerged += 1
            if termsMerged % 4096 == 0 {
                // Sources are read once, in file order: let go of what is behind us.
                for s in sources.indices {
                    guard let h = heads[s] else { continue }
                    sources[s].postings.releasePages(before: Int(h.info.postingsOffset))
                    if hasPositions { sources[s].positions.releasePages(before: Int(h.info.positionsOffset)) }
                }
            }
            guard !docs.isEmpty else { continue }
            try term.withUnsafeBytes { t in
                try docs.withUnsafeBufferPointer { d in
                    try tfs.withUnsafeBufferPointer { f in
                        try pos.withUnsafeBufferPointer { p in
                            if let lengths {
                                try lengths.withUnsafeBufferPointer { l in try files.addTerm(t, docs: d, tfs: f, positions: p, lengths: l) }
                            } else {
                                try files.addTerm(t, docs: d, tfs: f, positions: nil, lengths: nil)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The merged segment's word list: the sources' lists with counts scaled by their live
    /// shares (see `WordList.merged`). Sources written before format 5 have no word list and
    /// contribute nothing.
    private func mergedWords(_ sources: [SegmentReader], docCount: Int) throws -> WordList {
        var lists: [(list: WordList, liveShare: Double)] = []
        for s in sources {
            guard let words = s.words, s.docCount > 0 else { continue }
            lists.append((try words.decode(), Double(s.meta.liveCount) / Double(s.docCount)))
        }
        return WordList.merged(lists, docCount: docCount)
    }
}
