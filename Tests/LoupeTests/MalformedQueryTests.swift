import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// Malformed queries must come back from `Index.search` as `LoupeError.invalidQuery` (or
/// `.unknownField`): never a crash, never a silently empty or partial result.
final class MalformedQueryTests: XCTestCase {
    static var directory: TempDir?
    static var index: Index!

    override class func setUp() {
        super.setUp()
        directory = TempDir("loupe-malformed")
        do {
            index = try TestIndex.build(at: directory!.path, documents: [
                Document(id: "a", fields: ["title": "war legacy", "body": "the war legacy of Hà Nội"], date: ISODate.parse("2024-05-01")),
                Document(id: "b", fields: ["title": "market report", "body": "markets and trade"], date: nil),
            ])
        } catch {
            XCTFail("setup failed: \(error)")
        }
    }

    override class func tearDown() {
        index = nil
        directory = nil
        super.tearDown()
    }

    enum Outcome: Equatable { case invalidQuery(position: Int), unknownField, otherError(String), results(Int) }

    func outcome(_ request: SearchRequest) -> Outcome {
        do {
            let r = try Self.index.search(request)
            return .results(r.total)
        } catch let LoupeError.invalidQuery(_, position) {
            return .invalidQuery(position: position)
        } catch LoupeError.unknownField {
            return .unknownField
        } catch {
            return .otherError("\(error)")
        }
    }

    func assertRejected(_ q: String, defaultOperator: DefaultOperator = .and, file: StaticString = #filePath, line: UInt = #line) {
        var r = SearchRequest(query: q)
        r.defaultOperator = defaultOperator
        switch outcome(r) {
        case let .invalidQuery(position):
            XCTAssertTrue((0...q.count).contains(position), "\(q.debugDescription): error position \(position) outside the query", file: file, line: line)
        case .unknownField:
            break
        case let .otherError(e):
            XCTFail("\(q.debugDescription): wrong error \(e)", file: file, line: line)
        case let .results(n):
            XCTFail("\(q.debugDescription): accepted (\(n) results) instead of being rejected", file: file, line: line)
        }
    }

    static let malformed = [
        // quotes
        "\"war legacy", "war \"legacy", "\"", "title:\"war", "\"war\" \"legacy", "\"   \"", "\"war legacy\"~", "\"war legacy\"~x",
        "\"war legacy\"~2x",
        // parentheses
        "(war legacy", "war legacy)", "((war)", "(war))", ")", "(", "()", "war ()", "(war OR)", "( )",
        String(repeating: "(", count: 300) + "war" + String(repeating: ")", count: 300),
        // operators with nothing to apply to
        "-", "+", "war -", "war +", "NOT", "war NOT", "OR", "war OR", "OR war", "AND", "war AND", "AND war", "war OR OR legacy",
        "war AND OR legacy", "-(", "NOT ()",
        // fields
        // (a `name:` that is no searchable field is text: see testWordColonIsText)
        "title:", "title: war", "war title:", "title:)", "title:body:war",
        "title:(body:war)", "title:[a TO b]", ":war", "[a TO b]", "]", "war]",
        // prefixes
        "*", "wa*r", "*war", "title:*",
        // dates
        "date:", "date:2024-13-01", "date:2024-02-30", "date:yesterday", "date:[2024-01-01 TO nope]", "date:[nope TO 2024-01-01]",
        "date:[2024-01-01 2024-02-01]", "date:[2024-02-01 TO 2024-01-01]", "date:[TO 2024-01-01]", "date:[2024-01-01 TO]",
        "date:[]", "date:[2024-01-01 TO 2024-02-01", "date:[2024-01-01 TO 2024-02-01 TO 2024-03-01]", "date:(war)",
        "date:2024-01-01T25:00", "date:\"not a date\"",
        // escapes
        "war \\",
    ]

    func testMalformedQueriesAreRejected() {
        for q in Self.malformed {
            assertRejected(q)
            assertRejected(q, defaultOperator: .or)
        }
    }

    /// A bad query never yields results, even when combined with a good one around it.
    func testMalformedPartsSpoilTheWholeQuery() {
        for q in ["war (legacy", "war \"legacy", "war title:", "war date:2024-99-01", "war legacy -"] {
            assertRejected(q)
            assertRejected("(market OR \(q))")
        }
    }

    /// A word followed by ':' that names no searchable field is text, not an error.
    func testWordColonIsText() throws {
        for (q, same) in [("nope:war", "nope war"), ("war:", "war"), ("url:war", "url war"), ("nope:\"war legacy\"", "nope \"war legacy\"")] {
            let a = try Self.index.search(SearchRequest(query: q, limit: 10))
            let b = try Self.index.search(SearchRequest(query: same, limit: 10))
            XCTAssertEqual(a.hits.map(\.id), b.hits.map(\.id), q)
            XCTAssertEqual(a.total, b.total, q)
        }
    }

    func testUnknownFieldInRequestFields() {
        var r = SearchRequest(query: "war")
        r.fields = ["nope"]
        XCTAssertEqual(outcome(r), .unknownField)
        r.fields = ["url"]  // stored but not indexed
        XCTAssertEqual(outcome(r), .unknownField)
    }

    func testUnknownFieldInQueryNode() {
        XCTAssertEqual(outcome(SearchRequest(.term("war", field: "nope"))), .unknownField)
        XCTAssertEqual(outcome(SearchRequest(.phrase("war legacy", field: "nope", slop: 0))), .unknownField)
        XCTAssertEqual(outcome(SearchRequest(.prefix("wa", field: "nope"))), .unknownField)
    }

    /// Near-misses that are valid must still work (the rejection above is not overreach).
    func testValidNeighboursAreAccepted() {
        let valid: [(String, Int)] = [
            ("\"war legacy\"", 1), ("\"war legacy\"~2", 1), ("(war legacy)", 1), ("war -market", 1), ("-war", 1),
            ("title:war", 1), ("title:\"war legacy\"", 1), ("title:(war OR market)", 2), ("wa*", 1), ("date:2024-05-01", 1),
            ("date:[2024-01-01 TO *]", 1), ("date:[* TO *]", 1), ("date:2024-05-01T00:00:00Z", 1), ("war\\-legacy", 1),
            ("\\(war\\)", 1), ("", 2), ("Hà Nội", 1), ("\"ha noi\"", 1),
        ]
        for (q, n) in valid {
            XCTAssertEqual(outcome(SearchRequest(query: q)), .results(n), q)
        }
    }
}
