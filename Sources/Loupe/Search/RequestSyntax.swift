/// The text forms of facets and sorts that `loupe search` and `GET /search` share, so the two
/// interfaces read the same syntax and report the same errors.
///
/// Facets (`--facet`, `facet=`):
///
///     topic                 the 10 most frequent values of keyword field topic
///     topic:5               the 5 most frequent
///     date:month            a histogram of date field date: year, month, week or day
///     words:stats           count, min, max, sum and mean of number (or date) field words
///     words:ranges:0-100,100-500,500-   counts per range [from, to); an empty end or * is open
///     topic:10:multi        any of the above ending in :multi is multi-select: it ignores the
///                           filters on its own field, so the other values keep their counts
///
/// Sorts (`--sort`, `sort=`): `relevance`, `newest`, `oldest`, or `FIELD`, `FIELD:asc`,
/// `FIELD:desc` for any number, date or keyword field (ascending unless `:desc`).
extension FacetRequest {
    /// The largest `N` of a terms facet (`topic:N`).
    public static let maxTermsSize = 10_000

    /// Parses one facet in the syntax above. Throws `LoupeError.invalidRequest` for a
    /// malformed one; whether the field exists and has the right type is checked by the search.
    public init(parsing spec: String) throws {
        let text = spec.trimmedSpaces()
        let syntax = "expected FIELD, FIELD:N, FIELD:year|month|week|day, FIELD:stats or FIELD:ranges:0-100,100-500,500- (add :multi for multi-select)"
        var parts = text.split(separator: ":", omittingEmptySubsequences: false).map { String($0).trimmedSpaces() }
        guard let field = parts.first, !field.isEmpty else {
            throw LoupeError.invalidRequest("the facet '\(text.prefix(60))' names no field: \(syntax)")
        }
        parts.removeFirst()
        var multi = false
        if parts.last?.lowercased() == "multi" { multi = true; parts.removeLast() }
        let kind: Kind
        switch parts.count {
        case 0:
            kind = .terms(size: 10)
        case 1:
            let p = parts[0].lowercased()
            if let n = Int(p) {
                guard (1...FacetRequest.maxTermsSize).contains(n) else {
                    throw LoupeError.invalidRequest("the facet '\(text.prefix(60))' asks for \(n) values: N must be 1 to \(FacetRequest.maxTermsSize)")
                }
                kind = .terms(size: n)
            } else if let interval = HistogramInterval(rawValue: p) {
                kind = .histogram(interval)
            } else if p == "stats" {
                kind = .stats
            } else {
                throw LoupeError.invalidRequest("the facet '\(text.prefix(60))' is malformed: '\(parts[0].prefix(40))' is not a number, year, month, week, day, stats or ranges; \(syntax)")
            }
        case 2 where parts[0].lowercased() == "ranges":
            kind = .ranges(try NumberRange.parseList(parts[1], facet: text))
        default:
            throw LoupeError.invalidRequest("the facet '\(text.prefix(60))' is malformed: \(syntax)")
        }
        self.init(field: field, kind: kind, multiSelect: multi)
    }
}

extension NumberRange {
    /// `0-100,100-500,500-` (also `*-100`, `500-*`, `-5-5` with a negative start).
    static func parseList(_ text: String, facet: String) throws -> [NumberRange] {
        func bad(_ why: String) -> LoupeError {
            LoupeError.invalidRequest("the facet '\(facet.prefix(60))' has bad ranges: \(why); write FIELD:ranges:0-100,100-500,500- (an empty end or * is open)")
        }
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmedSpaces() }
        guard !items.isEmpty, !(items.count == 1 && items[0].isEmpty) else { throw bad("there are none") }
        guard items.count <= 1000 else { throw bad("there are more than 1000") }
        return try items.map { item in
            let chars = Array(item)
            // The separator: a '-' that is not the sign of the first number.
            guard let dash = chars.indices.first(where: { i in
                chars[i] == "-" && i > 0 && !"eE".contains(chars[i - 1])
            }) else {
                throw bad("'\(item.prefix(40))' is not FROM-TO")
            }
            func bound(_ s: String) throws -> Double? {
                let t = s.trimmedSpaces()
                if t.isEmpty || t == "*" { return nil }
                guard let v = Double(t), v.isFinite else { throw bad("'\(t.prefix(40))' is not a number") }
                return v
            }
            let from = try bound(String(chars[..<dash])), to = try bound(String(chars[(dash + 1)...]))
            if let from, let to, from > to { throw bad("'\(item.prefix(40))' ends before it starts") }
            return NumberRange(from: from, to: to)
        }
    }
}

extension SearchRequest {
    /// Sets the order from `relevance`, `newest`, `oldest` or `FIELD[:asc|desc]` (see
    /// `FacetRequest.init(parsing:)`'s syntax notes). Throws `LoupeError.invalidRequest`
    /// for a malformed one, or for a field `schema` (when given) does not have; the field's
    /// type is checked by the search.
    public mutating func setSort(_ spec: String, schema: Schema? = nil) throws {
        let text = spec.trimmedSpaces()
        if let order = SortOrder(rawValue: text.lowercased()) {
            sort = order
            sortField = nil
            return
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { String($0).trimmedSpaces() }
        let syntax = "use relevance, newest, oldest or FIELD[:asc|desc] with a number, date or keyword field"
        guard let field = parts.first, !field.isEmpty, parts.count <= 2 else {
            throw LoupeError.invalidRequest("the sort '\(text.prefix(60))' is malformed: \(syntax)")
        }
        var descending = false
        if parts.count == 2 {
            switch parts[1].lowercased() {
            case "asc": descending = false
            case "desc": descending = true
            default: throw LoupeError.invalidRequest("the sort '\(text.prefix(60))' is malformed: '\(parts[1].prefix(20))' is not asc or desc; \(syntax)")
            }
        }
        if let schema, field != "date", schema.field(field) == nil {
            throw LoupeError.invalidRequest("cannot sort by unknown field '\(field.prefix(60))': \(syntax)")
        }
        sort = .relevance
        sortField = SortField(field, descending: descending)
    }

    /// The order as `--sort` and `sort=` write it: `relevance`, `newest`, `oldest` or `field:asc|desc`.
    public var sortDescription: String { sortField?.description ?? sort.rawValue }
}

extension Searcher {
    /// Parses one filter (`--filter`, `filter=`) in the query language: `topic:crude`,
    /// `places:(usa OR uk)`, `words:>=100`, `date:1987-03`. A malformed one throws
    /// `LoupeError.invalidRequest` naming the filter (its position is not in the query).
    public func parseFilter(_ text: String) throws -> any Query {
        guard !text.trimmedSpaces().isEmpty else { throw LoupeError.invalidRequest("a filter is empty: write FIELD:VALUE, e.g. topic:crude") }
        do {
            return try withAnalyzer { analyzer in
                try QueryParser.parse(text, knownFields: reader.indexedFieldNames, fieldTypes: reader.columnFieldTypes,
                                      isSearchable: { analyzer.hasTerms($0) }, strictFields: true).query
            }
        } catch let LoupeError.invalidQuery(message, position) {
            throw LoupeError.invalidRequest("the filter '\(text.prefix(60))' is malformed at position \(position): \(message)")
        }
    }
}

private extension String {
    func trimmedSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
