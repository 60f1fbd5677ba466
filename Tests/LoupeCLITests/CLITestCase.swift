import Foundation
import XCTest
import Loupe
import LoupeTestSupport

/// Runs the built `loupe` binary. Build it first (`swift build`; `make test` does).
/// Looked up in $LOUPE_BIN, next to the test bundle, then in .build/debug of this package.
enum LoupeBinary {
    static let path: String? = {
        let fm = FileManager.default
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["LOUPE_BIN"] { candidates.append(env) }
        if let exe = Bundle.main.executableURL {
            candidates.append(exe.deletingLastPathComponent().appendingPathComponent("loupe").path)
        }
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("loupe").path)
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/loupe").path)
        return candidates.first { fm.isExecutableFile(atPath: $0) }
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

class CLITestCase: XCTestCase {
    private var scratch: TempDir?
    /// This test's working directory (removed after the test).
    var tmp: URL! { scratch?.url }
    var indexPath: String { tmp.appendingPathComponent("idx").path }

    override func setUpWithError() throws {
        guard LoupeBinary.path != nil else {
            throw XCTSkip("the loupe binary is not built: run `swift build` (or `make test`) first")
        }
        scratch = TempDir("loupe-cli")
    }

    override func tearDownWithError() throws {
        scratch = nil
    }

    /// Runs `loupe ARGS` with `--index` pointing at this test's index (unless `index: false`).
    @discardableResult
    func loupe(_ args: [String], stdin: String? = nil, stdinData: Data? = nil, index: Bool = true,
               env: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: LoupeBinary.path!)
        var full = args
        if index, let first = args.first, !first.hasPrefix("-") { full.insert(contentsOf: ["--index", indexPath], at: 1) }
        p.arguments = full
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "LOUPE_INDEX")
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        p.currentDirectoryURL = tmp
        let id = UUID().uuidString
        let outURL = tmp.appendingPathComponent(".out-\(id)"), errURL = tmp.appendingPathComponent(".err-\(id)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        if let data = stdinData ?? stdin.map({ Data($0.utf8) }) {
            let inURL = tmp.appendingPathComponent(".in-\(id)")
            try data.write(to: inURL)
            p.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            p.standardInput = FileHandle.nullDevice
        }
        try p.run()
        p.waitUntilExit()
        try out.close(); try err.close()
        let r = RunResult(status: p.terminationStatus,
                          stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                          stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
        return r
    }

    /// Runs and asserts the exit status.
    @discardableResult
    func expect(_ status: Int32, _ args: [String], stdin: String? = nil, stdinData: Data? = nil,
                file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let r = try loupe(args, stdin: stdin, stdinData: stdinData)
        XCTAssertEqual(r.status, status, "loupe \(args.joined(separator: " ")) exited \(r.status)\nstdout: \(r.stdout)\nstderr: \(r.stderr)",
                       file: file, line: line)
        return r
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) throws -> String {
        let url = tmp.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url.path
    }

    func gzip(_ path: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-f", path]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }

    func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try jsonObject(Data(text.utf8), file: file, line: line)
    }

    func documentCount() throws -> Int {
        let r = try expect(0, ["stats", "--json"])
        return try XCTUnwrap(json(r.stdout)["documents"] as? Int)
    }

    /// Every file of the index and its bytes (the lock file excluded).
    func snapshot() throws -> [String: Data] {
        try DirTools.snapshot(indexPath, excluding: ["write.lock"])
    }

    var sampleJSONL: String { LoupeBinary.packageRoot.appendingPathComponent("samples/reuters-sample.jsonl").path }
    var seedsDir: String { LoupeBinary.packageRoot.appendingPathComponent("samples/seeds").path }

    var sampleSchema: String { LoupeBinary.packageRoot.appendingPathComponent("samples/schema.json").path }

    /// An index with the Reuters sample and the two seed articles, under the demo schema
    /// (the news fields, `topic` and `places`), as `make demo` builds it.
    func makeSampleIndex() throws {
        try expect(0, ["init", "--schema", sampleSchema])
        try expect(0, ["add", sampleJSONL, seedsDir])
    }

    static func line(_ id: String, title: String = "A title", body: String = "Some body text", date: String? = "2025-06-01") -> String {
        var obj: [String: String] = ["id": id, "title": title, "body": body]
        if let date { obj["date"] = date }
        let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
