import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// Issue 19: files that pass their checksum are not trusted. A segment's file swapped with
/// another segment's is refused at open ("belongs to another segment"); a body edited and
/// resealed with a fresh CRC gives an error or correct results from search, stats, get and
/// check, never a trap (a trap would end this test process).
final class HostileFileTests: XCTestCase {
    var tmp: TempDir!
    override func setUp() { tmp = TempDir("loupe-hostile") }
    override func tearDown() { tmp = nil }

    static let extensions = ["post", "pos", "terms", "store", "norms", "ids", "dates", "cols", "words"]
    static let words = ["harbour", "crane", "strike", "oil", "price", "tanker", "union", "port", "wage", "ship",
                        "grain", "cargo", "dock", "berth", "pilot", "quay", "rope", "tide", "fleet", "storm"]

    /// Two segments of 160 documents (`harbour`, in every one, and other frequent terms have
    /// a full postings block and a tail), dates on most, one deletion in each.
    func makeIndex(_ name: String) throws -> String {
        let dir = tmp.sub(name)
        var rng = SeededRandom(seed: 19)
        var schema = Schema.news()
        schema.fields += [.keyword("source"), .keyword("tags", multiValued: true), .number("words"), .date("updated")]
        schema.nearDuplicates = NearDuplicateSettings()
        let index = try Index.create(at: dir, schema: schema)
        for s in 0..<2 {
            try index.write(options: { var o = IndexWriterOptions(); o.autoMerge = false; return o }()) { w in
                for i in 0..<160 {
                    var body = (0..<rng.int(3...40)).map { _ in rng.pick(Self.words) }
                    body.append("harbour")
                    let date: Int64? = i % 7 == 0 ? nil : Int64(rng.int(0...2_000_000_000))
                    var values: [String: [FieldValue]] = ["source": [.keyword(rng.pick(Self.words))],
                                                          "tags": (0..<rng.int(0...3)).map { _ in .keyword(rng.pick(Self.words)) },
                                                          "words": [.number(Double(body.count))]]
                    if let date { values["updated"] = [.date(date + 3600)] }
                    try w.add(Document(id: "s\(s)-\(i)", fields: ["title": "report \(i) \(rng.pick(Self.words))",
                                                                  "body": body.joined(separator: " "), "url": "u\(i)"], date: date,
                                       values: values))
                }
            }
        }
        try index.write { w in try w.delete(id: "s0-5"); try w.delete(id: "s1-5") }
        return dir
    }

    static func segments(_ dir: String) -> [String] {
        DirTools.files(dir).filter { $0.hasSuffix(".store") }.map { String($0.dropLast(6)) }.sorted()
    }

    /// Runs every read path; returns the errors (all must be `LoupeError`s).
    @discardableResult
    func exercise(_ dir: String, file: StaticString = #filePath, line: UInt = #line) -> [LoupeError] {
        var errors: [LoupeError] = []
        func run(_ label: String, _ body: () throws -> Void) {
            do { try body() } catch let e as LoupeError { errors.append(e) } catch {
                XCTFail("\(label): \(type(of: error)) \(error) is not a LoupeError", file: file, line: line)
            }
        }
        for verify in [true, false] {
            var index: Index?
            run("open") { index = try Index.open(at: dir, verify: verify) }
            guard let index else { continue }
            for (i, q) in ["harbour crane", "\"harbour crane\"", "\"oil price tanker\"~2", "ha*", "crane OR tide -storm",
                           "date:[1990-01-01 TO 2030-01-01]"].enumerated() {
                run("search \(q)") {
                    var r = SearchRequest(query: q, limit: 20)
                    r.sort = i % 2 == 0 ? .relevance : .newest
                    r.exactCount = true
                    _ = try index.search(r)
                }
            }
            run("count") { _ = try index.searcher.count(try index.searcher.parse("harbour")) }
            for q in ["harbour source:crane", "tags:(oil OR tide) words:[5 TO 20]", "updated:[1990 TO 2030]"] {
                run("filter \(q)") { _ = try index.search(SearchRequest(query: q, limit: 20)) }
            }
            run("facets, sort, collapse") {
                var r = SearchRequest(query: "harbour", limit: 20)
                r.facets = [.terms("source"), .terms("tags"), .histogram("updated", .month), .stats("words"),
                            .ranges("words", [NumberRange(from: nil, to: 10), NumberRange(from: 10, to: nil)])]
                r.sortField = SortField("words", descending: true)
                r.collapse = "source"
                _ = try index.search(r)
                r.collapse = SearchRequest.nearDuplicates
                r.sortField = SortField("tags")
                _ = try index.search(r)
            }
            for id in ["s0-0", "s1-150", "s1-5"] { run("get \(id)") { _ = try index.document(id: id) } }
            // The word lists: completions, and a misspelt query's "did you mean".
            for text in ["h", "harbour cr", "oil "] { run("completions \(text)") { _ = try index.reader.completions(for: text) } }
            run("did you mean") { _ = try index.search("harbuor cranne") }
            _ = IndexStats(reader: index.reader)
        }
        run("check") { _ = try IndexChecker.check(directory: dir) }
        return errors
    }

    /// Rewrites the file at `path` with `edit` applied to its bytes before the footer (header
    /// and body), then a fresh CRC-32C footer: the file passes its checksum again.
    static func reseal(_ path: String, _ edit: (inout [UInt8]) -> Void) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var content = Array(bytes[..<(bytes.count - FileFormat.footerSize)])
        edit(&content)
        var w = ByteWriter()
        w.append(contentsOf: content)
        FileFormat.seal(&w)
        bytes = w.bytes
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func testSwappedSegmentFilesAreRefusedAsBelongingToAnotherSegment() throws {
        let dir = try makeIndex("swap")
        let segs = Self.segments(dir)
        XCTAssertEqual(segs.count, 2)
        XCTAssertEqual(exercise(dir), [], "the intact index reads without errors")
        for ext in Self.extensions {
            let a = SegmentFiles.path(dir, segs[0], ext), b = SegmentFiles.path(dir, segs[1], ext)
            try FileManager.default.moveItem(atPath: a, toPath: a + ".x")
            try FileManager.default.moveItem(atPath: b, toPath: a)
            try FileManager.default.moveItem(atPath: a + ".x", toPath: b)
            let errors = exercise(dir)
            XCTAssertFalse(errors.isEmpty, ext)
            for e in errors {
                guard case let .corruptFile(path, reason) = e else { XCTFail("\(ext): \(e)"); continue }
                XCTAssertTrue(path.hasSuffix("." + ext), "\(ext): \(e)")
                XCTAssertEqual(reason, "belongs to another segment", "\(ext): \(e)")
            }
            // Swap back: the index is whole again.
            try FileManager.default.moveItem(atPath: a, toPath: a + ".x")
            try FileManager.default.moveItem(atPath: b, toPath: a)
            try FileManager.default.moveItem(atPath: a + ".x", toPath: b)
        }
        XCTAssertEqual(exercise(dir), [])
    }

    /// Version 3 segments carry no id, so their swapped files open: the bounds checks must
    /// then stop every read path from trapping.
    func testSwappedFilesOfVersion3SegmentsDoNotTrap() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "index-v3", withExtension: nil, subdirectory: "Fixtures"))
        for ext in Self.extensions where ext != "cols" && ext != "words" {  // version 3 segments have neither
            let dir = tmp.sub("v3-\(ext)")
            try DirTools.copy(url.path, to: dir)
            let a = SegmentFiles.path(dir, "seg000001", ext), b = SegmentFiles.path(dir, "seg000004", ext)
            let da = try Data(contentsOf: URL(fileURLWithPath: a)), db = try Data(contentsOf: URL(fileURLWithPath: b))
            try da.write(to: URL(fileURLWithPath: b)); try db.write(to: URL(fileURLWithPath: a))
            exercise(dir)
        }
    }

    /// Every body byte region of every kind, edited and resealed: structured values (the
    /// first bytes of the body, the trailers and indexes at the end) and bytes spread over
    /// the body, set to 0x00, 0xFF and 0x80.
    func testResealedEditsOfEveryFileKindDoNotTrap() throws {
        let pristine = try makeIndex("pristine")
        let dir = tmp.sub("edit")
        let seg = Self.segments(pristine)[0]
        var trials = 0
        for ext in Self.extensions + ["del"] {
            let name = ext == "del" ? try XCTUnwrap(DirTools.files(pristine).first { $0.hasPrefix(seg) && $0.hasSuffix(".del") })
                                    : "\(seg).\(ext)"
            let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: pristine + "/" + name)[.size] as? Int)
            let bodyEnd = size - FileFormat.footerSize
            // The counts and offsets at the start of a body and the trailers and indexes at its
            // end set to 0xFF (huge values); bytes spread over the body set to 0x00.
            var edits = (FileFormat.headerSize..<min(FileFormat.headerSize + 8, bodyEnd)).map { ($0, UInt8(0xFF)) }
            edits += (max(FileFormat.headerSize, bodyEnd - 24)..<bodyEnd).map { ($0, UInt8(0xFF)) }
            edits += stride(from: FileFormat.headerSize, to: bodyEnd, by: max(1, (bodyEnd - FileFormat.headerSize) / 8)).map { ($0, UInt8(0)) }
            for (offset, value) in edits {
                try DirTools.copy(pristine, to: dir)
                try Self.reseal(dir + "/" + name) { $0[offset] = value }
                exercise(dir)
                trials += 1
            }
        }
        XCTAssertGreaterThan(trials, 200)
    }

    /// Random edits (1 to 4 bytes, random values) in random files of a small index, resealed,
    /// then every read path; bounded to a few seconds.
    func testRandomResealedEditsDoNotTrap() throws {
        let pristine = try makeIndex("pristine")
        let dir = tmp.sub("random")
        let names = DirTools.files(pristine).filter { $0 != "write.lock" && $0 != "manifest" }
        // A fixed number of trials from a fixed seed: the same edits on every run, however busy
        // the machine (open-ended random search is the fuzzers' job: Tests/Fuzz).
        var rng = SeededRandom(seed: 181)
        for _ in 0..<40 {
            try DirTools.copy(pristine, to: dir)
            let name = rng.pick(names)
            let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: dir + "/" + name)[.size] as? Int)
            let edits = (0..<rng.int(1...4)).map { _ in (rng.int(FileFormat.headerSize...(size - FileFormat.footerSize - 1)), UInt8(rng.int(0...255))) }
            try Self.reseal(dir + "/" + name) { for (o, v) in edits { $0[o] = v } }
            exercise(dir)
        }
    }

    /// The segment id check itself: a file whose header id is edited (and resealed) is refused.
    func testEditedSegmentIdIsRefused() throws {
        let dir = try makeIndex("id")
        let seg = Self.segments(dir)[0]
        let path = SegmentFiles.path(dir, seg, "norms")
        try Self.reseal(path) { $0[FileFormat.v3HeaderSize] ^= 1 }
        XCTAssertThrowsError(try Index.open(at: dir)) { e in
            XCTAssertEqual(e as? LoupeError, .corruptFile(path: path, reason: "belongs to another segment"))
        }
    }

    /// A word file whose counts claim more than it holds, or whose words are out of order,
    /// is reported as damage to that file, by completions and by `check`, never trusted.
    func testDamagedWordFileIsAnError() throws {
        let pristine = try makeIndex("pristine-words")
        let seg = Self.segments(pristine)[0]
        let dir = tmp.sub("words")
        for edit in [{ (b: inout [UInt8]) in for i in 0..<4 { b[FileFormat.headerSize + i] = 0xFF } },
                     { (b: inout [UInt8]) in b[FileFormat.headerSize + 8] = 5 }] {  // a count beyond the file; the first word sharing 5 bytes with none
            try DirTools.copy(pristine, to: dir)
            try Self.reseal(dir + "/\(seg).words", edit)
            let index = try Index.open(at: dir)
            XCTAssertThrowsError(try index.reader.completions(for: "ha")) { e in
                guard case LoupeError.corruptFile(let path, _) = e else { return XCTFail("\(e)") }
                XCTAssertTrue(path.hasSuffix("\(seg).words"), path)
            }
            XCTAssertThrowsError(try IndexChecker.check(directory: dir)) { e in
                guard case LoupeError.corruptFile(let path, _) = e else { return XCTFail("\(e)") }
                XCTAssertTrue(path.hasSuffix("\(seg).words"), path)
            }
        }
    }

    /// Found by fuzz-segments: a gap in a list's last block so large that adding it to the
    /// previous document overflowed (a trap), in search, `get` and `check`. Such a gap is
    /// beyond the segment's documents: the list is damaged and reported as such.
    func testHugeGapInLastPostingsBlockIsAnError() throws {
        let pristine = try makeIndex("pristine-gap")
        let seg = Self.segments(pristine)[0]
        let reader = try IndexReader.open(directory: pristine)
        let title = try XCTUnwrap(reader.fieldNumbers["title"])
        // "17" is in one title only: its list is a lone last block, starting at its offset.
        let info = try XCTUnwrap(reader.segments[0].terms.lookup(field: title, term: "17"))
        XCTAssertEqual(info.docFreq, 1)
        let dir = tmp.sub("gap")
        try DirTools.copy(pristine, to: dir)
        // The largest gap a 10-byte vint holds (2^63 - 1, its low bit: frequency 1).
        try Self.reseal(dir + "/\(seg).post") { b in
            let at = Int(info.postingsOffset)  // from the start of the file
            for i in 0..<9 { b[at + i] = 0xFF }
            b[at + 9] = 0x01
        }
        let index = try Index.open(at: dir)
        XCTAssertThrowsError(try index.search("17")) { e in
            guard case LoupeError.corruptFile(let path, _) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(path.hasSuffix("\(seg).post"), path)
        }
        XCTAssertThrowsError(try IndexChecker.check(directory: dir))
        exercise(dir)
    }
}
