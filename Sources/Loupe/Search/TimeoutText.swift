/// Search timeouts as people write them: `250ms`, `2s`, `1.5s`, `1m` (the forms of
/// `loupe search --timeout`, `loupe serve --search-timeout` and the HTTP `timeout` parameter).
public enum TimeoutText {
    /// The longest timeout accepted: a day.
    public static let maximum = Duration.seconds(86_400)

    /// The forms accepted, for error messages.
    public static let forms = "a number with a unit: 250ms, 2s, 1.5s or 1m"

    /// `text` as a duration: a positive decimal number (digits, optionally a `.` and more
    /// digits) directly followed by `ms`, `s` or `m`, at most ``maximum``; nil for anything else
    /// (no unit, a negative or zero value, `1e3s`, spaces).
    public static func parse(_ text: String) -> Duration? {
        let bytes = Array(text.utf8)
        var i = 0
        var whole: Int64 = 0
        var digits = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            whole = whole * 10 + Int64(bytes[i] - 0x30)
            if whole > 1_000_000_000 { return nil }
            i += 1; digits += 1
        }
        // Up to nine fraction digits, as nanoseconds of the unit (more are ignored).
        var fraction: Int64 = 0, scale: Int64 = 1_000_000_000
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            var fractionDigits = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                if fractionDigits < 9 { scale /= 10; fraction += Int64(bytes[i] - 0x30) * scale }
                i += 1; fractionDigits += 1
            }
            guard fractionDigits > 0 else { return nil }
        }
        guard digits > 0 else { return nil }
        let unitNanos: Int64
        switch String(decoding: bytes[i...], as: UTF8.self) {
        case "ms": unitNanos = 1_000_000
        case "s": unitNanos = 1_000_000_000
        case "m": unitNanos = 60_000_000_000
        default: return nil
        }
        // whole·unit + fraction·unit / 10⁹, in nanoseconds (no overflow: whole ≤ 10⁹ is checked against the maximum below).
        let (wholeNanos, overflow) = whole.multipliedReportingOverflow(by: unitNanos)
        if overflow { return nil }
        let nanos = wholeNanos + Int64((Double(fraction) * Double(unitNanos) / 1e9).rounded())
        let duration = Duration.nanoseconds(nanos)
        guard nanos > 0, duration <= maximum else { return nil }
        return duration
    }

    /// `duration` in the shortest of these forms that is exact to the millisecond (`250ms`,
    /// `2s`, `1.5s`, `1m`).
    public static func format(_ duration: Duration) -> String {
        let (s, atto) = duration.components
        let ms = s * 1000 + atto / 1_000_000_000_000_000
        if ms % 60_000 == 0 && ms > 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        if ms > 1000 && ms % 100 == 0 { return "\(ms / 1000).\(ms % 1000 / 100)s" }
        return "\(ms)ms"
    }
}
