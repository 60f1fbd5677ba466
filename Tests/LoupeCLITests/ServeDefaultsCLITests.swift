import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `loupe serve`'s options for its safe defaults (issue 19): `--allow-origin`,
/// `--header-timeout`, `--idle-timeout`, wired through to a running server.
final class ServeDefaultsCLITests: CLITestCase {
    func testOptionsAreCheckedAndDocumented() throws {
        try expect(0, ["init"])
        var r = try loupe(["serve", "--allow-origin", "news.example.org"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("--allow-origin 'news.example.org' is not a web origin"), r.stderr)
        r = try loupe(["serve", "--allow-origin", "https://news.example.org/path"])
        XCTAssertEqual(r.status, 1)
        r = try loupe(["serve", "--header-timeout", "0"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("--header-timeout"), r.stderr)
        r = try loupe(["serve", "--idle-timeout", "-1"])
        XCTAssertEqual(r.status, 1)
        let help = try loupe(["serve", "--help"], index: false).stdout
        for text in ["--allow-origin", "--header-timeout", "--idle-timeout", "application/json", "415", "403", "413", "nosniff", "Content-Security-Policy"] {
            XCTAssertTrue(help.contains(text), "serve --help lacks \(text)")
        }
    }

    func testServeAllowsNamedOriginsAndCutsOffSlowHeaders() throws {
        try expect(0, ["init"])
        let p = Process()
        p.executableURL = URL(fileURLWithPath: LoupeBinary.path!)
        p.arguments = ["serve", "--index", indexPath, "--port", "0", "--allow-origin", "https://news.example.org",
                       "--header-timeout", "1", "--idle-timeout", "30"]
        let errURL = tmp.appendingPathComponent("serve.err")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: errURL)
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        defer {
            if p.isRunning { p.terminate() }
            p.waitUntilExit()
        }
        var port = 0
        let deadline = Date().addingTimeInterval(30)
        while port == 0, Date() < deadline, p.isRunning {
            let text = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            if let r = text.range(of: #"127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                port = Int(text[r].dropFirst("127.0.0.1:".count).dropLast()) ?? 0
            }
            usleep(50_000)
        }
        XCTAssertGreaterThan(port, 0, "loupe serve printed no address")
        guard port > 0 else { return }

        let doc = #"{"title": "Allowed"}"#
        func put(_ id: String, origin: String) -> String {
            Socket.exchange(port: port, "PUT /documents/\(id) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nOrigin: \(origin)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(doc.utf8.count)\r\nConnection: close\r\n\r\n\(doc)")
        }
        XCTAssertTrue(put("ok1", origin: "https://news.example.org").hasPrefix("HTTP/1.1 201"))
        XCTAssertTrue(put("ok1", origin: "https://news.example.org").lowercased().contains("access-control-allow-origin: https://news.example.org"))
        XCTAssertTrue(put("no1", origin: "https://evil.example").hasPrefix("HTTP/1.1 403"))
        // Half a header: closed after about a second.
        let start = Date()
        let answer = Socket.exchange(port: port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        XCTAssertEqual(answer, "")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.9)
    }
}

/// Sends raw bytes and reads until the server closes.
private enum Socket {
    static func exchange(port: Int, _ request: String) -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { return "connect failed" }
        var tv = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data += buffer[..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }
}
