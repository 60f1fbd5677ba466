import Foundation

/// One committed segment, as the manifest records it.
struct SegmentMeta: Codable, Equatable, Sendable {
    var name: String
    var docCount: Int
    var deletedCount: Int
    /// 0 when the segment has no deletions; otherwise the generation of its `.del` file.
    var deleteGeneration: Int
    /// Sum of field lengths over all documents, per indexed field number.
    var lengthSums: [UInt64]
    /// The part of `lengthSums` that belongs to deleted documents (so statistics are over live documents).
    var deletedLengthSums: [UInt64]
    /// Bytes of the segment's files (not counting deletions).
    var sizeBytes: Int
    /// Per indexed field number: distinct terms, postings (term-document pairs) and positions.
    var termCounts: [Int]
    var postingCounts: [Int]
    var positionCounts: [Int]
    /// UTF-8 bytes of indexed text in the segment's documents (deleted ones included).
    var textBytes: Int
    /// Whether the segment has a `.cols` file (every segment written by format version 4;
    /// absent in version 3 manifests).
    var hasColumns: Bool? = nil

    var liveCount: Int { docCount - deletedCount }
}

/// The root of a snapshot: which segments make up the index at one commit.
///
/// Stored as the file `manifest`: the envelope of kind `MANI` around a UTF-8 JSON body.
/// Committing replaces it atomically (write `manifest.tmp`, fsync, rename, fsync the
/// directory), so a reader sees either the old or the new commit, never a mixture.
struct Manifest: Codable, Equatable, Sendable {
    var formatVersion: Int
    var generation: Int
    var schema: Schema
    var segments: [SegmentMeta]
    var nextSegmentNumber: Int
    /// User data attached to the last commit (e.g. a source checkpoint).
    var commitData: [String: String]

    static let fileName = "manifest"

    static func path(_ dir: String) -> String { "\(dir)/\(fileName)" }

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
        let json: Data
        do { json = try enc.encode(self) } catch {
            // Only a non-finite number could fail, and `Schema.validate()` rejects those.
            throw LoupeError.io(path: Manifest.path(directory), reason: "cannot encode the manifest: \(error)")
        }
        var w = FileFormat.header(.manifest)
        w.append(contentsOf: json)
        FileFormat.seal(&w)
        try FileSystem.replaceAtomically(w.bytes, at: Manifest.path(directory))
    }

    /// All file names this commit references.
    var referencedFiles: Set<String> {
        var s: Set<String> = [Manifest.fileName, "write.lock"]
        for seg in segments { s.formUnion(SegmentFiles.fileNames(seg.name, deleteGeneration: seg.deleteGeneration, hasColumns: seg.hasColumns == true)) }
        return s
    }
}
