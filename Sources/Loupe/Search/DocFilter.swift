/// Which documents of a segment may be returned: live ones, within the request's date range.
struct DocFilter {
    let deleted: UnsafePointer<UInt8>?
    let dates: UnsafePointer<Int64>
    let from: Int64
    let to: Int64
    let byDate: Bool
    /// Documents in the segment (ids are `0 ..< docCount`).
    let docCount: Int
    /// When the search must stop (nil: never). The bulk scorers tick it as they go and
    /// collect nothing once it has expired.
    let deadline: SearchDeadline?

    init(segment: SegmentReader, after: Int64?, before: Int64?, deadline: SearchDeadline? = nil) {
        self.deadline = deadline
        deleted = segment.deletedBits
        dates = segment.dates.baseAddress!
        from = after ?? Int64.min
        to = before ?? Int64.max
        byDate = after != nil || before != nil
        docCount = segment.dates.count
    }

    /// True when every document passes (no deletions, no date range).
    var acceptsAll: Bool { deleted == nil && !byDate }

    @inline(__always) func passes(_ d: Int) -> Bool {
        if let deleted, deleted[d >> 3] & (1 << UInt8(d & 7)) != 0 { return false }
        if byDate {
            let v = dates[d]
            return v != DatesFile.missing && v >= from && v <= to
        }
        return true
    }
}
