/// Keeps the best `k` hits seen so far in a binary min-heap: the root is the worst kept hit.
/// Order: higher score first; equal scores by ascending (segment, doc), so results are
/// deterministic. O(log k) per insertion; `threshold` is what a new hit must beat.
///
/// A class whose mutable state lives in memory it owns rather than in stored `var`s: the
/// collectors call it once per competitive hit, and a stored `var` of a class costs a dynamic
/// exclusivity check on every access (it showed in the profile of rare-term queries).
final class TopK {
    struct Entry {
        var score: Double
        var segment: Int32
        var doc: UInt32
        /// Secondary key for date sorting (unused for relevance).
        var key: Int64
    }

    private struct State {
        var count = 0
        var capacity: Int
        var heap: UnsafeMutablePointer<Entry>
    }

    let k: Int
    /// For date sorting: compare by `key` first (descending), then score, then address.
    let byKey: Bool
    private let state: UnsafeMutablePointer<State>

    init(k: Int, byKey: Bool = false) {
        self.k = max(0, k)
        self.byKey = byKey
        let capacity = max(1, min(self.k, 1 << 16))
        state = .allocate(capacity: 1)
        state.initialize(to: State(capacity: capacity, heap: .allocate(capacity: capacity)))
    }

    deinit {
        state.pointee.heap.deallocate()
        state.deallocate()
    }

    /// True when `a` ranks worse than `b`.
    @inline(__always) func worse(_ a: Entry, _ b: Entry) -> Bool {
        if byKey && a.key != b.key { return a.key < b.key }
        if a.score != b.score { return a.score < b.score }
        if a.segment != b.segment { return a.segment > b.segment }
        return a.doc > b.doc
    }

    var count: Int { state.pointee.count }
    var isFull: Bool { state.pointee.count >= k }

    /// The key of the worst kept hit once `k` are kept (a key below it cannot enter); nil before.
    @inline(__always) var bottomKey: Int64? { isFull && k > 0 ? state.pointee.heap[0].key : nil }

    /// Score a new hit must exceed to enter (relevance order, hits arrive in address order).
    @inline(__always) var threshold: Double {
        isFull && k > 0 ? state.pointee.heap[0].score : -Double.infinity
    }

    @inline(__always) func insert(_ e: Entry) {
        guard k > 0 else { return }
        let n = state.pointee.count
        if n < k {
            if n == state.pointee.capacity { grow() }
            let heap = state.pointee.heap
            (heap + n).initialize(to: e)
            state.pointee.count = n + 1
            var i = n
            while i > 0 {
                let p = (i - 1) / 2
                if worse(heap[i], heap[p]) { swap(&heap[i], &heap[p]); i = p } else { break }
            }
        } else {
            let heap = state.pointee.heap
            guard worse(heap[0], e) else { return }
            heap[0] = e
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n && worse(heap[l], heap[m]) { m = l }
                if r < n && worse(heap[r], heap[m]) { m = r }
                if m == i { break }
                swap(&heap[i], &heap[m]); i = m
            }
        }
    }

    private func grow() {
        let old = state.pointee
        let capacity = min(k, old.capacity * 2)
        let heap = UnsafeMutablePointer<Entry>.allocate(capacity: capacity)
        heap.moveInitialize(from: old.heap, count: old.count)
        old.heap.deallocate()
        state.pointee.heap = heap
        state.pointee.capacity = capacity
    }

    /// Best first.
    func sorted() -> [Entry] {
        Array(UnsafeBufferPointer(start: state.pointee.heap, count: state.pointee.count)).sorted { worse($1, $0) }
    }
}
