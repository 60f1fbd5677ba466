import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard streams, written with unbuffered `write(2)` so that lines appear at once
/// (the batch search protocol relies on it) and stdout and stderr interleave correctly.
enum Terminal {
    static func write(_ text: String, to fd: Int32) {
        var s = text
        s.withUTF8 { buf in
            var p = buf.baseAddress!, left = buf.count
            while left > 0 {
                let n = Glibc.write(fd, p, left)
                if n < 0 { if errno == EINTR { continue }; return }
                p += n; left -= n
            }
        }
    }

    /// A line on stdout or stderr; control and bidirectional characters in it (from an id or
    /// a file name in a message) are escaped (`TerminalText`), line breaks and tabs kept.
    static func out(_ line: String) { write(TerminalText.escapedKeepingLines(line) + "\n", to: 1) }
    static func err(_ line: String) { write(TerminalText.escapedKeepingLines(line) + "\n", to: 2) }

    static func warn(_ message: String) { err("loupe: warning: \(message)") }

    static var stdoutIsTerminal: Bool { isatty(1) == 1 }
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// Colour on standard output: only on a terminal, and never when `NO_COLOR` is set
    /// (https://no-color.org) or `TERM=dumb`.
    static func colorEnabled(_ mode: ColorMode) -> Bool {
        switch mode {
        case .always: return true
        case .never: return false
        case .auto:
            let env = ProcessInfo.processInfo.environment
            if let v = env["NO_COLOR"], !v.isEmpty { return false }
            if env["TERM"] == "dumb" { return false }
            return stdoutIsTerminal
        }
    }

    /// Width of the terminal on stderr (for the progress bar).
    static var stderrWidth: Int {
        var ws = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 { return Int(ws.ws_col) }
        return 80
    }
}

enum ColorMode: String, CaseIterable {
    case auto, always, never
}

/// ANSI styles, or nothing when colour is off.
struct Style {
    let enabled: Bool
    func bold(_ s: String) -> String { enabled ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    func dim(_ s: String) -> String { enabled ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
    func red(_ s: String) -> String { enabled ? "\u{1B}[31m\(s)\u{1B}[0m" : s }
    var highlightOpen: String { enabled ? "\u{1B}[1;33m" : "**" }
    var highlightClose: String { enabled ? "\u{1B}[0m" : "**" }
}

enum Format {
    /// "1.5 MB", "812 KB", "96 B" (powers of 1024, one decimal).
    static func bytes(_ n: Int) -> String {
        let d = Double(n)
        if d >= 1024 * 1024 * 1024 { return String(format: "%.1f GB", d / (1024 * 1024 * 1024)) }
        if d >= 1024 * 1024 { return String(format: "%.1f MB", d / (1024 * 1024)) }
        if d >= 1024 { return String(format: "%.1f KB", d / 1024) }
        return "\(n) B"
    }

    static func megabytes(_ n: Int) -> String { String(format: "%.1f MB", Double(n) / (1024 * 1024)) }

    /// "0:42", "1:02:03".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }

    /// Elapsed time for summaries: "0.42 s", "12.3 s", "3:05".
    static func elapsed(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.2f s", seconds) }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        return duration(seconds)
    }

    /// 12345 -> "12,345".
    static func count(_ n: Int) -> String {
        let s = String(n.magnitude)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func plural(_ n: Int, _ word: String, _ plural: String? = nil) -> String {
        "\(count(n)) \(n == 1 ? word : (plural ?? word + "s"))"
    }

    /// Microseconds as "0.42 ms" or "12 ms".
    static func millis(_ us: Int) -> String {
        let ms = Double(us) / 1000
        return ms < 10 ? String(format: "%.2f ms", ms) : String(format: "%.0f ms", ms)
    }
}

/// Monotonic seconds.
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
