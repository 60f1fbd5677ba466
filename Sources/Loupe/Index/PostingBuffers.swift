#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The in-memory postings of one field while a segment is built, by term id: a doc stream
/// (vint doc delta, vint tf, per finished document), a positions stream (vint position gaps
/// within a document, the first absolute) and the counters of the document being accumulated.
///
/// This is the innermost loop of indexing (one append per token), so the storage is managed
/// by hand: parallel buffers indexed by term id and one `realloc`-grown byte buffer per stream.
/// Nested Swift arrays cost two uniqueness checks per append, which were a fifth of indexing
/// time. Only the owning builder's thread touches an instance.
final class PostingBuffers {
    struct Stream {
        var base: UnsafeMutablePointer<UInt8>?
        var count = 0
        var capacity = 0
    }

    @exclusivity(unchecked) private(set) var termCount = 0
    private var slots = 0
    @exclusivity(unchecked) private(set) var docStreams: UnsafeMutablePointer<Stream>
    @exclusivity(unchecked) private(set) var posStreams: UnsafeMutablePointer<Stream>
    /// Last document flushed to the doc stream (-1: none).
    @exclusivity(unchecked) private(set) var lastDoc: UnsafeMutablePointer<Int32>
    /// Document being accumulated (-1: none), its tf so far, its last position.
    @exclusivity(unchecked) private(set) var curDoc: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private(set) var curTf: UnsafeMutablePointer<UInt32>
    @exclusivity(unchecked) private(set) var lastPos: UnsafeMutablePointer<UInt32>
    /// Bytes allocated for stream contents (capacity, not use).
    @exclusivity(unchecked) private(set) var allocatedBytes = 0

    init() {
        docStreams = .allocate(capacity: 0); posStreams = .allocate(capacity: 0)
        lastDoc = .allocate(capacity: 0); curDoc = .allocate(capacity: 0)
        curTf = .allocate(capacity: 0); lastPos = .allocate(capacity: 0)
    }

    deinit {
        for t in 0..<termCount { free(docStreams[t].base); free(posStreams[t].base) }
        docStreams.deallocate(); posStreams.deallocate()
        lastDoc.deallocate(); curDoc.deallocate(); curTf.deallocate(); lastPos.deallocate()
    }

    /// Per-term bookkeeping outside the streams' contents, for memory accounting.
    static let bytesPerTerm = 2 * MemoryLayout<Stream>.stride + 16 + 2 * 16 // + malloc headers

    /// Registers the next term id (`termCount` before the call).
    func addTerm() {
        if termCount == slots {
            let n = max(1024, slots * 2)
            func grow<T>(_ p: inout UnsafeMutablePointer<T>) {
                let q = UnsafeMutablePointer<T>.allocate(capacity: n)
                q.moveInitialize(from: p, count: termCount)
                p.deallocate()
                p = q
            }
            grow(&docStreams); grow(&posStreams); grow(&lastDoc); grow(&curDoc); grow(&curTf); grow(&lastPos)
            slots = n
        }
        let t = termCount
        (docStreams + t).initialize(to: Stream()); (posStreams + t).initialize(to: Stream())
        (lastDoc + t).initialize(to: -1); (curDoc + t).initialize(to: -1)
        (curTf + t).initialize(to: 0); (lastPos + t).initialize(to: 0)
        termCount += 1
    }

    /// Appends `v` as a vint to stream `t` of `streams` (`docStreams` or `posStreams`).
    @inline(__always)
    func append(_ streams: UnsafeMutablePointer<Stream>, _ t: Int, _ value: UInt32) {
        let s = streams + t
        if s.pointee.capacity - s.pointee.count < 5 { grow(s) }
        let out = s.pointee.base! + s.pointee.count
        var v = value, n = 0
        while v >= 0x80 { out[n] = UInt8(truncatingIfNeeded: v) | 0x80; v >>= 7; n &+= 1 }
        out[n] = UInt8(truncatingIfNeeded: v)
        s.pointee.count &+= n &+ 1
    }

    private func grow(_ s: UnsafeMutablePointer<Stream>) {
        let capacity = max(16, s.pointee.capacity * 2)
        guard let p = realloc(s.pointee.base, capacity) else { fatalError("out of memory growing a posting buffer") }
        allocatedBytes += capacity - s.pointee.capacity
        s.pointee.base = p.assumingMemoryBound(to: UInt8.self)
        s.pointee.capacity = capacity
    }

    /// The bytes of stream `t` of `streams`.
    func bytes(_ streams: UnsafeMutablePointer<Stream>, _ t: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: streams[t].base, count: streams[t].count)
    }
}
