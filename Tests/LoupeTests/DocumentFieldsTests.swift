import XCTest
@_spi(Benchmarks) @testable import Loupe

/// The JSON-object rules shared by the CLI and the HTTP service.
final class DocumentFieldsTests: XCTestCase {
    let schema = Schema.news()

    func testBuildsADocument() throws {
        let d = try schema.document(members: [("id", .integer(7)), ("title", .string("T")), ("body", .null), ("date", .string("2025-06-01"))], source: "x")
        XCTAssertEqual(d, Document(id: "7", fields: ["title": "T"], date: ISODate.parse("2025-06-01")))
    }

    func testErrorsNameTheSourceAndTheProblem() {
        func reason(_ members: [(String, DocumentValue)], ignoreUnknown: Bool = false) -> String {
            do { _ = try schema.document(members: members, source: "f.jsonl:3", ignoreUnknown: ignoreUnknown); return "" }
            catch { return "\(error)" }
        }
        XCTAssertTrue(reason([("title", .string("t"))]).hasPrefix("f.jsonl:3: the document has no \"id\""))
        XCTAssertTrue(reason([("id", .string(""))]).contains("\"id\" is empty"))
        XCTAssertTrue(reason([("id", .bool(true))]).contains("\"id\" must be a string"))
        XCTAssertTrue(reason([("id", .string("a")), ("date", .string("2025-02-30"))]).contains("bad date '2025-02-30'"))
        XCTAssertTrue(reason([("id", .string("a")), ("body", .other)]).contains("field \"body\" must be a string"))
        XCTAssertTrue(reason([("id", .string("a")), ("topic", .string("acq"))]).contains("unknown field \"topic\""))
        XCTAssertEqual(reason([("id", .string("a")), ("topic", .string("acq"))], ignoreUnknown: true), "")
    }
}
