import Foundation
@testable import Loupe

// The brute-force model of typed values: facets, histograms, statistics, sorting and
// collapsing computed directly from the documents' values as written, with Foundation's
// calendar for periods (an oracle independent of `ISODate`'s arithmetic).

extension RefDoc {
    /// The document's keywords of `field` (normalizers are not used by these tests).
    func keywords(_ field: String) -> [String] { (values[field] ?? []).compactMap(\.keyword) }

    /// Numbers (dates as seconds) of `field`; `date` is the default date.
    func numbers(_ field: String) -> [Double] {
        if field == "date" { return date.map { [Double($0)] } ?? [] }
        return (values[field] ?? []).compactMap(\.number)
    }
}

enum ReferenceValues {
    /// Bytes order of keywords.
    static func bytesLess(_ a: String, _ b: String) -> Bool { Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) }

    /// Terms facet: counts of distinct values per document, most frequent first, ties by bytes.
    static func terms(_ docs: [RefDoc], field: String, size: Int) -> [FacetBucket] {
        // Keyed by bytes: canonically equivalent spellings are different values.
        var counts: [[UInt8]: Int] = [:]
        for d in docs { for v in Set(d.keywords(field).map { Array($0.utf8) }) { counts[v, default: 0] += 1 } }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.lexicographicallyPrecedes($1.key) }
            .prefix(size).map { FacetBucket(value: String(decoding: $0.key, as: UTF8.self), count: $0.value) }
    }

    static let calendar: Calendar = {
        var c = Calendar(identifier: .iso8601)
        c.timeZone = TimeZone(identifier: "UTC")!
        c.firstWeekday = 2
        return c
    }()

    static func component(_ i: HistogramInterval) -> Calendar.Component {
        switch i {
        case .year: return .year
        case .month: return .month
        case .week: return .weekOfYear
        case .day: return .day
        }
    }

    static func label(_ start: Date, _ i: HistogramInterval) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: start)
        let y = String(format: "%04d", c.year!), m = String(format: "%02d", c.month!), d = String(format: "%02d", c.day!)
        switch i {
        case .year: return y
        case .month: return "\(y)-\(m)"
        case .week, .day: return "\(y)-\(m)-\(d)"
        }
    }

    /// Histogram: each document once per distinct period, first to last period, empty ones 0.
    static func histogram(_ docs: [RefDoc], field: String, interval: HistogramInterval) -> [FacetBucket] {
        var counts: [Date: Int] = [:]
        for d in docs {
            var starts = Set<Date>()
            for t in d.numbers(field) {
                starts.insert(calendar.dateInterval(of: component(interval), for: Date(timeIntervalSince1970: t))!.start)
            }
            for s in starts { counts[s, default: 0] += 1 }
        }
        guard let first = counts.keys.min(), let last = counts.keys.max() else { return [] }
        var out: [FacetBucket] = []
        var s = first
        while s <= last {
            out.append(FacetBucket(value: label(s, interval), count: counts[s] ?? 0, start: Int64(s.timeIntervalSince1970)))
            s = calendar.date(byAdding: component(interval), value: 1, to: s)!
        }
        return out
    }

    static func stats(_ docs: [RefDoc], field: String) -> NumberStats {
        let all = docs.flatMap { $0.numbers(field) }
        return NumberStats(count: all.count, min: all.min(), max: all.max(), sum: all.reduce(0, +))
    }

    static func ranges(_ docs: [RefDoc], field: String, _ ranges: [NumberRange]) -> [FacetBucket] {
        ranges.map { r in
            FacetBucket(value: r.description, count: docs.filter { $0.numbers(field).contains(where: r.contains) }.count, range: r)
        }
    }

    /// The value a document sorts by: smallest ascending, largest descending; nil when none.
    enum SortValue: Equatable { case number(Double), keyword(String) }

    static func sortValue(_ d: RefDoc, _ sort: SortField, keyword: Bool) -> SortValue? {
        if keyword {
            let v = d.keywords(sort.field).sorted(by: bytesLess)
            return (sort.descending ? v.last : v.first).map { .keyword($0) }
        }
        let v = d.numbers(sort.field).sorted()
        return (sort.descending ? v.last : v.first).map { .number($0) }
    }

    /// Whether `a` comes before `b` by value alone (nil: equal values).
    static func before(_ a: SortValue?, _ b: SortValue?, descending: Bool) -> Bool? {
        switch (a, b) {
        case (nil, nil): return nil
        case (nil, _): return false
        case (_, nil): return true
        case let (.number(x)?, .number(y)?): return x == y ? nil : (descending ? x > y : x < y)
        case let (.keyword(x)?, .keyword(y)?): return Array(x.utf8) == Array(y.utf8) ? nil : (descending ? bytesLess(y, x) : bytesLess(x, y))
        default: return nil
        }
    }

    /// Hits in `sort`'s order (nil: relevance): value, then score, then address.
    static func order(_ hits: [RefHit], docs: [String: RefDoc], sort: SortField?, keyword: Bool) -> [RefHit] {
        guard let sort else { return ReferenceEngine.order(hits, sort: .relevance) }
        return hits.sorted { a, b in
            if let x = before(sortValue(docs[a.id]!, sort, keyword: keyword), sortValue(docs[b.id]!, sort, keyword: keyword),
                              descending: sort.descending) { return x }
            if a.score != b.score { return a.score > b.score }
            return a.address < b.address
        }
    }

    /// Collapsing of ordered hits: the first of each group with its group size; documents
    /// without a value are their own group. Groups by the smallest value.
    static func collapse(_ ordered: [RefHit], docs: [String: RefDoc], field: String) -> [(hit: RefHit, count: Int)] {
        func group(_ h: RefHit) -> [UInt8]? { docs[h.id]!.keywords(field).min(by: bytesLess).map { Array($0.utf8) } }
        var sizes: [[UInt8]: Int] = [:]
        for h in ordered { if let g = group(h) { sizes[g, default: 0] += 1 } }
        var seen = Set<[UInt8]>()
        var out: [(RefHit, Int)] = []
        for h in ordered {
            guard let g = group(h) else { out.append((h, 1)); continue }
            if seen.insert(g).inserted { out.append((h, sizes[g]!)) }
        }
        return out
    }
}
