import XCTest
@_spi(Benchmarks) @testable import Loupe

/// A parsed query compared by value (queries are existentials), written like the grammar's
/// productions: `.term("a")`, `.boolean([must(...)])`.
private struct QueryNode: Equatable, CustomStringConvertible {
    let query: any Query
    static func == (a: QueryNode, b: QueryNode) -> Bool { a.query.isEqual(to: b.query) }
    var description: String { query.description }

    static let matchAll = QueryNode(query: MatchAllQuery())
    static func term(_ text: String, field: String?) -> QueryNode { QueryNode(query: TermQuery(text, field: field)) }
    static func phrase(_ text: String, field: String?, slop: Int) -> QueryNode { QueryNode(query: PhraseQuery(text, field: field, slop: slop)) }
    static func prefix(_ text: String, field: String?) -> QueryNode { QueryNode(query: PrefixQuery(text, field: field)) }
    static func dateRange(from: Int64?, to: Int64?) -> QueryNode { QueryNode(query: DateRangeQuery(from: from, to: to)) }
    static func boolean(_ clauses: [BooleanQuery.Clause]) -> QueryNode { QueryNode(query: BooleanQuery(clauses)) }
}

final class QueryParserTests: XCTestCase {
    private let fields: Set<String> = ["title", "body"]

    private func parse(_ text: String, _ op: DefaultOperator = .and, file: StaticString = #filePath, line: UInt = #line) -> QueryNode? {
        do {
            return QueryNode(query: try QueryParser.parse(text, defaultOperator: op, knownFields: fields))
        } catch {
            XCTFail("'\(text)' failed: \(error)", file: file, line: line)
            return nil
        }
    }

    /// Asserts that parsing fails at `position` with a message containing `fragment`.
    private func assertError(_ text: String, at position: Int, _ fragment: String, _ op: DefaultOperator = .and,
                             file: StaticString = #filePath, line: UInt = #line) {
        do {
            let node = try QueryParser.parse(text, defaultOperator: op, knownFields: fields)
            XCTFail("'\(text)' parsed as \(node) but should fail", file: file, line: line)
        } catch let LoupeError.invalidQuery(message, pos) {
            XCTAssertEqual(pos, position, "position for '\(text)' (\(message))", file: file, line: line)
            XCTAssertTrue(message.contains(fragment), "message for '\(text)': \(message)", file: file, line: line)
        } catch {
            XCTFail("'\(text)' threw \(error)", file: file, line: line)
        }
    }

    private func t(_ s: String, _ field: String? = nil) -> QueryNode { .term(s, field: field) }
    private func must(_ n: QueryNode) -> BooleanQuery.Clause { BooleanQuery.Clause(.must, n.query) }
    private func should(_ n: QueryNode) -> BooleanQuery.Clause { BooleanQuery.Clause(.should, n.query) }
    private func not(_ n: QueryNode) -> BooleanQuery.Clause { BooleanQuery.Clause(.mustNot, n.query) }
    private func day(_ s: String) -> Int64 { ISODate.parse(s)! }

    // MARK: - Clauses

    func testEmptyQueryMatchesAll() {
        XCTAssertEqual(parse(""), .matchAll)
        XCTAssertEqual(parse("   \t\n "), .matchAll)
    }

    func testSingleTerm() {
        XCTAssertEqual(parse("hello"), t("hello"))
        XCTAssertEqual(parse("  hello  "), t("hello"))
        XCTAssertEqual(parse("hello", .or), t("hello"))
    }

    func testWordsKeepInnerPunctuation() {
        XCTAssertEqual(parse("e-mail"), t("e-mail"))
        XCTAssertEqual(parse("U.S."), t("U.S."))
        XCTAssertEqual(parse("c++"), t("c++"))
        XCTAssertEqual(parse("a+b"), t("a+b"))
        XCTAssertEqual(parse("don't"), t("don't"))
        XCTAssertEqual(parse("foo~2"), QueryNode(query: FuzzyQuery("foo", maxEdits: 2)))
    }

    func testLowercaseOperatorsAreTerms() {
        XCTAssertEqual(parse("cats or dogs"), .boolean([must(t("cats")), must(t("or")), must(t("dogs"))]))
        XCTAssertEqual(parse("and"), t("and"))
        XCTAssertEqual(parse("not"), t("not"))
        XCTAssertEqual(parse("Or"), t("Or"))
    }

    func testUnicodeWordsPassThrough() {
        XCTAssertEqual(parse("Tiếng Việt"), .boolean([must(t("Tiếng")), must(t("Việt"))]))
        let nfd = "Vie\u{0302}\u{0323}t"  // "Việt" decomposed
        guard let term = parse(nfd)?.query as? TermQuery, term.field == nil else { return XCTFail("expected a term") }
        let word = term.text
        XCTAssertEqual(Array(word.unicodeScalars), Array(nfd.unicodeScalars), "NFD text is not normalized by the parser")
        XCTAssertEqual(parse("東京 café"), .boolean([must(t("東京")), must(t("café"))]))
        XCTAssertEqual(parse("title:\"Hà Nội\""), .phrase("Hà Nội", field: "title", slop: 0))
    }

    func testUnicodePositionsCountCharacters() {
        // "Việt" is 4 Characters even in NFD, so the '(' is at offset 5.
        assertError("Vie\u{0302}\u{0323}t (x", at: 5, "never closed")
        assertError("Tiếng \"x", at: 6, "unbalanced quote")
    }

    func testEscapes() {
        XCTAssertEqual(parse("\\-a"), t("-a"))
        XCTAssertEqual(parse("a\\:b"), t("a:b"))
        XCTAssertEqual(parse("\\(x\\)"), t("(x)"))
        XCTAssertEqual(parse("\\OR"), t("OR"))
        XCTAssertEqual(parse("a\\*"), t("a*"), "an escaped star is not a prefix")
        XCTAssertEqual(parse("new\\ york"), t("new york"))
        XCTAssertEqual(parse("\"say \\\"hi\\\"\""), .phrase("say \"hi\"", field: nil, slop: 0))
        XCTAssertEqual(parse("\\\\"), t("\\"))
    }

    func testPhrase() {
        XCTAssertEqual(parse("\"some words\""), .phrase("some words", field: nil, slop: 0))
        XCTAssertEqual(parse("\"some words\"~3"), .phrase("some words", field: nil, slop: 3))
        XCTAssertEqual(parse("\"some words\"~0"), .phrase("some words", field: nil, slop: 0))
        XCTAssertEqual(parse("\"a\"b"), .boolean([must(.phrase("a", field: nil, slop: 0)), must(t("b"))]))
        XCTAssertEqual(parse("(\"a b\"~2)"), .phrase("a b", field: nil, slop: 2))
        XCTAssertEqual(parse("\"AND OR NOT ( ) : [\""), .phrase("AND OR NOT ( ) : [", field: nil, slop: 0))
    }

    func testPrefix() {
        XCTAssertEqual(parse("pre*"), .prefix("pre", field: nil))
        XCTAssertEqual(parse("title:pre*"), .prefix("pre", field: "title"))
        XCTAssertEqual(parse("-pre*"), .boolean([must(.matchAll), not(.prefix("pre", field: nil))]))
    }

    func testFieldClauses() {
        XCTAssertEqual(parse("title:word"), t("word", "title"))
        XCTAssertEqual(parse("title:\"a phrase\""), .phrase("a phrase", field: "title", slop: 0))
        XCTAssertEqual(parse("title:\"a phrase\"~1"), .phrase("a phrase", field: "title", slop: 1))
        XCTAssertEqual(parse("title:OR"), t("OR", "title"), "a field's value is never an operator")
        XCTAssertEqual(parse("body:x title:y"), .boolean([must(t("x", "body")), must(t("y", "title"))]))
    }

    func testFieldGroupAppliesToEveryClause() {
        XCTAssertEqual(parse("title:(a \"b c\" d*)"),
                       .boolean([must(t("a", "title")), must(.phrase("b c", field: "title", slop: 0)),
                                 must(.prefix("d", field: "title"))]))
        XCTAssertEqual(parse("title:(a OR -b) c"),
                       .boolean([must(.boolean([should(t("a", "title")),
                                                should(.boolean([must(.matchAll), not(t("b", "title"))]))])),
                                 must(t("c"))]))
        XCTAssertEqual(parse("title:((a))"), t("a", "title"))
    }

    func testDateRange() {
        XCTAssertEqual(parse("date:[2025-01-01 TO 2025-06-30]"),
                       .dateRange(from: day("2025-01-01"), to: day("2025-06-30") + 86_399))
        XCTAssertEqual(parse("date:[* TO 2025-06-30]"), .dateRange(from: nil, to: day("2025-06-30") + 86_399))
        XCTAssertEqual(parse("date:[2025-01-01 TO *]"), .dateRange(from: day("2025-01-01"), to: nil))
        XCTAssertEqual(parse("date:[* TO *]"), .dateRange(from: nil, to: nil))
        XCTAssertEqual(parse("date:[ 2025-01-01   TO 2025-01-01 ]"),
                       .dateRange(from: day("2025-01-01"), to: day("2025-01-01") + 86_399))
        XCTAssertEqual(parse("date:[2025-01-01T10:00:00Z TO 2025-01-01T12:00+01:00]"),
                       .dateRange(from: day("2025-01-01") + 36_000, to: day("2025-01-01") + 39_600))
        XCTAssertEqual(parse("date:[2025-01-01 10:00 TO 2025-01-02 08:30]"),
                       .dateRange(from: day("2025-01-01") + 36_000, to: day("2025-01-02") + 30_600))
    }

    func testSingleDate() {
        XCTAssertEqual(parse("date:2025-03-04"), .dateRange(from: day("2025-03-04"), to: day("2025-03-04") + 86_399))
        XCTAssertEqual(parse("date:2025-03-04T10:00:00Z"),
                       .dateRange(from: day("2025-03-04") + 36_000, to: day("2025-03-04") + 36_000))
        XCTAssertEqual(parse("date:\"2025-03-04 10:00\""),
                       .dateRange(from: day("2025-03-04") + 36_000, to: day("2025-03-04") + 36_000))
    }

    func testDateIsAlwaysKnownAndBehavesLikeAClause() throws {
        let range = QueryNode.dateRange(from: day("2025-01-01"), to: nil)
        XCTAssertEqual(QueryNode(query: try QueryParser.parse("date:[2025-01-01 TO *]", knownFields: [])), range)
        XCTAssertEqual(parse("x date:[2025-01-01 TO *]"), .boolean([must(t("x")), must(range)]))
        XCTAssertEqual(parse("x date:[2025-01-01 TO *]", .or), .boolean([should(t("x")), should(range)]))
        XCTAssertEqual(parse("x -date:[2025-01-01 TO *]"), .boolean([must(t("x")), not(range)]))
        XCTAssertEqual(parse("-date:[2025-01-01 TO *]"), .boolean([must(.matchAll), not(range)]))
    }

    // MARK: - Operators, precedence, simplification

    func testDefaultOperatorAnd() {
        XCTAssertEqual(parse("a b c"), .boolean([must(t("a")), must(t("b")), must(t("c"))]))
        XCTAssertEqual(parse("a AND b"), .boolean([must(t("a")), must(t("b"))]))
        XCTAssertEqual(parse("a && b"), .boolean([must(t("a")), must(t("b"))]))
    }

    func testDefaultOperatorOr() {
        XCTAssertEqual(parse("a b c", .or), .boolean([should(t("a")), should(t("b")), should(t("c"))]))
        XCTAssertEqual(parse("+a b", .or), .boolean([must(t("a")), should(t("b"))]))
        XCTAssertEqual(parse("a -b", .or), .boolean([should(t("a")), not(t("b"))]))
        // An explicit AND makes both of its operands required.
        XCTAssertEqual(parse("a AND b c", .or), .boolean([must(t("a")), must(t("b")), should(t("c"))]))
        XCTAssertEqual(parse("a AND -b", .or), .boolean([must(t("a")), not(t("b"))]))
    }

    func testUnaryOperators() {
        XCTAssertEqual(parse("+a -b"), .boolean([must(t("a")), not(t("b"))]))
        XCTAssertEqual(parse("a NOT b"), .boolean([must(t("a")), not(t("b"))]))
        XCTAssertEqual(parse("a AND NOT b"), .boolean([must(t("a")), not(t("b"))]))
        XCTAssertEqual(parse("+a"), t("a"))
        XCTAssertEqual(parse("- a"), .boolean([must(.matchAll), not(t("a"))]), "whitespace after '-' is allowed")
        XCTAssertEqual(parse("-\"a b\""), .boolean([must(.matchAll), not(.phrase("a b", field: nil, slop: 0))]))
        XCTAssertEqual(parse("-title:x"), .boolean([must(.matchAll), not(t("x", "title"))]))
        XCTAssertEqual(parse("-(a b)"), .boolean([must(.matchAll), not(.boolean([must(t("a")), must(t("b"))]))]))
    }

    func testOnlyNegations() {
        XCTAssertEqual(parse("-a"), .boolean([must(.matchAll), not(t("a"))]))
        XCTAssertEqual(parse("-a -b"), .boolean([must(.matchAll), not(t("a")), not(t("b"))]))
        XCTAssertEqual(parse("NOT a", .or), .boolean([must(.matchAll), not(t("a"))]))
        XCTAssertEqual(parse("a (-b)"), .boolean([must(t("a")), must(.boolean([must(.matchAll), not(t("b"))]))]))
    }

    func testOrPrecedence() {
        XCTAssertEqual(parse("a OR b"), .boolean([should(t("a")), should(t("b"))]))
        XCTAssertEqual(parse("a || b"), .boolean([should(t("a")), should(t("b"))]))
        XCTAssertEqual(parse("a OR b c"), .boolean([should(t("a")), should(.boolean([must(t("b")), must(t("c"))]))]))
        XCTAssertEqual(parse("a OR b c", .or),
                       .boolean([should(t("a")), should(.boolean([should(t("b")), should(t("c"))]))]))
        XCTAssertEqual(parse("a b OR c"), .boolean([should(.boolean([must(t("a")), must(t("b"))])), should(t("c"))]))
        XCTAssertEqual(parse("a OR b OR c"), .boolean([should(t("a")), should(t("b")), should(t("c"))]))
        XCTAssertEqual(parse("a AND b OR c"),
                       .boolean([should(.boolean([must(t("a")), must(t("b"))])), should(t("c"))]))
        XCTAssertEqual(parse("-a OR b"),
                       .boolean([should(.boolean([must(.matchAll), not(t("a"))])), should(t("b"))]))
        XCTAssertEqual(parse("+a OR b"), .boolean([should(t("a")), should(t("b"))]))
    }

    func testParenthesesAndNesting() {
        XCTAssertEqual(parse("(a)"), t("a"))
        XCTAssertEqual(parse("((a))"), t("a"))
        XCTAssertEqual(parse("(a OR b) c"),
                       .boolean([must(.boolean([should(t("a")), should(t("b"))])), must(t("c"))]))
        XCTAssertEqual(parse("(a b)"), .boolean([must(t("a")), must(t("b"))]))
        XCTAssertEqual(parse("x (a b)"), .boolean([must(t("x")), must(.boolean([must(t("a")), must(t("b"))]))]),
                       "nested booleans are kept")
        XCTAssertEqual(parse("(a OR b) OR c"),
                       .boolean([should(.boolean([should(t("a")), should(t("b"))])), should(t("c"))]))
        XCTAssertEqual(parse("a(b)c"), .boolean([must(t("a")), must(t("b")), must(t("c"))]))
    }

    // MARK: - Errors

    func testUnbalancedQuotes() {
        assertError("\"abc", at: 0, "unbalanced quote")
        assertError("a \"b c", at: 2, "unbalanced quote")
        assertError("\"a\" \"b", at: 4, "unbalanced quote")
        assertError("\"a\\\"", at: 0, "unbalanced quote")
    }

    func testUnbalancedParentheses() {
        assertError("(a b", at: 0, "never closed")
        assertError("x ((a)", at: 2, "never closed")
        assertError("(", at: 0, "never closed")
        assertError("a b)", at: 3, "')' without a matching '('")
        assertError(")", at: 0, "')' without a matching '('")
        assertError(") a", at: 0, "')' without a matching '('")
        assertError("(a)) b", at: 3, "')' without a matching '('")
    }

    func testEmptyParentheses() {
        assertError("()", at: 0, "empty parentheses")
        assertError("a ( ) b", at: 2, "empty parentheses")
        assertError("title:()", at: 6, "empty parentheses")
    }

    func testDanglingUnaryOperators() {
        assertError("-", at: 0, "'-' must be followed by a term")
        assertError("a -", at: 2, "'-' must be followed by a term")
        assertError("+", at: 0, "'+' must be followed by a term")
        assertError("NOT", at: 0, "'NOT' must be followed by a term")
        assertError("a NOT", at: 2, "'NOT' must be followed by a term")
        assertError("(a -)", at: 3, "'-' must be followed by a term")
        assertError("--a", at: 0, "'-' must be followed by a term")
        assertError("-OR a", at: 0, "'-' must be followed by a term")
    }

    func testMissingOperands() {
        assertError("a OR", at: 2, "'OR' has nothing after it")
        assertError("OR a", at: 0, "'OR' has nothing before it")
        assertError("a OR OR b", at: 2, "'OR' has nothing after it")
        assertError("(a OR) b", at: 3, "'OR' has nothing after it")
        assertError("(OR a)", at: 1, "'OR' has nothing before it")
        assertError("a AND", at: 2, "'AND' has nothing after it")
        assertError("AND a", at: 0, "'AND' has nothing before it")
        assertError("a AND OR b", at: 2, "'AND' has nothing after it")
        assertError("a OR AND b", at: 2, "'OR' has nothing after it")
        assertError("a ||", at: 2, "'OR' has nothing after it")
        assertError("OR", at: 0, "'OR'")
        assertError("a OR )", at: 2, "'OR' has nothing after it")
    }

    func testFieldErrors() {
        assertError("title:", at: 0, "field 'title:' has no term")
        assertError("x title: y", at: 2, "field 'title:' has no term")
        assertError("title:)", at: 0, "field 'title:' has no term")
        assertError("(title:)", at: 1, "field 'title:' has no term")
        assertError("title:-x", at: 0, "field 'title:' has no term")
        assertError("title:(a body:b)", at: 9, "fields cannot be nested")
        assertError("title:body:x", at: 6, "fields cannot be nested")
        assertError(":x", at: 0, "':' must follow a field name")
        assertError("\"a\":b", at: 3, "':' must follow a field name")
        assertError("title:[a TO b]", at: 6, "only supported on number and date fields")
    }

    func testUnknownFieldListsOnlyDateWhenNoFieldsAreKnown() {
        // Filters keep unknown fields an error.
        XCTAssertThrowsError(try QueryParser.parse("title:x", knownFields: [], isSearchable: nil, strictFields: true)) { error in
            XCTAssertEqual(error as? LoupeError,
                           .invalidQuery(message: "unknown field 'title' (known: date)", position: 0))
        }
    }

    // MARK: - Forgiving query text

    /// A word followed by ':' that names no field is text; field names ignore case.
    func testWordColonIsTextUnlessAField() {
        XCTAssertEqual(parse("Kuwait: no emergency talks"),
                       .boolean([must(t("Kuwait")), must(t("no")), must(t("emergency")), must(t("talks"))]))
        XCTAssertEqual(parse("foo:bar"), .boolean([must(t("foo")), must(t("bar"))]))
        XCTAssertEqual(parse("Title:war"), t("war", "title"))
        XCTAssertEqual(parse("a TITLE:\"x y\""), .boolean([must(t("a")), must(QueryNode.phrase("x y", field: "title", slop: 0))]))
        XCTAssertEqual(parse("title:(Kuwait: talks)"), .boolean([must(t("Kuwait", "title")), must(t("talks", "title"))]))
        XCTAssertEqual(parse("10:30"), .boolean([must(t("10")), must(t("30"))]))
        XCTAssertEqual(parse("and or not"), .boolean([must(t("and")), must(t("or")), must(t("not"))]))
    }

    func testFuzzyTerms() {
        XCTAssertEqual(parse("vietnm~1"), QueryNode(query: FuzzyQuery("vietnm", maxEdits: 1)))
        XCTAssertEqual(parse("legasy~"), QueryNode(query: FuzzyQuery("legasy", maxEdits: 2)))
        XCTAssertEqual(parse("oil~0"), QueryNode(query: FuzzyQuery("oil", maxEdits: 0)))
        XCTAssertEqual(parse("title:legasy~1"), QueryNode(query: FuzzyQuery("legasy", field: "title", maxEdits: 1)))
        XCTAssertEqual(parse("a\\~b"), t("a~b"))
        XCTAssertEqual(parse("~"), t("~"))
        assertError("oil~3", at: 3, "at most 2 edits, not 3")
        assertError("a oil~12", at: 5, "at most 2 edits")
        assertError("oil~x", at: 3, "'~' after a word must be followed")
        assertError("oil~1.5", at: 3, "'~' after a word must be followed")
        assertError("oi*~1", at: 3, "both a prefix")
    }

    func testBoosts() {
        XCTAssertEqual(parse("oil^2"), QueryNode(query: BoostQuery(TermQuery("oil"), boost: 2)))
        XCTAssertEqual(parse("\"oil price\"^0.5"), QueryNode(query: BoostQuery(PhraseQuery("oil price"), boost: 0.5)))
        XCTAssertEqual(parse("\"oil price\"~2^3"), QueryNode(query: BoostQuery(PhraseQuery("oil price", slop: 2), boost: 3)))
        XCTAssertEqual(parse("(a OR b)^3"), QueryNode(query: BoostQuery(BooleanQuery([should(t("a")), should(t("b"))]), boost: 3)))
        XCTAssertEqual(parse("title:oil^2"), QueryNode(query: BoostQuery(TermQuery("oil", field: "title"), boost: 2)))
        XCTAssertEqual(parse("oil~1^2"), QueryNode(query: BoostQuery(FuzzyQuery("oil", maxEdits: 1), boost: 2)))
        XCTAssertEqual(parse("oil*^2"), QueryNode(query: BoostQuery(PrefixQuery("oil"), boost: 2)))
        XCTAssertEqual(parse("a\\^2"), t("a^2"))
        assertError("oil^", at: 3, "'^' must be followed by a boost")
        assertError("oil^-1", at: 3, "'^' must be followed by a boost")
        assertError("oil^abc", at: 3, "'^' must be followed by a boost")
        assertError("oil^0", at: 3, "'^' must be followed by a boost")
        assertError("x \"a b\"^", at: 7, "'^' must be followed by a boost")
        assertError("(a b)^x", at: 5, "'^' must be followed by a boost")
        assertError("oil^2^3", at: 3, "'^' must be followed by a boost")
    }

    /// Clauses that analyze to no term are dropped and reported, with their positions.
    func testIgnoredClauses() throws {
        let analyzer = try Analyzer(language: "english")
        func parsed(_ text: String, _ op: DefaultOperator = .and) throws -> ParsedQuery {
            try QueryParser.parse(text, defaultOperator: op, knownFields: fields, isSearchable: { analyzer.hasTerms($0) })
        }
        var p = try parsed("oil & gas")
        XCTAssertEqual(QueryNode(query: p.query), .boolean([must(t("oil")), must(t("gas"))]))
        XCTAssertEqual(p.ignored, [IgnoredClause(text: "&", position: 4)])
        p = try parsed("HÀ NỘI — State President")
        XCTAssertEqual(p.ignored, [IgnoredClause(text: "—", position: 7)])
        XCTAssertEqual((p.query as? BooleanQuery)?.clauses.count, 4)
        p = try parsed("oil AND & OR title:— -! (… ¿)")
        XCTAssertEqual(QueryNode(query: p.query), t("oil"))
        XCTAssertEqual(p.ignored.map(\.text), ["&", "title:—", "!", "…", "¿"])
        XCTAssertEqual(p.ignored.map(\.position), [8, 13, 22, 25, 27])
        p = try parsed("& — \"!!\"")
        XCTAssertTrue(p.query is MatchNoneQuery)
        XCTAssertEqual(p.ignored.count, 3)
        p = try parsed("&~1 &* &^2 oil", .or)
        XCTAssertEqual(QueryNode(query: p.query), t("oil"))
        XCTAssertEqual(p.ignored.map(\.text), ["&~1", "&*", "&"])
    }

    func testStarErrors() {
        assertError("*", at: 0, "lone '*'")
        assertError("a *", at: 2, "lone '*'")
        assertError("title:*", at: 6, "lone '*'")
        assertError("a*b", at: 1, "only allowed at the end of a word")
        assertError("*ab", at: 0, "only allowed at the end of a word")
        assertError("ab**", at: 2, "only allowed at the end of a word")
    }

    func testPhraseErrors() {
        assertError("\"\"", at: 0, "empty phrase")
        assertError("a \"   \"", at: 2, "empty phrase")
        assertError("\"a b\"~x", at: 5, "'~' after a phrase must be followed by a number")
        assertError("\"a b\"~", at: 5, "'~' after a phrase must be followed by a number")
        assertError("\"a b\"~2x", at: 5, "'~' after a phrase must be followed by a number")
        assertError("\"a b\"~-1", at: 5, "'~' after a phrase must be followed by a number")
        assertError("\"a b\"~99999999999999999999999", at: 5, "'~' after a phrase must be followed by a number")
    }

    func testDateErrors() {
        assertError("date:2025-13-01", at: 5,
                    "invalid date '2025-13-01' (expected YYYY, YYYY-MM, YYYY-MM-DD or an ISO-8601 date-time)")
        assertError("date:yesterday", at: 5, "invalid date 'yesterday'")
        assertError("date:[2025-01-01 2025-02-01]", at: 17, "needs 'TO'")
        assertError("date:[2025-01-01]", at: 16, "needs 'TO'")
        assertError("date:[2025-01-01 to 2025-02-01]", at: 17, "needs 'TO'")
        assertError("date:[]", at: 5, "empty range")
        assertError("date:[2025-02-01 TO 2025-01-01]", at: 6, "starts ('2025-02-01') after it ends ('2025-01-01')")
        assertError("date:[2025-02-30 TO *]", at: 6, "invalid date '2025-02-30'")
        assertError("date:[* TO 2025-1-1]", at: 11, "invalid date '2025-1-1'")
        assertError("date:[TO 2025-01-01]", at: 6, "no start before 'TO'")
        assertError("date:[2025-01-01 TO]", at: 17, "no end after 'TO'")
        assertError("date:[* TO * TO *]", at: 13, "exactly one 'TO'")
        assertError("date:[2025-01-01 TO *", at: 5, "never closed")
        assertError("date:(2025-01-01 OR yesterday)", at: 20, "invalid date 'yesterday'")
        assertError("date:", at: 0, "field 'date:' has no term")
        assertError("[2025-01-01 TO *]", at: 0, "a range needs a field")
        assertError("a ] b", at: 2, "']' without a matching '['")
        assertError("title:(date:2025-01-01)", at: 7, "fields cannot be nested")
    }

    func testDeepNesting() {
        let ok = String(repeating: "(", count: 200) + "a" + String(repeating: ")", count: 200)
        XCTAssertEqual(parse(ok), t("a"))
        // (Within the 64 KiB length limit, which a deeper query would meet first.)
        let deep = String(repeating: "(", count: 30_000) + "a" + String(repeating: ")", count: 30_000)
        assertError(deep, at: 200, "nested too deeply")
        let negations = String(repeating: "-(", count: 30_000) + "a"
        assertError(negations, at: 401, "nested too deeply")
    }

    func testTrailingBackslash() {
        assertError("abc\\", at: 3, "escapes nothing")
    }

    func testNeverCrashesOnOddInput() {
        // Each input either parses or throws invalidQuery; nothing traps.
        let pieces = ["a", "\"", "(", ")", "-", "+", "NOT", "OR", "AND", ":", "title:", "date:", "[", "]", "*", "~2",
                      "\\", " ", "é", "date:[* TO *]", "\"x\"", "b*"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<6 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += pieces[Int(state >> 33) % pieces.count]
            }
            do {
                _ = try QueryParser.parse(text, knownFields: fields)
            } catch LoupeError.invalidQuery(_, let position) {
                XCTAssertTrue(position >= 0 && position <= text.count, "position \(position) for '\(text)'")
            } catch {
                XCTFail("'\(text)' threw \(error)")
            }
        }
    }

    // MARK: - Description

    func testDescription() {
        XCTAssertEqual(parse("a -b title:\"c d\"~2 e*")?.description, "+a -b +title:\"c d\"~2 +e*")
        XCTAssertEqual(parse("a OR (b c)")?.description, "a (+b +c)")
        XCTAssertEqual(parse("-a")?.description, "+*:* -a")
        XCTAssertEqual(parse("date:[2025-01-01 TO 2025-06-30]")?.description, "date:[2025-01-01 TO 2025-06-30]")
        XCTAssertEqual(parse("date:[2025-01-01T10:00Z TO *]")?.description, "date:[2025-01-01T10:00:00Z TO *]")
        XCTAssertEqual(parse("\\-x\\:y \\OR")?.description, "+\\-x\\:y +\\OR")
    }

    func testDescriptionReparsesUnderOrDefault() throws {
        for q in ["a -b title:\"c d\"~2 e*", "a OR (b c)", "+x (y OR z) -w date:[2025-01-01 TO *]", "\\-x\\:y \\OR e-mail",
                  "vietnm~1 legasy~ title:oil~0", "oil^2 \"a b\"~1^0.5 (a OR b)^3 title:x^1.5 c*^2 d~1^4", "a\\~b c\\^2 ~x"] {
            let node = try QueryParser.parse(q, defaultOperator: .or, knownFields: fields)
            XCTAssertEqual(QueryNode(query: try QueryParser.parse(node.description, defaultOperator: .or, knownFields: fields)), QueryNode(query: node), q)
        }
    }
}
