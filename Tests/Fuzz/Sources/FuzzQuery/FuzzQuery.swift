// fuzz-query: arbitrary bytes as query text (decoded as UTF-8, invalid sequences replaced)
// against a small index: parsed (with AND and OR as the default operator), searched for 10
// hits by relevance and by date, counted, and completed. Bad queries must throw
// `invalidQuery`/`unknownField`; a trap, fatal signal or hang is a bug. The query bounds
// (64 KiB, 1,024 clauses, the expansion budget) keep every input's work small, so a slow
// input (libFuzzer's -timeout) is a bug too.
import Foundation
import Loupe
import FuzzSupport

nonisolated(unsafe) var index: Index! = nil

/// Sets up what the target reads.
func setUp() {
    let dir = FuzzIndex.scratchDirectory("fuzz-query")
    do {
        try FuzzIndex.build(at: dir)
        index = try Index.open(at: dir)
        try index.setSynonyms(Synonyms(rules: [SynonymRule(inputs: ["vietnam", "việt nam"]), SynonymRule(inputs: ["oil"], outputs: ["crude oil"])]))
    } catch { fatalError("fuzz-query: cannot build the index: \(error)") }
}

func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    let searcher = index.searcher
    for op in [DefaultOperator.and, .or] {
        if let q = try? searcher.parse(text, defaultOperator: op) { _ = try? searcher.count(q) }
    }
    var r = SearchRequest(query: text, limit: 10)
    _ = try? index.search(r)
    r.sort = .newest
    r.facets = [.terms("source")]
    _ = try? index.search(r)
    _ = try? index.reader.completions(for: text, limit: 5)
    return 0
}

@main
struct FuzzQuery {
    static func main() {
        setUp()
        runFuzzer { data, size in testOneInput(data, size) }
    }
}
