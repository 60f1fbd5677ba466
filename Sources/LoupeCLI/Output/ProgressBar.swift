import Foundation

/// A one-line progress display on standard error, shown only when stderr is a terminal:
/// `[=====>      ] 12,345 docs  45.2/120.0 MB  8,123 docs/s  ETA 0:09`.
/// Redrawn at most ten times a second; `finish()` erases it.
final class ProgressBar {
    let enabled: Bool
    private let totalBytes: Int?
    private let start = now()
    private var lastDraw = 0.0
    private var drawn = false
    /// Fixed for the run so that the bar does not jump as the numbers grow.
    private let barWidth = max(10, min(30, Terminal.stderrWidth - 62))

    init(totalBytes: Int?, enabled: Bool = Terminal.stderrIsTerminal) {
        self.totalBytes = totalBytes
        self.enabled = enabled
    }

    func update(documents: Int, bytes: Int, force: Bool = false) {
        guard enabled else { return }
        let t = now()
        guard force || t - lastDraw >= 0.1 else { return }
        lastDraw = t
        Terminal.write("\r" + line(documents: documents, bytes: bytes, elapsed: t - start) + "\u{1B}[K", to: 2)
        drawn = true
    }

    func line(documents: Int, bytes: Int, elapsed: Double) -> String {
        let rate = elapsed > 0 ? Double(documents) / elapsed : 0
        var parts = ["\(Format.count(documents)) docs"]
        if let total = totalBytes, total > 0 {
            parts.append(String(format: "%.1f/%.1f MB", Double(bytes) / 1_048_576, Double(total) / 1_048_576))
        } else {
            parts.append(Format.megabytes(bytes))
        }
        parts.append("\(Format.count(Int(rate))) docs/s")
        var bar = ""
        if let total = totalBytes, total > 0 {
            let fraction = min(1, Double(bytes) / Double(total))
            let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : .infinity
            parts.append("ETA \(Format.duration(eta))")
            let width = barWidth
            let filled = Int(fraction * Double(width))
            bar = "[" + String(repeating: "=", count: filled) + (filled < width ? ">" + String(repeating: " ", count: width - filled - 1) : "") + "] "
        }
        return bar + parts.joined(separator: "  ")
    }

    /// Erases the bar so that the next line starts clean.
    func finish() {
        guard enabled, drawn else { return }
        Terminal.write("\r\u{1B}[K", to: 2)
        drawn = false
    }
}
