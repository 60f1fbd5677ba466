/// A query that restricts one keyword, number or date field without scoring:
/// ``KeywordQuery``, ``NumberRangeQuery``, ``DateRangeQuery``. A multi-select facet on that
/// field ignores such filters (see `FacetRequest.multiSelect`).
public protocol FieldFilterQuery: Query {
    /// The field the query restricts.
    var field: String { get }
}

extension BooleanQuery {
    /// The one field every clause of this query restricts (a `source:(reuters OR afp)`
    /// group), nil when the clauses are not all field filters of one field.
    public var filteredField: String? {
        var field: String?
        for c in clauses {
            let f: String?
            if let q = c.query as? any FieldFilterQuery { f = q.field }
            else if let b = c.query as? BooleanQuery { f = b.filteredField }
            else { f = nil }
            guard let f, field == nil || field == f else { return nil }
            field = f
        }
        return field
    }
}

/// The field `query` filters on, when it is a field filter or a boolean group of filters of
/// one field; nil otherwise.
public func filteredField(of query: any Query) -> String? {
    if let q = query as? any FieldFilterQuery { return q.field }
    if let b = query as? BooleanQuery { return b.filteredField }
    return nil
}
