import ArgumentParser
import Foundation
import Loupe

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show document, segment, term and size statistics.",
        discussion: """
            Fields lists the schema: each field's type (text, keyword, number, date) and \
            options. The table counts the indexed text fields. Size ratio = bytes of the index files / bytes of the indexed text.

            Examples:
              loupe stats
              loupe stats --json | jq .segments
            """
    )

    @OptionGroup var location: IndexLocation
    @OptionGroup var checksums: VerifyOption

    @Flag(help: "Print one JSON document.")
    var json = false

    func run() throws {
        let index = try location.open(verify: checksums.verify)
        let s = IndexStats(reader: index.reader)
        if json {
            try Terminal.json(s)
        } else {
            Terminal.write(StatsCommand.text(s, schema: index.schema, directory: location.path), to: 1)
        }
    }

    static func text(_ s: IndexStats, schema: Schema, directory: String) -> String {
        func pad(_ x: String, _ n: Int) -> String { x.count >= n ? x : x + String(repeating: " ", count: n - x.count) }
        func lpad(_ x: String, _ n: Int) -> String { x.count >= n ? x : String(repeating: " ", count: n - x.count) + x }
        var out = ""
        out += "Index       \(directory) (generation \(s.generation), format \(s.formatVersion), language \(s.language ?? "none"), analysis version \(s.analysisVersion))\n"
        out += "Documents   \(Format.count(s.documents)) live, \(Format.count(s.deletedDocuments)) deleted\n"
        out += "Segments    \(s.segments)\n"
        out += "Fields      " + schema.fields.map { "\($0.name) (\($0.summary))" }.joined(separator: "\n            ") + "\n\n"
        out += pad("Field", 12) + lpad("terms", 14) + lpad("postings", 14) + lpad("positions", 16) + lpad("avg length", 12) + "\n"
        for f in s.fields {
            out += pad(f.name, 12) + lpad(Format.count(f.terms), 14) + lpad(Format.count(f.postings), 14)
                + lpad(Format.count(f.positions), 16) + lpad(String(format: "%.1f", f.averageLength), 12) + "\n"
        }
        out += "\n" + pad("Files", 12) + lpad("bytes", 14) + "\n"
        for (kind, bytes) in s.bytesByKind.sorted(by: { $0.value > $1.value }) {
            out += pad(kind, 12) + lpad(Format.count(bytes), 14) + "  " + Format.bytes(bytes) + "\n"
        }
        out += pad("total", 12) + lpad(Format.count(s.totalBytes), 14) + "  " + Format.bytes(s.totalBytes) + "\n\n"
        out += "Text        \(Format.bytes(s.textBytes)) indexed\n"
        out += String(format: "Size        %.2f× the text (%.2f× without the document store)\n", s.sizeRatio, s.indexRatioWithoutStore)
        return out
    }
}
