import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// `Index/FORMAT.md` quotes the format's constants in a table ("## Constants"): they must be
/// the values the code writes, so the specification cannot drift from the implementation.
final class FormatSpecTests: XCTestCase {
    static let specPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Index/FORMAT.md").path

    /// Every constant the table must quote, by its name in the code, with the code's value
    /// written as the table writes it.
    static let codeConstants: [String: String] = {
        var constants = [
            "FileFormat.version": "\(FileFormat.version)",
            "FileFormat.magic": String(decoding: FileFormat.magic, as: UTF8.self),
            "FileFormat.footerMagic": String(decoding: FileFormat.footerMagic, as: UTF8.self),
            "FileFormat.headerSize": "\(FileFormat.headerSize)",
            "FileFormat.v3HeaderSize": "\(FileFormat.v3HeaderSize)",
            "FileFormat.segmentIdSize": "\(FileFormat.segmentIdSize)",
            "FileFormat.oldestReadableVersion": "\(FileFormat.oldestReadableVersion)",
            "FileFormat.footerSize": "\(FileFormat.footerSize)",
            "idFieldNumber": "\(idFieldNumber)",
            "TermDictionaryWriter.blockSize": "\(TermDictionaryWriter.blockSize)",
            "BitPacking.blockSize": "\(BitPacking.blockSize)",
            "SkipGroups.size": "\(SkipGroups.size)",
            "SkipGroups.entryBytes": "\(SkipGroups.entryBytes)",
            "Impacts.maxPairs": "\(Impacts.maxPairs)",
            "StoreWriter.blockSize": "\(StoreWriter.blockSize)",
            "DatesFile.missing": "\(DatesFile.missing)",
            "WordList.phrasePruningDocs": "\(WordList.phrasePruningDocs)",
            "WordList.minimumPhraseCount": "\(WordList.minimumPhraseCount)",
        ]
        for kind in FileFormat.Kind.allCases { constants["FileFormat.Kind.\(kind)"] = kind.rawValue }
        return constants
    }()

    /// The rows of the spec's "## Constants" table: name -> value, backticks removed.
    func documentedConstants(file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        let text = try String(contentsOfFile: Self.specPath, encoding: .utf8)
        let section = try XCTUnwrap(text.components(separatedBy: "\n## Constants\n").dropFirst().first,
                                    "\(Self.specPath) has no \"## Constants\" section", file: file, line: line)
        var rows: [String: String] = [:]
        for row in section.split(separator: "\n").prefix(while: { !$0.hasPrefix("## ") }) where row.hasPrefix("|") {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
            guard cells.count >= 2, cells[0] != "constant", !cells[0].allSatisfy({ $0 == "-" }) else { continue }
            XCTAssertNil(rows[cells[0]], "\(cells[0]) is listed twice", file: file, line: line)
            rows[cells[0]] = cells[1]
        }
        return rows
    }

    func testTheConstantsTableQuotesTheCode() throws {
        let documented = try documentedConstants()
        for (name, value) in Self.codeConstants.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(documented[name], value, "FORMAT.md's value of \(name)")
        }
        XCTAssertEqual(Set(documented.keys).subtracting(Self.codeConstants.keys), [],
                       "FORMAT.md quotes constants this test does not compare with the code")
    }

    func testTheTitleNamesTheCurrentVersion() throws {
        let text = try String(contentsOfFile: Self.specPath, encoding: .utf8)
        let title = text.split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertEqual(title, "# Loupe on-disk format, version \(FileFormat.version)")
    }

    /// Every file of a freshly written index (with a deletion, so a `.del` too) has the
    /// documented envelope: magic, kind, version, CRC-32C of all bytes before the footer,
    /// footer magic; and the manifest's JSON states the same version.
    func testEveryFileCarriesTheDocumentedEnvelope() throws {
        let documented = try documentedConstants()
        let version = try XCTUnwrap(documented["FileFormat.version"].flatMap(UInt32.init))
        let headerSize = try XCTUnwrap(documented["FileFormat.headerSize"].flatMap(Int.init))
        let footerSize = try XCTUnwrap(documented["FileFormat.footerSize"].flatMap(Int.init))
        var kindOfExtension: [String: String] = [:]
        for (ext, kind) in [("terms", "terms"), ("post", "postings"), ("pos", "positions"), ("norms", "norms"),
                            ("dates", "dates"), ("ids", "ids"), ("store", "store"), ("cols", "columns"), ("del", "deletes"),
                            ("words", "words")] {
            kindOfExtension[ext] = try XCTUnwrap(documented["FileFormat.Kind.\(kind)"])
        }

        let tmp = TempDir("loupe-format")
        let dir = tmp.sub("index")
        let w = try IndexWriter.create(directory: dir)
        var corpus = TestCorpus(seed: 3)
        for i in 0..<20 { try w.add(corpus.document(id: "d\(i)")) }
        try w.commit()
        try w.delete(id: "d0")
        try w.commit()
        w.close()
        let manifest = try Manifest.read(directory: dir)
        var segmentIds: [String: String] = [:]
        for s in manifest.segments { segmentIds[s.name] = try XCTUnwrap(s.id).description }

        var kindsSeen: Set<String> = []
        for name in DirTools.files(dir) where name != "write.lock" {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
            XCTAssertGreaterThanOrEqual(bytes.count, headerSize + footerSize, name)
            guard bytes.count >= headerSize + footerSize else { continue }
            let kind = name == "manifest" ? documented["FileFormat.Kind.manifest"] : kindOfExtension[(name as NSString).pathExtension]
            XCTAssertEqual(String(decoding: bytes[0..<4], as: UTF8.self), documented["FileFormat.magic"], name)
            XCTAssertEqual(String(decoding: bytes[4..<8], as: UTF8.self), kind, name)
            XCTAssertEqual(bytes[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }, version, "\(name): envelope version")
            let bodyEnd = bytes.count - footerSize
            let crc = bytes[bodyEnd..<(bodyEnd + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            XCTAssertEqual(crc, bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<bodyEnd])) }, "\(name): checksum")
            XCTAssertEqual(String(decoding: bytes[(bodyEnd + 4)...], as: UTF8.self), documented["FileFormat.footerMagic"], name)
            kindsSeen.insert(kind ?? name)
            // Bytes 12 ..< 28: the id of the file's segment, as the manifest records it (zeros for the manifest).
            let id = bytes[12..<headerSize].map { String(format: "%02x", $0) }.joined()
            let segment = String(name.prefix { $0 != "." && $0 != "_" })
            XCTAssertEqual(id, name == "manifest" ? String(repeating: "0", count: 32) : segmentIds[segment], "\(name): segment id")
            if name == "manifest" {
                let json = try jsonObject(Data(bytes[headerSize..<bodyEnd]))
                XCTAssertEqual(json["formatVersion"] as? Int, Int(version), "the manifest's formatVersion")
            }
        }
        XCTAssertEqual(kindsSeen, Set(FileFormat.Kind.allCases.map(\.rawValue)), "an index with a deletion has a file of every kind")
    }

    /// Decodes a `.cols` file with nothing but FORMAT.md's description of it, and finds the
    /// values the documents were given.
    func testColumnsFileDecodesAsSpecified() throws {
        let tmp = TempDir("loupe-format-cols")
        let schema = Schema(fields: [
            FieldDefinition(name: "body", indexed: true, stored: true),
            .keyword("tags", multiValued: true), .number("words"), .number("ratio"), .date("updated"),
        ])
        let docs: [[String: [FieldValue]]] = [
            ["tags": [.keyword("b"), .keyword("a")], "words": [.number(300)], "ratio": [.number(-0.5)], "updated": [.date(86_400)]],
            ["words": [.number(100)], "ratio": [.number(2.25)]],
            ["tags": [.keyword("c")], "words": [.number(-200)], "ratio": [.number(0)], "updated": [.date(-5)]],
        ]
        let writer = try IndexWriter.create(directory: tmp.path, schema: schema)
        for (i, v) in docs.enumerated() { try writer.add(Document(id: "d\(i)", fields: ["body": "x"], values: v)) }
        try writer.commit()
        writer.close()
        let name = try XCTUnwrap(DirTools.files(tmp.path).first { $0.hasSuffix(".cols") })
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tmp.path + "/" + name)))
        func u(_ at: Int, _ n: Int) -> UInt64 { (0..<n).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[at + $1]) } }
        let header = try XCTUnwrap(documentedConstants()["FileFormat.headerSize"].flatMap(Int.init))
        XCTAssertEqual(Int(u(header, 4)), docs.count)
        let columns = Int(u(header + 4, 4))
        XCTAssertEqual(columns, 4)
        func packed(_ at: inout Int) -> [Int64] {
            let w = Int(bytes[at]), m = Int64(bitPattern: u(at + 1, 8)), g = u(at + 9, 8), n = Int(u(at + 17, 8))
            let data = at + 25
            at = data + (n * w + 7) / 8 + 8
            return (0..<n).map { i in
                var q: UInt64 = 0
                for k in 0..<w where bytes[data + (i * w + k) / 8] >> UInt8((i * w + k) % 8) & 1 == 1 { q |= 1 << UInt64(k) }
                return m &+ Int64(bitPattern: q &* g)
            }
        }
        var found: [String: [[String]]] = [:]
        let names = ["tags", "words", "ratio", "updated"]
        for c in 0..<columns {
            let entry = header + 8 + c * 12
            let number = Int(u(entry, 2)), kind = bytes[entry + 2], layout = bytes[entry + 3]
            var at = Int(u(entry + 4, 8))
            var dictionary: [String] = []
            if kind == 1 {
                let v = Int(u(at, 4))
                let offsets = (0...v).map { Int(u(at + 4 + $0 * 4, 4)) }
                let start = at + 4 + (v + 1) * 4
                dictionary = (0..<v).map { String(decoding: bytes[(start + offsets[$0])..<(start + offsets[$0 + 1])], as: UTF8.self) }
                at = start + offsets[v]
            }
            let starts = layout == 1 ? packed(&at) : (0...docs.count).map(Int64.init)
            let values = packed(&at)
            found[names[number]] = (0..<docs.count).map { d in
                values[Int(starts[d])..<Int(starts[d + 1])].map { v -> String in
                    switch kind {
                    case 1: return dictionary[Int(v)]
                    case 3: return "\(Double(bitPattern: UInt64(bitPattern: v ^ ((v >> 63) & 0x7FFF_FFFF_FFFF_FFFF))))"
                    default: return "\(Double(v))"
                    }
                }
            }
        }
        for (d, doc) in docs.enumerated() {
            for f in names {
                let want = (doc[f] ?? []).map { v -> String in
                    switch v {
                    case let .keyword(k): return k
                    case let .number(x): return "\(x)"
                    case let .date(t): return "\(Double(t))"
                    }
                }.sorted()
                XCTAssertEqual(found[f]?[d], want, "\(f) of document \(d)")
            }
        }
    }
}
