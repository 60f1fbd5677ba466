/// A query that restricts one keyword, number or date field without scoring:
/// ``KeywordQuery``, ``NumberRangeQuery``, ``DateRangeQuery``. A multi-select facet on that
/// field ignores such filters (see ``FacetRequest/multiSelect``).
public protocol FieldFilterQuery: Query {
    /// The field the query restricts.
    var field: String { get }
}

extension Query {
    /// The one field this query filters on: its own when it is a ``FieldFilterQuery``, or the
    /// field every clause of a boolean group restricts (`source:(reuters OR afp)`); nil
    /// otherwise. Multi-select facets use it to leave out the filters on their own field.
    public var filteredField: String? {
        if let q = self as? any FieldFilterQuery { return q.field }
        guard let b = self as? BooleanQuery, !b.clauses.isEmpty else { return nil }
        var field: String?
        for c in b.clauses {
            guard let f = c.query.filteredField, field == nil || field == f else { return nil }
            field = f
        }
        return field
    }
}
