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
}
