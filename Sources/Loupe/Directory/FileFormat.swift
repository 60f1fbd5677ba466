#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The envelope every index file shares (see `Index/FORMAT.md`, "File envelope"):
///
///     header:  "LOUP" (4 bytes) | kind (4 ASCII bytes) | format version (u32 LE)
///     body:    kind-specific
///     footer:  CRC-32C of header+body (u32 LE) | "PUOL" (4 bytes)
enum FileFormat {
    static let version: UInt32 = 3
    static let headerSize = 12
    static let footerSize = 8
    static let magic: [UInt8] = Array("LOUP".utf8)
    static let footerMagic: [UInt8] = Array("PUOL".utf8)

    enum Kind: String, CaseIterable, Sendable {
        case manifest = "MANI"
        case terms = "TERM"
        case postings = "POST"
        case positions = "POSN"
        case norms = "NORM"
        case dates = "DATE"
        case store = "STOR"
        case ids = "IDSC"
        case deletes = "DELS"
        case columns = "COLS"
    }

    static func header(_ kind: Kind) -> ByteWriter {
        var w = ByteWriter(capacity: 1 << 16)
        w.append(contentsOf: magic)
        w.append(contentsOf: Array(kind.rawValue.utf8))
        w.u32(version)
        return w
    }

    /// Appends the checksum footer to a complete header+body.
    static func seal(_ w: inout ByteWriter) {
        let crc = CRC32C.checksum(w.bytes)
        w.u32(crc)
        w.append(contentsOf: footerMagic)
    }

    /// CRC-32C of `count` bytes, 4 MiB at a time, optionally releasing each mapped chunk after use.
    static func checksum(_ base: UnsafeRawPointer, count: Int, releasePages: Bool) -> UInt32 {
        let chunk = 4 << 20
        var crc: UInt32 = 0
        var offset = 0
        while offset < count {
            let n = min(chunk, count - offset)
            crc = CRC32C.checksum(UnsafeRawBufferPointer(start: base + offset, count: n), seed: crc)
            if releasePages && n == chunk {
                madvise(UnsafeMutableRawPointer(mutating: base + offset), n, MADV_DONTNEED)
            }
            offset += n
        }
        return crc
    }

    /// Verifies magic, kind, version and checksum of a whole file image and returns the body range.
    /// `verifyChecksum` false skips only the CRC pass (structure is still checked).
    /// `releasePages`: `data` is a private file mapping whose pages may be dropped after they
    /// are checksummed, so verifying a large file does not make the process resident in all of it.
    static func verify(_ data: UnsafeRawBufferPointer, kind: Kind, path: String, verifyChecksum: Bool = true,
                              releasePages: Bool = false) throws -> Range<Int> {
        let n = data.count
        guard n >= headerSize + footerSize, let base = data.baseAddress else {
            throw LoupeError.corruptFile(path: path, reason: "file is truncated (\(n) bytes)")
        }
        for i in 0..<4 where data[i] != magic[i] {
            throw LoupeError.corruptFile(path: path, reason: "not a Loupe file (bad magic number)")
        }
        let kindBytes = Array(kind.rawValue.utf8)
        for i in 0..<4 where data[4 + i] != kindBytes[i] {
            throw LoupeError.corruptFile(path: path, reason: "expected a \(kind.rawValue) file")
        }
        let v = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard v == version else {
            throw LoupeError.unsupportedVersion(path: path, found: Int(v), expected: Int(version))
        }
        for i in 0..<4 where data[n - 4 + i] != footerMagic[i] {
            throw LoupeError.corruptFile(path: path, reason: "file is truncated or its footer is damaged")
        }
        if verifyChecksum {
            let stored = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: n - 8, as: UInt32.self))
            let actual = checksum(base, count: n - footerSize, releasePages: releasePages)
            guard stored == actual else {
                throw LoupeError.corruptFile(path: path, reason: "checksum mismatch")
            }
        }
        return headerSize..<(n - footerSize)
    }
}
