import Foundation

/// Where a page of results ended, to continue after it (Elasticsearch's `search_after`):
/// the last hit's sort key, score and address, the order it was sorted in and the snapshot
/// generation. A search continuing from a cursor keeps a top-k of its page size only, so
/// page 1000 costs what page 2 costs.
///
/// Given to clients as an opaque URL-safe string (`encoded`). A cursor from an older snapshot
/// still continues (by key and score); documents tied with its last hit may then repeat or
/// be skipped, as addresses change with commits and merges.
public struct SearchCursor: Sendable, Hashable {
    /// The generation of the snapshot the page came from.
    public var generation: Int
    /// The order (`relevance` or `field:asc|desc`); continuing under another order is refused.
    public var order: String
    /// The last hit's sort key (see `SegmentSortKeys`).
    var key: Int64
    /// The last hit's score.
    public var score: Double
    /// The last hit's address.
    public var address: IndexReader.DocAddress

    init(generation: Int, order: String, entry: TopK.Entry) {
        self.generation = generation
        self.order = order
        key = entry.key
        score = entry.score
        address = IndexReader.DocAddress(segment: Int(entry.segment), doc: Int(entry.doc))
    }

    /// The entry hits must rank after.
    var entry: TopK.Entry { TopK.Entry(score: score, segment: Int32(address.segment), doc: UInt32(address.doc), key: key) }

    /// The opaque form: base64url of `1 generation order key scoreBits segment doc`.
    public var encoded: String {
        let text = ["1", String(generation), order, String(key), String(score.bitPattern, radix: 16),
                    String(address.segment), String(address.doc)].joined(separator: " ")
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes `encoded`; throws `LoupeError.invalidRequest` when it is not a cursor Loupe made.
    public init(decoding encoded: String) throws {
        let bad = LoupeError.invalidRequest("the cursor '\(encoded.prefix(40))' is malformed: use a cursor exactly as a previous search returned it")
        var b64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        b64 += String(repeating: "=", count: (4 - b64.count % 4) % 4)
        guard encoded.count <= 400, let data = Data(base64Encoded: b64), let text = String(data: data, encoding: .utf8) else { throw bad }
        let parts = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 7, parts[0] == "1", let g = Int(parts[1]), let key = Int64(parts[3]),
              let bits = UInt64(parts[4], radix: 16), let s = Int(parts[5]), let d = Int(parts[6]),
              s >= 0, s <= Int(Int32.max), d >= 0, d <= Int(UInt32.max), !parts[2].isEmpty else { throw bad }
        generation = g
        order = parts[2]
        self.key = key
        score = Double(bitPattern: bits)
        address = IndexReader.DocAddress(segment: s, doc: d)
    }
}
