import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// What opening checks (Index/FORMAT.md, "What opening checks"): headers, footers and
/// structures always; every checksum only with `verify: true`, in `IndexChecker.check` and
/// before a merge reads its sources. A flipped bit no open reads is therefore accepted by a
/// plain open, and found by the three checksum paths.
final class OpenVerificationTests: XCTestCase {
    var tmp: TempDir!
    override func setUp() { tmp = TempDir("loupe-open-verify") }
    override func tearDown() { tmp = nil }

    static let extensions = ["terms", "post", "pos", "norms", "dates", "ids", "store", "cols", "words"]

    /// Two segments of 300 documents each, no automatic merge.
    func makeIndex(_ name: String) throws -> String {
        let dir = tmp.sub(name)
        var options = IndexWriterOptions()
        options.autoMerge = false
        var schema = Schema.news()
        schema.fields.append(.keyword("source"))
        let w = try IndexWriter.create(directory: dir, schema: schema, options: options)
        for s in 0..<2 {
            for i in 0..<300 {
                try w.add(Document(id: "s\(s)-\(i)", fields: ["title": "report \(i)", "body": "harbour crane \(i % 17) strike number \(i)"],
                                   values: ["source": [.keyword("wire\(i % 5)")]]))
            }
            try w.commit()
        }
        w.close()
        return dir
    }

    static func segments(_ dir: String) -> [String] {
        DirTools.files(dir).filter { $0.hasSuffix(".store") }.map { String($0.dropLast(6)) }.sorted()
    }

    static func edit(_ path: String, _ body: (inout Data) -> Void) throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        body(&data)
        try data.write(to: URL(fileURLWithPath: path))
    }

    func assertCorrupt(_ path: String, _ label: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), label, file: file, line: line) { e in
            guard case LoupeError.corruptFile(let p, _) = e else { return XCTFail("\(label): \(e)", file: file, line: line) }
            XCTAssertEqual(p, path, label, file: file, line: line)
        }
    }

    /// Headers (magic, kind, version, segment id) and footers (length, footer magic) are
    /// checked by every open, with or without checksums.
    func testHeadersAndFootersAreCheckedAtEveryOpen() throws {
        let pristine = try makeIndex("pristine")
        let seg = Self.segments(pristine)[1]
        let dir = tmp.sub("damaged")
        for ext in Self.extensions {
            let path = SegmentFiles.path(dir, seg, ext)
            for (label, edit) in [("magic", { (d: inout Data) in d[0] ^= 0x01 }),
                                  ("kind", { (d: inout Data) in d[5] ^= 0x01 }),
                                  ("version", { (d: inout Data) in d[8] = 99 }),
                                  ("segment id", { (d: inout Data) in d[FileFormat.v3HeaderSize + 3] ^= 0x80 }),
                                  ("footer magic", { (d: inout Data) in d[d.count - 1] ^= 0x01 }),
                                  ("cut footer", { (d: inout Data) in d.removeLast(3) })] {
                try DirTools.copy(pristine, to: dir)
                try Self.edit(path, edit)
                for verify in [false, true] {
                    XCTAssertThrowsError(try Index.open(at: dir, verify: verify), "\(ext) \(label)") { e in
                        switch e {
                        case LoupeError.corruptFile(let p, _), LoupeError.unsupportedVersion(let p, _, _):
                            XCTAssertEqual(p, path, "\(ext) \(label)")
                        default: XCTFail("\(ext) \(label): \(e)")
                        }
                    }
                }
            }
        }
    }

    /// A flipped bit inside data no open reads: a plain open accepts the file (in time
    /// independent of its size), while `verify: true`, `check` and a merge find it, naming it.
    /// Reads that reach the byte give an error or a result, never a crash.
    func testAFlippedBitInsideABodyIsFoundByChecksumsCheckAndMerge() throws {
        let pristine = try makeIndex("pristine")
        let seg = Self.segments(pristine)[0]
        let dir = tmp.sub("flipped")
        for ext in ["post", "pos", "store"] {
            try DirTools.copy(pristine, to: dir)
            let path = SegmentFiles.path(dir, seg, ext)
            try Self.edit(path, { d in d[FileFormat.headerSize + (d.count - FileFormat.headerSize - FileFormat.footerSize) / 2] ^= 0x20 })

            let index = try Index.open(at: dir)
            XCTAssertFalse(index.reader.verifiesChecksums)
            for q in ["harbour", "crane", "\"harbour crane\"", "strike AND number"] {
                do { _ = try index.search(SearchRequest(query: q, limit: 50)) } catch let e as LoupeError {
                    guard case .corruptFile(let p, _) = e else { return XCTFail("\(ext) '\(q)': \(e)") }
                    XCTAssertEqual(p, path)
                }
            }
            assertCorrupt(path, "\(ext): verify") { _ = try Index.open(at: dir, verify: true) }
            assertCorrupt(path, "\(ext): check") { _ = try IndexChecker.check(directory: dir) }
            let generation = index.reader.generation
            let w = try index.writer()
            assertCorrupt(path, "\(ext): merge") { try w.forceMerge(maxSegments: 1) }
            w.close()
            XCTAssertEqual(try IndexReader.open(directory: dir).generation, generation, "\(ext): a refused merge commits nothing")
            XCTAssertTrue(FileManager.default.fileExists(atPath: path), "\(ext): the sources stay")
        }
    }
}
