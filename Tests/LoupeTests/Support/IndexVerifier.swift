import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe

/// What the index should contain: live documents by id. Ids are compared as UTF-8 bytes.
typealias Model = [String: Document]

/// Per live document id: per indexed field number: term bytes -> positions.
typealias PostingsMap = [String: [Int: [[UInt8]: [UInt32]]]]

enum IndexVerifier {
    /// The postings every document of `model` should have, computed directly with the analyzer.
    static func expectedPostings(_ model: Model, schema: Schema) throws -> (PostingsMap, [String: [UInt32]]) {
        let analyzer = try Analyzer(schema: schema)
        var out: PostingsMap = [:]
        var lengths: [String: [UInt32]] = [:]
        for (id, doc) in model {
            var fields: [Int: [[UInt8]: [UInt32]]] = [:]
            var lens: [UInt32] = []
            for (f, def) in schema.indexedFields.enumerated() {
                var map: [[UInt8]: [UInt32]] = [:]
                let n = analyzer.forEachTerm(in: doc.fields[def.name] ?? "") { term, pos in
                    map[Array(term), default: []].append(UInt32(pos))
                }
                lens.append(UInt32(n))
                if !map.isEmpty { fields[f] = map }
            }
            out[id] = fields
            lengths[id] = lens
        }
        return (out, lengths)
    }

    /// What `reader` holds: live documents by id (stored form), postings and field lengths.
    static func actual(_ reader: IndexReader, file: StaticString = #filePath, line: UInt = #line) throws
        -> (docs: [String: StoredDocument], postings: PostingsMap, lengths: [String: [UInt32]]) {
        var docs: [String: StoredDocument] = [:]
        var postings: PostingsMap = [:]
        var lengths: [String: [UInt32]] = [:]
        let nFields = reader.schema.indexedFields.count
        for seg in reader.segments {
            var idOf = [String?](repeating: nil, count: seg.docCount)
            for d in 0..<seg.docCount where !seg.isDeleted(d) {
                let stored = try seg.storedDocument(d)
                XCTAssertNil(docs[stored.id], "id \(stored.id) is live twice", file: file, line: line)
                docs[stored.id] = stored
                idOf[d] = stored.id
                postings[stored.id] = [:]
                lengths[stored.id] = (0..<nFields).map { seg.norms[$0][d] }
                XCTAssertEqual(seg.dates[d], stored.date ?? DatesFile.missing, "date column of \(stored.id)", file: file, line: line)
                // The id field finds the document.
                XCTAssertTrue(seg.docs(withId: stored.id).contains(d), "id field misses \(stored.id)", file: file, line: line)
            }
            for f in 0..<nFields {
                seg.terms.forEachTerm(field: f) { term, info in
                    let key = Array(term)
                    let c = seg.cursor(info)
                    var n = 0
                    while c.next() != PostingsCursor.noMore {
                        n += 1
                        let d = Int(c.doc)
                        guard let id = idOf[d] else { continue }
                        let pos = Array(c.positions())
                        XCTAssertEqual(Int(c.freq), pos.count, "tf vs positions", file: file, line: line)
                        XCTAssertNil(postings[id]![f]?[key], "term listed twice for a doc", file: file, line: line)
                        postings[id]![f, default: [:]][key] = pos
                    }
                    XCTAssertEqual(n, Int(info.docFreq), "docFreq of a term", file: file, line: line)
                }
            }
        }
        return (docs, postings, lengths)
    }

    /// Asserts that the index in `directory` holds exactly `model`, term by term.
    /// `statistics` also checks mean field lengths and every term's live document frequency.
    static func assertIndexMatches(_ directory: String, _ model: Model, schema: Schema = .news(), statistics: Bool = true,
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        let reader = try IndexReader.open(directory: directory, verify: true)
        try assertReaderMatches(reader, model, statistics: statistics, file: file, line: line)
        let report = try IndexChecker.check(directory: directory)
        XCTAssertEqual(report.documents, model.count, "checker's live count", file: file, line: line)
    }

    static func assertReaderMatches(_ reader: IndexReader, _ model: Model, statistics: Bool = true,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let schema = reader.schema
        let (docs, postings, lengths) = try actual(reader, file: file, line: line)
        XCTAssertEqual(reader.liveDocCount, model.count, "live document count", file: file, line: line)
        XCTAssertEqual(Set(docs.keys), Set(model.keys), "live ids", file: file, line: line)
        let storedNames = Set(schema.storedFields.map(\.name))
        var storedMismatches = 0
        for (id, doc) in model {
            guard let s = docs[id] else { continue }
            let expected = doc.fields.filter { storedNames.contains($0.key) }
            if s.fields != expected || s.date != doc.date || s.id != id {
                storedMismatches += 1
                if storedMismatches <= 3 { XCTFail("stored document \(id): got \(s), expected \(expected) date \(String(describing: doc.date))", file: file, line: line) }
            }
        }
        XCTAssertEqual(storedMismatches, 0, "stored documents that differ", file: file, line: line)
        let (expected, expectedLengths) = try expectedPostings(model, schema: schema)
        var mismatches = 0
        for id in expected.keys.sorted() where docs[id] != nil {
            let e = expected[id]!, a = postings[id] ?? [:]
            if e != a {
                mismatches += 1
                if mismatches <= 3 { XCTFail("postings of \(id) differ:\n\(describe(e, a))", file: file, line: line) }
            }
            if lengths[id] != expectedLengths[id] {
                mismatches += 1
                if mismatches <= 3 { XCTFail("field lengths of \(id): got \(lengths[id] ?? []), expected \(expectedLengths[id]!)", file: file, line: line) }
            }
        }
        XCTAssertEqual(mismatches, 0, "documents whose postings or lengths differ", file: file, line: line)

        // Collection statistics over live documents: mean field lengths and document frequencies.
        for f in 0..<schema.indexedFields.count where statistics {
            let sum = expectedLengths.values.reduce(0.0) { $0 + Double($1[f]) }
            let mean = model.isEmpty ? 0 : sum / Double(model.count)
            XCTAssertEqual(reader.averageLengths[f], mean, accuracy: 1e-9, "average length of field \(f)", file: file, line: line)
            var df: [[UInt8]: Int] = [:]
            for fields in expected.values { for t in (fields[f] ?? [:]).keys { df[t, default: 0] += 1 } }
            var dfMismatches = 0
            for (t, n) in df {
                let got = t.withUnsafeBytes { reader.docFreq(field: f, term: $0) }
                if got != n {
                    dfMismatches += 1
                    if dfMismatches <= 3 { XCTFail("docFreq of '\(String(decoding: t, as: UTF8.self))' in field \(f): \(got), expected \(n)", file: file, line: line) }
                }
            }
            XCTAssertEqual(dfMismatches, 0, "terms of field \(f) with a wrong live docFreq", file: file, line: line)
        }
    }

    static func describe(_ e: [Int: [[UInt8]: [UInt32]]], _ a: [Int: [[UInt8]: [UInt32]]]) -> String {
        var lines: [String] = []
        for f in Set(e.keys).union(a.keys).sorted() {
            let ef = e[f] ?? [:], af = a[f] ?? [:]
            for t in Set(ef.keys).union(af.keys) where ef[t] != af[t] {
                lines.append("  field \(f) term '\(String(decoding: t, as: UTF8.self))': expected \(ef[t] ?? []) got \(af[t] ?? [])")
            }
        }
        return lines.prefix(10).joined(separator: "\n")
    }
}
