import Foundation

/// Verifies an index beyond checksums: every structure decodes and its invariants hold.
///
/// Checked: each file's envelope and CRC; per field, terms strictly increasing and the term
/// count as recorded; every postings list has `docFreq` documents, strictly increasing and
/// below the segment's document count, tf >= 1, positions strictly increasing and below the
/// document's field length (and summing to the recorded counts); every document has exactly
/// one id posting; stored documents decode; deletion counts agree. And what checksums
/// cannot: the manifest's sums (field lengths, over all and deleted documents; term, posting
/// and position counts; file sizes) against the segments, the id and date columns against
/// the stored documents, dates within `ISODate.range`, the keyword, number, date and
/// signature columns' structure (see `ColumnReader.invariantViolation`), the word list's
/// (see `WordListChecker`), and every file carrying its segment's id. O(index size).
public enum IndexChecker {
    /// What a successful check covered.
    public struct Report: Sendable {
        /// Segments checked.
        public var segments: Int
        /// Live documents.
        public var documents: Int
        /// Terms of the indexed fields, summed over segments.
        public var terms: Int
        /// Term-document pairs of the indexed fields, summed over segments.
        public var postings: Int
        /// Positions, summed over segments.
        public var positions: Int
        /// Files of the commit (the manifest and the segments' files).
        public var files: Int
    }

    /// Checks the latest commit in `directory` and reports what it covered. Throws the
    /// first fault found: `LoupeError.corruptFile` naming the damaged file (or
    /// `.unsupportedVersion`, `.noIndex`, `.io` as `IndexReader.open` does).
    public static func check(directory: String) throws -> Report {
        let reader = try IndexReader.open(directory: directory, verify: true)
        var report = Report(segments: reader.segments.count, documents: reader.liveDocCount, terms: 0, postings: 0, positions: 0,
                            files: reader.manifest.referencedFiles.count - 1)
        for seg in reader.segments {
            let meta = seg.meta
            let termsPath = SegmentFiles.path(directory, meta.name, "terms")
            let postPath = SegmentFiles.path(directory, meta.name, "post")
            func fail(_ path: String, _ why: String) -> LoupeError { .corruptFile(path: path, reason: why) }
            var idCount = [UInt8](repeating: 0, count: meta.docCount)
            for field in Array(0..<reader.schema.indexedFields.count) + [idFieldNumber] {
                var previous: [UInt8]? = nil
                var terms = 0, postings = 0, positions = 0
                let lengths = field == idFieldNumber ? nil : seg.norms[field]
                try seg.terms.forEachTerm(field: field) { term, info in
                    if let p = previous, p.withUnsafeBytes({ compareBytes($0, term) }) >= 0 {
                        throw fail(termsPath, "terms out of order in field \(field)")
                    }
                    previous = Array(term)
                    terms += 1
                    guard info.postingsOffset < UInt64(seg.postings.count), info.positionsOffset < UInt64(max(seg.positions.count, 1)) else {
                        throw fail(termsPath, "a term points outside the postings files")
                    }
                    let c = seg.cursor(info)
                    var n = 0
                    var last: Int64 = -1
                    while c.next() != PostingsCursor.noMore {
                        let d = Int64(c.doc)
                        guard d > last, d < meta.docCount else { throw fail(postPath, "document ids not increasing or out of range") }
                        guard c.freq >= 1 else { throw fail(postPath, "a term frequency of 0") }
                        last = d; n += 1
                        if n > Int(info.docFreq) { break }
                        if let lengths {
                            let pos = c.positions()
                            var prev: Int64 = -1
                            for p in pos {
                                guard Int64(p) > prev, p < lengths[Int(d)] else {
                                    throw fail(SegmentFiles.path(directory, meta.name, "pos"), "positions not increasing or beyond the field length")
                                }
                                prev = Int64(p)
                            }
                            positions += pos.count
                        } else {
                            if idCount[Int(d)] < 255 { idCount[Int(d)] += 1 }
                        }
                    }
                    try seg.damage.throwIfDamaged()
                    guard n == Int(info.docFreq) else { throw fail(postPath, "a postings list holds \(n) documents, the dictionary says \(info.docFreq)") }
                    postings += n
                }
                if field != idFieldNumber {
                    guard terms == meta.termCounts[field], postings == meta.postingCounts[field], positions == meta.positionCounts[field] else {
                        throw fail(termsPath, "field \(field) counts disagree with the manifest")
                    }
                    report.terms += terms; report.postings += postings; report.positions += positions
                }
            }
            guard idCount.allSatisfy({ $0 == 1 }) else { throw fail(termsPath, "a document without exactly one id") }
            let storePath = SegmentFiles.path(directory, meta.name, "store")
            try seg.store.forEachRecord { d, record in
                var r = ByteReader(record)
                let doc: StoredDocument
                do { doc = try StoredRecord.decode(&r, storedFieldNames: seg.store.storedFieldNames) } catch {
                    throw fail(storePath, "stored document \(d) does not decode")
                }
                guard doc.id == seg.externalId(d) else {
                    throw fail(SegmentFiles.path(directory, meta.name, "ids"), "document \(d)'s id differs from the stored document's")
                }
                let date = seg.dates[d]
                guard date == (doc.date ?? DatesFile.missing) else {
                    throw fail(SegmentFiles.path(directory, meta.name, "dates"), "document \(d)'s date differs from the stored document's")
                }
                if date != DatesFile.missing, let why = ISODate.rangeViolation(date) {
                    throw fail(SegmentFiles.path(directory, meta.name, "dates"), "document \(d) ('\(doc.id)'): \(why)")
                }
            }
            // Columns: structure the readers clamp rather than trust.
            for c in seg.columns.columns + (seg.columns.signatures.map { [$0] } ?? []) {
                if let why = c.invariantViolation(docCount: meta.docCount) {
                    throw fail(SegmentFiles.path(directory, meta.name, "cols"), "column '\(c.field.name)': \(why)")
                }
            }
            if let words = seg.words {
                if let why = try WordListChecker.violation(words.decode(), docCount: meta.docCount, schema: reader.schema) {
                    throw fail(words.path, why)
                }
            }
            // The manifest's sums, which statistics and BM25 use unchecked.
            for f in 0..<reader.schema.indexedFields.count {
                var all: UInt64 = 0, deleted: UInt64 = 0
                for d in 0..<meta.docCount {
                    let l = UInt64(seg.norms[f][d])
                    all += l
                    if seg.isDeleted(d) { deleted += l }
                }
                guard all == meta.lengthSums[f], deleted == meta.deletedLengthSums[f] else {
                    throw fail(SegmentFiles.path(directory, meta.name, "norms"), "field \(f)'s length sums disagree with the manifest")
                }
            }
            guard (seg.deletions?.deletedCount ?? 0) == meta.deletedCount else {
                throw fail(Manifest.path(directory), "segment \(meta.name)'s deleted count disagrees with its deletions")
            }
            let size = SegmentFiles.extensions.reduce(0) { total, ext in
                total + ((try? FileManager.default.attributesOfItem(atPath: SegmentFiles.path(directory, meta.name, ext)))?[.size] as? NSNumber ?? 0).intValue
            }
            guard size == meta.sizeBytes else {
                throw fail(Manifest.path(directory), "segment \(meta.name) has \(size) bytes of files, the manifest says \(meta.sizeBytes)")
            }
        }
        return report
    }
}
