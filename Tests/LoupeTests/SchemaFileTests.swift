import Foundation
import XCTest
@testable import Loupe

/// `SchemaFile` reads `loupe init --schema` files and names the file and the problem.
final class SchemaFileTests: XCTestCase {
    private func decode(_ text: String) throws(SchemaFileError) -> Schema {
        try SchemaFile.decode(Data(text.utf8), path: "my-schema.json")
    }

    private func problem(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> SchemaFileError? {
        do {
            _ = try decode(text)
            XCTFail("accepted \(text)", file: file, line: line)
            return nil
        } catch {
            XCTAssertEqual(error.path, "my-schema.json", file: file, line: line)
            XCTAssertTrue(error.description.contains("my-schema.json"), error.description, file: file, line: line)
            return error
        }
    }

    func testDefaults() throws {
        let s = try decode(#"{"fields": [{"name": "headline", "boost": 3}, {"name": "source", "indexed": false}]}"#)
        XCTAssertEqual(s.fields, [FieldDefinition(name: "headline", indexed: true, stored: true, boost: 3),
                                  FieldDefinition(name: "source", indexed: false, stored: true, boost: 1)])
        XCTAssertEqual(s.language, "english")
        XCTAssertNil(s.defaultFields)
        XCTAssertNil(try decode(#"{"fields": [{"name": "a"}], "language": "None"}"#).language)
        XCTAssertNil(try decode(#"{"fields": [{"name": "a"}], "language": null}"#).language)
        XCTAssertEqual(try decode(#"{"fields": [{"name": "a"}, {"name": "b"}], "default_fields": ["b"]}"#).defaultFields, ["b"])
    }

    func testTypedFields() throws {
        let s = try decode("""
            {"fields": [{"name": "title", "type": "text", "boost": 2},
                        {"name": "source", "type": "keyword", "normalize": "lowercase", "indexed": true, "stored": true, "boost": 1},
                        {"name": "tags", "type": "Keyword", "multiValued": true},
                        {"name": "places", "type": "keyword", "multi_valued": true},
                        {"name": "words", "type": "number"}, {"name": "pages", "type": "number", "multiValued": true},
                        {"name": "updated", "type": "date"}]}
            """)
        XCTAssertEqual(s.fields, [
            FieldDefinition(name: "title", indexed: true, stored: true, boost: 2),
            .keyword("source", normalize: .lowercase), .keyword("tags", multiValued: true), .keyword("places", multiValued: true),
            .number("words"), .number("pages", multiValued: true), .date("updated"),
        ])
        XCTAssertEqual(s.indexedFields.map(\.name), ["title"])
        XCTAssertEqual(s.columnFields.map(\.name), ["source", "tags", "places", "words", "pages", "updated"])
    }

    func testTypedFieldErrorsNameTheField() {
        func invalid(_ fields: String, file: StaticString = #filePath, line: UInt = #line) -> String {
            guard case let .invalid(reason)? = problem(#"{"fields": [{"name": "t"}, "# + fields + "]}", file: file, line: line)?.problem else {
                XCTFail("not an invalid schema: \(fields)", file: file, line: line)
                return ""
            }
            return reason
        }
        XCTAssertEqual(invalid(#"{"name": "n", "type": "integer"}"#),
                       #"field 'n' (.fields[1]) has an unknown type "integer" (the types are text, keyword, number and date)"#)
        XCTAssertEqual(invalid(#"{"name": "k", "type": "keyword", "normalize": "upper"}"#),
                       #"field 'k' (.fields[1]) has an unknown "normalize" value "upper" (the only one is lowercase)"#)
        XCTAssertTrue(invalid(#"{"name": "n", "type": "number", "normalize": "lowercase"}"#).contains("only keyword fields are normalized"))
        XCTAssertTrue(invalid(#"{"name": "k", "type": "keyword", "multivalued": true}"#).contains(#"unknown key "multivalued""#))
        XCTAssertTrue(invalid(#"{"name": "b", "multiValued": true}"#).contains("field 'b' (.fields[1]) is a text field and cannot be multi-valued"))
        XCTAssertTrue(invalid(#"{"name": "k", "type": "keyword", "stored": false}"#).contains(#""indexed" and "stored" apply to text fields"#))
        XCTAssertTrue(invalid(#"{"name": "d", "type": "date", "boost": 2}"#).contains(#""boost" applies to text fields"#))
        XCTAssertEqual(problem(#"{"fields": [{"name": "k", "type": "keyword"}]}"#)?.problem, .invalid("no text field is indexed"))
        XCTAssertEqual(problem(#"{"fields": [{"name": "t"}, {"name": "k", "type": 3}]}"#)?.problem, .malformed(".fields[1].type should be a string"))
    }

    func testNearDuplicates() throws {
        let fields = #"[{"name": "title"}, {"name": "body"}]"#
        XCTAssertNil(try decode(#"{"fields": \#(fields)}"#).nearDuplicates)
        XCTAssertNil(try decode(#"{"fields": \#(fields), "nearDuplicates": false}"#).nearDuplicates)
        XCTAssertEqual(try decode(#"{"fields": \#(fields), "nearDuplicates": true}"#).nearDuplicates, NearDuplicateSettings())
        XCTAssertEqual(try decode(#"{"fields": \#(fields), "near_duplicates": "title"}"#).nearDuplicates,
                       NearDuplicateSettings(field: "title"))
        XCTAssertEqual(try decode(#"{"fields": \#(fields), "nearDuplicates": {"threshold": 0.9}}"#).nearDuplicates,
                       NearDuplicateSettings(field: "body", threshold: 0.9))
        XCTAssertTrue(problem(#"{"fields": \#(fields), "nearDuplicates": "url"}"#)?.description.contains("near-duplicate field 'url'") ?? false)
        XCTAssertTrue(problem(#"{"fields": \#(fields), "nearDuplicates": {"threshold": 1.5}}"#)?.description.contains("threshold") ?? false)
    }

    func testAMissingFileIsUnreadable() {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-schema-\(UUID().uuidString).json").path
        XCTAssertThrowsError(try SchemaFile.load(path: path)) { error in
            let e = error as? SchemaFileError
            XCTAssertEqual(e, SchemaFileError(path: path, problem: .unreadable))
            XCTAssertEqual(e?.description, "cannot read the schema file \(path)")
        }
    }

    func testMalformedFilesSayWhere() {
        XCTAssertEqual(problem(#"{"fields": [{"name": "a"}"#)?.problem.isMalformed(containing: "malformed JSON"), true)
        XCTAssertEqual(problem(#"{"language": "english"}"#)?.problem, .malformed(#"missing "fields""#))
        XCTAssertEqual(problem(#"{"fields": [{"boost": 2}]}"#)?.problem, .malformed(#"missing "name" in .fields[0]"#))
        XCTAssertEqual(problem(#"{"fields": [{"name": "a", "boost": "high"}]}"#)?.problem, .malformed(".fields[0].boost should be a number"))
        XCTAssertEqual(problem(#"{"fields": {"name": "a"}}"#)?.problem, .malformed(".fields should be an array"))
        XCTAssertEqual(problem(#"["a"]"#)?.problem, .malformed("expected a JSON object"))
    }

    func testSchemasBreakingARuleAreInvalid() {
        XCTAssertEqual(problem(#"{"fields": [{"name": "id"}]}"#)?.problem, .invalid("'id' is reserved"))
        XCTAssertEqual(problem(#"{"fields": []}"#)?.problem, .invalid("a schema needs at least one field"))
        XCTAssertEqual(problem(#"{"fields": [{"name": "a"}, {"name": "a"}]}"#)?.problem, .invalid("field 'a' is defined twice"))
        XCTAssertEqual(problem(#"{"fields": [{"name": "a"}], "defaultFields": ["b"]}"#)?.problem,
                       .invalid("default field 'b' is not an indexed text field"))
        XCTAssertEqual(problem(#"{"fields": [{"name": "a"}, {"name": "a"}]}"#)?.description,
                       "my-schema.json describes an invalid schema: field 'a' is defined twice")
    }
}

private extension SchemaFileError.Problem {
    func isMalformed(containing text: String) -> Bool {
        if case let .malformed(reason) = self { return reason.contains(text) }
        return false
    }
}
