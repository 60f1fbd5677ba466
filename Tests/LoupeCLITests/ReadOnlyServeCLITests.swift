import Foundation
import XCTest
import LoupeTestSupport

/// `loupe serve --read-only`, as processes: two read-only servers on one index directory while
/// `loupe add` (another process, taking the writer lock) commits; writes answer 405; each
/// server shows the new commit after its manifest poll. Talks HTTP through curl.
final class ReadOnlyServeCLITests: CLITestCase {
    /// A started `loupe serve` and the port it listens on.
    struct Server {
        let process: Process
        let port: Int
        let stderr: URL
    }

    func startServer(_ extra: [String]) throws -> Server {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: LoupeBinary.path!)
        p.arguments = ["serve", "--index", indexPath, "--port", "0"] + extra
        let errURL = tmp.appendingPathComponent(".serve-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: errURL)
        p.standardOutput = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // "loupe: serving DIR (N documents, ...) on http://127.0.0.1:PORT/ — Ctrl-C stops"
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
            if let r = text.range(of: "http://127.0.0.1:") {
                let digits = text[r.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) { return Server(process: p, port: port, stderr: errURL) }
            }
            if !p.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        p.terminate()
        throw XCTSkip("the server did not start: \(String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))")
    }

    /// `curl` of `path` on `server`: the status and the body.
    func http(_ server: Server, _ method: String, _ path: String, body: String? = nil) throws -> (status: Int, headers: String, body: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        let headersURL = tmp.appendingPathComponent(".h-\(UUID().uuidString)")
        var args = ["-s", "-o", "-", "-D", headersURL.path, "-w", "\n%{http_code}", "-X", method, "http://127.0.0.1:\(server.port)\(path)"]
        if let body { args += ["-H", "Content-Type: application/json", "--data-binary", body] }
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let headers = String(decoding: (try? Data(contentsOf: headersURL)) ?? Data(), as: UTF8.self)
        return (Int(lines.last ?? "") ?? -1, headers, lines.dropLast().joined(separator: "\n"))
    }

    func total(_ server: Server, _ query: String) throws -> Int {
        let r = try http(server, "GET", "/search?q=\(query)&limit=0")
        XCTAssertEqual(r.status, 200, r.body)
        let j = try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any]
        return j?["total"] as? Int ?? -1
    }

    func testTwoReadOnlyServersFollowLoupeAdd() throws {
        try expect(0, ["init"])
        let first = tmp.appendingPathComponent("first.jsonl")
        try Data(#"{"id": "a1", "title": "Harbour opens", "body": "The harbour opened."}"#.utf8).write(to: first)
        try expect(0, ["add", first.path])

        let servers = try (0..<2).map { _ in try startServer(["--read-only", "--poll-interval", "0.1"]) }
        defer { for s in servers { s.process.terminate(); s.process.waitUntilExit() } }
        for s in servers {
            XCTAssertEqual(try total(s, "harbour"), 1)
            let put = try http(s, "PUT", "/documents/x", body: #"{"title": "t"}"#)
            XCTAssertEqual(put.status, 405, put.body)
            XCTAssertTrue(put.body.contains("read-only"), put.body)
            XCTAssertTrue(put.headers.lowercased().contains("allow: get, head"), put.headers)
            XCTAssertEqual(try http(s, "DELETE", "/documents/a1").status, 405)
            XCTAssertEqual(try http(s, "POST", "/documents", body: "[]").status, 405)
        }

        // Another process writes (it takes the writer lock, which the servers do not hold).
        let more = tmp.appendingPathComponent("more.jsonl")
        try Data((2...4).map { #"{"id": "a\#($0)", "title": "Harbour \#($0)", "body": "More harbour news."}"# }.joined(separator: "\n").utf8).write(to: more)
        try expect(0, ["add", more.path])
        for s in servers {
            var seen = -1
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                seen = try total(s, "harbour")
                if seen == 4 { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            XCTAssertEqual(seen, 4, "the read-only server picked up the commit")
        }
        // And a merge that removes the files the servers mapped.
        try expect(0, ["delete", "a1"])
        try expect(0, ["merge"])
        for s in servers {
            var seen = -1
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                seen = try total(s, "harbour")
                if seen == 3 { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            XCTAssertEqual(seen, 3)
            XCTAssertEqual(try http(s, "GET", "/documents/a2").status, 200)
            XCTAssertTrue(s.process.isRunning)
        }
    }
}
