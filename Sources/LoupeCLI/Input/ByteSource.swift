import CZlib
import Foundation

/// A stream of bytes from a file or standard input, read through zlib so that gzip-compressed
/// input (`.gz`, or gzip data piped to stdin) is decompressed transparently; plain data passes
/// through unchanged.
final class ByteSource {
    let name: String
    private var file: gzFile?
    /// Set for interactive standard input: plain read(2), which returns whatever has arrived.
    /// (gzread waits until its whole request is filled, which would stall a line protocol.)
    private var rawDescriptor: Int32 = -1

    /// Standard input read as it arrives, without decompression: for line protocols such as
    /// `search --batch`, where each line must be answered before the next one is sent.
    init(interactiveStandardInput: ()) {
        name = "standard input"
        rawDescriptor = 0
    }

    /// Opens `path`, or standard input for "-".
    init(path: String) throws {
        name = path == "-" ? "standard input" : path
        if path == "-" {
            file = gzdopen(dup(0), "rb")
        } else {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                throw CLIError.io("\(path) does not exist")
            }
            file = gzopen(path, "rb")
            if file == nil { throw CLIError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
        }
        guard file != nil else { throw CLIError.io("cannot read \(name)") }
        gzbuffer(file, 1 << 18)
    }

    deinit { if let file { gzclose(file) } }

    /// Reads up to `count` bytes; 0 at the end.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        if rawDescriptor >= 0 {
            while true {
                let n = Foundation.read(rawDescriptor, buffer, count)
                if n >= 0 { return n }
                if errno == EINTR { continue }
                throw CLIError.io("cannot read \(name): \(String(cString: strerror(errno)))")
            }
        }
        let n = gzread(file, buffer, UInt32(min(count, Int(Int32.max))))
        var code: Int32 = 0
        let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
        if n < 0 {
            // Corrupt compressed data is bad input (exit 2); a failing read is an I/O error.
            if code == Z_DATA_ERROR { throw CLIError.badInput("\(name) is not valid gzip data (corrupt: \(message))") }
            if code == Z_ERRNO { throw CLIError.io("cannot read \(name): \(String(cString: strerror(errno)))") }
            throw CLIError.io("cannot read \(name): \(message)")
        }
        // gzread ends a truncated stream as if it were complete, noting Z_BUF_ERROR.
        if n == 0, code == Z_BUF_ERROR {
            throw CLIError.badInput("\(name) is truncated: its gzip data ends before the end of the compressed stream")
        }
        return Int(n)
    }

    /// Bytes consumed from the underlying file (compressed bytes for gzip), for progress.
    var rawOffset: Int { file.map { Int(gzoffset($0)) } ?? 0 }

    /// Reads everything, failing once more than `limit` bytes have been read (returns nil then).
    func readAll(limit: Int) throws -> [UInt8]? {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(into: $0.baseAddress!, count: $0.count) }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { return nil }
        }
    }
}

/// Splits a byte stream into lines (`\n` or `\r\n`), reading in large blocks.
/// A line longer than `maxLineBytes` (not counting its `\n` or `\r\n`) is skipped to its end
/// and reported as `.tooLong`, so a huge line never has to fit in memory.
final class LineReader {
    enum Line {
        case bytes([UInt8])
        case tooLong(Int)
    }

    private let source: ByteSource
    private let maxLineBytes: Int
    private var buffer: [UInt8]
    private var start = 0, end = 0
    private var eof = false
    /// Number of the line last returned (1-based).
    private(set) var lineNumber = 0

    init(source: ByteSource, maxLineBytes: Int) {
        self.source = source
        self.maxLineBytes = maxLineBytes
        buffer = [UInt8](repeating: 0, count: 1 << 20)
    }

    private func fill() throws {
        if start > 0 {
            let n = end - start
            if n > 0 { buffer.withUnsafeMutableBytes { b in _ = memmove(b.baseAddress!, b.baseAddress! + start, n) } }
            start = 0; end = n
        }
        if end == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        let n = try buffer.withUnsafeMutableBytes { b in try source.read(into: b.baseAddress! + end, count: b.count - end) }
        if n == 0 { eof = true }
        end += n
    }

    private func findNewline(from: Int) -> Int? {
        guard from < end else { return nil }
        return buffer.withUnsafeBytes { b -> Int? in
            guard let p = memchr(b.baseAddress! + from, 0x0A, end - from) else { return nil }
            return b.baseAddress!.distance(to: UnsafeRawPointer(p))
        }
    }

    func next() throws -> Line? {
        var scanned = start
        while true {
            if let nl = findNewline(from: scanned) {
                var last = nl
                if last > start && buffer[last - 1] == 0x0D { last -= 1 }
                // The whole line may have arrived in one read: its length is checked here too
                // (a line one byte over the limit used to slip through).
                if last - start > maxLineBytes {
                    let length = last - start
                    start = nl + 1
                    lineNumber += 1
                    return .tooLong(length)
                }
                let line = Array(buffer[start..<last])
                start = nl + 1
                lineNumber += 1
                return .bytes(line)
            }
            scanned = end
            if end - start > maxLineBytes { return try skipLongLine() }
            if eof {
                guard start < end else { return nil }
                var last = end
                if buffer[last - 1] == 0x0D { last -= 1 }
                let length = last - start
                let line = length > maxLineBytes ? nil : Array(buffer[start..<last])
                start = end
                lineNumber += 1
                return line.map { .bytes($0) } ?? .tooLong(length)
            }
            let offset = scanned - start
            try fill()
            scanned = start + offset
        }
    }

    /// Discards the current line, counting its bytes.
    private func skipLongLine() throws -> Line {
        var length = end - start
        start = 0; end = 0
        lineNumber += 1
        while true {
            try fill()
            if let nl = findNewline(from: 0) {
                length += nl
                start = nl + 1
                return .tooLong(length)
            }
            length += end
            start = 0
            if eof { end = 0; return .tooLong(length) }
            end = 0
        }
    }
}
