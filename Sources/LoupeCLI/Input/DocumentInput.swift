import ArgumentParser
import Foundation
import Loupe

/// How an input is read.
enum InputFormat: String, ExpressibleByArgument, CaseIterable {
    /// From the extension (`.jsonl`/`.ndjson`, `.json`, `.txt`/`.md`, each optionally `.gz`);
    /// standard input and unknown extensions are recognized by their first character.
    case auto
    /// JSON Lines: one object per line.
    case jsonl
    /// A JSON array of objects (or a single object).
    case json
    /// Plain text or Markdown: one document per file.
    case text

    static func fromExtension(_ path: String) -> InputFormat? {
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        switch (name as NSString).pathExtension {
        case "jsonl", "ndjson": return .jsonl
        case "json": return .json
        case "txt", "md", "markdown", "text": return .text
        default: return nil
        }
    }
}

/// One document read from the input, or why a record was rejected.
enum InputItem {
    case document(Document, source: String)
    case invalid(LoupeError)
}

/// The files named on the command line (directories expanded recursively, in sorted order,
/// hidden entries skipped), read one after the other as a stream of documents.
final class DocumentInput {
    struct File {
        var path: String
        var format: InputFormat
        var size: Int?
        var isMarkdown: Bool
    }

    let files: [File]
    private let parser: RecordParser
    private let maxDocumentBytes: Int
    private var completedBytes = 0
    private var current: ByteSource?

    /// Total bytes on disk, or nil when standard input is among the inputs.
    var totalBytes: Int? {
        files.contains { $0.size == nil } ? nil : files.reduce(0) { $0 + ($1.size ?? 0) }
    }

    /// Bytes consumed so far (compressed bytes for gzip files).
    var bytesRead: Int { completedBytes + (current?.rawOffset ?? 0) }

    init(paths: [String], format: InputFormat, parser: RecordParser, maxDocumentBytes: Int) throws {
        self.parser = parser
        self.maxDocumentBytes = maxDocumentBytes
        var files: [File] = []
        let fm = FileManager.default
        for path in paths {
            if path == "-" {
                files.append(File(path: "-", format: format, size: nil, isMarkdown: false))
                continue
            }
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { throw CLIError.io("\(path) does not exist") }
            if isDir.boolValue {
                var found: [String] = []
                guard let e = fm.enumerator(atPath: path) else { throw CLIError.io("cannot list the directory \(path)") }
                while let rel = e.nextObject() as? String {
                    let last = (rel as NSString).lastPathComponent
                    if last.hasPrefix(".") {
                        if (e.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory { e.skipDescendants() }
                        continue
                    }
                    guard (e.fileAttributes?[.type] as? FileAttributeType) == .typeRegular else { continue }
                    if format == .auto && InputFormat.fromExtension(rel) == nil { continue }
                    found.append(DocumentInput.join(path, rel))
                }
                for p in found.sorted() { files.append(try DocumentInput.file(p, format: format)) }
            } else {
                files.append(try DocumentInput.file(path, format: format))
            }
        }
        self.files = files
    }

    private static func join(_ dir: String, _ rel: String) -> String {
        var d = dir
        while d.count > 1 && d.hasSuffix("/") { d.removeLast() }
        return d == "." ? rel : d + "/" + rel
    }

    private static func file(_ path: String, format: InputFormat) throws -> File {
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue
        var f = format == .auto ? InputFormat.fromExtension(path) ?? .auto : format
        if f == .auto { f = try sniff(ByteSource(path: path)) }
        var lower = path.lowercased()
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        return File(path: path, format: f, size: size, isMarkdown: lower.hasSuffix(".md") || lower.hasSuffix(".markdown"))
    }

    /// JSON Lines if the data starts with `{`, a JSON array with `[`, otherwise text.
    private static func sniff(_ source: ByteSource) throws -> InputFormat {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = try buf.withUnsafeMutableBytes { try source.read(into: $0.baseAddress!, count: $0.count) }
        for b in buf[0..<n] where ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains(b) {
            if b == UInt8(ascii: "{") { return .jsonl }
            if b == UInt8(ascii: "[") { return .json }
            return .text
        }
        return .jsonl
    }

    /// Calls `body` with every document or rejected record, in input order.
    func forEach(_ body: (InputItem) throws -> Void) throws {
        for file in files {
            let source = try ByteSource(path: file.path)
            current = source
            let name = file.path == "-" ? "<stdin>" : file.path
            var format = file.format
            if format == .auto {
                // Standard input: peek without consuming by reading the first line first.
                format = .jsonl
                let lines = LineReader(source: source, maxLineBytes: maxDocumentBytes + 65536)
                var first: LineReader.Line? = nil
                while let l = try lines.next() {
                    if case let .bytes(b) = l, b.allSatisfy({ [0x20, 0x09, 0x0D].contains($0) }) { continue }
                    first = l; break
                }
                if case let .bytes(b)? = first, let c = b.first(where: { ![0x20, 0x09, 0xEF, 0xBB, 0xBF].contains($0) }), c != UInt8(ascii: "{") {
                    throw CLIError.badInput("standard input does not look like JSON Lines; give --format json or --format text")
                }
                if let first { try handleLine(first, number: lines.lineNumber, name: name, body) }
                try readLines(lines, name: name, body)
            } else {
                switch format {
                case .jsonl, .auto: try readLines(LineReader(source: source, maxLineBytes: maxDocumentBytes + 65536), name: name, body)
                case .json: try readArray(source, name: name, body)
                case .text: try readText(source, file: file, name: name, body)
                }
            }
            completedBytes += file.size ?? source.rawOffset
            current = nil
        }
    }

    private func readLines(_ lines: LineReader, name: String, _ body: (InputItem) throws -> Void) throws {
        while let line = try lines.next() {
            try handleLine(line, number: lines.lineNumber, name: name, body)
        }
    }

    private func handleLine(_ line: LineReader.Line, number: Int, name: String, _ body: (InputItem) throws -> Void) throws {
        let source = "\(name):\(number)"
        switch line {
        case let .tooLong(n):
            try body(.invalid(.invalidDocument(source: source, reason: "the line is \(n) bytes, over the document limit of \(maxDocumentBytes) bytes")))
        case let .bytes(b):
            if b.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return } // blank line
            do {
                try body(.document(try parser.document(from: b, source: source), source: source))
            } catch let e as LoupeError {
                try body(.invalid(e))
            }
        }
    }

    private func readArray(_ source: ByteSource, name: String, _ body: (InputItem) throws -> Void) throws {
        let reader = JSONArrayReader(source: source, maxElementBytes: maxDocumentBytes + 65536)
        while true {
            let element: JSONArrayReader.Element
            do {
                guard let e = try reader.next() else { return }
                element = e
            } catch let JSONArrayReader.Failure.tooLong(line, bytes) {
                try body(.invalid(.invalidDocument(source: "\(name):\(line)", reason: "the record is \(bytes) bytes, over the document limit of \(maxDocumentBytes) bytes")))
                continue
            } catch let JSONArrayReader.Failure.structure(line, reason) {
                // The rest of the file cannot be read reliably.
                try body(.invalid(.invalidDocument(source: "\(name):\(line)", reason: "malformed JSON array: \(reason)")))
                return
            }
            let src = "\(name):\(element.line)"
            do {
                let document = try parser.document(from: element.bytes, source: src,
                                                   sourceOfLine: { "\(name):\(element.line + $0 - 1)" })
                try body(.document(document, source: src))
            } catch let e as LoupeError {
                try body(.invalid(e))
            }
        }
    }

    /// A text or Markdown file is one document: id = its path, title = first non-empty line
    /// (without Markdown `#` marks), body = the rest.
    private func readText(_ source: ByteSource, file: File, name: String, _ body: (InputItem) throws -> Void) throws {
        guard let bytes = try source.readAll(limit: maxDocumentBytes) else {
            try body(.invalid(.invalidDocument(source: "\(name):1", reason: "the file is over the document limit of \(maxDocumentBytes) bytes")))
            return
        }
        if let offset = firstInvalidUTF8(bytes) {
            let line = bytes[0..<offset].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            try body(.invalid(.invalidDocument(source: "\(name):\(line)", reason: "invalid UTF-8 (byte \(offset + 1) of the file)")))
            return
        }
        // Other fields of the schema (keyword, number, date) are left without a value.
        let textFields = Set(parser.schema.fields.filter { $0.type == .text }.map(\.name))
        guard textFields.contains("title"), textFields.contains("body") else {
            throw CLIError.badInput("\(name): text files need the text fields title and body, which this index's schema does not have")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        var title = ""
        while let first = lines.first {
            lines = lines.dropFirst()
            var t = first.trimmingCharacters(in: .whitespacesAndNewlines)
            if file.isMarkdown { t = String(t.drop { $0 == "#" }).trimmingCharacters(in: .whitespaces) }
            if !t.isEmpty { title = t; break }
        }
        let rest = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        var id = file.path == "-" ? "stdin" : file.path
        while id.hasPrefix("./") { id.removeFirst(2) }
        var fields = ["title": title]
        if !rest.isEmpty { fields["body"] = rest }
        try body(.document(Document(id: id, fields: fields), source: "\(name):1"))
    }
}
