/// Writes the `.terms` file: per field, its terms in byte order in blocks of `blockSize`,
/// each entry prefix-compressed against the previous one in its block; then an index of
/// every block's first term that readers keep in memory. See `Index/FORMAT.md`, "Term dictionary".
final class TermDictionaryWriter {
    static let blockSize = 32

    private let file: FileWriter
    private var sections: [(field: Int, hasPositions: Bool, termCount: UInt64, blocks: [(offset: UInt64, first: [UInt8])])] = []
    private var current: (field: Int, hasPositions: Bool, termCount: UInt64, blocks: [(offset: UInt64, first: [UInt8])])?
    private var previous: [UInt8] = []
    private var inBlock = 0
    private var prevPostings: UInt64 = 0
    private var prevPositions: UInt64 = 0

    init(path: String, segment: FileFormat.SegmentID = .none) throws { file = try FileWriter(path: path, kind: .terms, segment: segment) }

    func startField(_ field: Int, hasPositions: Bool) {
        current = (field, hasPositions, 0, [])
        inBlock = 0
        previous.removeAll()
    }

    /// Terms must arrive in strictly increasing byte order within a field.
    func add(term: UnsafeRawBufferPointer, info: TermInfo) throws {
        let w = file
        if inBlock == 0 {
            current!.blocks.append((UInt64(w.offset), Array(term)))
            previous.removeAll(keepingCapacity: true)
            prevPostings = 0; prevPositions = 0
        }
        var prefix = 0
        let limit = min(previous.count, term.count)
        while prefix < limit && previous[prefix] == term[prefix] { prefix += 1 }
        w.buffer.vint(prefix)
        w.buffer.vint(term.count - prefix)
        w.buffer.bytes.append(contentsOf: term[prefix...])
        w.buffer.vint(info.docFreq)
        w.buffer.vint(info.postingsOffset - prevPostings)
        prevPostings = info.postingsOffset
        if current!.hasPositions {
            w.buffer.vint(info.positionsOffset - prevPositions)
            prevPositions = info.positionsOffset
        }
        previous.removeAll(keepingCapacity: true)
        previous.append(contentsOf: term)
        current!.termCount += 1
        inBlock += 1
        if inBlock == TermDictionaryWriter.blockSize { inBlock = 0 }
        try w.maybeFlush()
    }

    func finishField() {
        if let c = current { sections.append(c) }
        current = nil
    }

    /// Index: field count (u32); per field its number (u8), flags (u8, bit 0 = positions),
    /// term count (u64), block count (u32), then per block its offset (u64) and first term
    /// (vint length + bytes); finally the index's own offset (u64).
    @discardableResult
    func finish() throws -> Int {
        finishField()
        let indexOffset = UInt64(file.offset)
        let b = file
        b.buffer.u32(UInt32(sections.count))
        for s in sections {
            b.buffer.u8(UInt8(s.field)); b.buffer.u8(s.hasPositions ? 1 : 0)
            b.buffer.u64(s.termCount); b.buffer.u32(UInt32(s.blocks.count))
            for blk in s.blocks {
                b.buffer.u64(blk.offset)
                b.buffer.vint(blk.first.count); b.buffer.append(contentsOf: blk.first)
            }
            try b.maybeFlush()
        }
        b.buffer.u64(indexOffset)
        return try b.finish()
    }

    func abandon() { file.abandon() }
}
