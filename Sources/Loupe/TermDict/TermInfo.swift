/// What the term dictionary records for one term of one field: where its postings start.
///
/// Not part of the public API: visible only to `@_spi(Benchmarks) import Loupe` (the
/// micro-benchmarks look terms up and decode their postings directly).
@_spi(Benchmarks) public struct TermInfo: Equatable, Sendable {
    /// Documents of the segment holding the term (deleted ones included).
    var docFreq: UInt32
    /// Offset of the term's postings in the segment's `.post` file.
    var postingsOffset: UInt64
    /// Offset of the term's positions in the `.pos` file (0 for fields without positions).
    var positionsOffset: UInt64
}

/// Field number of the hidden exact-match field holding external document ids.
let idFieldNumber = 255

/// Terms are compared as raw UTF-8 bytes (so dictionary order is code point order).
@inline(__always)
func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let n = min(a.count, b.count)
    if n > 0 {
        let c = memcmp(a.baseAddress!, b.baseAddress!, n)
        if c != 0 { return Int(c) }
    }
    return a.count - b.count
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
