import Foundation

/// Passages of a stored field with the matched words marked.
///
/// A long field gives several passages (``make(text:sequences:analyzer:length:passages:)``),
/// joined in document order by ` … `; `…` also marks where the text goes on before the first
/// passage or after the last. A title is highlighted whole (``whole(text:sequences:analyzer:)``).
public struct Snippet: Sendable, Equatable {
    /// The passages, joined by ` … ` (a cut text starts or ends with `…`).
    public var text: String
    /// Highlighted ranges, as UTF-8 byte offsets into `text`, ascending and disjoint (the JSON
    /// forms give them as UTF-16 offsets: see `utf16Highlights`).
    public var highlights: [Range<Int>]

    public init(text: String, highlights: [Range<Int>]) {
        self.text = text
        self.highlights = highlights
    }

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

    /// Separates passages in `text`.
    static let separator = " … "

    /// The whole of `text` with every occurrence of the query's term sequences marked (titles).
    static func whole(text: String, sequences: [[String]], analyzer: Analyzer) -> Snippet {
        let tokens = analyzer.analyze(text)
        let matches = Passages.matches(tokens, sequences)
        let bytes = Array(text.utf8)
        return Snippet(text: text, highlights: Passages.highlights(matches, tokens, in: 0..<bytes.count, shift: 0))
    }

    /// Builds the snippet like Lucene's UnifiedHighlighter: the text is cut into passages
    /// (sentences, longer ones split into pieces of at most about `length` bytes at token
    /// boundaries); each passage holding a match is scored by the density of matched terms,
    /// BM25-like (for each distinct sequence matched, `tf·(k1+1) / (tf + k1·(1 − b + b·len/87))`
    /// with k1 1.2, b 0.75 and len the passage's length in bytes, summed, times
    /// `1 + 1/ln(87 + start)` so earlier passages win ties); the best `passages` are shown in
    /// document order. Without any match, the text's first passage.
    static func make(text: String, sequences: [[String]], analyzer: Analyzer, length: Int, passages: Int = 3) -> Snippet {
        let tokens = analyzer.analyze(text)
        let bytes = Array(text.utf8)
        let budget = max(40, length)
        let candidates = Passages.split(bytes, tokens: tokens, budget: budget)
        guard !candidates.isEmpty else { return Snippet(text: "", highlights: []) }
        let matches = Passages.matches(tokens, sequences)
        var scored: [(index: Int, score: Double)] = []
        var m = 0
        for (i, p) in candidates.enumerated() {
            var tf: [Int: Int] = [:]
            while m < matches.count && tokens[matches[m].first].startOffset < p.upperBound {
                if tokens[matches[m].last].endOffset <= p.upperBound && tokens[matches[m].first].startOffset >= p.lowerBound {
                    tf[matches[m].seq, default: 0] += 1
                }
                m += 1
            }
            guard !tf.isEmpty else { continue }
            let len = Double(p.count), k1 = 1.2, b = 0.75, pivot = 87.0
            var score = 0.0
            for (_, f) in tf { let f = Double(f); score += f * (k1 + 1) / (f + k1 * (1 - b + b * len / pivot)) }
            score *= 1 + 1 / log(pivot + Double(p.lowerBound))
            scored.append((i, score))
        }
        var chosen = scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
            .prefix(max(1, passages)).map(\.index).sorted()
        if chosen.isEmpty { chosen = [0] }
        var out: [UInt8] = [], highlights: [Range<Int>] = []
        for (k, i) in chosen.enumerated() {
            let p = candidates[i]
            if k == 0 { if p.lowerBound > 0 { out += Array("… ".utf8) } } else { out += Array(separator.utf8) }
            highlights += Passages.highlights(matches, tokens, in: p, shift: out.count - p.lowerBound)
            out += bytes[p]
        }
        if let last = chosen.last, candidates[last].upperBound < Passages.trimmedEnd(bytes) { out += Array(" …".utf8) }
        return Snippet(text: String(decoding: out, as: UTF8.self), highlights: highlights)
    }
}

/// The passage arithmetic of snippets: matches, passage boundaries, highlights.
enum Passages {
    typealias Match = (first: Int, last: Int, seq: Int)

    /// Every occurrence of each sequence as a token range, ordered by start (longest first).
    static func matches(_ tokens: [Token], _ sequences: [[String]]) -> [Match] {
        var out: [Match] = []
        guard !tokens.isEmpty else { return out }
        for (si, seq) in sequences.enumerated() where !seq.isEmpty {
            var i = 0
            while i + seq.count <= tokens.count {
                var ok = true
                for k in 0..<seq.count where tokens[i + k].term != seq[k] || tokens[i + k].position != tokens[i].position + k {
                    ok = false; break
                }
                if ok { out.append((i, i + seq.count - 1, si)) }
                i += 1
            }
        }
        out.sort { ($0.first, $1.last) < ($1.first, $0.last) }
        return out
    }

    /// The matches inside byte range `range`, shifted by `shift`, overlapping ones merged.
    static func highlights(_ matches: [Match], _ tokens: [Token], in range: Range<Int>, shift: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var lastEnd = -1
        for m in matches {
            let s = tokens[m.first].startOffset, e = tokens[m.last].endOffset
            guard s >= range.lowerBound, e <= range.upperBound else { continue }
            if s < lastEnd {
                if e > lastEnd, let last = out.popLast() { out.append(last.lowerBound..<(e + shift)); lastEnd = e }
                continue
            }
            out.append((s + shift)..<(e + shift))
            lastEnd = e
        }
        return out
    }

    /// The text's end without trailing white space.
    static func trimmedEnd(_ bytes: [UInt8]) -> Int {
        var end = bytes.count
        while end > 0, isSpace(bytes[end - 1]) { end -= 1 }
        return end
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// The text cut into passages: sentences (ending at `.`, `!`, `?` or `。` followed by white
    /// space, or at a line break), trimmed of white space, each longer than `budget` bytes
    /// split at token ends into pieces of at most `budget` (a single longer token stays whole).
    static func split(_ bytes: [UInt8], tokens: [Token], budget: Int) -> [Range<Int>] {
        var sentences: [Range<Int>] = []
        var start = 0, i = 0
        func close(_ end: Int) {
            var s = start, e = end
            while s < e, isSpace(bytes[s]) { s += 1 }
            while e > s, isSpace(bytes[e - 1]) { e -= 1 }
            if s < e { sentences.append(s..<e) }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A { close(i); start = i + 1 }
            else if (b == 0x2E || b == 0x21 || b == 0x3F), i + 1 < bytes.count, isSpace(bytes[i + 1]) { close(i + 1); start = i + 1 }
            else if b == 0xE3, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0x82 { close(i + 3); start = i + 3 }
            i += 1
        }
        close(bytes.count)
        // Long sentences: pieces ending at token ends.
        var out: [Range<Int>] = []
        var t = 0
        for s in sentences {
            if s.count <= budget { out.append(s); continue }
            while t < tokens.count && tokens[t].startOffset < s.lowerBound { t += 1 }
            var from = s.lowerBound
            while from < s.upperBound {
                var to = from
                var k = t
                while k < tokens.count, tokens[k].endOffset <= s.upperBound, tokens[k].endOffset - from <= budget {
                    to = tokens[k].endOffset; k += 1
                }
                if to == from {
                    // No token fits (a huge token, or only punctuation left): take the next token or the rest.
                    to = k < tokens.count && tokens[k].endOffset <= s.upperBound ? tokens[k].endOffset : s.upperBound
                    if k < tokens.count && tokens[k].endOffset <= s.upperBound { k += 1 }
                }
                // Trailing punctuation up to the next token belongs to this piece when it fits.
                let nextStart = k < tokens.count ? min(tokens[k].startOffset, s.upperBound) : s.upperBound
                var end = to
                while end < nextStart, !isSpace(bytes[end]), end - from < budget { end += 1 }
                while end < s.upperBound, end > from, (bytes[end] & 0xC0) == 0x80 { end += 1 }
                out.append(from..<end)
                t = k
                from = end
                while from < s.upperBound, isSpace(bytes[from]) { from += 1 }
            }
        }
        return out
    }
}
