extension Searcher {
    /// Whole fields of `document` with every word of `query` marked, for showing a document
    /// the query found (an article page): the query is parsed with this index's fields and
    /// synonyms, and each field marks what the query looks for in it (so `title:oil` marks only
    /// the title). Fields the document lacks are left out. Throws what parsing throws
    /// (`LoupeError.invalidQuery`, `.unknownField`).
    public func highlighted(_ document: StoredDocument, query: String, fields: [String],
                            defaultOperator: DefaultOperator = .and) throws -> [String: Snippet] {
        let parsed = try parse(query, defaultOperator: defaultOperator)
        return try withAnalyzer { analyzer in
            let expanded = expandingSynonyms(parsed, analyzer: analyzer)
            let weight = try WeightContext(reader: reader, analyzer: analyzer).budgeted(for: expanded).weight(expanded)
            let highlights = weight.fieldHighlights
            var out: [String: Snippet] = [:]
            for field in fields {
                guard let text = document.fields[field] else { continue }
                let number = reader.fieldNumbers[field]
                let sequences = highlights.filter { $0.applies(to: number) }.map(\.terms)
                out[field] = Snippet.whole(text: text, sequences: sequences, analyzer: analyzer)
            }
            return out
        }
    }
}

extension Snippet {
    /// The text cut into paragraphs at line breaks (blank ones dropped, white space trimmed),
    /// each with its own highlights: a whole field shown as `<p>` elements.
    public var paragraphs: [Snippet] {
        let bytes = Array(text.utf8)
        var out: [Snippet] = []
        var start = 0
        func close(_ end: Int) {
            var s = start, e = end
            while s < e, Passages.isSpace(bytes[s]) { s += 1 }
            while e > s, Passages.isSpace(bytes[e - 1]) { e -= 1 }
            guard s < e else { return }
            let marks = highlights.compactMap { h -> Range<Int>? in
                let lo = max(h.lowerBound, s), hi = min(h.upperBound, e)
                return lo < hi ? (lo - s)..<(hi - s) : nil
            }
            out.append(Snippet(text: String(decoding: bytes[s..<e], as: UTF8.self), highlights: marks))
        }
        for (i, b) in bytes.enumerated() where b == 0x0A { close(i); start = i + 1 }
        close(bytes.count)
        return out
    }
}
