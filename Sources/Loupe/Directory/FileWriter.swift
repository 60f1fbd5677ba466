#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams one index file to disk: writes the envelope header, buffers the body, keeps a
/// running CRC-32C, and on `finish()` appends the footer and fsyncs. Memory stays bounded by
/// the buffer however large the file grows.
final class FileWriter {
    let path: String
    private var fd: Int32
    var buffer = ByteWriter(capacity: 1 << 20)
    private var flushed = 0
    private var crc: UInt32 = 0
    private static let flushThreshold = 1 << 20

    /// `segment`: the id of the segment the file belongs to, written into its header.
    init(path: String, kind: FileFormat.Kind, segment: FileFormat.SegmentID = .none) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw LoupeError.io(path: path, reason: "cannot create: \(FileSystem.errnoText())") }
        buffer = FileFormat.header(kind, segment: segment)
    }

    /// Bytes written so far, header included: the offset the next byte will have in the file.
    var offset: Int { flushed + buffer.count }

    /// Call after appending to `buffer`; writes it out once it is large.
    @inline(__always) func maybeFlush() throws {
        if buffer.count >= FileWriter.flushThreshold { try flush() }
    }

    private func flush() throws {
        guard !buffer.bytes.isEmpty else { return }
        crc = buffer.bytes.withUnsafeBytes { CRC32C.checksum($0, seed: crc) }
        try buffer.bytes.withUnsafeBytes { try FileSystem.writeAll($0, to: fd, path: path) }
        flushed += buffer.count
        buffer.bytes.removeAll(keepingCapacity: true)
    }

    /// Writes the footer, fsyncs and closes. Returns the file's total size.
    @discardableResult
    func finish() throws -> Int {
        try flush()
        var footer = ByteWriter()
        footer.u32(crc)
        footer.append(contentsOf: FileFormat.footerMagic)
        buffer = footer
        let total = flushed + footer.count
        let savedCrc = crc
        try flush()
        crc = savedCrc
        guard fsync(fd) == 0 else { throw LoupeError.io(path: path, reason: "fsync failed: \(FileSystem.errnoText())") }
        close(fd)
        fd = -1
        return total
    }

    /// Closes and deletes a file that will not be finished (a rolled-back segment).
    func abandon() {
        if fd >= 0 { close(fd); fd = -1 }
        FileSystem.remove(path)
    }

    deinit { if fd >= 0 { close(fd) } }
}
