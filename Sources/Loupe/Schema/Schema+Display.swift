/// Which fields front ends show a hit with, derived from the schema so that no front end
/// names the news schema's fields. With the news schema: title `title`, snippets from `body`,
/// link `url`.
extension Schema {
    /// The field shown as a hit's title: the first field that is both stored and indexed.
    public var titleField: String? {
        fields.first { $0.stored && $0.indexed }?.name
    }

    /// The field snippets are cut from: the first stored and indexed field other than the
    /// title field, or the title field when it is the only one.
    public var snippetField: String? {
        let title = titleField
        return fields.first { $0.stored && $0.indexed && $0.name != title }?.name ?? title
    }

    /// The document's title for display: the title field's value, or nil when it is absent or empty.
    public func title(of document: StoredDocument) -> String? {
        titleField.flatMap { document.fields[$0] }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A web address for the document: the first stored field, other than the title and
    /// snippet fields, whose value is an `http://` or `https://` URL.
    public func link(of document: StoredDocument) -> String? {
        let shown: Set<String?> = [titleField, snippetField]
        for f in fields where f.stored && !shown.contains(f.name) {
            if let v = document.fields[f.name], v.hasPrefix("http://") || v.hasPrefix("https://") { return v }
        }
        return nil
    }
}
