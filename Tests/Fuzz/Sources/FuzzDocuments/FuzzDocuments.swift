// fuzz-documents: the readers `loupe add` uses (Sources/LoupeCLI/Input, linked in here):
// JSON Lines, JSON arrays, text and Markdown files, gzip-compressed or not, and the strict
// JSON parser and schema mapping of the library (`DocumentObject`, `Schema.document`) they
// call; each document read is then analyzed field by field. A bad record must come back
// as `invalidDocument` naming its line; a trap, fatal signal or hang is a bug.
//
// Input: byte 0 picks how the rest is read (the file name's extension decides the format,
// as on the command line, or a forced --format), bit 7 of it is --ignore-unknown; the rest
// is the file's content. The document size limit is small (4 KiB), so too-long records
// are reachable.
import Foundation
import Loupe
import FuzzSupport

let variants: [(name: String, format: InputFormat)] = [
    ("in.jsonl", .auto), ("in.json", .auto), ("in.md", .auto), ("in.txt", .auto), ("in.jsonl.gz", .auto),
    ("in.json.gz", .auto), ("in.data", .auto), ("in.data", .jsonl), ("in.data", .json), ("in.data", .text),
]

nonisolated(unsafe) var directory = ""
nonisolated(unsafe) var schema = FuzzIndex.schema()
nonisolated(unsafe) var analyzer: Analyzer! = nil

/// Sets up what the target reads.
func setUp() {
    directory = FuzzIndex.scratchDirectory("fuzz-documents")
    analyzer = try! Analyzer(schema: schema)
}

func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard size >= 1, let data else { return 0 }
    let variant = variants[Int(data[0] & 0x7F) % variants.count]
    let path = directory + "/" + variant.name
    FileManager.default.createFile(atPath: path, contents: Data(bytes: data + 1, count: size - 1))
    defer { unlink(path) }
    let parser = RecordParser(schema: schema, ignoreUnknown: data[0] & 0x80 != 0)
    guard let input = try? DocumentInput(paths: [path], format: variant.format, parser: parser, maxDocumentBytes: 4096) else { return 0 }
    _ = try? input.forEach { item in
        switch item {
        case let .document(document, source):
            _ = source.count
            for (_, text) in document.fields.sorted(by: { $0.key < $1.key }) { _ = analyzer.analyze(text) }
        case let .invalid(error):
            _ = error.description
        }
    }
    return 0
}

@main
struct FuzzDocuments {
    static func main() {
        setUp()
        runFuzzer { data, size in testOneInput(data, size) }
    }
}
