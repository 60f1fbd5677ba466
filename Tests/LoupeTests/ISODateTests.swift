import XCTest
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
}
