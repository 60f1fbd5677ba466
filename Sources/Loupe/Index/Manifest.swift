import Foundation

/// One committed segment, as the manifest records it.
struct SegmentMeta: Codable, Equatable, Sendable {
    var name: String
    /// The unique id in the header of each of the segment's files (format 4); nil for a
    /// segment written in format 3, whose files carry none.
    var id: FileFormat.SegmentID?
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
    /// Whether the segment has a `.words` file (every segment written by format version 5;
    /// absent before).
    var hasWords: Bool? = nil

    var liveCount: Int { docCount - deletedCount }

    /// The id the segment's files must carry (`.none` for a format 3 segment).
    var fileOwner: FileFormat.SegmentID { id ?? .none }
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
    /// The synonyms applied to queries (see ``Synonyms``); absent (nil) means none.
    var synonyms: [SynonymRule]? = nil

    static let fileName = "manifest"

    static func path(_ dir: String) -> String { "\(dir)/\(fileName)" }

    static func read(directory: String) throws -> Manifest {
        let path = Manifest.path(directory)
        guard FileSystem.exists(path) else { throw LoupeError.noIndex(path: directory) }
        let (f, body) = try MappedFile.open(path, kind: .manifest)
        let data = Data(bytes: f.base + body.lowerBound, count: body.count)
        do {
            let m = try JSONDecoder().decode(Manifest.self, from: data)
            guard (Int(FileFormat.oldestReadableVersion)...Int(FileFormat.version)).contains(m.formatVersion) else {
                throw LoupeError.unsupportedVersion(path: path, found: m.formatVersion, expected: Int(FileFormat.version))
            }
            try m.validate(path: path)
            return m
        } catch let e as LoupeError { throw e } catch {
            throw LoupeError.corruptFile(path: path, reason: "manifest is not valid JSON: \(error)")
        }
    }

    /// Writes the manifest in the current format (a format 3 index becomes a format 4 one
    /// at its first commit; its format 3 segments stay as they are until merged).
    func write(directory: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        var current = self
        current.formatVersion = Int(FileFormat.version)
        let json: Data
        do { json = try enc.encode(current) } catch {
            // Only a non-finite number could fail, and `Schema.validate()` rejects those.
            throw LoupeError.io(path: Manifest.path(directory), reason: "cannot encode the manifest: \(error)")
        }
        var w = FileFormat.header(.manifest)
        w.append(contentsOf: json)
        FileFormat.seal(&w)
        try FileSystem.replaceAtomically(w.bytes, at: Manifest.path(directory))
    }

    /// Refuses a manifest whose JSON decodes but whose values readers would trust to index
    /// memory: per-field arrays of the wrong length, counts out of range, names that are not
    /// segment names, segment ids used twice.
    func validate(path: String) throws {
        func bad(_ why: String) -> LoupeError { .corruptFile(path: path, reason: why) }
        do { try schema.validate() } catch { throw bad("the schema is invalid: \(error)") }
        let fields = schema.indexedFields.count
        var names: Set<String> = [], ids: Set<FileFormat.SegmentID> = []
        for s in segments {
            guard s.name.hasPrefix("seg"), s.name.count > 3, s.name.dropFirst(3).allSatisfy({ $0.isASCII && $0.isNumber }),
                  names.insert(s.name).inserted else { throw bad("'\(s.name)' is not a segment name, or is listed twice") }
            if let id = s.id, !ids.insert(id).inserted || id == .none { throw bad("segment \(s.name) has the id of another segment") }
            guard s.docCount >= 0, s.docCount <= Int(UInt32.max) - 1, s.deletedCount >= 0, s.deletedCount <= s.docCount,
                  s.deleteGeneration >= 0, s.deletedCount == 0 || s.deleteGeneration > 0,
                  s.sizeBytes >= 0, s.textBytes >= 0 else { throw bad("segment \(s.name) has counts out of range") }
            guard [s.lengthSums.count, s.deletedLengthSums.count, s.termCounts.count, s.postingCounts.count, s.positionCounts.count]
                    .allSatisfy({ $0 == fields }) else { throw bad("segment \(s.name) does not have one count per indexed field") }
            guard zip(s.deletedLengthSums, s.lengthSums).allSatisfy({ $0 <= $1 }),
                  (s.termCounts + s.postingCounts + s.positionCounts).allSatisfy({ $0 >= 0 }) else {
                throw bad("segment \(s.name) has counts out of range")
            }
        }
        for r in synonyms ?? [] where r.inputs.isEmpty || r.outputs?.isEmpty == true {
            throw bad("a synonym rule has no inputs or no outputs")
        }
        guard generation >= 1, nextSegmentNumber >= 0 else { throw bad("generation or segment number out of range") }
    }

    /// All file names this commit references.
    var referencedFiles: Set<String> {
        var s: Set<String> = [Manifest.fileName, "write.lock"]
        for seg in segments { s.formUnion(SegmentFiles.fileNames(seg.name, deleteGeneration: seg.deleteGeneration, hasColumns: seg.hasColumns == true,
                                                  hasWords: seg.hasWords == true)) }
        return s
    }
}
