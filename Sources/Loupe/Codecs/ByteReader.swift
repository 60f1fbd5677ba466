/// A bounds-checked little-endian reader over a byte region (usually part of a mapped file).
///
/// Every read checks the remaining length and throws `ByteReader.Overrun` rather than reading
/// past the region; callers turn that into `LoupeError.corruptFile` naming the file (see
/// `ByteReader.decoding(_:_:_:)`), so an `Overrun` never reaches the public API.
struct ByteReader {
    struct Overrun: Error {}

    /// Runs `decode`, which reads the file at `path`; an error it throws that is not a
    /// `LoupeError` (an `Overrun`, a failed bounds check) becomes `LoupeError.corruptFile`
    /// naming the file, with `reason` saying which structure failed. `LoupeError`s pass through.
    static func decoding<T>(_ path: String, _ reason: @autoclosure () -> String, _ decode: () throws -> T) throws -> T {
        do {
            return try decode()
        } catch let e as LoupeError {
            throw e
        } catch {
            throw LoupeError.corruptFile(path: path, reason: reason())
        }
    }

    let base: UnsafeRawPointer
    let end: Int
    var offset: Int

    init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) {
        self.base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        self.end = buffer.count
        self.offset = offset
    }

    init(base: UnsafeRawPointer, count: Int, offset: Int = 0) {
        self.base = base; self.end = count; self.offset = offset
    }

    var remaining: Int { end - offset }
    var isAtEnd: Bool { offset >= end }

    @inline(__always) mutating func u8() throws -> UInt8 {
        guard offset < end else { throw Overrun() }
        defer { offset += 1 }
        return base.load(fromByteOffset: offset, as: UInt8.self)
    }

    @inline(__always) mutating func u16() throws -> UInt16 {
        guard offset + 2 <= end else { throw Overrun() }
        defer { offset += 2 }
        return UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always) mutating func u32() throws -> UInt32 {
        guard offset + 4 <= end else { throw Overrun() }
        defer { offset += 4 }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always) mutating func u64() throws -> UInt64 {
        guard offset + 8 <= end else { throw Overrun() }
        defer { offset += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always) mutating func i64() throws -> Int64 { Int64(bitPattern: try u64()) }

    /// A u64 used as an offset or length: one beyond `Int.max / 2` (no file is that large, and
    /// sums of two stay representable) is damage, not a value to convert.
    @inline(__always) mutating func u64Int() throws -> Int {
        let v = try u64()
        guard v <= UInt64(Int.max / 2) else { throw Overrun() }
        return Int(v)
    }

    @inline(__always) mutating func vint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end, shift < 64 else { throw Overrun() }
            let b = base.load(fromByteOffset: offset, as: UInt8.self)
            offset += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    @inline(__always) mutating func vint32() throws -> UInt32 {
        let v = try vint()
        guard v <= UInt64(UInt32.max) else { throw Overrun() }
        return UInt32(v)
    }

    @inline(__always) mutating func vintInt() throws -> Int {
        let v = try vint()
        guard v <= UInt64(Int.max) else { throw Overrun() }
        return Int(v)
    }

    /// `count` bytes starting at the cursor, as a pointer into the region.
    mutating func bytes(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, offset + count <= end else { throw Overrun() }
        defer { offset += count }
        return UnsafeRawBufferPointer(start: base + offset, count: count)
    }

    mutating func skip(_ count: Int) throws {
        guard count >= 0, offset + count <= end else { throw Overrun() }
        offset += count
    }

    mutating func lengthPrefixedString() throws -> String {
        let n = try vintInt()
        let b = try bytes(n)
        return String(decoding: b, as: UTF8.self)
    }
}

/// Unchecked vint decoding for hot loops over data whose file checksum was verified at open.
@inline(__always)
func readVIntUnchecked(_ p: UnsafePointer<UInt8>, _ offset: inout Int) -> UInt32 {
    var b = p[offset]; offset += 1
    if b < 0x80 { return UInt32(b) }
    var result = UInt32(b & 0x7F)
    var shift: UInt32 = 7
    repeat {
        b = p[offset]; offset += 1
        result |= UInt32(b & 0x7F) << shift
        shift += 7
    } while b >= 0x80 && shift < 35
    return result
}

/// Unchecked 64-bit vint decoding (values that can exceed 32 bits, such as tail entries that
/// carry a flag bit beside a 32-bit gap).
@inline(__always)
func readVInt64Unchecked(_ p: UnsafePointer<UInt8>, _ offset: inout Int) -> UInt64 {
    var b = p[offset]; offset += 1
    if b < 0x80 { return UInt64(b) }
    var result = UInt64(b & 0x7F)
    var shift: UInt64 = 7
    repeat {
        b = p[offset]; offset += 1
        result |= UInt64(b & 0x7F) << shift
        shift += 7
    } while b >= 0x80 && shift < 70
    return result
}
