import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// When a search must stop (``SearchRequest/timeout``): made once per search and read by the
/// one thread running it.
///
/// The search's loops report their work with `tick(_:)`: a subtraction from a shared budget,
/// so the clock is read once per `interval` units of work (a few thousand documents, postings
/// windows or dictionary terms), never per document. Once the clock has passed the limit,
/// `expired` stays set: every loop that ticks stops at its next tick, and the bulk scorers
/// collect nothing after it is set, so what was collected before are true matches with their
/// true scores (see `Searcher.search(_:)` of a request). `@unchecked Sendable`: one search,
/// one thread; it is never shared by two searches.
final class SearchDeadline: @unchecked Sendable {
    /// Units of work between two clock reads.
    static let defaultInterval = 4096

    /// Monotonic nanoseconds at which the search is over.
    private let limit: UInt64
    private let interval: Int
    private var budget: Int
    /// Tests only: the clock reads left before the deadline counts as passed (nil: the clock decides).
    private var readsLeft: Int?
    /// Set once the limit has passed; every loop that ticks stops then.
    private(set) var expired = false

    /// A deadline `timeout` after now.
    init(after timeout: Duration) {
        let (s, atto) = timeout.components
        let ns: UInt64
        if s < 0 || (s == 0 && atto <= 0) { ns = 0 }
        else if s >= 1 << 32 { ns = UInt64.max / 2 } // past any uptime: never
        else { ns = UInt64(s) * 1_000_000_000 + UInt64(atto / 1_000_000_000) }
        let (sum, overflow) = SearchDeadline.now().addingReportingOverflow(ns)
        limit = overflow ? .max : sum
        interval = SearchDeadline.defaultInterval
        budget = interval
    }

    /// Tests: a deadline that passes at its `reads`-th clock read (1 for the first), read every
    /// `interval` units of work, so a test stops a search at a chosen point without timing it.
    init(passingAtRead reads: Int, interval: Int) {
        limit = .max
        self.interval = max(1, interval)
        budget = self.interval
        readsLeft = reads
    }

    /// Monotonic time in nanoseconds (`CLOCK_MONOTONIC`: a vDSO call, no system call).
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Records `work` units done; true when the search must stop. Reads the clock only when
    /// the budget runs out.
    @inline(__always) func tick(_ work: Int = 1) -> Bool {
        budget &-= work
        return budget > 0 ? expired : readClock()
    }

    /// Reads the clock now (between segments, before a pass): true when the search must stop.
    @inline(never) func readClock() -> Bool {
        budget = interval
        if expired { return true }
        if let n = readsLeft {
            readsLeft = n - 1
            expired = n <= 1
        } else {
            expired = SearchDeadline.now() >= limit
        }
        return expired
    }
}
