import Foundation
import XCTest
@testable import Loupe
import LoupeTestSupport

/// Pathological queries (issue 19's: a 1,000-word phrase of frequent words, a prefix of
/// thousands of terms, a long OR) stop at a tiny timeout with `timedOut`, and what they return
/// is a subset of the true results with the true scores. Timing is never asserted: a 1 ms
/// timeout is far below what each query takes here.
final class DeadlineTests: XCTestCase {
    static var tmp: TempDir!
    static var index: Index!
    static let frequent = (0..<24).map { "w\(Character(UnicodeScalar(UInt8(97 + $0))))ord" }

    override class func setUp() {
        super.setUp()
        tmp = TempDir("loupe-deadline")
        var rng = SeededRandom(seed: 0xDEAD11)
        // 3,000 articles of 100 words from 24 frequent ones, each with 4 of 3,000 rare `ab…` words.
        let docs = (0..<3000).map { i -> Document in
            var words = (0..<100).map { _ in frequent[Int.random(in: 0..<frequent.count, using: &rng)] }
            for _ in 0..<4 { words.append("ab\(Int.random(in: 0..<3000, using: &rng))x") }
            return Document(id: "d\(i)", fields: ["title": "t", "body": words.joined(separator: " ")], date: nil)
        }
        index = try? TestIndex.build(at: tmp.sub("index"), documents: docs)
    }

    override class func tearDown() {
        index = nil
        tmp = nil
        super.tearDown()
    }

    static var pathological: [(name: String, text: String)] {
        var rng = SeededRandom(seed: 7)
        let phrase = (0..<1000).map { _ in frequent[Int.random(in: 0..<frequent.count, using: &rng)] }.joined(separator: " ")
        return [
            ("1,000-word phrase", "\"\(phrase)\""),
            ("prefix of 3,000 terms", "ab*"),
            ("long OR", frequent.joined(separator: " OR ")),
            ("prefix OR phrase", "ab* OR \"\(frequent.prefix(40).joined(separator: " "))\""),
        ]
    }

    func testPathologicalQueriesStopAtTheirTimeout() throws {
        let index = try XCTUnwrap(Self.index)
        let clock = ContinuousClock()
        for (name, text) in Self.pathological {
            var full = SearchRequest(query: text, limit: 3000)
            full.snippetField = nil; full.loadDocuments = false; full.suggest = false; full.exactCount = true
            var truth: SearchResults!
            let untimed = try clock.measure { truth = try index.search(full) }
            XCTAssertFalse(truth.timedOut, name)
            let scores = Dictionary(truth.hits.map { ($0.id, $0.score) }, uniquingKeysWith: { a, _ in a })

            // 1 ms: over before or while weighing. 150 ms (all but the long OR, counting every
            // match as the untimed search did): in the scorers' loops, well after weighing and
            // well before the end. (With pruning a query may finish sooner.)
            var runs: [(Duration, Bool)] = [(.milliseconds(1), true), (.milliseconds(1), false)]
            if name != "long OR" { runs.append((.milliseconds(150), true)) }
            for (timeout, exact) in runs {
                var r = SearchRequest(query: text, limit: 20)
                r.snippetField = nil; r.suggest = false; r.exactCount = exact
                r.timeout = timeout
                var found: SearchResults!
                let timed = try clock.measure { found = try index.search(r) }
                let label = "\(name), timeout \(timeout), exact \(exact)"
                XCTAssertTrue(found.timedOut, "\(label): did not time out")
                XCTAssertTrue(found.totalIsLowerBound, label)
                XCTAssertLessThanOrEqual(found.total, truth.total, label)
                for h in found.hits {
                    guard let s = scores[h.id] else { XCTFail("\(label): \(h.id) is not a match"); continue }
                    XCTAssertEqual(h.score, s, accuracy: 1e-9 * max(1, s), "\(label): \(h.id)")
                }
                // Relative, so a loaded machine slows both alike: the search without a timeout
                // took seconds (in a debug build), the stopped one a fraction of it.
                if timeout > .milliseconds(1) { XCTAssertLessThan(timed, untimed / 2, "\(label): took \(timed) against \(untimed)") }
            }
            // The long OR is checked by the top-hits path only: its windows tick the deadline by
            // the postings blocks they read, while a sorted search or a count reads the clock
            // every 4,096 matches, more than this index has.
            if name == "long OR" { continue }
            let sorted = try index.search({ var r = SearchRequest(query: text, limit: 5); r.sort = .newest; r.timeout = .milliseconds(150); r.snippetField = nil; return r }())
            XCTAssertTrue(sorted.timedOut, name)
            for h in sorted.hits { XCTAssertEqual(h.score, scores[h.id] ?? -1, accuracy: 1e-9 * max(1, h.score), name) }
            let counted = try index.searcher.count(index.searcher.parse(text), timeout: .milliseconds(150))
            XCTAssertTrue(counted.timedOut, name)
            XCTAssertLessThanOrEqual(counted.count, truth.total, name)
        }
    }

    func testTimeoutText() {
        XCTAssertEqual(TimeoutText.parse("250ms"), .milliseconds(250))
        XCTAssertEqual(TimeoutText.parse("2s"), .seconds(2))
        XCTAssertEqual(TimeoutText.parse("1.5s"), .milliseconds(1500))
        XCTAssertEqual(TimeoutText.parse("1m"), .seconds(60))
        XCTAssertEqual(TimeoutText.parse("0.25s"), .milliseconds(250))
        for bad in ["", "2", "s", "0s", "0ms", "-1s", "1.s", ".5s", "1e3ms", " 2s", "2 s", "2h", "2S", "1441m", "99999999999s"] {
            XCTAssertNil(TimeoutText.parse(bad), bad)
        }
        XCTAssertEqual(TimeoutText.format(.milliseconds(250)), "250ms")
        XCTAssertEqual(TimeoutText.format(.seconds(2)), "2s")
        XCTAssertEqual(TimeoutText.format(.milliseconds(1500)), "1.5s")
        XCTAssertEqual(TimeoutText.format(.seconds(120)), "2m")
    }

    func testDeadlineReadsTheClockOncePerInterval() {
        let d = SearchDeadline(passingAtRead: 3, interval: 10)
        var ticks = 0
        while !d.tick() { ticks += 1 }
        XCTAssertEqual(ticks, 29) // reads at the 10th, 20th and 30th tick; the third passes
        XCTAssertTrue(d.expired)
        XCTAssertTrue(d.tick())
        let far = SearchDeadline(after: .seconds(3600))
        XCTAssertFalse(far.readClock())
        XCTAssertTrue(SearchDeadline(after: .zero).readClock())
    }
}
