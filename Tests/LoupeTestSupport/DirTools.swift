import Foundation

/// File-level helpers for tests that copy, damage or compare an index directory's files.
public enum DirTools {
    /// The names of the entries directly in `dir`, sorted (empty when it does not exist).
    public static func files(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    /// Every file below `dir` (by path relative to it) and its bytes, except the names in
    /// `excluding`: what a test compares to prove an operation changed nothing on disk.
    public static func snapshot(_ dir: String, excluding: Set<String> = []) throws -> [String: Data] {
        let fm = FileManager.default
        var out: [String: Data] = [:]
        for name in try fm.subpathsOfDirectory(atPath: dir) where !excluding.contains(name) {
            var isDirectory: ObjCBool = false
            let path = dir + "/" + name
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            out[name] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return out
    }

    /// Replaces `dst` with a copy of the files directly in `src`.
    public static func copy(_ src: String, to dst: String) throws {
        try? FileManager.default.removeItem(atPath: dst)
        try FileManager.default.createDirectory(atPath: dst, withIntermediateDirectories: true)
        for f in files(src) {
            try FileManager.default.copyItem(atPath: src + "/" + f, toPath: dst + "/" + f)
        }
    }

    public static func write(_ data: Data, to path: String) {
        FileManager.default.createFile(atPath: path, contents: data)
    }
}
