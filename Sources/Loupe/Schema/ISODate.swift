/// Hand-written ISO-8601 date parsing and formatting, in whole seconds since 1970-01-01T00:00:00Z.
///
/// Used for query date ranges and for documents' date fields, so it is allocation-free on the
/// parse path and does not depend on Foundation's (slow, locale-dependent) formatters.
///
/// Accepted forms (leading/trailing ASCII spaces are ignored):
/// - `YYYY-MM-DD` (midnight UTC)
/// - `YYYY-MM-DDTHH:MM`, `YYYY-MM-DDTHH:MM:SS`, `YYYY-MM-DDTHH:MM:SS.fff` (any number of fraction
///   digits, truncated to the second; `,` is accepted as the decimal mark)
/// - a space (or lower-case `t`) instead of `T`
/// - an optional zone: `Z`/`z`, `±HH:MM`, `±HHMM` or `±HH`; no zone means UTC.
///
/// Every component is validated: month 1-12, day within the month (leap years included),
/// hour < 24, minute < 60, second < 60, zone offset hour < 24 and minute < 60.
public enum ISODate {
    /// The instants a document's dates may take: 0001-01-01T00:00:00Z through
    /// 9999-12-31T23:59:59Z. Values outside are rejected on input.
    public static let validRange: ClosedRange<Int64> = -62_135_596_800 ... 253_402_300_799

    /// Seconds since 1970 UTC, or nil if `s` is not a valid date or date-time.
    public static func parse(_ s: String) -> Int64? {
        parseDetailed(s)?.seconds
    }

    /// Like `parse`, but a date-only value means the *end* of that day (23:59:59 UTC), so that an
    /// inclusive upper bound `2025-06-30` covers the whole day. A date-time is returned as is.
    public static func parseRangeEnd(_ s: String) -> Int64? {
        guard let r = parseDetailed(s) else { return nil }
        return r.dateOnly ? r.seconds + 86_399 : r.seconds
    }

    /// The instants a date written in a query covers: a year (`2025`), a month (`2025-06`)
    /// or a day (`2025-06-01`) covers all its seconds; a date-time is one instant. Nil when
    /// `s` is none of these.
    public static func parsePeriod(_ s: String) -> ClosedRange<Int64>? {
        let t = Array(s.utf8)
        func digits(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r { guard t[i] >= 48 && t[i] <= 57 else { return nil }; v = v * 10 + Int64(t[i] - 48) }
            return v
        }
        if t.count == 4, let y = digits(0..<4), y >= 1 {
            return daysFromCivil(y, 1, 1) * 86_400 ... daysFromCivil(y + 1, 1, 1) * 86_400 - 1
        }
        if t.count == 7, t[4] == UInt8(ascii: "-"), let y = digits(0..<4), let m = digits(5..<7), y >= 1, (1...12).contains(m) {
            let next = m == 12 ? daysFromCivil(y + 1, 1, 1) : daysFromCivil(y, Int(m) + 1, 1)
            return daysFromCivil(y, Int(m), 1) * 86_400 ... next * 86_400 - 1
        }
        guard let from = parse(s), let to = parseRangeEnd(s) else { return nil }
        return from...to
    }

    /// `YYYY-MM-DD` when `seconds` is exactly midnight UTC, else `YYYY-MM-DDTHH:MM:SSZ`.
    public static func format(_ seconds: Int64) -> String {
        let days = floorDiv(seconds, 86_400)
        let rem = Int(seconds - days * 86_400)
        let (y, m, d) = civilFromDays(days)
        var out = pad(y, 4) + "-" + pad(Int64(m), 2) + "-" + pad(Int64(d), 2)
        if rem != 0 {
            out += "T" + pad(Int64(rem / 3600), 2) + ":" + pad(Int64(rem / 60 % 60), 2) + ":" + pad(Int64(rem % 60), 2) + "Z"
        }
        return out
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian; H. Hinnant's civil algorithms)

    /// Days since 1970-01-01 for a civil date.
    static func daysFromCivil(_ year: Int64, _ month: Int, _ day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Civil date for days since 1970-01-01.
    static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func isLeapYear(_ y: Int64) -> Bool {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    }

    static func daysInMonth(_ y: Int64, _ m: Int) -> Int {
        switch m {
        case 2: return isLeapYear(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let digits = String(v < 0 ? -v : v)
        let zeros = String(repeating: "0", count: max(0, width - digits.count))
        return (v < 0 ? "-" : "") + zeros + digits
    }

    // MARK: - Parsing

    /// Parses `s`; `dateOnly` tells whether it had no time part.
    static func parseDetailed(_ s: String) -> (seconds: Int64, dateOnly: Bool)? {
        var copy = s
        return copy.withUTF8 { parseBytes($0) }
    }

    private static func parseBytes(_ buf: UnsafeBufferPointer<UInt8>) -> (seconds: Int64, dateOnly: Bool)? {
        var lo = 0, hi = buf.count
        while lo < hi, buf[lo] == 0x20 { lo += 1 }
        while hi > lo, buf[hi - 1] == 0x20 { hi -= 1 }
        var i = lo

        func digits(_ n: Int) -> Int? {
            guard hi - i >= n else { return nil }
            var v = 0
            for k in 0..<n {
                let c = buf[i + k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < hi, buf[i] == c else { return false }
            i += 1
            return true
        }

        guard let year = digits(4), expect(0x2D /* - */), let month = digits(2), expect(0x2D),
              let day = digits(2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(Int64(year), month) else { return nil }
        let days = daysFromCivil(Int64(year), month, day)
        if i == hi { return (days * 86_400, true) }

        // Time part.
        guard buf[i] == 0x54 /* T */ || buf[i] == 0x74 /* t */ || buf[i] == 0x20 else { return nil }
        i += 1
        guard let hour = digits(2), expect(0x3A /* : */), let minute = digits(2) else { return nil }
        var second = 0
        if expect(0x3A) {
            guard let s = digits(2) else { return nil }
            second = s
            if i < hi, buf[i] == 0x2E /* . */ || buf[i] == 0x2C /* , */ {
                i += 1
                let start = i
                while i < hi, buf[i] >= 0x30, buf[i] <= 0x39 { i += 1 }
                guard i > start else { return nil }
            }
        }
        guard hour < 24, minute < 60, second < 60 else { return nil }

        // Zone.
        var offset = 0
        if i < hi {
            let c = buf[i]
            if c == 0x5A /* Z */ || c == 0x7A /* z */ {
                i += 1
            } else if c == 0x2B /* + */ || c == 0x2D /* - */ {
                i += 1
                guard let oh = digits(2) else { return nil }
                var om = 0
                if i < hi {
                    _ = expect(0x3A)
                    guard let m = digits(2) else { return nil }
                    om = m
                }
                guard oh < 24, om < 60 else { return nil }
                offset = (oh * 3600 + om * 60) * (c == 0x2D ? -1 : 1)
            } else {
                return nil
            }
        }
        guard i == hi else { return nil }
        let secs = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return (secs, false)
    }
}
