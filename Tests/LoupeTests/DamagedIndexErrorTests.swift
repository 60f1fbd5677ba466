import Foundation
import XCTest
@testable import Loupe
import LoupeTestSupport

/// A damaged index surfaces through the public API (`Index.open`, `search`, `document(id:)`,
/// `IndexChecker`) as a `LoupeError` naming the file, never as an internal error such as
/// `ByteReader.Overrun`; and the library's error messages carry no command-line advice.
final class DamagedIndexErrorTests: XCTestCase {
    var tmp: TempDir!
    override func setUp() { tmp = TempDir("loupe-damaged") }
    override func tearDown() { tmp = nil }

    static let documents = (0..<40).map { i in
        Document(id: "a\(i)", fields: ["title": "report \(i)", "body": "harbour cranes \(i % 2 == 0 ? "strike" : "idle") today",
                                       "url": "https://example.com/\(i)"], date: Int64(i) * 86_400)
    }

    /// A one-segment index of `documents`; returns its directory and the segment's name.
    func makeIndex(_ name: String) throws -> (String, String) {
        let dir = tmp.sub(name)
        let index = try Index.create(at: dir)
        try index.write { w in for d in Self.documents { try w.add(d) } }
        let segment = try XCTUnwrap(DirTools.files(dir).first { $0.hasSuffix(".store") }).replacingOccurrences(of: ".store", with: "")
        return (dir, segment)
    }

    /// Asserts `body` throws a `LoupeError.corruptFile` naming `path` (any other error fails).
    func assertCorrupt<T>(_ path: String, _ label: String, file: StaticString = #filePath, line: UInt = #line,
                          _ body: () throws -> T) {
        do {
            _ = try body()
            XCTFail("\(label): no error", file: file, line: line)
        } catch let LoupeError.corruptFile(p, _) {
            XCTAssertEqual(p, path, label, file: file, line: line)
        } catch {
            XCTFail("\(label): \(type(of: error)) \(error) is not LoupeError.corruptFile", file: file, line: line)
        }
    }

    func testTruncatedFilesFailIndexOpenWithLoupeErrorNamingThem() throws {
        let (dir, _) = try makeIndex("truncated")
        for f in DirTools.files(dir) where f != "write.lock" {
            let path = dir + "/" + f
            let original = try XCTUnwrap(FileManager.default.contents(atPath: path))
            for cut in [original.count / 2, original.count - 3, 5] {
                DirTools.write(original.prefix(cut), to: path)
                assertCorrupt(path, "\(f) cut to \(cut)") { try Index.open(at: dir) }
                assertCorrupt(path, "\(f) cut to \(cut), unverified") { try Index.open(at: dir, verify: false) }
            }
            DirTools.write(original, to: path)
        }
        XCTAssertEqual(try Index.open(at: dir).search("harbour").total, Self.documents.count)
    }

    /// A store whose checksum is right but one of whose records is malformed (a length that runs
    /// past the record): opening succeeds, and reading that document by id or through a search
    /// fails with `corruptFile` naming the store, while other documents still read.
    func testMalformedStoredRecordIsACorruptFileErrorFromGetSearchAndCheck() throws {
        let (dir, segment) = try makeIndex("record")
        let store = SegmentFiles.path(dir, segment, "store")
        let damaged = try XCTUnwrap(Self.documents.firstIndex { $0.id == "a7" })
        try rewriteStore(store) { $0[damaged] = [0x05, 0x61] }   // an id of 5 bytes, of which 1 is there

        let index = try Index.open(at: dir)
        XCTAssertEqual(try index.document(id: "a8")?.fields["title"], "report 8")
        assertCorrupt(store, "document(id:)") { try index.document(id: "a7") }
        assertCorrupt(store, "search loading documents") { try index.search("report 7") }
        var r = SearchRequest(query: "report 7")
        r.loadDocuments = false
        r.snippetField = nil
        XCTAssertEqual(try index.search(r).hits.map(\.id), ["a7"], "without stored documents the search does not read the store")
        assertCorrupt(store, "check") { try IndexChecker.check(directory: dir) }
    }

    /// A store whose block holds one record fewer than its index says (the framing, not one
    /// record, is damaged, and the checksum is right): reading the missing document, checking
    /// and merging fail with `corruptFile` naming the store, not with the decoder's internal error.
    func testStoreBlockEndingEarlyIsACorruptFileErrorFromGetCheckAndMerge() throws {
        let (dir, segment) = try makeIndex("framing")
        // A second segment so that a merge has something to do.
        try Index.open(at: dir).write { w in try w.add(Document(id: "extra", fields: ["body": "one more"])) }
        let store = SegmentFiles.path(dir, segment, "store")
        try rewriteStore(store) { $0.removeLast() }
        // The trailer's document count (u32 before the index offset) back to the manifest's.
        var bytes = try XCTUnwrap(FileManager.default.contents(atPath: store)).map { $0 }
        let countAt = bytes.count - FileFormat.footerSize - 12
        withUnsafeBytes(of: UInt32(Self.documents.count).littleEndian) { bytes.replaceSubrange(countAt..<countAt + 4, with: $0) }
        var w = ByteWriter()
        w.append(contentsOf: bytes[..<(bytes.count - FileFormat.footerSize)])
        FileFormat.seal(&w)
        DirTools.write(Data(w.bytes), to: store)

        let index = try Index.open(at: dir)
        XCTAssertEqual(try index.document(id: "a0")?.id, "a0")
        assertCorrupt(store, "document(id:)") { try index.document(id: Self.documents.last!.id) }
        assertCorrupt(store, "check") { try IndexChecker.check(directory: dir) }
        let writer = try IndexWriter.open(directory: dir)
        defer { writer.close() }
        assertCorrupt(store, "merge") { try writer.forceMerge(maxSegments: 1) }
    }

    /// Rewrites the store at `path` with its records changed by `change` (a valid envelope and checksum).
    func rewriteStore(_ path: String, _ change: (inout [[UInt8]]) -> Void) throws {
        let reader = try StoreReader(path: path, storedFieldNames: Schema.news().storedFields.map(\.name))
        var records: [[UInt8]] = []
        try reader.forEachRecord { _, r in records.append(Array(r)) }
        change(&records)
        // The segment id of the original file's header, so the rewritten store still belongs to its segment.
        let header = [UInt8](try XCTUnwrap(FileManager.default.contents(atPath: path)).prefix(FileFormat.headerSize))
        let w = try StoreWriter(path: path + ".new", segment: FileFormat.SegmentID(bytes: Array(header[FileFormat.v3HeaderSize...])))
        for r in records { try w.add(record: r) }
        try w.finish()
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: path + ".new", toPath: path)
    }

    func testDamagedManifestIsACorruptFileError() throws {
        let (dir, _) = try makeIndex("manifest")
        let path = dir + "/manifest"
        var w = FileFormat.header(.manifest)
        w.append(contentsOf: Array("{\"generation\": ".utf8))
        FileFormat.seal(&w)
        DirTools.write(Data(w.bytes), to: path)
        assertCorrupt(path, "open") { try Index.open(at: dir) }
        assertCorrupt(path, "writer") { try IndexWriter.open(directory: dir) }
    }

    func testErrorDescriptionsCarryNoCommandLineAdvice() {
        let errors: [LoupeError] = [
            .corruptFile(path: "/i/seg1.post", reason: "checksum mismatch"), .locked(path: "/i"), .noIndex(path: "/i"),
            .indexExists(path: "/i"), .unknownLanguage("klingon"), .invalidSchema("no field is indexed"),
            .invalidDocument(source: "a.jsonl:3", reason: "the document has no \"id\""),
            .invalidQuery(message: "unbalanced quote", position: 4), .unknownField("author"),
            .unsupportedQuery("MyQuery"), .io(path: "/i/manifest", reason: "Permission denied"), .unsupportedVersion(path: "/i/manifest", found: 9, expected: 3),
        ]
        for e in errors {
            let text = e.description
            let advice = ["--", "`", "loupe init", "loupe check", "loupe add", "loupe merge", "loupe serve"]
            XCTAssertFalse(advice.contains { text.contains($0) }, text)
            XCTAssertFalse(text.isEmpty)
        }
    }
}
