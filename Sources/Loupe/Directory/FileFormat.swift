#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The envelope every index file shares (see `Index/FORMAT.md`, "File envelope"):
///
///     header:  "LOUP" (4 bytes) | kind (4 ASCII bytes) | format version (u32 LE) | segment id (16 bytes)
///     body:    kind-specific
///     footer:  CRC-32C of header+body (u32 LE) | "PUOL" (4 bytes)
///
/// The segment id ties each file to the segment the manifest says it belongs to, so a file
/// that passes its checksum but comes from another segment is refused at open. Version 3
/// files (12-byte header, no id) are still read.
enum FileFormat {
    static let version: UInt32 = 5
    /// The oldest version this build reads (written before segment ids existed).
    static let oldestReadableVersion: UInt32 = 3
    static let headerSize = 28
    /// The header of a version 3 file: magic, kind and version only.
    static let v3HeaderSize = 12
    static let segmentIdSize = 16
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
        case words = "WORD"
    }

    /// A segment's unique id: 16 random bytes drawn when the segment is written, recorded in
    /// the manifest (as 32 hex digits) and in the header of each of the segment's files.
    /// `none` (all zeros) is the id of the manifest and of files that belong to no segment
    /// with an id (the `.del` files written for a version 3 segment).
    struct SegmentID: Hashable, Sendable, Codable, CustomStringConvertible {
        let bytes: [UInt8]
        static let none = SegmentID(bytes: [UInt8](repeating: 0, count: segmentIdSize))

        init(bytes: [UInt8]) { precondition(bytes.count == segmentIdSize); self.bytes = bytes }

        static func random() -> SegmentID {
            var g = SystemRandomNumberGenerator()
            var b = (0..<segmentIdSize).map { _ in UInt8.random(in: 0...255, using: &g) }
            if b.allSatisfy({ $0 == 0 }) { b[0] = 1 } // never `none`
            return SegmentID(bytes: b)
        }

        var description: String {
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
        }

        init?(hex: String) {
            let h = Array(hex.utf8)
            guard h.count == 2 * segmentIdSize else { return nil }
            func nibble(_ c: UInt8) -> UInt8? {
                switch c {
                case 0x30...0x39: return c - 0x30
                case 0x61...0x66: return c - 0x61 + 10
                case 0x41...0x46: return c - 0x41 + 10
                default: return nil
                }
            }
            var b: [UInt8] = []
            for i in stride(from: 0, to: h.count, by: 2) {
                guard let hi = nibble(h[i]), let lo = nibble(h[i + 1]) else { return nil }
                b.append(hi << 4 | lo)
            }
            bytes = b
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            let text = try c.decode(String.self)
            guard let id = SegmentID(hex: text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "a segment id is 32 hex digits, not '\(text)'")
            }
            self = id
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(description)
        }
    }

    static func header(_ kind: Kind, segment: SegmentID = .none) -> ByteWriter {
        var w = ByteWriter(capacity: 1 << 16)
        w.append(contentsOf: magic)
        w.append(contentsOf: Array(kind.rawValue.utf8))
        w.u32(version)
        w.append(contentsOf: segment.bytes)
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
    /// `segment`, when given, is the id the manifest records for the segment the file belongs
    /// to (`.none` for a version 3 segment): a version 4 file must carry it, and a version 3
    /// file is accepted only for a segment without an id. Otherwise the file is refused as
    /// belonging to another segment.
    /// `releasePages`: `data` is a private file mapping whose pages may be dropped after they
    /// are checksummed, so verifying a large file does not make the process resident in all of it.
    static func verify(_ data: UnsafeRawBufferPointer, kind: Kind, path: String, segment: SegmentID? = nil,
                       verifyChecksum: Bool = true, releasePages: Bool = false) throws -> Range<Int> {
        let n = data.count
        guard n >= v3HeaderSize + footerSize, let base = data.baseAddress else {
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
        guard (oldestReadableVersion...version).contains(v) else {
            throw LoupeError.unsupportedVersion(path: path, found: Int(v), expected: Int(version))
        }
        let header = v == 3 ? v3HeaderSize : headerSize
        guard n >= header + footerSize else {
            throw LoupeError.corruptFile(path: path, reason: "file is truncated (\(n) bytes)")
        }
        for i in 0..<4 where data[n - 4 + i] != footerMagic[i] {
            throw LoupeError.corruptFile(path: path, reason: "file is truncated or its footer is damaged")
        }
        if verifyChecksum && !FuzzingHooks.skipChecksums {
            let stored = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: n - 8, as: UInt32.self))
            let actual = checksum(base, count: n - footerSize, releasePages: releasePages)
            guard stored == actual else {
                throw LoupeError.corruptFile(path: path, reason: "checksum mismatch")
            }
        }
        if let segment {
            let owner = v == 3 ? SegmentID.none : SegmentID(bytes: Array(data[v3HeaderSize..<headerSize]))
            guard owner == segment else {
                throw LoupeError.corruptFile(path: path, reason: "belongs to another segment")
            }
        }
        return header..<(n - footerSize)
    }
}
