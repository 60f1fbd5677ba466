#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Durable file operations the commit protocol relies on.
enum FileSystem {
    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Writes `bytes` to `path` (creating or truncating) and fsyncs the file.
    static func writeDurably(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw LoupeError.io(path: path, reason: "cannot create: \(errnoText())") }
        defer { close(fd) }
        try bytes.withUnsafeBytes { try writeAll($0, to: fd, path: path) }
        guard fsync(fd) == 0 else { throw LoupeError.io(path: path, reason: "fsync failed: \(errnoText())") }
    }

    /// Largest single `write(2)`. Linux (ext4, XFS, tmpfs) caches a file in folios as large as
    /// the writes that filled it, up to 2 MiB, and a read fault maps a whole folio into the
    /// reader: an index written in 1 MiB writes makes a search that reads 100 bytes of it
    /// resident in 1 MiB. Pieces of 64 KiB (the kernel's fault-around window) keep a
    /// searcher's resident memory to the pages it reads; the syscalls cost nothing measurable.
    static let writePiece = 64 << 10

    /// Writes all of `bytes` to `fd`, retrying short writes and interruptions.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, path: String) throws {
        var off = 0
        while off < bytes.count {
            let n: Int
            if let injected = injectedFailure(.write, path) { errno = injected; n = -1 }
            else { n = write(fd, bytes.baseAddress! + off, min(bytes.count - off, writePiece)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LoupeError.io(path: path, reason: "write failed: \(errnoText())")
            }
            off += n
        }
    }

    /// Makes a directory's entries (a rename, a new file) durable. A failure is an error: the
    /// rename it should make durable may not survive a crash. File systems that cannot sync a
    /// directory (EINVAL, ENOTSUP) are taken as having nothing to sync.
    static func fsyncDirectory(_ dir: String) throws {
        let fd = open(dir, O_RDONLY)
        guard fd >= 0 else { throw LoupeError.io(path: dir, reason: "cannot open directory: \(errnoText())") }
        defer { close(fd) }
        var result = fsync(fd)
        if let injected = injectedFailure(.fsyncDirectory, dir) { result = -1; errno = injected }
        if result != 0 && errno != EINVAL && errno != ENOTSUP {
            throw LoupeError.io(path: dir, reason: "fsync of the directory failed: \(errnoText())")
        }
    }

    /// Operations a test can make fail (`faultInjector`).
    enum Operation: Sendable { case write, fsyncDirectory }

    /// Test hook: called before each write(2) and directory fsync with the path; a non-nil
    /// result is the errno the operation fails with (ENOSPC for a full disk). Nil in production.
    nonisolated(unsafe) static var faultInjector: (@Sendable (Operation, String) -> Int32?)?

    @inline(__always) static func injectedFailure(_ op: Operation, _ path: String) -> Int32? {
        guard let f = faultInjector else { return nil }
        return f(op, path)
    }

    /// Atomically replaces `path` with `bytes`: write a temporary, fsync, rename, fsync the directory.
    static func replaceAtomically(_ bytes: [UInt8], at path: String) throws {
        let tmp = path + ".tmp"
        try writeDurably(bytes, to: tmp)
        guard rename(tmp, path) == 0 else { throw LoupeError.io(path: path, reason: "rename failed: \(errnoText())") }
        try fsyncDirectory((path as NSString).deletingLastPathComponent)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func remove(_ path: String) { unlink(path) }

    static func list(_ dir: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    }

    static func createDirectory(_ dir: String) throws {
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw LoupeError.io(path: dir, reason: "cannot create directory: \(error.localizedDescription)")
        }
    }
}

/// The single-writer lock: an exclusive `flock` on `write.lock` in the index directory.
/// The kernel drops it when the process exits, so a crashed writer never leaves a stale lock.
final class WriteLock {
    let path: String
    private var fd: Int32

    init(directory: String) throws {
        path = directory + "/write.lock"
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw LoupeError.io(path: path, reason: "cannot open lock file: \(FileSystem.errnoText())") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw LoupeError.locked(path: directory)
        }
    }

    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
