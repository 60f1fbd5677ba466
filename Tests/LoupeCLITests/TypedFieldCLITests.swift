import Foundation
import XCTest

/// Schema files with keyword, number and date fields; `loupe get` writes typed values in the
/// shape `loupe add` reads back.
final class TypedFieldCLITests: CLITestCase {
    func testDemoSchemaIndexesTheSamplesWithoutIgnoringKeys() throws {
        let created = try expect(0, ["init", "--schema", sampleSchema]).stdout
        XCTAssertTrue(created.contains("topic (keyword)") && created.contains("places (keyword, multi-valued)"), created)
        let added = try expect(0, ["add", sampleJSONL, seedsDir])
        XCTAssertTrue(added.stdout.contains("72 documents"), added.stdout + added.stderr)

        let doc = try json(expect(0, ["get", "reuters-10"]).stdout)
        XCTAssertEqual(doc["topic"] as? String, "acq")
        XCTAssertEqual(doc["places"] as? [String], ["usa"])
        // A text file fills title and body only.
        let seed = try json(expect(0, ["get", seedsDir + "/000_fd2d3813decb2b3a.txt"]).stdout)
        XCTAssertEqual(Set(seed.keys), ["id", "date", "title", "body"])

        let stats = try expect(0, ["stats"]).stdout
        XCTAssertTrue(stats.contains("topic (keyword)") && stats.contains("title (text, indexed, stored, boost 2)"), stats)
    }

    func testGetWritesTypedValuesThatAddReadsBack() throws {
        let schema = try write("schema.json", """
            {"fields": [{"name": "title", "boost": 2}, {"name": "body"},
                        {"name": "source", "type": "keyword", "normalize": "lowercase"},
                        {"name": "tags", "type": "KEYWORD", "multi_valued": true},
                        {"name": "words", "type": "number"}, {"name": "scores", "type": "number", "multiValued": true},
                        {"name": "updated", "type": "date"}],
             "language": "none"}
            """)
        try expect(0, ["init", "--schema", schema])
        let input = #"{"id": "a", "updated": "2025-06-01T12:00:00Z", "words": 412, "scores": [2.5, -1, 1e20], "tags": ["b", "a"], "title": "T", "source": "afp", "date": "2025-06-01"}"#
        try expect(0, ["add", try write("a.jsonl", input + "\n")])
        let first = try expect(0, ["get", "--compact", "a"]).stdout
        XCTAssertEqual(first, #"{"id":"a","date":"2025-06-01","title":"T","source":"afp","tags":["a","b"],"words":412,"scores":[-1,2.5,1e+20],"updated":"2025-06-01T12:00:00Z"}"# + "\n")

        // The pretty output, added again as a .json file, gives the same document.
        let pretty = try expect(0, ["get", "a"]).stdout
        try expect(0, ["add", try write("again.json", pretty)])
        XCTAssertEqual(try expect(0, ["get", "--compact", "a"]).stdout, first)
        XCTAssertEqual(try documentCount(), 1)
    }

    func testSchemaFileErrorsNameTheFileAndField() throws {
        let cases: [(String, String)] = [
            (#"{"fields": [{"name": "t"}, {"name": "n", "type": "integer"}]}"#, #"field 'n' (.fields[1]) has an unknown type "integer""#),
            (#"{"fields": [{"name": "t"}, {"name": "k", "type": "keyword", "multivalued": true}]}"#, #"unknown key "multivalued""#),
            (#"{"fields": [{"name": "t"}, {"name": "k", "type": "keyword", "normalize": "upper"}]}"#, #"unknown "normalize" value "upper""#),
            (#"{"fields": [{"name": "t", "multiValued": true}]}"#, "field 't' (.fields[0]) is a text field and cannot be multi-valued"),
        ]
        for (text, message) in cases {
            let file = try write("bad-schema.json", text)
            let r = try expect(2, ["init", "--force", "--schema", file])
            XCTAssertTrue(r.stderr.contains("bad-schema.json") && r.stderr.contains(message), r.stderr)
        }
    }

    func testInitHelpDocumentsTheTypes() throws {
        let help = try expect(0, ["init", "--help"]).stdout
        for word in ["keyword", "number", "date", "multiValued", "normalize"] { XCTAssertTrue(help.contains(word), word) }
        let overview = try expect(0, ["--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(overview.contains("(text, keyword, number, date fields)"), overview)
    }
}
