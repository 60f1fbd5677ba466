import Foundation

/// One line of a synonyms file: words or phrases that mean the same, or a one-way mapping.
///
/// `vietnam, viet nam` is an equivalence (`outputs` nil): a query for any of the inputs
/// searches for all of them. `usa => united states` is a mapping: a query for an input
/// searches for the outputs only (list the input among the outputs to keep it:
/// `usa => usa, united states`).
public struct SynonymRule: Codable, Equatable, Sendable {
    /// The words or phrases that trigger the rule, as written (analyzed when a search runs).
    public var inputs: [String]
    /// What a mapping rewrites its inputs to; nil for an equivalence.
    public var outputs: [String]?
    /// The line of the file the rule was read from (for errors); not stored in the index.
    public var sourceLine: Int?

    public init(inputs: [String], outputs: [String]? = nil, sourceLine: Int? = nil) {
        self.inputs = inputs
        self.outputs = outputs
        self.sourceLine = sourceLine
    }

    private enum CodingKeys: String, CodingKey { case inputs, outputs }

    /// Rules are equal when their inputs and outputs are (wherever they were read from).
    public static func == (a: SynonymRule, b: SynonymRule) -> Bool { a.inputs == b.inputs && a.outputs == b.outputs }

    /// The alternatives a query matching one of `inputs` searches for.
    var alternatives: [String] { outputs ?? inputs }

    /// The rule as a line of a synonyms file (commas, `=>` and backslashes escaped).
    public var line: String {
        func list(_ items: [String]) -> String { items.map(SynonymsFile.escape).joined(separator: ", ") }
        return outputs.map { list(inputs) + " => " + list($0) } ?? list(inputs)
    }
}

/// An index's synonyms: the rules of its synonyms file, applied to queries when they are
/// searched, never to the indexed text. So they can be replaced at any time without
/// reindexing (``IndexWriter/setSynonyms(_:)``, `loupe synonyms`), and take effect at the
/// commit that stores them.
///
/// A search rewrites its parsed query before building weights (``Searcher/expandingSynonyms(_:)``):
/// a word, or a run of consecutive words of the same kind (all required, all optional, all
/// excluded) in the same field, whose analyzed terms are those of a rule's input becomes one
/// clause: the disjunction of the rule's alternatives, each a term or, for several words, an
/// exact phrase (`vietnam` → `(vietnam OR "viet nam")`). A quoted phrase equal to an input is
/// rewritten the same way. Inputs match on analyzed terms, so `Vietnam`, `VIETNAM` and
/// `Việt Nam` all match the input `viet nam`. The longest input starting at a word wins; the
/// alternatives are not expanded again.
///
/// Scoring: the rewritten clause is an ordinary disjunction, so a document scores the sum of
/// the BM25 scores of the alternatives it contains, each weighted with its own document
/// frequency, exactly as if the user had typed `(vietnam OR "viet nam")`.
public struct Synonyms: Equatable, Sendable {
    /// The rules, in file order.
    public var rules: [SynonymRule]
    /// Where the rules were read from (a file path, for errors); not stored in the index.
    public var source: String?

    /// No synonyms, or `rules`.
    public init(rules: [SynonymRule] = [], source: String? = nil) {
        self.rules = rules
        self.source = source
    }

    /// Synonyms are equal when their rules are (wherever they were read from).
    public static func == (a: Synonyms, b: Synonyms) -> Bool { a.rules == b.rules }

    public var isEmpty: Bool { rules.isEmpty }

    /// The rules as a synonyms file, one per line.
    public var fileText: String { rules.map { $0.line + "\n" }.joined() }

    /// Reads a synonyms file (Solr's format, see ``parse(_:source:)``). Throws
    /// `LoupeError.io` when it cannot be read, `.invalidSynonyms` naming the file and line.
    public static func load(path: String) throws -> Synonyms {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw LoupeError.io(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoupeError.invalidSynonyms(source: path, line: 0, reason: "the file is not UTF-8 text")
        }
        return try parse(text, source: path)
    }

    /// Parses the text of a synonyms file in Solr's format: one rule per line, `a, b, c`
    /// (equivalent words or phrases) or `a, b => c, d` (a mapping); blank lines and lines
    /// starting with `#` are skipped; `\,`, `\=`, `\#` and `\\` escape a comma, an equals
    /// sign, a hash and a backslash. Spaces around items are trimmed and runs of spaces inside
    /// a phrase count as one. `source` names the text in errors (a file path).
    public static func parse(_ text: String, source: String) throws -> Synonyms {
        var rules: [SynonymRule] = []
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            do {
                if var rule = try SynonymsFile.rule(trimmed) {
                    rule.sourceLine = number
                    rules.append(rule)
                }
            } catch let SynonymsFile.LineError.bad(reason) {
                throw LoupeError.invalidSynonyms(source: source, line: number, reason: reason)
            }
        }
        return Synonyms(rules: rules, source: source)
    }

    /// Checks that every input and alternative analyzes to at least one term with `analyzer`
    /// (a rule of punctuation alone could never match). Throws `LoupeError.invalidSynonyms`
    /// naming `source` (else "synonyms") and the rule's line (else its position among the rules).
    func validate(analyzer: Analyzer) throws {
        for (i, rule) in rules.enumerated() {
            for item in rule.inputs + (rule.outputs ?? []) where analyzer.terms(item).isEmpty {
                throw LoupeError.invalidSynonyms(source: source ?? "synonyms", line: rule.sourceLine ?? i + 1,
                                                 reason: "'\(item)' has no searchable word (rule '\(rule.line)')")
            }
        }
    }
}

/// The line syntax of Solr's synonyms files.
enum SynonymsFile {
    enum LineError: Error { case bad(String) }

    /// The rule on a non-blank, non-comment line; nil for a line that maps a word to itself only.
    static func rule(_ line: String) throws -> SynonymRule? {
        let sides = try split(line, separator: "=>")
        guard sides.count <= 2 else { throw LineError.bad("more than one '=>'") }
        let inputs = try items(sides[0], side: sides.count == 2 ? "before '=>'" : "")
        if sides.count == 2 {
            return SynonymRule(inputs: inputs, outputs: try items(sides[1], side: "after '=>'"))
        }
        return inputs.count > 1 ? SynonymRule(inputs: inputs) : nil
    }

    /// The comma-separated items of one side, unescaped, trimmed, inner spaces collapsed.
    private static func items(_ side: String, side name: String) throws -> [String] {
        let where_ = name.isEmpty ? "" : " " + name
        let parts = try split(side, separator: ",")
        var out: [String] = []
        for p in parts {
            let item = unescape(p).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            guard !item.isEmpty else {
                throw LineError.bad(parts.count == 1 ? "nothing\(where_)" : "an empty item between commas\(where_)")
            }
            if !out.contains(item) { out.append(item) }
        }
        return out
    }

    /// `text` cut at each unescaped `separator` (escapes are kept, for `unescape`).
    private static func split(_ text: String, separator: String) throws -> [String] {
        var out: [String] = [], current = ""
        let chars = Array(text), sep = Array(separator)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\" {
                guard i + 1 < chars.count else { throw LineError.bad("a backslash at the end of the line escapes nothing") }
                current.append(c); current.append(chars[i + 1]); i += 2
                continue
            }
            if i + sep.count <= chars.count && Array(chars[i..<(i + sep.count)]) == sep {
                out.append(current); current = ""; i += sep.count
                continue
            }
            current.append(c); i += 1
        }
        out.append(current)
        return out
    }

    private static func unescape(_ text: String) -> String {
        var out = "", escaped = false
        for c in text {
            if escaped { out.append(c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }

    /// `item` with the characters that mean something in a synonyms line escaped.
    static func escape(_ item: String) -> String {
        var out = ""
        for (i, c) in item.enumerated() {
            if c == "," || c == "\\" || c == "=" || (i == 0 && c == "#") { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
