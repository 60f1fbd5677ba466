#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Copies one consistent commit of an index into another directory while writers go on:
/// the way to take a backup and to keep a read-only replica current.
///
/// ## Why it is consistent without a lock
/// Every file a commit references is immutable (a segment's files are written once, each
/// deletion generation is a new `.del` file) and its name is never reused within the index.
/// So a snapshot reads the manifest, links or copies each file the manifest names, and writes
/// the manifest into the destination **last**, atomically. If a writer removes a file in the
/// meantime (its commit was superseded and merged away), the copy starts over from the newer
/// manifest; what was already copied is kept and reused.
///
/// ## Updating a replica
/// A destination that already holds an earlier snapshot of the same index is updated in
/// place: files it already has under the same name (for the same segment id) are kept, new
/// ones are added, the manifest is replaced, and only then are files the new commit no longer
/// references removed. A reader on the destination therefore sees the old commit or the new
/// one, never a mixture; a reader that read the old manifest just before the switch finds
/// its files gone and re-reads the manifest, as it does on a primary (see
/// ``IndexReader/open(directory:verify:)``). The destination is locked like a writer while
/// it is updated, so two snapshots into one directory cannot interleave.
///
/// Files are hard-linked when source and destination share a file system (no data is
/// copied, and later changes to the source cannot reach the snapshot because files are
/// never modified in place), and copied otherwise or when ``Mode/copy`` is asked.
public enum Snapshot {
    /// How files reach the destination.
    public enum Mode: Sendable {
        /// Hard links where the file system allows them, copies elsewhere.
        case linkOrCopy
        /// Always copies (a backup on another disk of the same file system, say).
        case copy
    }

    /// What one snapshot did.
    public struct Report: Sendable, Equatable {
        /// The generation of the commit now in the destination.
        public var generation: Int
        /// Live documents in that commit.
        public var documents: Int
        /// Files hard-linked, copied, and already present in the destination (kept).
        public var linked: Int, copied: Int, kept: Int
        /// Files of earlier commits removed from the destination.
        public var removed: Int
        /// Bytes copied (hard links copy none).
        public var bytesCopied: Int
        /// How many times the copy restarted because a writer removed a file it was copying.
        public var restarts: Int
    }

    /// How many times a snapshot starts over on a newer commit before giving up.
    static let maxAttempts = 20

    /// Copies the latest commit of the index at `source` into `destination` (created if
    /// missing; or an empty directory; or an earlier snapshot of the same index, which is
    /// updated). Throws `LoupeError.noIndex` when `source` holds no index, `.indexExists`
    /// when `destination` holds a different index, `.locked` when another writer or snapshot
    /// holds the destination, `.io` for a destination that is neither empty nor an index,
    /// or when a file cannot be read or written.
    @discardableResult
    public static func take(from source: String, to destination: String, mode: Mode = .linkOrCopy) throws -> Report {
        let src = URL(fileURLWithPath: source).standardizedFileURL.path
        let dst = URL(fileURLWithPath: destination).standardizedFileURL.path
        guard src != dst else { throw LoupeError.io(path: dst, reason: "a snapshot cannot be taken into the index itself") }
        _ = try Manifest.read(directory: src)
        try FileSystem.createDirectory(dst)
        let existing = try destinationManifest(dst)
        let lock = try WriteLock(directory: dst)
        defer { lock.release() }

        // Files known to be complete in the destination: those of its current commit, and
        // those this run has placed (kept across restarts: files are immutable).
        var complete = existing.map { trustedFiles(destination: $0, dst) } ?? []
        var placed: [String: Placement] = [:]
        var linking = mode == .linkOrCopy
        for attempt in 0..<maxAttempts {
            let manifest = try Manifest.read(directory: src)
            if let old = existing { try checkSameIndex(old, manifest, destination: dst) }
            let files = manifest.referencedFiles.subtracting([Manifest.fileName, "write.lock"]).sorted()
            do {
                for name in files where !complete.contains(name) {
                    placed[name] = try place(name, from: src, to: dst, linking: &linking)
                    complete.insert(name)
                }
            } catch SourceGone.file {
                continue
            }
            try FileSystem.fsyncDirectory(dst)
            try manifest.write(directory: dst)
            var report = Report(generation: manifest.generation, documents: manifest.segments.reduce(0) { $0 + $1.liveCount },
                                linked: 0, copied: 0, kept: 0, removed: 0, bytesCopied: 0, restarts: attempt)
            for name in files {
                switch placed[name] {
                case .linked?: report.linked += 1
                case .copied(let bytes)?: report.copied += 1; report.bytesCopied += bytes
                case nil: report.kept += 1
                }
            }
            report.removed = removeUnreferenced(in: dst, keeping: manifest.referencedFiles)
            return report
        }
        throw LoupeError.io(path: src, reason: "the index changed \(maxAttempts) times while it was being copied; try again when writes are slower")
    }

    /// A source file vanished: its commit was superseded while it was being copied.
    private enum SourceGone: Error { case file }

    private enum Placement { case linked, copied(Int) }

    /// Links (or copies) `name` into the destination, replacing any leftover of that name
    /// (a file no commit of the destination references, so no reader of it needs it).
    private static func place(_ name: String, from src: String, to dst: String, linking: inout Bool) throws -> Placement {
        let from = "\(src)/\(name)", to = "\(dst)/\(name)"
        FileSystem.remove(to)
        if linking {
            if link(from, to) == 0 { return .linked }
            switch errno {
            case ENOENT where !FileSystem.exists(from): throw SourceGone.file
            case EXDEV, EPERM, EMLINK, ENOTSUP, EOPNOTSUPP: linking = false   // copy from now on
            default: throw LoupeError.io(path: to, reason: "cannot link \(from): \(FileSystem.errnoText())")
            }
        }
        return .copied(try copyDurably(from, to))
    }

    /// Copies a file in pieces and fsyncs the copy. Returns the bytes copied.
    private static func copyDurably(_ from: String, _ to: String) throws -> Int {
        let input = open(from, O_RDONLY)
        guard input >= 0 else {
            if errno == ENOENT { throw SourceGone.file }
            throw LoupeError.io(path: from, reason: "cannot open: \(FileSystem.errnoText())")
        }
        defer { close(input) }
        let output = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard output >= 0 else { throw LoupeError.io(path: to, reason: "cannot create: \(FileSystem.errnoText())") }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LoupeError.io(path: from, reason: "read failed: \(FileSystem.errnoText())")
            }
            if n == 0 { break }
            try buffer.withUnsafeBytes { try FileSystem.writeAll(UnsafeRawBufferPointer(rebasing: $0[0..<n]), to: output, path: to) }
            total += n
        }
        guard fsync(output) == 0 else { throw LoupeError.io(path: to, reason: "fsync failed: \(FileSystem.errnoText())") }
        return total
    }

    /// The destination's current commit: nil for a missing or empty directory. A directory
    /// holding other files and no index is refused, so a snapshot never mixes into (or later
    /// removes files of) something else.
    private static func destinationManifest(_ dst: String) throws -> Manifest? {
        if FileSystem.exists(Manifest.path(dst)) { return try Manifest.read(directory: dst) }
        let others = FileSystem.list(dst).filter { $0 != "write.lock" && !isIndexFile($0) }
        guard others.isEmpty else {
            throw LoupeError.io(path: dst, reason: "the directory is not empty and holds no Loupe index (a snapshot goes into an empty directory or an earlier snapshot)")
        }
        return nil
    }

    /// The files of the destination's commit that can be kept as they are.
    private static func trustedFiles(destination m: Manifest, _ dst: String) -> Set<String> {
        m.referencedFiles.filter { $0 != Manifest.fileName && $0 != "write.lock" && FileSystem.exists("\(dst)/\($0)") }
    }

    /// Refuses a destination holding another index: a segment name both commits use must
    /// be the same segment (same id; sizes for format 3 segments, which carry none).
    private static func checkSameIndex(_ old: Manifest, _ new: Manifest, destination: String) throws {
        let sourceSegments = Dictionary(new.segments.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for s in old.segments {
            guard let t = sourceSegments[s.name] else { continue }
            if s.id != t.id || (s.id == nil && s.sizeBytes != t.sizeBytes) { throw LoupeError.indexExists(path: destination) }
        }
    }

    /// Index files (segment files, deletions, a manifest's temporary) — the only kind a
    /// snapshot ever removes.
    static func isIndexFile(_ name: String) -> Bool {
        SegmentFiles.extensions.contains { name.hasSuffix(".\($0)") } || name.hasSuffix(".del") || name == "manifest.tmp"
    }

    private static func removeUnreferenced(in dst: String, keeping: Set<String>) -> Int {
        var removed = 0
        for name in FileSystem.list(dst) where !keeping.contains(name) && isIndexFile(name) {
            FileSystem.remove("\(dst)/\(name)")
            removed += 1
        }
        return removed
    }
}

extension Index {
    /// Copies the latest commit of this index into `destination` (see ``Snapshot``).
    @discardableResult
    public func snapshot(to destination: String, mode: Snapshot.Mode = .linkOrCopy) throws -> Snapshot.Report {
        try Snapshot.take(from: directory, to: destination, mode: mode)
    }
}
