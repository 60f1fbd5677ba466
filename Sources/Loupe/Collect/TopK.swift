/// Keeps the best `k` hits seen so far in a binary min-heap: the root is the worst kept hit.
/// Order: higher score first; equal scores by ascending (segment, doc), so results are
/// deterministic. O(log k) per insertion; `threshold` is what a new hit must beat.
struct TopK {
    struct Entry {
        var score: Double
        var segment: Int32
        var doc: UInt32
        /// Secondary key for date sorting (unused for relevance).
        var key: Int64
    }

    let k: Int
    private(set) var heap: [Entry] = []
    /// For date sorting: compare by `key` first (descending), then score, then address.
    let byKey: Bool

    init(k: Int, byKey: Bool = false) {
        self.k = k
        self.byKey = byKey
        heap.reserveCapacity(min(k, 1 << 16))
    }

    /// True when `a` ranks worse than `b`.
    @inline(__always) func worse(_ a: Entry, _ b: Entry) -> Bool {
        if byKey && a.key != b.key { return a.key < b.key }
        if a.score != b.score { return a.score < b.score }
        if a.segment != b.segment { return a.segment > b.segment }
        return a.doc > b.doc
    }

    var isFull: Bool { heap.count >= k }

    /// Score a new hit must exceed to enter (relevance order, hits arrive in address order).
    @inline(__always) var threshold: Double { isFull && k > 0 ? heap[0].score : -Double.infinity }

    @inline(__always) mutating func insert(_ e: Entry) {
        guard k > 0 else { return }
        if heap.count < k {
            heap.append(e)
            var i = heap.count - 1
            while i > 0 {
                let p = (i - 1) / 2
                if worse(heap[i], heap[p]) { heap.swapAt(i, p); i = p } else { break }
            }
        } else if worse(heap[0], e) {
            heap[0] = e
            var i = 0
            let n = heap.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n && worse(heap[l], heap[m]) { m = l }
                if r < n && worse(heap[r], heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m); i = m
            }
        }
    }

    /// Best first.
    func sorted() -> [Entry] { heap.sorted { worse($1, $0) } }
}
