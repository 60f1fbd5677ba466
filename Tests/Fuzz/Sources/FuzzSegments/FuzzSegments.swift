// fuzz-segments: one file of a small committed index (Tests/Fuzz/SeedIndex), replaced by
// the fuzzer's input and read with checksums bypassed (`FuzzingHooks.skipChecksums`), so
// mutations reach the decoders of postings, positions, term dictionaries, the document
// store, norms, dates, ids, columns, word lists, deletions and the manifest. Any trap,
// fatal signal, run-away allocation (over 3 GB) or hang is a bug: each decoder must throw
// `corruptFile` on contents it cannot trust.
//
// Input: byte 0 picks the file (modulo the number of files, in name order); the rest is
// the file's whole new content (header, body, footer).
//
// Environment: LOUPE_FUZZ_SEED_INDEX is the committed index (default Tests/Fuzz/SeedIndex,
// relative to the working directory). With LOUPE_FUZZ_MAKE_SEEDS=<corpus dir> the run
// instead rebuilds that index and writes one seed input per file into the corpus
// directory, then exits (see Tests/Fuzz/README.md).
import Foundation
@_spi(Fuzzing) import Loupe
import FuzzSupport

struct Files {
    let dir: String
    let names: [String]
    let pristine: [[UInt8]]
    var dirty: Int? = nil
}

nonisolated(unsafe) var files: Files! = nil

func listFiles(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0 != "write.lock" && !$0.hasSuffix(".md") }.sorted()
}

func read(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

func write(_ bytes: UnsafeRawBufferPointer, to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    precondition(fd >= 0, "cannot write \(path)")
    var off = 0
    while off < bytes.count {
        let n = Foundation.write(fd, bytes.baseAddress! + off, bytes.count - off)
        precondition(n > 0)
        off += n
    }
    close(fd)
}

/// Sets up what the target reads.
func setUp() {
    let env = ProcessInfo.processInfo.environment
    let seed = env["LOUPE_FUZZ_SEED_INDEX"] ?? "Tests/Fuzz/SeedIndex"
    if let corpus = env["LOUPE_FUZZ_MAKE_SEEDS"] {
        do { try FuzzIndex.build(at: seed) } catch { fatalError("cannot build \(seed): \(error)") }
        unlink(seed + "/write.lock")
        try? FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        for (i, name) in listFiles(seed).enumerated() {
            let input = [UInt8(i)] + read(seed + "/" + name)
            FileManager.default.createFile(atPath: "\(corpus)/seed-\(name)", contents: Data(input))
        }
        print("fuzz-segments: rebuilt \(seed) and wrote \(listFiles(seed).count) seeds to \(corpus)")
        exit(0)
    }
    let names = listFiles(seed)
    guard names.contains("manifest") else { fatalError("fuzz-segments: no index at \(seed) (set LOUPE_FUZZ_SEED_INDEX)") }
    FuzzingHooks.skipChecksums = true
    let dir = FuzzIndex.scratchDirectory("fuzz-segments")
    let pristine = names.map { read(seed + "/" + $0) }
    for (name, bytes) in zip(names, pristine) { bytes.withUnsafeBytes { write($0, to: dir + "/" + name) } }
    files = Files(dir: dir, names: names, pristine: pristine)
}

func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard size >= 1, let data else { return 0 }
    if let d = files.dirty {
        files.pristine[d].withUnsafeBytes { write($0, to: files.dir + "/" + files.names[d]) }
    }
    let which = Int(data[0]) % files.names.count
    write(UnsafeRawBufferPointer(start: data + 1, count: size - 1), to: files.dir + "/" + files.names[which])
    files.dirty = which
    ReadPaths.exercise(files.dir)
    return 0
}

@main
struct FuzzSegments {
    static func main() {
        setUp()
        runFuzzer { data, size in testOneInput(data, size) }
    }
}
