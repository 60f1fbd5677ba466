#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLoupeSupport

/// The in-memory inverted index of one field while a segment is built: term bytes map to
/// dense term ids, and each term has a doc stream (vint doc gap, vint tf, per finished
/// document) and, if the field keeps positions, a positions stream (vint gaps from the
/// previous position in the same document, the first absolute).
///
/// `add(_:doc:position:)` runs once per token, the innermost loop of indexing, so the layout
/// is chosen for it: every term has one 64-byte record, aligned to a cache line, holding its
/// hash, its first bytes, the counters of the document being accumulated and both streams'
/// headers. A token touches its hash slot (which holds the hash, so probing reads no record),
/// its record and the tail of a stream: three cache lines (a fourth, the term's bytes in the
/// arena, only for terms longer than `inlineBytes`), where parallel per-term arrays cost one
/// per array. Storage is managed by hand, so the loop pays
/// no uniqueness or exclusivity checks. Only the owning builder's thread touches an instance.
///
/// The three lines are usually cache misses for all but the most frequent terms, and each
/// depends on the one before, so a document's tokens are buffered first (`TokenBatch`) and
/// added with their slots prefetched `slotLead` tokens ahead and their records `recordLead`
/// tokens ahead: the misses of several tokens overlap instead of following one another.
///
/// Open addressing with linear probing over a power-of-two table at most half full; lookup
/// or insert is O(term length) expected.
final class FieldPostings {
    /// A growable byte buffer; its capacity is `16 << capacityShift` once allocated.
    struct Stream {
        var base: UnsafeMutablePointer<UInt8>? = nil
        var count: UInt32 = 0
        var capacityShift: UInt8 = 0
        var capacity: Int { base == nil ? 0 : 16 << Int(capacityShift) }
    }

    /// Term bytes kept in the record itself, so most lookups compare without the arena.
    static let inlineBytes = 12

    /// One term's state; 64 bytes (see the type's documentation).
    struct TermRecord {
        var docs = Stream()
        var positions = Stream()
        var hash: UInt32
        /// Where the term's bytes are in the arena (all of them; `prefix` repeats the first).
        var termStart: UInt32
        var termLength: UInt16
        /// Document being accumulated (-1: none), its tf so far and its last position.
        var currentDoc: Int32 = -1
        var currentTf: UInt32 = 0
        var lastPosition: UInt32 = 0
        /// Last document written to the doc stream (-1: none).
        var lastDoc: Int32 = -1
        /// The term's first `min(termLength, inlineBytes)` bytes.
        var prefix: (UInt32, UInt32, UInt32) = (0, 0, 0)
    }

    let hasPositions: Bool
    private(set) var count = 0
    private var records: UnsafeMutablePointer<TermRecord>
    private var recordCapacity = 0
    /// `hash << 32 | (id + 1)`, 0 for an empty slot.
    private var slots: UnsafeMutablePointer<UInt64>
    private var mask: Int
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    private var arenaCapacity = 0
    /// Bytes allocated for stream contents (capacity, not use).
    private(set) var streamBytes = 0

    init(hasPositions: Bool, capacity: Int = 1 << 12) {
        self.hasPositions = hasPositions
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = .allocate(capacity: n)
        slots.initialize(repeating: 0, count: n)
        mask = n - 1
        records = FieldPostings.allocateRecords(0)
        arena = .allocate(capacity: 0)
    }

    deinit {
        for t in 0..<count { free(records[t].docs.base); free(records[t].positions.base) }
        free(records); slots.deallocate(); arena.deallocate()
    }

    private static func allocateRecords(_ n: Int) -> UnsafeMutablePointer<TermRecord> {
        var p: UnsafeMutableRawPointer?
        guard posix_memalign(&p, 64, max(n, 1) * MemoryLayout<TermRecord>.stride) == 0, let p else {
            fatalError("out of memory growing a term table")
        }
        return p.bindMemory(to: TermRecord.self, capacity: max(n, 1))
    }

    /// Approximate heap bytes held: records, slots, term bytes and stream contents.
    var memoryBytes: Int {
        recordCapacity * MemoryLayout<TermRecord>.stride + (mask + 1) * 8 + arenaCapacity + streamBytes + count * 32 // malloc headers
    }

    @inline(__always) static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in p { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }

    static let slotLead = 8
    static let recordLead = 4
    static let streamLead = 2

    /// Records every token of `batch` as occurring in `doc` (documents arrive in increasing
    /// order; a batch's positions ascend).
    func add(_ batch: TokenBatch, doc: Int32) {
        let n = batch.count
        for i in 0..<n {
            if i + FieldPostings.slotLead < n {
                loupe_prefetch(slots + (Int(batch.hashes[i + FieldPostings.slotLead]) & mask))
            }
            if i + FieldPostings.recordLead < n {
                let h = batch.hashes[i + FieldPostings.recordLead]
                let s = slots[Int(h) & mask]
                if s != 0 && UInt32(truncatingIfNeeded: s >> 32) == h {
                    loupe_prefetch(records + (Int(truncatingIfNeeded: s & 0xFFFF_FFFF) - 1))
                }
            }
            if hasPositions && i + FieldPostings.streamLead < n {
                // The record was prefetched two tokens ago: fetch the end of its positions.
                let h = batch.hashes[i + FieldPostings.streamLead]
                let s = slots[Int(h) & mask]
                if s != 0 && UInt32(truncatingIfNeeded: s >> 32) == h {
                    let stream = records[Int(truncatingIfNeeded: s & 0xFFFF_FFFF) - 1].positions
                    if let base = stream.base { loupe_prefetch_write(base + Int(stream.count)) }
                }
            }
            add(batch.term(i), hash: batch.hashes[i], doc: doc, position: batch.positions[i])
        }
    }

    /// Records one occurrence of `term` in `doc` (documents arrive in increasing order; a
    /// document's positions too). `position` is ignored unless the field keeps positions.
    @inline(__always)
    func add(_ term: UnsafeBufferPointer<UInt8>, doc: Int32, position: UInt32) {
        add(term, hash: FieldPostings.hash(term), doc: doc, position: position)
    }

    @inline(__always)
    private func add(_ term: UnsafeBufferPointer<UInt8>, hash: UInt32, doc: Int32, position: UInt32) {
        let id = intern(term, hash: hash) // first: inserting may move the records
        let r = records + id
        if r.pointee.currentDoc != doc {
            FieldPostings.finishDocument(r, self)
            r.pointee.currentDoc = doc
            r.pointee.currentTf = 1
            if hasPositions { append(&r.pointee.positions, position) }
        } else {
            r.pointee.currentTf &+= 1
            if hasPositions { append(&r.pointee.positions, position &- r.pointee.lastPosition) }
        }
        r.pointee.lastPosition = position
    }

    /// Moves every term's current document into its doc stream (before reading the streams).
    func finishDocuments() {
        for t in 0..<count { FieldPostings.finishDocument(records + t, self) }
    }

    @inline(__always)
    private static func finishDocument(_ r: UnsafeMutablePointer<TermRecord>, _ table: FieldPostings) {
        let cur = r.pointee.currentDoc
        guard cur >= 0 else { return }
        table.append(&r.pointee.docs, UInt32(bitPattern: cur &- r.pointee.lastDoc))
        table.append(&r.pointee.docs, r.pointee.currentTf)
        r.pointee.lastDoc = cur
        r.pointee.currentDoc = -1
    }

    /// The id of `term`, inserting it if new.
    @inline(__always)
    private func intern(_ term: UnsafeBufferPointer<UInt8>, hash h: UInt32) -> Int {
        var i = Int(h) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            if UInt32(truncatingIfNeeded: s >> 32) == h {
                let id = Int(truncatingIfNeeded: s & 0xFFFF_FFFF) - 1
                if matches(records + id, term) { return id }
            }
            i = (i + 1) & mask
        }
        return insert(term, hash: h, slot: i)
    }

    @inline(__always)
    private func matches(_ r: UnsafeMutablePointer<TermRecord>, _ term: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = term.count
        guard Int(r.pointee.termLength) == n else { return false }
        let inline = min(n, FieldPostings.inlineBytes)
        let same = withUnsafeBytes(of: &r.pointee.prefix) { p in
            var k = 0
            while k < inline && p[k] == term[k] { k &+= 1 }
            return k == inline
        }
        guard same else { return false }
        return n <= FieldPostings.inlineBytes
            || memcmp(arena + Int(r.pointee.termStart) + inline, term.baseAddress! + inline, n - inline) == 0
    }

    private func insert(_ term: UnsafeBufferPointer<UInt8>, hash h: UInt32, slot i: Int) -> Int {
        let id = count
        if id == recordCapacity {
            let n = max(1024, recordCapacity * 2)
            let grown = FieldPostings.allocateRecords(n)
            grown.moveInitialize(from: records, count: count)
            free(records)
            records = grown
            recordCapacity = n
        }
        if arenaCount + term.count > arenaCapacity {
            let n = max(1 << 16, (arenaCount + term.count) * 2)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
            grown.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = grown
            arenaCapacity = n
        }
        if let b = term.baseAddress { (arena + arenaCount).update(from: b, count: term.count) }
        var record = TermRecord(hash: h, termStart: UInt32(arenaCount), termLength: UInt16(term.count))
        withUnsafeMutableBytes(of: &record.prefix) { p in
            for k in 0..<min(term.count, FieldPostings.inlineBytes) { p[k] = term[k] }
        }
        (records + id).initialize(to: record)
        arenaCount += term.count
        slots[i] = UInt64(h) << 32 | UInt64(id + 1)
        count += 1
        if count * 2 > mask + 1 { growSlots() }
        return id
    }

    private func growSlots() {
        let n = (mask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: n)
        slots.initialize(repeating: 0, count: n)
        mask = n - 1
        for id in 0..<count {
            let h = records[id].hash
            var i = Int(h) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = UInt64(h) << 32 | UInt64(id + 1)
        }
    }

    /// Appends `value` as a vint.
    @inline(__always)
    private func append(_ s: inout Stream, _ value: UInt32) {
        if s.capacity &- Int(s.count) < 5 { grow(&s) }
        let out = s.base! + Int(s.count)
        var v = value, n: UInt32 = 0
        while v >= 0x80 { out[Int(n)] = UInt8(truncatingIfNeeded: v) | 0x80; v >>= 7; n &+= 1 }
        out[Int(n)] = UInt8(truncatingIfNeeded: v)
        s.count &+= n &+ 1
    }

    private func grow(_ s: inout Stream) {
        let old = s.capacity
        if s.base != nil { s.capacityShift += 1 }
        let capacity = s.capacity == 0 ? 16 : s.capacity
        guard capacity <= Int(UInt32.max), let p = realloc(s.base, capacity) else { fatalError("out of memory growing a posting buffer") }
        streamBytes += capacity - old
        s.base = p.assumingMemoryBound(to: UInt8.self)
    }

    /// The bytes of term `t`.
    func term(_ t: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: arena + Int(records[t].termStart), count: Int(records[t].termLength))
    }

    /// Term `t`'s doc stream (complete after `finishDocuments()`).
    func docStream(_ t: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: records[t].docs.base, count: Int(records[t].docs.count))
    }

    /// Term `t`'s positions stream.
    func positionStream(_ t: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: records[t].positions.base, count: Int(records[t].positions.count))
    }

    /// Term ids sorted by their bytes.
    func sortedTermIds() -> [Int] {
        var ids = Array(0..<count)
        ids.sort { compareBytes(term($0), term($1)) < 0 }
        return ids
    }
}

/// One document's tokens in one field, buffered so `FieldPostings.add(_:doc:)` can prefetch
/// ahead of the token it is adding. Reused from document to document; grows by doubling.
final class TokenBatch {
    // One thread uses a batch; no dynamic exclusivity checks per token.
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private var capacity = 0
    @exclusivity(unchecked) private(set) var hashes = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)
    @exclusivity(unchecked) private(set) var positions = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)
    @exclusivity(unchecked) private var starts = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)
    @exclusivity(unchecked) private var lengths = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)
    @exclusivity(unchecked) private var bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 0)
    @exclusivity(unchecked) private var byteCount = 0
    @exclusivity(unchecked) private var byteCapacity = 0

    deinit {
        hashes.deallocate(); positions.deallocate(); starts.deallocate(); lengths.deallocate(); bytes.deallocate()
    }

    func removeAll() { count = 0; byteCount = 0 }

    @inline(__always)
    func append(_ term: UnsafeBufferPointer<UInt8>, position: UInt32) {
        if count == capacity { growTokens() }
        if byteCount + term.count > byteCapacity { growBytes(byteCount + term.count) }
        if let b = term.baseAddress { (bytes + byteCount).update(from: b, count: term.count) }
        hashes[count] = FieldPostings.hash(term)
        positions[count] = position
        starts[count] = UInt32(byteCount)
        lengths[count] = UInt32(term.count)
        byteCount += term.count
        count += 1
    }

    @inline(__always)
    func term(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes + Int(starts[i]), count: Int(lengths[i]))
    }

    private func growTokens() {
        let n = max(256, capacity * 2)
        func grow<T>(_ p: inout UnsafeMutablePointer<T>) {
            let q = UnsafeMutablePointer<T>.allocate(capacity: n)
            q.moveInitialize(from: p, count: count)
            p.deallocate()
            p = q
        }
        grow(&hashes); grow(&positions); grow(&starts); grow(&lengths)
        capacity = n
    }

    private func growBytes(_ need: Int) {
        let n = max(4096, need * 2)
        let q = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
        q.moveInitialize(from: bytes, count: byteCount)
        bytes.deallocate()
        bytes = q
        byteCapacity = n
    }
}
