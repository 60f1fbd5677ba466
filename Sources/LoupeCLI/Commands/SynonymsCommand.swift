import ArgumentParser
import Foundation
import Loupe

struct SynonymsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synonyms",
        abstract: "Show, replace or remove the index's synonyms.",
        discussion: """
            Synonyms apply to queries, not to the indexed text, so replacing them needs no \
            reindexing: the new rules take effect at once, in a commit of their own. The file \
            is in Solr's format, one rule per line:

              # equivalent words and phrases: any of them finds all of them
              vietnam, viet nam
              hanoi, ha noi
              # a mapping: usa finds "united states" (and no longer usa itself)
              usa => united states

            Blank lines and lines starting with # are skipped; \\, escapes a comma (\\\\ a \
            backslash). Words match as the index analyzes them (Vietnam, VIETNAM and Việt \
            Nam are alike). A query word, or a run of words, that is a rule's input becomes \
            the OR of the rule's alternatives, several words as an exact phrase: vietnam \
            searches (vietnam OR "viet nam").

            Examples:
              loupe synonyms samples/synonyms.txt
              loupe synonyms --show
              loupe synonyms --clear
            """
    )

    @OptionGroup var location: IndexLocation

    @Argument(help: ArgumentHelp("A synonyms file replacing the index's synonyms.", valueName: "FILE"))
    var file: String?

    @Flag(help: "Print the index's synonyms in the file format (the default without FILE).")
    var show = false

    @Flag(help: "Remove the index's synonyms.")
    var clear = false

    func validate() throws {
        if clear && file != nil { throw ValidationError("give either FILE or --clear, not both") }
        if show && (clear || file != nil) { throw ValidationError("--show prints the synonyms; it does not combine with FILE or --clear") }
    }

    func run() throws {
        guard file != nil || clear else {
            let synonyms = try location.open().synonyms
            Terminal.write(synonyms.isEmpty ? "# no synonyms\n" : synonyms.fileText, to: 1)
            return
        }
        let synonyms = try file.map { try Synonyms.load(path: $0) } ?? Synonyms()
        let writer = try location.writer()
        defer { writer.close() }
        try writer.setSynonyms(synonyms)
        try writer.commit()
        Terminal.out(clear ? "Removed the synonyms of \(location.path)."
                           : "\(location.path) now has \(synonyms.rules.count) synonym rule\(synonyms.rules.count == 1 ? "" : "s") from \(file!).")
    }
}
