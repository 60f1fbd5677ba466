import Foundation
import Loupe

/// `loupe search --batch`: one query per input line, one JSON line per query, written and
/// flushed at once. The index is opened once; each line reuses the same request settings.
struct BatchSearch {
    let index: Index
    let template: SearchRequest

    func run() throws {
        let lines = LineReader(source: ByteSource(interactiveStandardInput: ()), maxLineBytes: 1 << 20)
        while let line = try lines.next() {
            let out: JSONValue
            switch line {
            case .tooLong(let n):
                out = .object([("query", .string("")), ("error", .string("the query line is \(n) bytes long, over the limit of 1 MB"))])
            case .bytes(let bytes):
                let text = String(decoding: bytes, as: UTF8.self)
                if firstInvalidUTF8(bytes) != nil {
                    out = .object([("query", .string(text)), ("error", .string("the query is not valid UTF-8"))])
                } else {
                    out = respond(to: text)
                }
            }
            Terminal.write(out.rendered() + "\n", to: 1)
        }
    }

    func respond(to text: String) -> JSONValue {
        var r = template
        r.query = text
        do {
            let results = try index.search(r)
            return .object([
                ("query", .string(text)),
                ("total", .int(results.total)),
                ("took_us", .int(results.tookMicroseconds)),
                ("hits", .array(results.hits.map { .object([("id", .string($0.id)), ("score", .double($0.score))]) })),
            ])
        } catch {
            return .object([("query", .string(text)), ("error", .string(describe(error).message))])
        }
    }
}
