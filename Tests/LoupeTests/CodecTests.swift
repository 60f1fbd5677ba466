import Foundation
import XCTest
import CLoupeSupport
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// Round trips of every on-disk codec on random and edge inputs.
final class CodecTests: XCTestCase {
    var tmp: TempDir!
    override func setUp() { tmp = TempDir("loupe-codec") }
    override func tearDown() { tmp = nil }

    // MARK: vints and fixed-width integers

    func testVIntEdgeValuesRoundTrip() throws {
        let edges: [UInt64] = [0, 1, 127, 128, 255, 256, 16383, 16384, (1 << 21) - 1, 1 << 21, (1 << 28) - 1, 1 << 28,
                               (1 << 31) - 1, 1 << 31, UInt64(UInt32.max) - 1, UInt64(UInt32.max), UInt64(UInt32.max) + 1,
                               1 << 35, (1 << 63) - 1, 1 << 63, UInt64.max - 1, UInt64.max]
        var rng = SeededRandom(seed: 1)
        var values = edges
        for _ in 0..<2000 {
            let bits = Int.random(in: 0...64, using: &rng)
            values.append(bits == 0 ? 0 : rng.next() >> UInt64(64 - bits))
        }
        var w = ByteWriter()
        for v in values { w.vint(v) }
        let expectedLengths = values.map { v -> Int in v == 0 ? 1 : (64 - v.leadingZeroBitCount + 6) / 7 }
        XCTAssertEqual(w.count, expectedLengths.reduce(0, +), "vint byte lengths")
        try w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            for v in values { XCTAssertEqual(try r.vint(), v) }
            XCTAssertTrue(r.isAtEnd)
        }
        // 1-byte boundary: 127 is one byte, 128 two.
        var one = ByteWriter(); one.vint(UInt64(127)); XCTAssertEqual(one.bytes, [0x7F])
        var two = ByteWriter(); two.vint(UInt64(128)); XCTAssertEqual(two.bytes, [0x80, 0x01])
        var max = ByteWriter(); max.vint(UInt64.max); XCTAssertEqual(max.count, 10)
    }

    func testVInt32AndIntAccessorsRejectOversizedValues() throws {
        var w = ByteWriter()
        w.vint(UInt64(UInt32.max)); w.vint(UInt64(UInt32.max) + 1)
        w.vint(UInt64(Int.max)); w.vint(UInt64(Int.max) + 1)
        try w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            XCTAssertEqual(try r.vint32(), UInt32.max)
            XCTAssertThrowsError(try r.vint32())
            XCTAssertEqual(try r.vintInt(), Int.max)
            XCTAssertThrowsError(try r.vintInt())
        }
    }

    func testUncheckedVIntDecoderAgreesForAll32BitValues() {
        var rng = SeededRandom(seed: 2)
        var values: [UInt32] = [0, 1, 127, 128, 16383, 16384, (1 << 21) - 1, 1 << 21, (1 << 28) - 1, 1 << 28, 1 << 31, UInt32.max]
        for _ in 0..<1000 { values.append(UInt32(truncatingIfNeeded: rng.next() >> UInt64(Int.random(in: 0...63, using: &rng)))) }
        var w = ByteWriter()
        for v in values { w.vint(v) }
        w.bytes.withUnsafeBufferPointer { p in
            var off = 0
            for v in values { XCTAssertEqual(readVIntUnchecked(p.baseAddress!, &off), v) }
            XCTAssertEqual(off, p.count)
        }
    }

    func testTruncatedVIntThrowsOverrunInsteadOfReadingPast() throws {
        var w = ByteWriter(); w.vint(UInt64.max)
        let bytes = Array(w.bytes.dropLast())
        try bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            XCTAssertThrowsError(try r.vint())
        }
        // Eleven continuation bytes: longer than any 64-bit value.
        let tooLong = [UInt8](repeating: 0xFF, count: 11) + [0]
        try tooLong.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            XCTAssertThrowsError(try r.vint())
        }
    }

    func testFixedWidthIntegersAndStringsRoundTrip() throws {
        var w = ByteWriter()
        w.u8(0xAB); w.u16(0xBEEF); w.u32(0xDEAD_BEEF); w.u64(0x0123_4567_89AB_CDEF); w.i64(-42)
        w.lengthPrefixed(""); w.lengthPrefixed("héllo wörld 東京")
        try w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            XCTAssertEqual(try r.u8(), 0xAB)
            XCTAssertEqual(try r.u16(), 0xBEEF)
            XCTAssertEqual(try r.u32(), 0xDEAD_BEEF)
            XCTAssertEqual(try r.u64(), 0x0123_4567_89AB_CDEF)
            XCTAssertEqual(try r.i64(), -42)
            XCTAssertEqual(try r.lengthPrefixedString(), "")
            XCTAssertEqual(try r.lengthPrefixedString(), "héllo wörld 東京")
            XCTAssertTrue(r.isAtEnd)
            XCTAssertThrowsError(try r.u8())
        }
    }

    // MARK: Bit packing

    func testBitPackingEveryWidthRandomAndMaxValues() {
        var rng = SeededRandom(seed: 3)
        for bits in 0...32 {
            let maxValue: UInt32 = bits == 0 ? 0 : (bits == 32 ? UInt32.max : (UInt32(1) << UInt32(bits)) - 1)
            let random = (0..<BitPacking.blockSize).map { _ in UInt32(truncatingIfNeeded: rng.next()) & maxValue }
            let allMax = [UInt32](repeating: maxValue, count: BitPacking.blockSize)
            var alternating = allMax
            for i in stride(from: 0, to: alternating.count, by: 2) { alternating[i] = 0 }
            for (label, values) in [("random", random), ("max", allMax), ("alternating", alternating)] {
                var w = ByteWriter()
                w.u8(0x5A) // misalign the block on purpose
                values.withUnsafeBufferPointer { BitPacking.pack($0.baseAddress!, bits: bits, into: &w) }
                XCTAssertEqual(w.count - 1, BitPacking.packedByteCount(bits: bits), "size at width \(bits)")
                XCTAssertEqual(w.count - 1, bits * 16)
                w.append(contentsOf: [UInt8](repeating: 0xEE, count: 8)) // the slack the decoder may read (a footer)
                var out = [UInt32](repeating: 0xFFFF_FFFF, count: BitPacking.blockSize)
                w.bytes.withUnsafeBytes { raw in
                    out.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress! + 1, bits: bits, into: $0.baseAddress!) }
                }
                XCTAssertEqual(out, values, "\(label) values at width \(bits)")
            }
            XCTAssertEqual(BitPacking.bitsNeeded(maxValue), bits)
            random.withUnsafeBufferPointer { XCTAssertLessThanOrEqual(BitPacking.maxBits($0.baseAddress!, count: 128), bits) }
        }
    }

    func testBitPackingConsecutiveBlocksDoNotOverlap() {
        var rng = SeededRandom(seed: 4)
        var blocks: [(Int, [UInt32])] = []
        var w = ByteWriter()
        for _ in 0..<40 {
            let bits = Int.random(in: 0...32, using: &rng)
            let mask: UInt32 = bits == 32 ? .max : (UInt32(1) << UInt32(bits)) &- 1
            let values = (0..<128).map { _ in UInt32(truncatingIfNeeded: rng.next()) & mask }
            blocks.append((bits, values))
            values.withUnsafeBufferPointer { BitPacking.pack($0.baseAddress!, bits: bits, into: &w) }
        }
        w.append(contentsOf: [UInt8](repeating: 0, count: 8))
        w.bytes.withUnsafeBytes { raw in
            var off = 0
            var out = [UInt32](repeating: 0, count: 128)
            for (bits, values) in blocks {
                out.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress! + off, bits: bits, into: $0.baseAddress!) }
                XCTAssertEqual(out, values)
                off += BitPacking.packedByteCount(bits: bits)
            }
        }
    }

    /// The block decoders used on the query path (plain, frequencies stored minus one, doc-id
    /// gaps) agree with the scalar reference at every width, whichever kernel this machine runs.
    func testBlockDecodersAgreeWithTheScalarReference() {
        var rng = SeededRandom(seed: 5)
        for bits in 0...32 {
            let mask: UInt32 = bits == 32 ? .max : (UInt32(1) << UInt32(bits)) &- 1
            for _ in 0..<20 {
                let values = (0..<128).map { _ in UInt32(truncatingIfNeeded: rng.next()) & mask }
                var w = ByteWriter()
                w.u8(0x5A)
                values.withUnsafeBufferPointer { BitPacking.pack($0.baseAddress!, bits: bits, into: &w) }
                w.append(contentsOf: [UInt8](repeating: 0xEE, count: 8))
                let previous = UInt32(truncatingIfNeeded: rng.next())
                var plain = [UInt32](repeating: 0, count: 128), scalar = plain, plusOne = plain, gaps = plain
                w.bytes.withUnsafeBytes { raw in
                    let src = raw.baseAddress! + 1
                    plain.withUnsafeMutableBufferPointer { BitPacking.unpack(src, bits: bits, into: $0.baseAddress!) }
                    scalar.withUnsafeMutableBufferPointer { BitPacking.unpackScalar(src, bits: bits, into: $0.baseAddress!) }
                    plusOne.withUnsafeMutableBufferPointer { BitPacking.unpackPlusOne(src, bits: bits, into: $0.baseAddress!) }
                    gaps.withUnsafeMutableBufferPointer { BitPacking.unpackGaps(src, bits: bits, after: previous, into: $0.baseAddress!) }
                }
                XCTAssertEqual(plain, values, "width \(bits)")
                XCTAssertEqual(scalar, values, "width \(bits)")
                XCTAssertEqual(plusOne, values.map { $0 &+ 1 }, "width \(bits)")
                var d = previous
                XCTAssertEqual(gaps, values.map { d = d &+ $0 &+ 1; return d }, "width \(bits)")
            }
        }
    }

    /// A block at the very end of a file is followed only by the 8-byte footer: decoding it
    /// must not read further. The block is placed so that the next byte is on a page mapped
    /// without access, where any overread faults.
    func testBlockDecodersReadAtMostEightBytesPastTheBlock() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let region = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              region != MAP_FAILED else { throw XCTSkip("mmap failed") }
        defer { munmap(region, 2 * page) }
        XCTAssertEqual(mprotect(region + page, page, PROT_NONE), 0)
        var rng = SeededRandom(seed: 6)
        var out = [UInt32](repeating: 0, count: 128)
        for bits in 0...32 {
            let mask: UInt32 = bits == 32 ? .max : (UInt32(1) << UInt32(bits)) &- 1
            let values = (0..<128).map { _ in UInt32(truncatingIfNeeded: rng.next()) & mask }
            var w = ByteWriter()
            values.withUnsafeBufferPointer { BitPacking.pack($0.baseAddress!, bits: bits, into: &w) }
            w.append(contentsOf: [UInt8](repeating: 0, count: 8))
            let start = region + page - w.count
            w.bytes.withUnsafeBytes { start.copyMemory(from: $0.baseAddress!, byteCount: w.count) }
            out.withUnsafeMutableBufferPointer { BitPacking.unpack(UnsafeRawPointer(start), bits: bits, into: $0.baseAddress!) }
            XCTAssertEqual(out, values, "width \(bits)")
            out.withUnsafeMutableBufferPointer { BitPacking.unpackGaps(UnsafeRawPointer(start), bits: bits, after: 0, into: $0.baseAddress!) }
            out.withUnsafeMutableBufferPointer { BitPacking.unpackPlusOne(UnsafeRawPointer(start), bits: bits, into: $0.baseAddress!) }
            XCTAssertEqual(out, values.map { $0 &+ 1 }, "width \(bits)")
        }
    }

    /// The position-path kernels agree with plain loops: a range of a packed run, and the
    /// equality count the phrase matcher uses.
    func testRangeAndEqualityKernelsAgreeWithPlainLoops() throws {
        guard BitPacking.simd else { throw XCTSkip("no AVX2 on this machine") }
        var rng = SeededRandom(seed: 8)
        for bits in 0...BitPacking.simdMaxBits {
            let mask: UInt32 = (UInt32(1) << UInt32(bits)) &- 1
            let values = (0..<128).map { _ in UInt32(truncatingIfNeeded: rng.next()) & mask }
            var w = ByteWriter()
            values.withUnsafeBufferPointer { BitPacking.pack($0.baseAddress!, bits: bits, into: &w) }
            w.append(contentsOf: [UInt8](repeating: 0, count: 8))
            for _ in 0..<40 {
                let from = Int.random(in: 0..<128, using: &rng), count = Int.random(in: 1...(128 - from), using: &rng)
                var out = [UInt32](repeating: 0, count: count)
                w.bytes.withUnsafeBufferPointer { src in
                    out.withUnsafeMutableBufferPointer { loupe_unpack_range_avx2(src.baseAddress!, UInt32(bits), from, count, $0.baseAddress!) }
                }
                XCTAssertEqual(out, Array(values[from..<from + count]), "width \(bits), \(from) ..< \(from + count)")
                let probe = values[Int.random(in: from..<from + count, using: &rng)]
                let counted = out.withUnsafeBufferPointer { loupe_count_equal_avx2($0.baseAddress, count, probe) }
                XCTAssertEqual(counted, out.filter { $0 == probe }.count)
            }
        }
    }

    // MARK: CRC-32C and the file envelope

    /// The fixed-point conversion the disjunction scorer sums with (C, no range check) equals
    /// the Swift expression it replaced, including values at and near the .5 rounding edge.
    func testFixedPointScoreConversionMatchesTheSwiftFormula() {
        var rng = SeededRandom(seed: 5)
        let scale = 1_099_511_627_776.0
        var values: [Double] = [0, 1e-13, 0.5 / scale, 1.5 / scale, 1, 3.25, 1000.123456789, 8_388_607.9]
        for _ in 0..<100_000 { values.append(Double.random(in: 0..<64, using: &rng)) }
        for _ in 0..<1_000 { values.append((Double(Int.random(in: 0..<(1 << 30), using: &rng)) + 0.5) / scale) }
        for s in values {
            XCTAssertEqual(loupe_fixed_score(s), Int64(s * scale + 0.5), "score \(s)")
        }
    }

    /// The AVX2 bulk scorer of disjunctions adds the same fixed-point scores as the Swift loop it
    /// replaces (`BM25Weight.score`, then `BlockMaxScore.fixed`), sets the same bits and counts
    /// the same scores above the limit: over random runs of every length mod 4, weights up to
    /// the kernel's bound, lengths and frequencies up to the top of UInt32.
    func testBulkScoringKernelMatchesTheSwiftFormula() throws {
        guard BitPacking.simd else { throw XCTSkip("no AVX2 on this machine") }
        var rng = SeededRandom(seed: 11)
        let span = 4096
        let lengths = (0..<span).map { i -> UInt32 in
            i % 97 == 0 ? UInt32.max - UInt32(i) : UInt32.random(in: 0...3000, using: &rng)
        }
        for round in 0..<300 {
            let weight = round % 50 == 0 ? 4095.99 : Double.random(in: 0..<(round % 3 == 0 ? 40 : 4096), using: &rng)
            let bm25 = BM25Weight(boost: 1, idf: weight / (BM25.k1 + 1), averageLength: Double.random(in: 1...2000, using: &rng))
            let count = Int.random(in: 0...260, using: &rng)
            let docs = Array(Set((0..<count).map { _ in UInt32.random(in: 0..<UInt32(span), using: &rng) })).sorted()
            let tfs = docs.map { d in d % 31 == 0 ? UInt32.max - d : UInt32.random(in: 1...40, using: &rng) }
            let base = 0
            var expectedAcc = [Int64](repeating: 7, count: span), acc = expectedAcc
            var expectedSeen = [UInt64](repeating: 0, count: span / 64), seen = expectedSeen
            let limit = Int64.random(in: 0...(Int64(weight * 1_099_511_627_776.0) + 1), using: &rng)
            var expectedAbove = 0
            for (d, tf) in zip(docs, tfs) {
                let f = BlockMaxScore.fixed(bm25.score(tf: tf, length: lengths[Int(d)]))
                expectedAcc[Int(d) - base] &+= f
                expectedSeen[(Int(d) - base) >> 6] |= 1 << UInt64((Int(d) - base) & 63)
                if f > limit { expectedAbove += 1 }
            }
            let above = acc.withUnsafeMutableBufferPointer { a in
                seen.withUnsafeMutableBufferPointer { s in
                    loupe_accumulate_bm25_avx2(docs, tfs, docs.count, lengths, bm25.weight, bm25.constant, bm25.perLength,
                                               base, a.baseAddress, s.baseAddress, limit)
                }
            }
            if let i = acc.indices.first(where: { acc[$0] != expectedAcc[$0] }) {
                XCTFail("round \(round), weight \(weight), doc \(i): \(acc[i]), expected \(expectedAcc[i])")
            }
            XCTAssertTrue(seen == expectedSeen, "round \(round): seen bits differ")
            XCTAssertEqual(above, expectedAbove, "round \(round)")
        }
    }

    func testCRC32CKnownVectors() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([]), 0)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA) // RFC 3720 B.4
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
    }

    func testCRC32CIncrementalEqualsOneShotAtEverySplit() {
        var rng = SeededRandom(seed: 5)
        let data = (0..<301).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let whole = CRC32C.checksum(data)
        data.withUnsafeBytes { raw in
            for split in 0...data.count {
                let a = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<split]))
                let b = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[split...]), seed: a)
                XCTAssertEqual(b, whole, "split at \(split)")
            }
        }
    }

    func testFileEnvelopeSealAndVerify() throws {
        var w = FileFormat.header(.postings)
        w.append(contentsOf: Array("body bytes".utf8))
        FileFormat.seal(&w)
        let image = w.bytes
        try image.withUnsafeBytes { raw in
            let body = try FileFormat.verify(raw, kind: .postings, path: "x.post")
            XCTAssertEqual(body, FileFormat.headerSize..<(image.count - 8))
            XCTAssertThrowsError(try FileFormat.verify(raw, kind: .terms, path: "x.post")) { e in
                guard case LoupeError.corruptFile(let p, _) = e else { return XCTFail("\(e)") }
                XCTAssertEqual(p, "x.post")
            }
        }
        // Every single flipped byte is detected.
        for i in 0..<image.count {
            var bad = image
            bad[i] ^= 0x01
            try bad.withUnsafeBytes { raw in
                XCTAssertThrowsError(try FileFormat.verify(raw, kind: .postings, path: "x.post"), "byte \(i)") { e in
                    switch e {
                    case LoupeError.corruptFile(let p, _): XCTAssertEqual(p, "x.post")
                    case LoupeError.unsupportedVersion(let p, _, _): XCTAssertEqual(p, "x.post"); XCTAssert((8..<12).contains(i))
                    default: XCTFail("byte \(i): \(e)")
                    }
                }
            }
        }
        // Every truncation is detected.
        for n in 0..<image.count {
            try Array(image.prefix(n)).withUnsafeBytes { raw in
                XCTAssertThrowsError(try FileFormat.verify(raw, kind: .postings, path: "x.post"), "truncated to \(n)")
            }
        }
    }

    func testFileWriterStreamsLargeBodiesWithCorrectChecksum() throws {
        let path = tmp.sub("big.post")
        let f = try FileWriter(path: path, kind: .postings)
        var rng = SeededRandom(seed: 6)
        var expected: [UInt8] = []
        // More than the 1 MB flush threshold, in uneven pieces.
        while expected.count < 2_500_000 {
            let n = Int.random(in: 1...70_000, using: &rng)
            let piece = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            f.buffer.append(contentsOf: piece)
            expected += piece
            try f.maybeFlush()
            XCTAssertEqual(f.offset, FileFormat.headerSize + expected.count)
        }
        let total = try f.finish()
        XCTAssertEqual(total, FileFormat.headerSize + expected.count + 8)
        let (m, body) = try MappedFile.open(path, kind: .postings)
        XCTAssertEqual(m.count, total)
        XCTAssertEqual(body, FileFormat.headerSize..<(total - 8))
        XCTAssertTrue(Array(UnsafeRawBufferPointer(rebasing: m.buffer[body])) == expected)
    }

    // MARK: Positions codec

    func testPositionsCodecRoundTrip() {
        var rng = SeededRandom(seed: 7)
        for count in [0, 1, 2, 3, 7, 8, 9, 127, 128, 129, 255, 256, 257, 1000] {
            let values = (0..<count).map { _ in UInt32(truncatingIfNeeded: rng.next() >> UInt64(Int.random(in: 32...63, using: &rng))) }
            var w = ByteWriter()
            w.u8(9)
            PositionsCodec.encode(values, into: &w)
            let end = w.count
            // A width byte per run of 128, then each run at its width, the short last one in
            // ⌈n·w / 8⌉ bytes (format version 3).
            let expected = stride(from: 0, to: count, by: 128).reduce(0) { size, r in
                let run = values[r..<min(r + 128, count)]
                return size + 1 + (run.count * BitPacking.bitsNeeded(run.max()!) + 7) / 8
            }
            XCTAssertEqual(end - 1, expected, "size for \(count)")
            w.append(contentsOf: [UInt8](repeating: 0, count: 8))
            var out = [UInt32](repeating: 0, count: (count + 127) / 128 * 128 + 128)
            w.bytes.withUnsafeBufferPointer { p in
                var off = 1
                out.withUnsafeMutableBufferPointer { PositionsCodec.decode(p.baseAddress!, offset: &off, count: count, into: $0.baseAddress!) }
                XCTAssertEqual(off, end, "consumed bytes for \(count)")
            }
            XCTAssertEqual(Array(out.prefix(count)), values, "count \(count)")
        }
    }

    // MARK: Postings

    struct PostingList { var docs: [UInt32]; var tfs: [UInt32]; var positions: [[UInt32]] }

    func makeList(count: Int, rng: inout SeededRandom, maxGap: UInt32, largeTf: Bool) -> PostingList {
        var docs: [UInt32] = [], tfs: [UInt32] = [], positions: [[UInt32]] = []
        var d: Int64 = -1
        for i in 0..<count {
            // Mostly small gaps, sometimes huge ones, but keep the last doc below UInt32.max - 1.
            let room = Int64(UInt32.max) - 2 - d - Int64(count - i)
            var gap = Int64(Int.random(in: 0..<4, using: &rng) == 0 ? UInt32.random(in: 0...maxGap, using: &rng) : UInt32.random(in: 0...3, using: &rng))
            gap = min(gap, max(0, room))
            d += gap + 1
            docs.append(UInt32(d))
            let tf: UInt32 = largeTf && Int.random(in: 0..<8, using: &rng) == 0 ? UInt32.random(in: 2...300, using: &rng)
                : (Int.random(in: 0..<2, using: &rng) == 0 ? 1 : UInt32.random(in: 1...5, using: &rng))
            tfs.append(tf)
            var p: UInt32 = UInt32.random(in: 0...(Int.random(in: 0..<10, using: &rng) == 0 ? 1_000_000 : 50), using: &rng)
            var ps: [UInt32] = []
            for _ in 0..<tf { ps.append(p); p += UInt32.random(in: 1...(Int.random(in: 0..<20, using: &rng) == 0 ? 100_000 : 9), using: &rng) }
            positions.append(ps)
        }
        return PostingList(docs: docs, tfs: tfs, positions: positions)
    }

    /// Writes `lists` into one pair of files (so offsets are not 0) and maps them back.
    func writeLists(_ lists: [PostingList], withPositions: Bool = true) throws -> (MappedFile, MappedFile, [TermInfo]) {
        let post = try FileWriter(path: tmp.sub("t.post"), kind: .postings)
        let pos = try FileWriter(path: tmp.sub("t.pos"), kind: .positions)
        var enc = PostingsWriter()
        var infos: [TermInfo] = []
        for l in lists {
            let flat = l.positions.flatMap { $0 }
            let loc = try l.docs.withUnsafeBufferPointer { d in
                try l.tfs.withUnsafeBufferPointer { t in
                    try flat.withUnsafeBufferPointer { p in
                        try enc.write(docs: d, tfs: t, positions: withPositions ? p : nil, lengths: nil, postingsFile: post, positionsFile: withPositions ? pos : nil)
                    }
                }
            }
            infos.append(TermInfo(docFreq: UInt32(l.docs.count), postingsOffset: loc.postings, positionsOffset: withPositions ? loc.positions : 0))
        }
        try post.finish(); try pos.finish()
        let (pm, _) = try MappedFile.open(tmp.sub("t.post"), kind: .postings)
        let (sm, _) = try MappedFile.open(tmp.sub("t.pos"), kind: .positions)
        return (pm, sm, infos)
    }

    func assertScan(_ c: PostingsCursor, _ l: PostingList, positions: Bool, _ label: String) {
        var i = 0
        while c.next() != PostingsCursor.noMore {
            guard i < l.docs.count else { XCTFail("\(label): extra doc \(c.doc)"); return }
            guard c.doc == l.docs[i], c.freq == l.tfs[i] else {
                XCTFail("\(label): entry \(i) is doc \(c.doc) tf \(c.freq), expected doc \(l.docs[i]) tf \(l.tfs[i])"); return
            }
            if positions, Array(c.positions()) != l.positions[i] {
                XCTFail("\(label): positions of entry \(i) (doc \(c.doc)) are \(Array(c.positions())), expected \(l.positions[i])"); return
            }
            i += 1
        }
        XCTAssertEqual(i, l.docs.count, "\(label): doc count")
        XCTAssertEqual(c.next(), PostingsCursor.noMore, "\(label): stays exhausted")
    }

    func testPostingsRoundTripAtBlockBoundaries() throws {
        var rng = SeededRandom(seed: 8)
        var lists: [PostingList] = []
        var labels: [String] = []
        for count in [1, 2, 127, 128, 129, 255, 256, 257, 1000, 4096, 4097, 8320] {
            for (maxGap, largeTf) in [(UInt32(0), false), (UInt32(1000), true), (UInt32(1 << 20), false)] {
                lists.append(makeList(count: count, rng: &rng, maxGap: maxGap, largeTf: largeTf))
                labels.append("count \(count) maxGap \(maxGap) largeTf \(largeTf)")
            }
        }
        // All tfs 1 (the one-bit tail flag) and all tfs large (bit-packed tf - 1 at high width).
        var allOne = makeList(count: 300, rng: &rng, maxGap: 5, largeTf: false)
        allOne.tfs = allOne.tfs.map { _ in 1 }; allOne.positions = allOne.positions.map { [$0[0]] }
        lists.append(allOne); labels.append("all tf 1")
        var bigTf = makeList(count: 130, rng: &rng, maxGap: 5, largeTf: false)
        bigTf.tfs = bigTf.tfs.indices.map { UInt32(1000 + $0) }
        bigTf.positions = bigTf.tfs.map { tf in (0..<tf).map { $0 * 3 } }
        lists.append(bigTf); labels.append("tf 1000+")
        // Dense ids from 0.
        lists.append(PostingList(docs: (0..<513).map { UInt32($0) }, tfs: .init(repeating: 1, count: 513), positions: (0..<513).map { [UInt32($0 % 7)] }))
        labels.append("dense")

        let (pm, sm, infos) = try writeLists(lists)
        for (k, l) in lists.enumerated() {
            assertScan(PostingsCursor(postings: pm.base, positions: sm.base, info: infos[k]), l, positions: true, labels[k])
            // Positions are optional per document: skip some documents' positions.
            let c = PostingsCursor(postings: pm.base, positions: sm.base, info: infos[k])
            var i = 0
            while c.next() != PostingsCursor.noMore {
                if i % 3 == 2 { XCTAssertEqual(Array(c.positions()), l.positions[i], "\(labels[k]) sparse positions \(i)") }
                i += 1
            }
            XCTAssertEqual(c.clone().next(), l.docs.first ?? PostingsCursor.noMore, "clone starts over")
        }
    }

    func testPostingsWithoutPositions() throws {
        var rng = SeededRandom(seed: 9)
        let lists = [1, 128, 200].map { makeList(count: $0, rng: &rng, maxGap: 50, largeTf: true) }
        let (pm, sm, infos) = try writeLists(lists, withPositions: false)
        for (k, l) in lists.enumerated() {
            assertScan(PostingsCursor(postings: pm.base, positions: sm.base, info: infos[k]), l, positions: false, "no positions \(k)")
            assertScan(PostingsCursor(postings: pm.base, positions: nil, info: infos[k]), l, positions: false, "nil positions \(k)")
        }
    }

    func testPostingsEmptyListIsExhaustedImmediately() throws {
        let (pm, sm, infos) = try writeLists([PostingList(docs: [], tfs: [], positions: [])])
        let c = PostingsCursor(postings: pm.base, positions: sm.base, info: infos[0])
        XCTAssertEqual(c.next(), PostingsCursor.noMore)
        let c2 = PostingsCursor(postings: pm.base, positions: sm.base, info: infos[0])
        XCTAssertEqual(c2.advance(0), PostingsCursor.noMore)
    }

    /// Gaps up to 2^31 between consecutive documents, in full blocks and in the tail.
    func testPostingsWithHugeGaps() throws {
        var rng = SeededRandom(seed: 10)
        var lists: [PostingList] = []
        var labels: [String] = []
        for count in [1, 2, 127, 128, 129, 255, 256, 1000] {
            lists.append(makeList(count: count, rng: &rng, maxGap: (1 << 31) - 1, largeTf: true))
            labels.append("random huge gaps, count \(count)")
        }
        // Exact edge gaps inside a full block (bit-packed at width 31 or 32) ...
        for gap in [UInt32(1 << 30), UInt32((1 << 31) - 1), UInt32(1 << 31), UInt32(1 << 31) + 12345, UInt32.max - 300] {
            var docs: [UInt32] = (0..<128).map { UInt32($0) }
            docs[100] = docs[99] &+ gap &+ 1
            for i in 101..<128 { docs[i] = docs[i - 1] + 1 }
            docs.append(docs[127] + 1)
            lists.append(PostingList(docs: docs, tfs: docs.map { _ in 1 }, positions: docs.map { _ in [0] }))
            labels.append("full-block gap \(gap)")
        }
        // ... and in the vint tail, up to the largest gap below 2^31 (see testPostingsTailGapOf2To31).
        for gap in [UInt32(1 << 30), UInt32((1 << 31) - 1)] {
            var docs: [UInt32] = (0..<129).map { UInt32($0) }
            docs.append(docs[128] + gap + 1)
            lists.append(PostingList(docs: docs, tfs: docs.map { _ in 1 }, positions: docs.map { _ in [0] }))
            labels.append("tail gap \(gap)")
            lists.append(PostingList(docs: [5, 5 + gap + 1], tfs: [2, 1], positions: [[1, 2], [3]]))
            labels.append("tail-only gap \(gap)")
        }
        let (pm, sm, infos) = try writeLists(lists)
        for (k, l) in lists.enumerated() {
            assertScan(PostingsCursor(postings: pm.base, positions: sm.base, info: infos[k]), l, positions: true, labels[k])
        }
    }

    /// KNOWN BUG (kept failing on purpose): a doc-id gap >= 2^31 in the vint tail of a postings list
    /// decodes wrongly. `PostingsWriter.write` encodes a tail entry as the 64-bit vint
    /// `gap << 1 | (tf == 1)`, which needs 33 bits once gap >= 2^31, but `PostingsCursor.decodeBlock`
    /// reads it with `readVIntUnchecked` (Codecs/ByteReader.swift), which accumulates into a UInt32
    /// and drops bit 32: the gap comes back as `gap - 2^31` and every later doc id is wrong.
    /// The same gap inside a full (bit-packed) block round-trips (see testPostingsWithHugeGaps).
    func testPostingsTailGapOf2To31() throws {
        let lists = [
            PostingList(docs: [0, (1 << 31) + 1], tfs: [1, 1], positions: [[0], [0]]),               // gap exactly 2^31
            PostingList(docs: [7, 7 + (1 << 31) + 1000 + 1], tfs: [1, 3], positions: [[0], [1, 2, 3]]),
            PostingList(docs: (0..<128).map { UInt32($0) } + [127 + (1 << 31) + 1], tfs: .init(repeating: 1, count: 129),
                        positions: .init(repeating: [0], count: 129)),                               // tail after a full block
        ]
        let (pm, sm, infos) = try writeLists(lists)
        for (k, l) in lists.enumerated() {
            assertScan(PostingsCursor(postings: pm.base, positions: sm.base, info: infos[k]), l, positions: true, "tail gap >= 2^31, list \(k)")
        }
    }

    /// `advance` to arbitrary targets (present, absent, beyond the end, repeated) equals a linear scan.
    func testAdvanceEqualsLinearScan() throws {
        var rng = SeededRandom(seed: 11)
        var lists: [PostingList] = []
        // Past 32 full blocks (4096 docs) a list has a skip group table; 4096 has none, 4097
        // a tail after exactly one group, 4224 a second group of one block.
        for count in [1, 2, 127, 128, 129, 255, 256, 1000, 4095, 4096, 4097, 4224, 8193, 12_000] {
            lists.append(makeList(count: count, rng: &rng, maxGap: 40, largeTf: true))
            lists.append(makeList(count: count, rng: &rng, maxGap: 1 << 20, largeTf: false))
        }
        let (pm, sm, infos) = try writeLists(lists)
        func firstAtLeast(_ l: PostingList, _ t: UInt32) -> Int? { l.docs.firstIndex { $0 >= t } }
        for (k, l) in lists.enumerated() {
            let last = l.docs.last!
            for round in 0..<20 {
                let c = PostingsCursor(postings: pm.base, positions: sm.base, info: infos[k])
                var current: Int? = nil // index of the current doc; nil before start
                var steps = 0
                while steps < 60 {
                    steps += 1
                    // The look-ahead sees the next doc only within the decoded block (full
                    // blocks of 128, then the tail), and a prefetch never moves the cursor.
                    let wantPeek: UInt32 = current.map { i in
                        i + 1 < l.docs.count && (i + 1) / 128 == i / 128 ? l.docs[i + 1] : PostingsCursor.noMore
                    } ?? PostingsCursor.noMore
                    XCTAssertEqual(c.peekNext, wantPeek, "list \(k) round \(round) peek after \(String(describing: current))")
                    if Bool.random(using: &rng) { c.prefetch(for: UInt32.random(in: 0...last &+ 10, using: &rng)) }
                    let op = Int.random(in: 0..<10, using: &rng)
                    if op < 2 {
                        let got = c.next()
                        let want = (current.map { $0 + 1 } ?? 0)
                        if want < l.docs.count { XCTAssertEqual(got, l.docs[want], "list \(k) round \(round) next"); current = want } else {
                            XCTAssertEqual(got, PostingsCursor.noMore, "list \(k) next past end"); break
                        }
                    } else {
                        let target: UInt32
                        switch Int.random(in: 0..<5, using: &rng) {
                        case 0: target = l.docs.randomElement(using: &rng)!           // present
                        case 1: target = l.docs.randomElement(using: &rng)! &+ 1      // often absent
                        case 2: target = UInt32.random(in: 0...last, using: &rng)      // anywhere
                        case 3: target = last &+ UInt32.random(in: 1...1000, using: &rng) // beyond the end
                        default: target = current.map { l.docs[$0] } ?? 0              // the current doc
                        }
                        let got = c.advance(target)
                        // Never backwards: the current doc if it is >= target, else the first doc >= target.
                        let want: Int?
                        if let cur = current, l.docs[cur] >= target { want = cur } else { want = firstAtLeast(l, target) }
                        if let want {
                            XCTAssertEqual(got, l.docs[want], "list \(k) round \(round) advance(\(target)) from \(String(describing: current))")
                            guard got == l.docs[want] else { break }
                            XCTAssertEqual(c.freq, l.tfs[want])
                            XCTAssertEqual(Array(c.positions()), l.positions[want])
                            current = want
                        } else {
                            XCTAssertEqual(got, PostingsCursor.noMore, "list \(k) advance(\(target)) beyond the end")
                            break
                        }
                    }
                }
            }
            // Advance to every doc in turn equals the list; then beyond the end.
            let c = PostingsCursor(postings: pm.base, positions: sm.base, info: infos[k])
            for (i, d) in l.docs.enumerated() {
                XCTAssertEqual(c.advance(d), d)
                XCTAssertEqual(c.freq, l.tfs[i])
            }
            XCTAssertEqual(c.advance(last &+ 1), PostingsCursor.noMore)
            XCTAssertEqual(c.advance(0), PostingsCursor.noMore, "stays exhausted")
        }
    }

    // MARK: Term dictionary

    func randomTerms(_ rng: inout SeededRandom, count: Int) -> [[UInt8]] {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let unicode = ["é", "ß", "東", "京", "ă", "Ω", "ø", "😀", "ñ", "\u{7F}", "\u{80}", "\u{FFFD}"].map { Array($0.utf8) }
        let prefixes = ["", "con", "connect", "inter", "international", "pre", "q"].map { Array($0.utf8) }
        var set = Set<[UInt8]>()
        // Edge lengths: all 1-byte terms (one of them 0x00 and 0xFF) and 64-byte terms.
        for b in [UInt8(0x00), 0x01, 0x61, 0x7A, 0x7F, 0xC3, 0xFF] { set.insert([b]) }
        set.insert([UInt8](repeating: 0x61, count: 64))
        set.insert([UInt8](repeating: 0x61, count: 63))
        set.insert([UInt8](repeating: 0x61, count: 63) + [0x62])
        set.insert([UInt8](repeating: 0xFF, count: 64))
        while set.count < count {
            var t = prefixes.randomElement(using: &rng)!
            let n = Int.random(in: 1...12, using: &rng)
            for _ in 0..<n {
                if Int.random(in: 0..<6, using: &rng) == 0 { t += unicode.randomElement(using: &rng)! } else { t.append(alphabet.randomElement(using: &rng)!) }
            }
            if Int.random(in: 0..<50, using: &rng) == 0 { while t.count < 64 { t.append(alphabet.randomElement(using: &rng)!) } }
            set.insert(Array(t.prefix(64)))
        }
        return set.sorted { $0.lexicographicallyPrecedes($1) }
    }

    func testTermDictionaryLookupAndPrefixEnumeration() throws {
        var rng = SeededRandom(seed: 12)
        let fieldTerms: [Int: [[UInt8]]] = [0: randomTerms(&rng, count: 5000), 1: randomTerms(&rng, count: 33), 3: [[0x78]], 255: randomTerms(&rng, count: 64)]
        let path = tmp.sub("t.terms")
        let w = try TermDictionaryWriter(path: path)
        var infos: [Int: [[UInt8]: TermInfo]] = [:]
        var postings: UInt64 = 12, positions: UInt64 = 12
        for f in fieldTerms.keys.sorted() {
            w.startField(f, hasPositions: f != 255)
            for t in fieldTerms[f]! {
                postings += UInt64.random(in: 0...100_000, using: &rng)
                if f != 255 { positions += UInt64.random(in: 0...(1 << 33), using: &rng) }
                let info = TermInfo(docFreq: UInt32.random(in: 1...UInt32.max, using: &rng), postingsOffset: postings, positionsOffset: f != 255 ? positions : 0)
                infos[f, default: [:]][t] = info
                try t.withUnsafeBytes { try w.add(term: $0, info: info) }
            }
            w.finishField()
        }
        try w.finish()

        let dict = try TermDictionary(path: path)
        XCTAssertEqual(dict.fields, fieldTerms.keys.sorted())
        for (f, terms) in fieldTerms {
            XCTAssertEqual(dict.termCount(field: f), UInt64(terms.count))
            XCTAssertEqual(dict.hasPositions(field: f), f != 255)
            // Exact lookup of every term.
            var misses = 0
            for t in terms where t.withUnsafeBytes({ dict.lookup(field: f, term: $0) }) != infos[f]![t] { misses += 1 }
            XCTAssertEqual(misses, 0, "field \(f): terms not found or with wrong info")
            // Absent terms: neighbours of present ones, and terms before/after all.
            let present = Set(terms)
            var absent: [[UInt8]] = [[], [0x00, 0x00], [0xFF, 0xFF], [UInt8](repeating: 0xFF, count: 65)]
            for _ in 0..<2000 {
                var t = terms.randomElement(using: &rng)!
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: t.append(0x00)
                case 1: t.removeLast()
                case 2: t[t.count - 1] &+= 1
                default: t.insert(0x7E, at: Int.random(in: 0...t.count, using: &rng))
                }
                absent.append(t)
            }
            var falseHits = 0
            for t in absent where !present.contains(t) && t.withUnsafeBytes({ dict.lookup(field: f, term: $0) }) != nil { falseHits += 1 }
            XCTAssertEqual(falseHits, 0, "field \(f): absent terms found")
            // Full enumeration in order.
            var all: [[UInt8]] = []
            dict.forEachTerm(field: f) { t, info in all.append(Array(t)); XCTAssertEqual(info, infos[f]![Array(t)]) }
            XCTAssertEqual(all, terms, "field \(f) enumeration")
            // Prefix enumeration equals a filter of the sorted list.
            var prefixes: [[UInt8]] = [[], [0x63], Array("con".utf8), Array("connect".utf8), Array("inter".utf8), [0xC3], [0xE6], [0xFF], [0x00], Array("zzzz".utf8)]
            for _ in 0..<300 {
                let t = terms.randomElement(using: &rng)!
                prefixes.append(Array(t.prefix(Int.random(in: 0...t.count, using: &rng))))
                prefixes.append(Array(t.prefix(Int.random(in: 0...t.count, using: &rng))) + [UInt8.random(in: 0...255, using: &rng)])
            }
            var bad = 0
            for p in prefixes {
                var got: [[UInt8]] = []
                p.withUnsafeBytes { pb in dict.forEachTerm(field: f, prefix: pb) { t, _ in got.append(Array(t)); return true } }
                let want = terms.filter { $0.starts(with: p) }
                if got != want {
                    bad += 1
                    if bad < 3 { XCTFail("field \(f) prefix \(p): got \(got.count) terms, want \(want.count)") }
                }
                // Stopping early is honoured.
                var n = 0
                p.withUnsafeBytes { pb in dict.forEachTerm(field: f, prefix: pb) { _, _ in n += 1; return n < 2 } }
                XCTAssertEqual(n, min(2, want.count))
            }
            XCTAssertEqual(bad, 0, "field \(f): prefix enumerations that differ")
        }
        // A field without terms.
        XCTAssertNil(dict.lookup(field: 2, term: "a"))
        var none = 0
        dict.forEachTerm(field: 2) { _, _ in none += 1 }
        XCTAssertEqual(none, 0)
    }

    func testTermDictionaryWithOneTermAndEmptyDictionary() throws {
        let p1 = tmp.sub("one.terms")
        let w = try TermDictionaryWriter(path: p1)
        w.startField(0, hasPositions: true)
        let info = TermInfo(docFreq: 1, postingsOffset: 12, positionsOffset: 12)
        try Array("only".utf8).withUnsafeBytes { try w.add(term: $0, info: info) }
        try w.finish()
        let d = try TermDictionary(path: p1)
        XCTAssertEqual(d.lookup(field: 0, term: "only"), info)
        XCTAssertNil(d.lookup(field: 0, term: "onl"))
        XCTAssertNil(d.lookup(field: 0, term: "onlyx"))
        XCTAssertNil(d.lookup(field: 0, term: "a"))
        XCTAssertNil(d.lookup(field: 0, term: "z"))

        let p2 = tmp.sub("empty.terms")
        let e = try TermDictionaryWriter(path: p2)
        try e.finish()
        let ed = try TermDictionary(path: p2)
        XCTAssertEqual(ed.fields, [])
        XCTAssertNil(ed.lookup(field: 0, term: "x"))
    }

    // MARK: Stored documents

    func testStoreRoundTripRandomAccess() throws {
        var rng = SeededRandom(seed: 13)
        let names = ["title", "body", "url"]
        var docs: [StoredDocument] = []
        let sizes = [0, 1, 10, 100, 1000, 16 * 1024 - 20, 16 * 1024, 16 * 1024 + 1, 50_000, 100_000]
        for i in 0..<400 {
            var fields: [String: String] = [:]
            for n in names where Int.random(in: 0..<4, using: &rng) != 0 {
                let size = i < sizes.count * 3 ? sizes[i % sizes.count] : Int.random(in: 0...300, using: &rng)
                // Random mix of ASCII and multi-byte characters, of about `size` bytes.
                var s = ""
                s.reserveCapacity(size)
                var bytes = 0
                while bytes < size {
                    let c: Character = Int.random(in: 0..<10, using: &rng) == 0 ? ["é", "東", "😀", "ß"].randomElement(using: &rng)! : Character(Unicode.Scalar(UInt8.random(in: 32...126, using: &rng)))
                    s.append(c); bytes += c.utf8.count
                }
                fields[n] = s
            }
            let id = i == 0 ? "" : (i == 1 ? String(repeating: "i", count: 512) : "doc-\(i)-é")
            let date: Int64? = i % 3 == 0 ? nil : (i == 2 ? Int64.min + 1 : (i == 4 ? Int64.max : Int64.random(in: -1_000_000...1_000_000, using: &rng)))
            docs.append(StoredDocument(id: id, fields: fields, date: date))
        }
        let path = tmp.sub("s.store")
        let w = try StoreWriter(path: path)
        var rec = ByteWriter()
        for d in docs {
            rec.bytes.removeAll()
            StoredRecord.encode(id: d.id, date: d.date, values: names.map { d.fields[$0] }, into: &rec)
            try w.add(record: rec.bytes)
        }
        try w.finish()
        let r = try StoreReader(path: path, storedFieldNames: names)
        XCTAssertEqual(r.docCount, docs.count)
        XCTAssertGreaterThan(r.file.count, 0)
        // Random access in random order, then sequential.
        let order = (0..<docs.count).shuffled(using: &rng)
        for i in order { XCTAssertEqual(try r.document(i), docs[i], "document \(i)") }
        var seen = 0
        try r.forEachRecord { d, record in
            var br = ByteReader(record)
            XCTAssertEqual(try StoredRecord.decode(&br, storedFieldNames: names), docs[d])
            XCTAssertEqual(d, seen); seen += 1
        }
        XCTAssertEqual(seen, docs.count)
        XCTAssertThrowsError(try r.document(docs.count))
        XCTAssertThrowsError(try r.document(-1))
    }

    func testEmptyStore() throws {
        let path = tmp.sub("e.store")
        let w = try StoreWriter(path: path)
        try w.finish()
        let r = try StoreReader(path: path, storedFieldNames: ["title"])
        XCTAssertEqual(r.docCount, 0)
        XCTAssertThrowsError(try r.document(0))
        var n = 0
        try r.forEachRecord { _, _ in n += 1 }
        XCTAssertEqual(n, 0)
    }

    // MARK: Column files

    func testNormsDatesAndDeletionsRoundTrip() throws {
        var rng = SeededRandom(seed: 14)
        for docCount in [0, 1, 7, 8, 9, 1000] {
            let norms: [(field: Int, lengths: [UInt32])] = [
                (0, (0..<docCount).map { _ in UInt32.random(in: 0...255, using: &rng) }),
                (1, (0..<docCount).map { _ in UInt32.random(in: 0...65535, using: &rng) }),
                (2, (0..<docCount).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) }),
            ]
            let np = tmp.sub("n\(docCount).norms")
            try NormsFile.write(path: np, norms: norms, docCount: docCount)
            let nr = try NormsReader(path: np, docCount: docCount)
            for (f, l) in norms { XCTAssertEqual(nr.lengths[f].map(Array.init), l, "norms field \(f), \(docCount) docs") }
            for b in nr.lengths.values { b.deallocate() }
            XCTAssertThrowsError(try NormsReader(path: np, docCount: docCount + 1))

            let dates = (0..<docCount).map { i in i % 5 == 0 ? DatesFile.missing : Int64.random(in: Int64.min...Int64.max, using: &rng) }
            let dp = tmp.sub("d\(docCount).dates")
            _ = try DatesFile.write(path: dp, dates: dates)
            XCTAssertEqual(try DatesFile.read(path: dp, docCount: docCount), dates)
            let (datesFile, mapped) = try DatesFile.map(path: dp, docCount: docCount)
            withExtendedLifetime(datesFile) { XCTAssertEqual(Array(mapped), dates) }
            XCTAssertThrowsError(try DatesFile.map(path: dp, docCount: docCount + 1))

            var dels = DeletionSet(docCount: docCount)
            var expected = Set<Int>()
            for d in 0..<docCount where Int.random(in: 0..<3, using: &rng) == 0 { XCTAssertTrue(dels.delete(d)); expected.insert(d) }
            if let d = expected.first { XCTAssertFalse(dels.delete(d), "second delete of \(d)") }
            let delp = tmp.sub("x\(docCount)_1.del")
            try dels.write(path: delp)
            let back = try DeletionSet.read(path: delp, docCount: docCount)
            XCTAssertEqual(back.deletedCount, expected.count)
            for d in 0..<docCount { XCTAssertEqual(back.isDeleted(d), expected.contains(d)) }
        }
    }
}
