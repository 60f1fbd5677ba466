#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file. Immutable once created, so it can be shared by
/// concurrent searches. The mapping stays valid after the file is unlinked (a later commit's
/// clean-up), which is what lets an open snapshot outlive newer commits.
///
/// `@unchecked Sendable` because it holds a raw pointer: the mapping is read-only
/// (`PROT_READ`), created in `init` and unmapped only in `deinit`, and every property is a
/// `let`. `releasePages(before:)` (merging only) drops this process's copies of clean pages,
/// which fault back in unchanged if read again, so it is safe alongside readers too.
/// `ConcurrencyTests` reads one index's files from many threads at once.
final class MappedFile: @unchecked Sendable {
    let path: String
    let base: UnsafeRawPointer
    let count: Int
    let mapped: Bool

    init(path: String) throws {
        self.path = path
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw LoupeError.io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw LoupeError.io(path: path, reason: String(cString: strerror(errno))) }
        count = Int(st.st_size)
        if count == 0 {
            base = UnsafeRawPointer(UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16))
            mapped = false
            return
        }
        guard let p = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw LoupeError.io(path: path, reason: "cannot map: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(p)
        mapped = true
    }

    deinit {
        if mapped { munmap(UnsafeMutableRawPointer(mutating: base), count) } else { UnsafeMutableRawPointer(mutating: base).deallocate() }
    }

    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Drops this process's copies of the pages before `offset` (they stay in the page cache
    /// and fault back in if read again). For one-pass readers such as merging, so resident
    /// memory stays flat however large the files.
    func releasePages(before offset: Int) {
        guard mapped else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = min(offset, count) / page * page
        if end > 0 { madvise(UnsafeMutableRawPointer(mutating: base), end, MADV_DONTNEED) }
    }

    /// Maps and verifies a file of the given kind (and, given `segment`, that it belongs to
    /// that segment: see `FileFormat.verify`); returns the map and its body range.
    static func open(_ path: String, kind: FileFormat.Kind, segment: FileFormat.SegmentID? = nil,
                     verifyChecksum: Bool = true) throws -> (MappedFile, Range<Int>) {
        let f = try MappedFile(path: path)
        let body = try FileFormat.verify(f.buffer, kind: kind, path: path, segment: segment, verifyChecksum: verifyChecksum,
                                         releasePages: f.mapped)
        return (f, body)
    }
}
