/// A passage of a stored field with the matched words marked.
public struct Snippet: Sendable, Equatable {
    /// The passage (may start or end inside the field; `…` marks a cut).
    public var text: String
    /// Highlighted ranges, as UTF-8 byte offsets into `text`, ascending and disjoint.
    public var highlights: [Range<Int>]

    /// The passage with each highlight wrapped in `open` and `close` (e.g. ANSI codes or `<mark>`).
    /// `escape` is applied to the text between and inside highlights (e.g. HTML escaping).
    public func rendered(open: String, close: String, escape: (Substring) -> String = { String($0) }) -> String {
        let bytes = Array(text.utf8)
        var out = ""
        var at = 0
        func piece(_ r: Range<Int>) -> Substring { Substring(String(decoding: bytes[r], as: UTF8.self)) }
        for h in highlights {
            out += escape(piece(at..<h.lowerBound))
            out += open + escape(piece(h)) + close
            at = h.upperBound
        }
        out += escape(piece(at..<bytes.count))
        return out
    }

    /// Builds the snippet: finds every occurrence of the query's terms and phrases (as analyzed
    /// term sequences) in `text`, then picks the window of about `length` characters holding
    /// the most distinct matches (ties: the earliest), cut at word boundaries.
    static func make(text: String, sequences: [[String]], analyzer: Analyzer, length: Int) -> Snippet {
        let tokens = analyzer.analyze(text)
        // Matches as token index ranges, with the sequence number that matched.
        var matches: [(first: Int, last: Int, seq: Int)] = []
        if !tokens.isEmpty {
            for (si, seq) in sequences.enumerated() where !seq.isEmpty {
                var i = 0
                while i + seq.count <= tokens.count {
                    var ok = true
                    for k in 0..<seq.count where tokens[i + k].term != seq[k] || tokens[i + k].position != tokens[i].position + k {
                        ok = false; break
                    }
                    if ok { matches.append((i, i + seq.count - 1, si)) }
                    i += 1
                }
            }
        }
        matches.sort { ($0.first, $1.last) < ($1.first, $0.last) }
        let bytes = Array(text.utf8)
        // Window selection over byte offsets.
        let budget = max(40, length)
        var bestStart = 0, bestScore = -1
        for (mi, m) in matches.enumerated() {
            let windowStart = tokens[m.first].startOffset
            var distinct = Set<Int>()
            var count = 0
            for m2 in matches[mi...] where tokens[m2.last].endOffset - windowStart <= budget {
                distinct.insert(m2.seq); count += 1
            }
            let score = distinct.count * 1000 + count
            if score > bestScore { bestScore = score; bestStart = mi }
        }
        var from = 0
        if !matches.isEmpty {
            // Start a little before the first match, at a token boundary.
            let anchor = tokens[matches[bestStart].first].startOffset
            from = anchor
            var t = matches[bestStart].first
            while t > 0 && anchor - tokens[t - 1].startOffset <= budget / 4 { t -= 1; from = tokens[t].startOffset }
            if t == 0 { from = 0 }
        }
        var to = min(bytes.count, from + budget)
        // End at a token end.
        if to < bytes.count {
            if let lastTok = tokens.last(where: { $0.endOffset <= to && $0.startOffset >= from }) { to = lastTok.endOffset }
        }
        // Never cut inside a UTF-8 sequence.
        while to < bytes.count && to > from && (bytes[to] & 0xC0) == 0x80 { to += 1 }
        var prefix = from > 0 ? "…" : ""
        let suffix = to < bytes.count ? "…" : ""
        var highlights: [Range<Int>] = []
        var lastEnd = -1
        let shift = prefix.utf8.count - from
        for m in matches {
            let s = tokens[m.first].startOffset, e = tokens[m.last].endOffset
            guard s >= from, e <= to else { continue }
            if s < lastEnd { // overlapping: extend the previous highlight
                if e > lastEnd, var last = highlights.popLast() { last = last.lowerBound..<(e + shift); highlights.append(last); lastEnd = e }
                continue
            }
            highlights.append((s + shift)..<(e + shift))
            lastEnd = e
        }
        let body = String(decoding: bytes[from..<to], as: UTF8.self)
        prefix += body
        return Snippet(text: prefix + suffix, highlights: highlights)
    }
}
