import XCTest
import LoupeTestSupport
@_spi(Benchmarks) @testable import Loupe

final class ISODateTests: XCTestCase {
    func testDateOnly() {
        XCTAssertEqual(ISODate.parse("1970-01-01"), 0)
        XCTAssertEqual(ISODate.parse("1970-01-02"), 86_400)
        XCTAssertEqual(ISODate.parse("2025-01-01"), 1_735_689_600)
        XCTAssertEqual(ISODate.parse("2000-03-01"), 951_868_800)
        XCTAssertEqual(ISODate.parse("1969-12-31"), -86_400)
        XCTAssertEqual(ISODate.parse(" 2025-01-01 "), 1_735_689_600, "surrounding spaces are ignored")
    }

    func testDateTimeForms() {
        let base: Int64 = 1_735_689_600  // 2025-01-01T00:00:00Z
        XCTAssertEqual(ISODate.parse("2025-01-01T10:30"), base + 37_800)
        XCTAssertEqual(ISODate.parse("2025-01-01T10:30:15"), base + 37_815)
        XCTAssertEqual(ISODate.parse("2025-01-01T10:30:15Z"), base + 37_815)
        XCTAssertEqual(ISODate.parse("2025-01-01t10:30:15z"), base + 37_815)
        XCTAssertEqual(ISODate.parse("2025-01-01 10:30:15"), base + 37_815)
        XCTAssertEqual(ISODate.parse("2025-01-01T10:30:15.123Z"), base + 37_815)
        XCTAssertEqual(ISODate.parse("2025-01-01T10:30:15,5"), base + 37_815)
        XCTAssertEqual(ISODate.parse("2025-01-01T10:30:15+02:00"), base + 37_815 - 7200)
        XCTAssertEqual(ISODate.parse("2025-01-01T10:30:15-05:30"), base + 37_815 + 19_800)
        XCTAssertEqual(ISODate.parse("2025-01-01T10:30+0200"), base + 37_800 - 7200)
        XCTAssertEqual(ISODate.parse("2025-01-01T10:30+02"), base + 37_800 - 7200)
        XCTAssertEqual(ISODate.parse("2025-01-01T00:30:00+01:00"), base - 1800, "an offset can cross midnight")
    }

    func testLeapYears() {
        XCTAssertNotNil(ISODate.parse("2024-02-29"))
        XCTAssertNotNil(ISODate.parse("2000-02-29"))
        XCTAssertNil(ISODate.parse("2025-02-29"))
        XCTAssertNil(ISODate.parse("1900-02-29"))
        XCTAssertEqual(ISODate.parse("2024-03-01")! - ISODate.parse("2024-02-28")!, 2 * 86_400)
    }

    func testRejectsInvalid() {
        for bad in ["", "2025", "2025-1-01", "2025-01-1", "25-01-01", "2025/01/01", "2025-13-01", "2025-00-10",
                    "2025-01-00", "2025-04-31", "2025-01-32", "2025-01-01T", "2025-01-01T24:00",
                    "2025-01-01T10:60", "2025-01-01T10:00:60", "2025-01-01T10", "2025-01-01T10:00:00.",
                    "2025-01-01T10:00:00+", "2025-01-01T10:00:00+24:00", "2025-01-01T10:00:00+01:60",
                    "2025-01-01T10:00:00ZZ", "2025-01-01Z", "2025-01-01x", "2025-01-01T10:00:00 Z",
                    "abcd-ef-gh", "２０２５-01-01", "2025-01-01T10:00:00+01:0"] {
            XCTAssertNil(ISODate.parse(bad), "'\(bad)' should be rejected")
        }
    }

    func testRangeEnd() {
        XCTAssertEqual(ISODate.parseRangeEnd("2025-06-30"), ISODate.parse("2025-06-30T23:59:59Z"))
        XCTAssertEqual(ISODate.parseRangeEnd("2025-06-30T12:00"), ISODate.parse("2025-06-30T12:00"))
        XCTAssertNil(ISODate.parseRangeEnd("2025-06-31"))
    }

    func testFormat() {
        XCTAssertEqual(ISODate.format(0), "1970-01-01")
        XCTAssertEqual(ISODate.format(1_735_689_600), "2025-01-01")
        XCTAssertEqual(ISODate.format(1_735_689_600 + 37_815), "2025-01-01T10:30:15Z")
        XCTAssertEqual(ISODate.format(-1), "1969-12-31T23:59:59Z")
        XCTAssertEqual(ISODate.format(-86_400), "1969-12-31")
        XCTAssertEqual(ISODate.format(ISODate.parse("2024-02-29")!), "2024-02-29")
    }

    func testRoundTripEveryDayOfSeveralYears() {
        // Every day from 1899 to 2101 (leap, non-leap and century years) formats and parses back.
        var seconds = ISODate.parse("1899-01-01")!
        let end = ISODate.parse("2101-12-31")!
        var previous: Int64?
        while seconds <= end {
            let text = ISODate.format(seconds)
            XCTAssertEqual(ISODate.parse(text), seconds, text)
            if let previous { XCTAssertEqual(seconds - previous, 86_400) }
            previous = seconds
            seconds += 86_400
        }
        let instant: Int64 = 1_700_000_123
        XCTAssertEqual(ISODate.parse(ISODate.format(instant)), instant)
    }

    /// Issue 19: formatting is total. Every Int64 formats without trapping (Int64.min used to
    /// overflow), and values inside the range round-trip.
    func testFormatIsTotalOverEveryInt64() {
        for v: Int64 in [Int64.min, Int64.min + 1, -1, 0, Int64.max, Int64.max - 86_399, ISODate.minSeconds - 1, ISODate.maxSeconds + 1] {
            XCTAssertFalse(ISODate.format(v).isEmpty, "\(v)")
        }
        XCTAssertEqual(ISODate.format(ISODate.minSeconds), "0001-01-01")
        XCTAssertEqual(ISODate.format(ISODate.maxSeconds), "9999-12-31T23:59:59Z")
        XCTAssertEqual(ISODate.parse("0001-01-01"), ISODate.minSeconds)
        XCTAssertEqual(ISODate.parse("9999-12-31T23:59:59Z"), ISODate.maxSeconds)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<10_000 {
            let v = Int64.random(in: Int64.min...Int64.max, using: &rng)
            _ = ISODate.format(v)
            let inRange = Int64.random(in: ISODate.range, using: &rng)
            XCTAssertEqual(ISODate.parse(ISODate.format(inRange)), inRange)
        }
        XCTAssertNil(ISODate.rangeViolation(0))
        XCTAssertNotNil(ISODate.rangeViolation(Int64.min))
        XCTAssertNotNil(ISODate.rangeViolation(ISODate.maxSeconds + 1))
        XCTAssertEqual(DateRangeQuery(from: Int64.min, to: Int64.max).description.isEmpty, false)
    }

    /// Documents whose dates are outside the range are refused by every input path, with an
    /// error naming the source and the field.
    func testDocumentsWithDatesOutsideTheRangeAreRejected() throws {
        let schema = Schema.news()
        for value: DocumentValue in [.integer(Int64.min), .integer(Int64.max), .integer(ISODate.maxSeconds + 1), .number(-1e14), .number(1e300), .string("0000-01-01")] {
            XCTAssertThrowsError(try schema.document(members: [("id", .string("p")), ("date", value)], source: "in.jsonl:3")) { e in
                guard case let LoupeError.invalidDocument(source, reason) = e else { return XCTFail("\(e)") }
                XCTAssertEqual(source, "in.jsonl:3")
                XCTAssertTrue(reason.contains("date"), reason)
            }
        }
        XCTAssertEqual(try schema.document(members: [("id", .string("p")), ("date", .integer(ISODate.minSeconds))], source: "").date, ISODate.minSeconds)
        let tmp = TempDir("loupe-dates")
        let index = try Index.create(at: tmp.sub("i"))
        let writer = try index.writer()
        defer { writer.close() }
        XCTAssertThrowsError(try writer.add(Document(id: "p", fields: ["body": "x"], date: Int64.min))) { e in
            guard case let LoupeError.invalidDocument(_, reason) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(reason.contains("date"), reason)
        }
    }

    /// A date outside the range that reached the files anyway (stored through the writer's
    /// internal path, as a version before the check could) never traps a reader: `get`, JSON,
    /// searches sorted by date and date ranges work, and `check` reports it.
    func testStoredOutOfRangeDateIsReadWithoutTrapping() throws {
        let tmp = TempDir("loupe-dates")
        let dir = tmp.sub("i")
        let index = try Index.create(at: dir)
        let writer = try index.writer()
        try writer.add(Document(id: "ok", fields: ["body": "poison test"], date: 0))
        try writer.addUnvalidated(Document(id: "p", fields: ["body": "poison test"], date: Int64.min))
        try writer.addUnvalidated(Document(id: "q", fields: ["body": "poison test"], date: Int64.max))
        try writer.commit()
        writer.close()
        _ = try index.refresh()
        let p = try XCTUnwrap(index.document(id: "p"))
        XCTAssertEqual(p.date, Int64.min)
        XCTAssertFalse(try OrderedJSONEncoder().encode(StoredDocumentJSON(p, schema: index.schema)).isEmpty)
        XCTAssertFalse(ISODate.format(try XCTUnwrap(index.document(id: "q")?.date)).isEmpty)
        for sort in [SortOrder.newest, .oldest, .relevance] {
            var r = SearchRequest(query: "poison")
            r.sort = sort
            XCTAssertEqual(try index.search(r).total, 3)
        }
        XCTAssertEqual(try index.search("poison date:[1970-01-01 TO *]").total, 2)
        XCTAssertThrowsError(try IndexChecker.check(directory: dir)) { e in
            guard case let LoupeError.corruptFile(path, reason) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(path.hasSuffix(".dates"), path)
            XCTAssertTrue(reason.contains("range"), reason)
        }
    }
}
