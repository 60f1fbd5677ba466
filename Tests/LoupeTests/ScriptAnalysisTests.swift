import Foundation
import XCTest
@_spi(Benchmarks) @testable import Loupe
import LoupeTestSupport

/// Analysis version 2 on real sentences: elision (French, Italian, Catalan, Irish), CJK bigrams
/// (Chinese, Japanese, Korean), dictionary word breaking (Thai, Lao, Khmer, Myanmar) and emoji,
/// token by token and end to end through an index; and version 1 (indexes created before
/// versions were recorded) analyzing as before.
final class ScriptAnalysisTests: XCTestCase {
    var tmp: TempDir!
    override func setUp() { super.setUp(); tmp = TempDir("loupe-scripts") }
    override func tearDown() { tmp = nil; super.tearDown() }

    private func terms(_ text: String, _ language: String? = nil, version: Int = Analyzer.currentVersion) throws -> [String] {
        try Analyzer(language: language, version: version).terms(text)
    }

    /// The original text of each token of `text`, by its offsets.
    private func originals(_ text: String, _ language: String? = nil) throws -> [String] {
        let bytes = Array(text.utf8)
        return try Analyzer(language: language).analyze(text).map {
            String(decoding: bytes[$0.startOffset..<$0.endOffset], as: UTF8.self)
        }
    }

    /// An index of `docs` (id → body) with the news schema in `language`.
    private func index(_ docs: [(String, String)], language: String? = nil, version: Int? = nil) throws -> Index {
        var schema = Schema.news(language: language)
        if let version { schema.analysisVersion = version }
        return try TestIndex.build(at: tmp.sub("index-\(UUID().uuidString)"), schema: schema,
                                   documents: docs.map { Document(id: $0.0, fields: ["title": "", "body": $0.1]) })
    }

    private func ids(_ index: Index, _ query: String) throws -> [String] {
        try index.search(query, limit: 100).hits.map(\.id).sorted()
    }

    // MARK: elision

    func testFrenchElision() throws {
        let sentence = "L'économie qu'il décrit n'a jamais été aussi forte, jusqu'à aujourd'hui, d'après l’INSEE."
        XCTAssertEqual(try terms(sentence, "french"),
                       try terms("économie il décrit a jamais été aussi forte, à aujourdhui, après INSEE.", "french"))
        XCTAssertEqual(try terms(sentence, "french"),
                       ["econom", "il", "decr", "a", "jam", "ete", "auss", "fort", "a", "aujourdhui", "apre", "inse"])
        XCTAssertEqual(try terms("L'économie", "french"), try terms("économie", "french"))
        XCTAssertEqual(try terms("lorsqu'on puisqu'elle quoiqu'il s'est c'était j'ai m'a t'aime", "french"),
                       try terms("on elle il est était ai a aime", "french"))
        // the token's offsets are those of the word without its article
        XCTAssertEqual(try originals("L'économie d’après", "french"), ["économie", "après"])
        // no elision without the language, nor for English (its possessive rule stays)
        XCTAssertEqual(try terms("L'économie"), ["leconomie"])
        XCTAssertEqual(try terms("L'économie O'Brien's", "english"), ["leconomi", "obrien"])
        XCTAssertEqual(try terms("L'économie", "french", version: 1), ["leconom"])

        let idx = try index([("fr-1", "L'économie française a progressé l'an dernier."),
                             ("fr-2", "Les économies d'énergie sont à l'ordre du jour."),
                             ("fr-3", "Un discours sur la politique.")], language: "french")
        XCTAssertEqual(try ids(idx, "économie"), ["fr-1", "fr-2"])
        XCTAssertEqual(try ids(idx, "énergie"), ["fr-2"])
        XCTAssertEqual(try ids(idx, "\"l'économie française\""), ["fr-1"])
        XCTAssertEqual(try ids(idx, "l'ordre"), ["fr-2"])
    }

    func testItalianElision() throws {
        XCTAssertEqual(try terms("Dell'anno scorso ricordo l'Italia, un'altra storia: c'è chi parla dell'economia all'estero.", "italian"),
                       try terms("anno scorso ricordo Italia, altra storia: è chi parla economia estero.", "italian"))
        XCTAssertEqual(try terms("dell'anno nell'ultimo sull'isola dall'Europa coll'aiuto gl'italiani degl'interessi m'ha t'ho s'è v'era d'Italia"),
                       ["dell'anno", "nell'ultimo", "sull'isola", "dall'europa", "coll'aiuto", "gl'italiani", "degl'interessi",
                        "m'ha", "t'ho", "s'e", "v'era", "d'italia"].map { $0.replacingOccurrences(of: "'", with: "") })
        XCTAssertEqual(try terms("dell'anno nell'ultimo sull'isola dall'Europa coll'aiuto gl'italiani degl'interessi m'ha t'ho s'è v'era d'Italia",
                                 "italian"),
                       try terms("anno ultimo isola Europa aiuto italiani interessi ha ho è era Italia", "italian"))
        let idx = try index([("it-1", "Il bilancio dell'anno e l'economia d'Italia."), ("it-2", "Un anno difficile.")], language: "italian")
        XCTAssertEqual(try ids(idx, "economia"), ["it-1"])
        XCTAssertEqual(try ids(idx, "Italia"), ["it-1"])
        XCTAssertEqual(try ids(idx, "anno"), ["it-1", "it-2"])
    }

    func testCatalanElision() throws {
        XCTAssertEqual(try terms("L'any passat vaig anar d'Andorra a l'Alguer; m'agrada la llengua i s'ha de parlar, n'hi ha t'ho dic.", "catalan"),
                       try terms("any passat vaig anar Andorra a Alguer; agrada la llengua i ha de parlar, hi ha ho dic.", "catalan"))
        let idx = try index([("ca-1", "L'Alguer és una ciutat d'Itàlia on es parla català.")], language: "catalan")
        XCTAssertEqual(try ids(idx, "Alguer"), ["ca-1"])
        XCTAssertEqual(try ids(idx, "Itàlia"), ["ca-1"])
    }

    func testIrishElision() throws {
        XCTAssertEqual(try terms("D'fhág m'athair an baile; b'fhéidir go bhfillfidh sé.", "irish"),
                       try terms("fhág athair an baile; fhéidir go bhfillfidh sé.", "irish"))
        XCTAssertEqual(try originals("D'fhág m'athair", "irish"), ["fhág", "athair"])
        let idx = try index([("ga-1", "D'fhág m'athair an baile inné."), ("ga-2", "Tá an baile ciúin.")], language: "irish")
        XCTAssertEqual(try ids(idx, "athair"), ["ga-1"])
        XCTAssertEqual(try ids(idx, "baile"), ["ga-1", "ga-2"])
    }

    // MARK: CJK bigrams

    func testChineseBigrams() throws {
        XCTAssertEqual(try terms("北京举行经济会议，讨论明年的发展目标。"),
                       ["北京", "京举", "举行", "行经", "经济", "济会", "会议", "讨论", "论明", "明年", "年的", "的发", "发展", "展目", "目标"])
        let a = try Analyzer(language: "english")
        let tokens = a.analyze("中国 2025年GDP增长")
        XCTAssertEqual(tokens.map(\.term), ["中国", "2025", "年", "gdp", "增长"])
        XCTAssertEqual(tokens.map(\.position), [0, 1, 2, 3, 4])
        // each bigram covers its two characters (3 bytes each here)
        let sentence = "北京举行经济会议"
        XCTAssertEqual(a.analyze(sentence).map { [$0.startOffset, $0.endOffset] },
                       (0..<7).map { [3 * $0, 3 * $0 + 6] })
        XCTAssertEqual(a.analyze(sentence).map(\.position), Array(0..<7))
        // a lone character is one term
        XCTAssertEqual(try terms("大 雨"), ["大", "雨"])
    }

    func testJapaneseBigrams() throws {
        // kanji and hiragana in one run, katakana with the prolonged sound mark
        XCTAssertEqual(try terms("東京都は新しい経済政策を発表した。"),
                       ["東京", "京都", "都は", "は新", "新し", "しい", "い経", "経済", "済政", "政策", "策を", "を発", "発表", "表し", "した"])
        XCTAssertEqual(try terms("ニュースを読む"), ["ニュ", "ュー", "ース", "スを", "を読", "読む"])
        // halfwidth katakana and decomposed voicing marks fold to the usual forms
        XCTAssertEqual(try terms("ﾆｭｰｽ"), try terms("ニュース"))
        XCTAssertEqual(try terms("か\u{3099}くせい"), try terms("がくせい"))
    }

    func testKoreanBigrams() throws {
        XCTAssertEqual(try terms("서울에서 경제 회의가 열렸다"), ["서울", "울에", "에서", "경제", "회의", "의가", "열렸", "렸다"])
        // NFD Hangul (jamo) is bigrammed by syllable, like the precomposed text
        XCTAssertEqual(try terms("서울에서 경제".decomposedStringWithCanonicalMapping), ["서울", "울에", "에서", "경제"])
    }

    func testCJKSearchEndToEnd() throws {
        let idx = try index([
            ("zh-1", "北京举行经济会议，讨论明年的发展目标。"),
            ("zh-2", "上海的经济发展很快。"),
            ("ja-1", "東京都は新しい経済政策を発表した。"),
            ("ko-1", "서울에서 경제 회의가 열렸다."),
            ("zh-3", "北京的会议今天举行。"),
        ], language: "english")
        XCTAssertEqual(try ids(idx, "经济"), ["zh-1", "zh-2"])
        XCTAssertEqual(try ids(idx, "経済"), ["ja-1"])
        XCTAssertEqual(try ids(idx, "경제"), ["ko-1"])
        // a word of several characters is the phrase of its bigrams: zh-3 has 北京 and 举行 but not 北京举行
        XCTAssertEqual(try ids(idx, "北京举行"), ["zh-1"])
        XCTAssertEqual(try ids(idx, "\"北京举行经济会议\""), ["zh-1"])
        XCTAssertEqual(try ids(idx, "北京 举行"), ["zh-1", "zh-3"])
        XCTAssertEqual(try ids(idx, "经济发展"), ["zh-2"])
        XCTAssertEqual(try ids(idx, "新しい経済"), ["ja-1"])
        XCTAssertEqual(try ids(idx, "서울에서"), ["ko-1"])

        // the snippet highlights the matched characters
        var request = SearchRequest(query: "经济会议")
        request.snippetField = "body"
        let hit = try XCTUnwrap(idx.search(request).hits.first)
        XCTAssertEqual(hit.id, "zh-1")
        let snippet = try XCTUnwrap(hit.snippet)
        XCTAssertEqual(snippet.highlights.map { piece(snippet.text, $0) }, ["经济会议"])
        XCTAssertEqual(snippet.rendered(open: "[", close: "]"), "北京举行[经济会议]，讨论明年的发展目标。")
    }

    private func piece(_ text: String, _ range: Range<Int>) -> String {
        String(decoding: Array(text.utf8)[range], as: UTF8.self)
    }

    // MARK: Thai, Lao, Khmer, Myanmar

    func testSoutheastAsianWordBreaking() throws {
        XCTAssertEqual(try terms("ภาษาไทยเป็นภาษาที่สวยงาม"), ["ภาษา", "ไทย", "เป็น", "ภาษา", "ที่", "สวยงาม"])
        XCTAssertEqual(try terms("ພາສາລາວເປັນພາສາທີ່ງາມ"), ["ພາສາ", "ລາວ", "ເປັນ", "ພາສາ", "ທີ່", "ງາມ"])
        XCTAssertEqual(try terms("ភាសាខ្មែរគឺជាភាសាដ៏ស្រស់ស្អាត"), ["ភាសាខ្មែរ", "គឺជា", "ភាសា", "ដ៏", "ស្រស់", "ស្អាត"])
        XCTAssertEqual(try terms("မြန်မာဘာသာစကားသည်လှပသည်"), ["မြန်မာဘာသာ", "စကား", "သည်", "လှပ", "သည်"])
        // offsets of each word, and other scripts around the run
        let text = "Bangkok: ภาษาไทย 2025"
        XCTAssertEqual(try originals(text, "english"), ["Bangkok", "ภาษา", "ไทย", "2025"])
        // version 1 keeps a run as one term
        XCTAssertEqual(try terms("ภาษาไทย ที่สวยงาม", version: 1), ["ภาษาไทย", "ที่สวยงาม"])
    }

    func testSoutheastAsianSearchEndToEnd() throws {
        let idx = try index([
            ("th-1", "ภาษาไทยเป็นภาษาที่สวยงาม"),
            ("lo-1", "ພາສາລາວເປັນພາສາທີ່ງາມ"),
            ("km-1", "ភាសាខ្មែរគឺជាភាសាដ៏ស្រស់ស្អាត"),
            ("my-1", "မြန်မာဘာသာစကားသည်လှပသည်"),
        ])
        XCTAssertEqual(try ids(idx, "ไทย"), ["th-1"])
        XCTAssertEqual(try ids(idx, "สวยงาม"), ["th-1"])
        XCTAssertEqual(try ids(idx, "ພາສາ"), ["lo-1"])
        XCTAssertEqual(try ids(idx, "ស្រស់"), ["km-1"])
        XCTAssertEqual(try ids(idx, "စကား"), ["my-1"])
        // a query run is split the same way, so it is the phrase of its words
        XCTAssertEqual(try ids(idx, "ภาษาไทย"), ["th-1"])
        XCTAssertEqual(try ids(idx, "ไทยภาษา"), [])
    }

    // MARK: emoji

    func testEmojiTokens() throws {
        let text = "Party 🎉 oil 👍🏽 family 👨‍👩‍👧 flag 🇻🇳 heart ❤️ text ❤ © ™ keycap #️⃣ Scotland 🏴󠁧󠁢󠁳󠁣󠁴󠁿"
        XCTAssertEqual(try terms(text),
                       ["party", "🎉", "oil", "👍🏽", "family", "👨‍👩‍👧", "flag", "🇻🇳", "heart", "❤", "text", "keycap", "scotland",
                        "🏴󠁧󠁢󠁳󠁣󠁴󠁿"])
        XCTAssertEqual(try originals("a🎉️b"), ["a", "🎉️", "b"])
        // variation selectors do not make another term
        XCTAssertEqual(try terms("🎉\u{FE0F} 🎉\u{FE0E} 🎉"), ["🎉", "🎉", "🎉"])
        // two flags side by side are two terms
        XCTAssertEqual(try terms("🇫🇷🇮🇹"), ["🇫🇷", "🇮🇹"])
        XCTAssertEqual(try terms("🎉 oil", version: 1), ["oil"])
    }

    func testEmojiSearchEndToEnd() throws {
        let idx = try index([("e-1", "Oil output hits a record 🎉 in March"), ("e-2", "Oil prices fall 📉"), ("e-3", "Party 🎉 time")])
        XCTAssertEqual(try ids(idx, "🎉 oil"), ["e-1"])
        XCTAssertEqual(try ids(idx, "🎉"), ["e-1", "e-3"])
        XCTAssertEqual(try ids(idx, "📉"), ["e-2"])
    }

    // MARK: versions

    func testVersionOneIndexKeepsItsAnalysis() throws {
        // an index made by a build before analysis versions: version 1
        let old = try index([("zh-1", "北京举行经济会议"), ("fr-1", "L'économie")], language: "french", version: 1)
        XCTAssertEqual(old.reader.schema.analysis, 1)
        XCTAssertEqual(try ids(old, "北京举行经济会议"), ["zh-1"])
        XCTAssertEqual(try ids(old, "经济"), [])
        XCTAssertEqual(try ids(old, "l'économie"), ["fr-1"])
        XCTAssertEqual(try ids(old, "économie"), [])

        let new = try index([("zh-1", "北京举行经济会议"), ("fr-1", "L'économie")], language: "french")
        XCTAssertEqual(new.reader.schema.analysisVersion, Analyzer.currentVersion)
        XCTAssertEqual(try ids(new, "经济"), ["zh-1"])
        XCTAssertEqual(try ids(new, "économie"), ["fr-1"])
    }

    /// The committed version-3 fixture predates analysis versions: it is version 1, and stays
    /// so when documents are added to it.
    func testFixtureIndexIsVersionOneAndStaysSo() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "index-v3", withExtension: nil, subdirectory: "Fixtures"))
        let dir = tmp.sub("index-v3")
        try DirTools.copy(url.path, to: dir)
        XCTAssertEqual(try Index.open(at: dir).reader.schema.analysisVersion, nil)
        XCTAssertEqual(IndexStats(reader: try Index.open(at: dir).reader).analysisVersion, 1)
        try Index.open(at: dir).write { w in
            try w.add(Document(id: "zh-1", fields: ["title": "经济", "body": "北京举行经济会议"]))
        }
        let index = try Index.open(at: dir)
        XCTAssertEqual(index.reader.schema.analysis, 1)
        XCTAssertFalse(try String(contentsOfFile: dir + "/manifest", encoding: .isoLatin1).contains("analysisVersion"))
        XCTAssertEqual(try ids(index, "北京举行经济会议"), ["zh-1"])
        XCTAssertEqual(try ids(index, "oil"), ["reuters-157", "reuters-68"])
    }

    func testManifestRecordsTheVersionAndAbsentMeansOne() throws {
        let dir = tmp.sub("manifest")
        try IndexWriter.create(directory: dir, schema: .news()).close()
        let manifest = try String(contentsOfFile: dir + "/manifest", encoding: .isoLatin1)
        XCTAssertTrue(manifest.contains("\"analysisVersion\" : 2"), manifest)

        let decoded = try JSONDecoder().decode(Schema.self, from: Data(#"{"fields": [{"name": "body", "indexed": true, "stored": true, "boost": 1}]}"#.utf8))
        XCTAssertNil(decoded.analysisVersion)
        XCTAssertEqual(decoded.analysis, 1)
        XCTAssertEqual(try Analyzer(schema: decoded).version, 1)

        var future = Schema.news()
        future.analysisVersion = Analyzer.currentVersion + 1
        XCTAssertThrowsError(try future.validate())
        XCTAssertThrowsError(try Analyzer(schema: future)) { error in
            XCTAssertTrue("\(error)".contains("analysis version \(Analyzer.currentVersion + 1)"), "\(error)")
        }
    }

    func testPrefixQueriesUseTheIndexAnalysis() throws {
        let idx = try index([("fr-1", "L'économie française"), ("zh-1", "经济会议")], language: "french")
        XCTAssertEqual(try ids(idx, "l'écon*"), ["fr-1"])
        XCTAssertEqual(try ids(idx, "经*"), ["zh-1"])
    }

    // MARK: robustness

    /// Random mixes of every script, emoji pieces (joiners, modifiers, selectors, regional
    /// indicators, tags), marks, apostrophes and compatibility characters, cut anywhere:
    /// analysis never traps, positions are consecutive, offsets are ordered scalar boundaries
    /// inside the text, terms are non-empty and at most 64 bytes, and `forEachTerm` agrees with
    /// `analyze`.
    func testRandomMixedScriptsKeepTokenInvariants() throws {
        let pieces: [String] = ["a", "Z", "é", "l", "qu", " ", ", ", "'", "’", "s", "1", "\u{301}", "\u{AD}",
                                "北", "京", "经", "济", "が", "か", "\u{3099}", "ー", "ﾆ", "ｰ", "ア", "한", "국",
                                "\u{1112}", "\u{1161}", "\u{11AB}", "𠀋", "㍿", "ภ", "า", "ษ", "\u{E31}", "ທ", "ភ", "\u{17D2}",
                                "မ", "\u{103A}", "🎉", "👍", "\u{1F3FD}", "\u{200D}", "\u{FE0F}", "\u{FE0E}", "❤", "©",
                                "🇻", "🇳", "🏴", "\u{E0067}", "\u{E007F}", "\u{20E3}", "#", "\u{200C}", "Ω", "½"]
        var rng = SeededRandom(seed: 0x5C_A1F7)
        let analyzers = try [Analyzer(language: "french"), Analyzer(language: "english"), Analyzer(language: nil),
                             Analyzer(language: "irish"), Analyzer(language: "english", version: 1)]
        for _ in 0..<3_000 {
            var text = ""
            for _ in 0..<rng.int(0...24) { text += rng.pick(pieces) }
            let bytes = Array(text.utf8)
            for a in analyzers {
                let tokens = a.analyze(text)
                XCTAssertEqual(tokens.map(\.position), Array(0..<tokens.count), text)
                var lastStart = 0
                for t in tokens {
                    XCTAssertTrue(0 <= t.startOffset && t.startOffset < t.endOffset && t.endOffset <= bytes.count, "\(text): \(t)")
                    XCTAssertGreaterThanOrEqual(t.startOffset, lastStart, text)
                    lastStart = t.startOffset
                    for o in [t.startOffset, t.endOffset] where o < bytes.count {
                        XCTAssertNotEqual(bytes[o] & 0xC0, 0x80, "\(text): offset \(o) inside a scalar")
                    }
                    XCTAssertFalse(t.term.isEmpty, text)
                    XCTAssertLessThanOrEqual(t.term.utf8.count, Folding.maxTermBytes, text)
                }
                var streamed: [String] = []
                let count = a.forEachTerm(in: text) { term, _ in streamed.append(String(decoding: term, as: UTF8.self)) }
                XCTAssertEqual(streamed, tokens.map(\.term), text)
                XCTAssertEqual(count, tokens.count, text)
            }
        }
    }
}
