import Foundation

/// One committed segment, as the manifest records it.
public struct SegmentMeta: Codable, Equatable, Sendable {
    public var name: String
    public var docCount: Int
    public var deletedCount: Int
    /// 0 when the segment has no deletions; otherwise the generation of its `.del` file.
    public var deleteGeneration: Int
    /// Sum of field lengths over all documents, per indexed field number.
    public var lengthSums: [UInt64]
    /// The part of `lengthSums` that belongs to deleted documents (so statistics are over live documents).
    public var deletedLengthSums: [UInt64]
    /// Bytes of the segment's files (not counting deletions).
    public var sizeBytes: Int
    /// Per indexed field number: distinct terms, postings (term-document pairs) and positions.
    public var termCounts: [Int]
    public var postingCounts: [Int]
    public var positionCounts: [Int]
    /// UTF-8 bytes of indexed text in the segment's documents (deleted ones included).
    public var textBytes: Int

    public var liveCount: Int { docCount - deletedCount }
}

/// The root of a snapshot: which segments make up the index at one commit.
///
/// Stored as the file `manifest`: the envelope of kind `MANI` around a UTF-8 JSON body.
/// Committing replaces it atomically (write `manifest.tmp`, fsync, rename, fsync the
/// directory), so a reader sees either the old or the new commit, never a mixture.
public struct Manifest: Codable, Equatable, Sendable {
    public var formatVersion: Int
    public var generation: Int
    public var schema: Schema
    public var segments: [SegmentMeta]
    public var nextSegmentNumber: Int
    /// User data attached to the last commit (e.g. a source checkpoint).
    public var commitData: [String: String]

    static let fileName = "manifest"

    public static func path(_ dir: String) -> String { "\(dir)/\(fileName)" }

    static func read(directory: String) throws -> Manifest {
        let path = Manifest.path(directory)
        guard FileSystem.exists(path) else { throw LoupeError.noIndex(path: directory) }
        let (f, body) = try MappedFile.open(path, kind: .manifest)
        let data = Data(bytes: f.base + body.lowerBound, count: body.count)
        do {
            let m = try JSONDecoder().decode(Manifest.self, from: data)
            guard m.formatVersion == Int(FileFormat.version) else {
                throw LoupeError.unsupportedVersion(path: path, found: m.formatVersion, expected: Int(FileFormat.version))
            }
            return m
        } catch let e as LoupeError { throw e } catch {
            throw LoupeError.corruptFile(path: path, reason: "manifest is not valid JSON: \(error)")
        }
    }

    func write(directory: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try enc.encode(self)
        var w = FileFormat.header(.manifest)
        w.append(contentsOf: json)
        FileFormat.seal(&w)
        try FileSystem.replaceAtomically(w.bytes, at: Manifest.path(directory))
    }

    /// All file names this commit references.
    var referencedFiles: Set<String> {
        var s: Set<String> = [Manifest.fileName, "write.lock"]
        for seg in segments { s.formUnion(SegmentFiles.fileNames(seg.name, deleteGeneration: seg.deleteGeneration)) }
        return s
    }
}
