import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe

final class AnalysisTests: XCTestCase {
    private func terms(_ text: String, _ language: String? = nil) throws -> [String] {
        try Analyzer(language: language).terms(text)
    }

    private func nfd(_ s: String) -> String { s.decomposedStringWithCanonicalMapping }

    private func fixture(_ name: String) throws -> String {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// True when `needle` occurs as consecutive terms in `haystack`.
    private func containsPhrase(_ haystack: [String], _ needle: String) -> Bool {
        let words = needle.split(separator: " ").map(String.init)
        guard words.count <= haystack.count else { return false }
        for i in 0...(haystack.count - words.count) where Array(haystack[i..<(i + words.count)]) == words {
            return true
        }
        return false
    }

    // MARK: folding

    func testVietnameseFoldsToBaseLetters() throws {
        for text in ["Việt Nam", "VIỆT NAM", "Viet Nam", "viet nam"] {
            XCTAssertEqual(try terms(text), ["viet", "nam"], text)
            XCTAssertEqual(try terms(nfd(text)), ["viet", "nam"], "NFD \(text)")
            XCTAssertEqual(try terms(text, "english"), ["viet", "nam"], text)
        }
        XCTAssertEqual(try terms("Đà Nẵng"), ["da", "nang"])
        XCTAssertEqual(try terms(nfd("Đà Nẵng")), ["da", "nang"])
        XCTAssertEqual(try terms("HÀ NỘI"), ["ha", "noi"])
        XCTAssertEqual(try terms(nfd("HÀ NỘI")), ["ha", "noi"])
        XCTAssertEqual(try terms("Thành phố Hồ Chí Minh"), ["thanh", "pho", "ho", "chi", "minh"])
    }

    func testLettersWithoutDecomposition() throws {
        XCTAssertEqual(try terms("đường Đồng"), ["duong", "dong"])
        XCTAssertEqual(try terms("Søren Ørsted"), ["soren", "orsted"])
        XCTAssertEqual(try terms("Łódź"), ["lodz"])
        XCTAssertEqual(try terms("Æsir Cæsar"), ["aesir", "caesar"])
        XCTAssertEqual(try terms("Œuvre cœur"), ["oeuvre", "coeur"])
        XCTAssertEqual(try terms("Straße STRAẞE"), ["strasse", "strasse"])
        XCTAssertEqual(try terms("Þór Guðrún"), ["thor", "gudrun"])
        XCTAssertEqual(try terms("ılık İstanbul"), ["ilik", "istanbul"])
        XCTAssertEqual(try terms("Crème Brûlée naïve façade"), ["creme", "brulee", "naive", "facade"])
        XCTAssertEqual(Analyzer.normalizeTerm("Việt"), "viet")
        XCTAssertEqual(Analyzer.normalizeTerm("Nẵng’s"), "nang")
    }

    func testCompatibilityAndOtherScripts() throws {
        XCTAssertEqual(try terms("ﬁnance ＦＵＬＬ１２"), ["finance", "full12"])
        XCTAssertEqual(try terms("½"), ["1", "2"])
        XCTAssertEqual(try terms("Ελληνικά ΟΔΟΣ"), ["ελληνικα", "οδοσ"])
        XCTAssertEqual(try terms("Москва ёлка йод"), ["москва", "елка", "йод"])
        // version 1 (indexes made before analysis versions) keeps a CJK run as one term;
        // version 2 makes bigrams (ScriptAnalysisTests)
        XCTAssertEqual(try Analyzer(language: nil, version: 1).terms("東京 がっこう"), ["東京", "がっこう"])
        XCTAssertEqual(try Analyzer(language: nil, version: 1).terms("한국어"), ["한국어"])
        XCTAssertEqual(try terms("東京 がっこう"), ["東京", "がっ", "っこ", "こう"])
        XCTAssertEqual(try terms("한국어"), ["한국", "국어"])
        XCTAssertEqual(try terms("inter\u{AD}national"), ["international"])
    }

    func testOffsetsPointAtOriginalWords() throws {
        let a = try Analyzer(language: "english")
        for text in ["Việt Nam’s capital, HÀ NỘI — don’t say “O'Brien” ½ Đà Nẵng 1995–2025 naïve",
                     nfd("Việt Nam’s capital, HÀ NỘI — don’t say “O'Brien” ½ Đà Nẵng 1995–2025 naïve")] {
            let tokens = a.analyze(text)
            let bytes = Array(text.utf8)
            let originals = tokens.map { String(decoding: bytes[$0.startOffset..<$0.endOffset], as: UTF8.self) }
            let expected = ["Việt", "Nam’s", "capital", "HÀ", "NỘI", "don’t", "say", "O'Brien", "½", "½",
                            "Đà", "Nẵng", "1995", "2025", "naïve"].map { text == nfd(text) ? nfd($0) : $0 }
            XCTAssertEqual(originals, expected)
            XCTAssertEqual(tokens.map(\.term),
                           ["viet", "nam", "capit", "ha", "noi", "dont", "say", "obrien", "1", "2",
                            "da", "nang", "1995", "2025", "naiv"])
            XCTAssertEqual(tokens.map(\.position), Array(0..<tokens.count))
        }
    }

    func testApostrophes() throws {
        for apostrophe in ["'", "’", "ʼ"] {
            let t = try terms("Nam\(apostrophe)s VIỆT NAM\(apostrophe)S don\(apostrophe)t O\(apostrophe)Brien")
            XCTAssertEqual(t, ["nam", "viet", "nam", "dont", "obrien"], apostrophe)
            XCTAssertFalse(t.contains("s"))
        }
        XCTAssertEqual(try terms("rock'n'roll students' 'quoted' it’s"), ["rocknroll", "students", "quoted", "it"])
        XCTAssertEqual(try terms("Vietnam’s view"), ["vietnam", "view"])
    }

    func testEdgeCases() throws {
        let a = try Analyzer(language: "english")
        XCTAssertEqual(a.analyze(""), [])
        XCTAssertEqual(a.forEachTerm(in: " \n\t—…!?") { _, _ in XCTFail("no terms") }, 0)
        XCTAssertEqual(a.terms("abc' ' ’ 'x"), ["abc", "x"])
        XCTAssertEqual(a.terms("\u{301}abc 👍🏽 e\u{301}"), ["abc", "👍🏽", "e"])
        XCTAssertEqual(try Analyzer(language: "english", version: 1).terms("\u{301}abc 👍🏽 e\u{301}"), ["abc", "e"])
        XCTAssertEqual(a.terms("a_b-c/d.e"), ["a", "b", "c", "d", "e"])
        let tokens = a.analyze("\u{301}Nam")
        XCTAssertEqual(tokens, [Token(term: "nam", position: 0, startOffset: 2, endOffset: 5)])
    }

    func testNumbers() throws {
        XCTAssertEqual(try terms("1995–2025"), ["1995", "2025"])
        XCTAssertEqual(try terms("May 31, 2025: 3.5%"), ["may", "31", "2025", "3", "5"])
        XCTAssertEqual(try terms("the 30th anniversary", "english"), ["the", "30th", "anniversari"])
    }

    func testLongTokensAreDroppedWithoutPosition() throws {
        let a = try Analyzer(language: nil)
        let long = String(repeating: "a", count: 65)
        let ok = String(repeating: "b", count: 64)
        let tokens = a.analyze("x \(long) \(ok) y")
        XCTAssertEqual(tokens.map(\.term), ["x", ok, "y"])
        XCTAssertEqual(tokens.map(\.position), [0, 1, 2])
        // 64 bytes after normalization: 32 two-byte letters are kept, 33 are not
        let v = String(repeating: "ж", count: 32)
        XCTAssertEqual(a.terms("\(v) \(v)ж"), [v])
        // folding shortens: 65 é are 130 bytes of input but 65 bytes of term
        XCTAssertEqual(a.terms(String(repeating: "é", count: 64)), [String(repeating: "e", count: 64)])
        XCTAssertEqual(a.terms(String(repeating: "é", count: 65)), [])
    }

    // MARK: stemming

    func testStemming() throws {
        let english = try Analyzer(language: "english")
        XCTAssertEqual(english.terms("war legacies"), english.terms("war legacy"))
        XCTAssertEqual(english.terms("war legacies"), ["war", "legaci"])
        let none = try Analyzer(language: nil)
        XCTAssertEqual(none.terms("war legacies"), ["war", "legacies"])
        XCTAssertNotEqual(none.terms("war legacies"), none.terms("war legacy"))
        XCTAssertEqual(try Analyzer(language: "none").terms("war legacies"), ["war", "legacies"])
        // default: stop words are kept
        XCTAssertEqual(english.terms("The running of the bulls"), ["the", "run", "of", "the", "bull"])
        // stemming runs on folded text
        XCTAssertEqual(try Analyzer(language: "french").terms("Les élèves françaises"), ["le", "elev", "francais"])
        XCTAssertEqual(english.stem("legacies"), "legaci")
    }

    func testCachedStemsMatchTheStemmer() throws {
        // more distinct words than cache slots, so slots get overwritten
        let syllables = ["con", "nect", "ing", "ed", "ies", "ation", "al", "ly", "ness", "ful", "er", "s"]
        var words = [String]()
        for a in syllables { for b in syllables { for c in syllables { words.append(a + b + c) } } }
        let shared = try Analyzer(language: "english")
        let first = words.map { shared.terms($0) }
        let second = words.reversed().map { shared.terms($0) }
        XCTAssertEqual(first, Array(second.reversed()))
        let fresh = try Analyzer(language: "english")
        for (i, word) in words.enumerated() where i % 37 == 0 {
            XCTAssertEqual(fresh.stem(word), first[i].first, word)
        }
    }

    func testUnknownLanguageThrows() {
        XCTAssertThrowsError(try Analyzer(language: "klingon")) { error in
            XCTAssertEqual(error as? LoupeError, .unknownLanguage("klingon"))
        }
        XCTAssertTrue(Analyzer.availableLanguages.contains("english"))
        XCTAssertTrue(Analyzer.availableLanguages.contains("french"))
        for name in Analyzer.availableLanguages {
            XCTAssertNoThrow(try Analyzer(language: name), name)
        }
    }

    // MARK: agreement and fixtures

    func testForEachTermAgreesWithAnalyze() throws {
        let a = try Analyzer(language: "english")
        for name in ["000_fd2d3813decb2b3a", "004_00cd80e0cdd47e2b"] {
            for text in [try fixture(name), nfd(try fixture(name))] {
                let tokens = a.analyze(text)
                var seen = [(String, Int)]()
                let count = a.forEachTerm(in: text) { term, position in
                    seen.append((String(decoding: term, as: UTF8.self), position))
                }
                XCTAssertEqual(count, tokens.count)
                XCTAssertEqual(seen.map(\.0), tokens.map(\.term))
                XCTAssertEqual(seen.map(\.1), tokens.map(\.position))
                XCTAssertEqual(tokens.map(\.position), Array(0..<tokens.count))
                XCTAssertEqual(a.terms(text), tokens.map(\.term))
                XCTAssertFalse(tokens.contains { $0.term == "s" }, name)
                // every token's offsets decode to a word of the original text that re-analyzes to it
                let bytes = Array(text.utf8)
                for token in tokens {
                    let original = String(decoding: bytes[token.startOffset..<token.endOffset], as: UTF8.self)
                    XCTAssertTrue(a.terms(original).contains(token.term), "\(original) → \(token.term)")
                }
            }
        }
    }

    func testSeedArticles() throws {
        let english = try Analyzer(language: "english")
        let a = try fixture("000_fd2d3813decb2b3a")
        let b = try fixture("004_00cd80e0cdd47e2b")
        for (label, transform) in [("NFC", { (s: String) in s.precomposedStringWithCanonicalMapping }), ("NFD", nfd)] {
            let ta = english.terms(transform(a))
            let tb = english.terms(transform(b))
            XCTAssertTrue(containsPhrase(ta, "phan van giang"), label)
            XCTAssertTrue(containsPhrase(ta, "war legaci"), label)
            XCTAssertTrue(containsPhrase(tb, "viet nam"), label)
            XCTAssertTrue(containsPhrase(tb, "ha noi"), label)
            XCTAssertTrue(containsPhrase(tb, "war legaci"), label)
            XCTAssertTrue(ta.contains("1995") && ta.contains("2025"), label)
            XCTAssertFalse(ta.contains("s") || tb.contains("s"), label)
        }
    }
}
