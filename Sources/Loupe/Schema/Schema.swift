/// One field of a schema.
public struct FieldDefinition: Codable, Equatable, Hashable, Sendable {
    /// The field's name: letters, digits or `_`; not `id`, `date` or `_id`.
    public var name: String
    /// Analyzed and searchable, with positions.
    public var indexed: Bool
    /// Kept in the document store and returned with hits.
    public var stored: Bool
    /// Multiplies this field's BM25 contribution.
    public var boost: Double

    /// A field definition; `Schema.validate()` checks it.
    public init(name: String, indexed: Bool, stored: Bool, boost: Double = 1.0) {
        self.name = name; self.indexed = indexed; self.stored = stored; self.boost = boost
    }
}

/// The fields of an index and its analysis language. Saved in the manifest; fixed at creation.
///
/// Every document also has an external `id` (unique, exact-match) and an optional `date`
/// (a fast column for range filters and sorting); these two are not listed in `fields`.
public struct Schema: Codable, Equatable, Sendable {
    /// The fields, in order (the order of indexed fields numbers them on disk).
    public var fields: [FieldDefinition]
    /// Snowball language for stemming, or nil for none.
    public var language: String?
    /// Fields searched when a query term has no `field:` scope. Defaults to all indexed fields.
    public var defaultFields: [String]?

    /// A schema of `fields`, stemmed for `language` (nil for no stemming), searching
    /// `defaultFields` (nil for all indexed fields) when a query term names no field.
    public init(fields: [FieldDefinition], language: String? = "english", defaultFields: [String]? = nil) {
        self.fields = fields; self.language = language; self.defaultFields = defaultFields
    }

    /// The news schema: `title` (indexed, stored, boost 2), `body` (indexed, stored), `url` (stored).
    public static func news(language: String? = "english") -> Schema {
        Schema(fields: [
            FieldDefinition(name: "title", indexed: true, stored: true, boost: 2),
            FieldDefinition(name: "body", indexed: true, stored: true, boost: 1),
            FieldDefinition(name: "url", indexed: false, stored: true, boost: 1),
        ], language: language)
    }

    static let reservedNames: Set<String> = ["id", "date", "_id"]

    /// Throws `LoupeError.invalidSchema` naming the first problem: no fields, more than 200,
    /// a bad, reserved or repeated name, a field neither indexed nor stored, a boost that is
    /// not a positive number, no indexed field, a default field that is not indexed.
    public func validate() throws {
        guard !fields.isEmpty else { throw LoupeError.invalidSchema("a schema needs at least one field") }
        guard fields.count <= 200 else { throw LoupeError.invalidSchema("at most 200 fields") }
        var seen = Set<String>()
        for f in fields {
            guard !f.name.isEmpty, f.name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" }) else {
                throw LoupeError.invalidSchema("field name '\(f.name)' must be letters, digits or '_'")
            }
            guard !Schema.reservedNames.contains(f.name) else { throw LoupeError.invalidSchema("'\(f.name)' is reserved") }
            guard seen.insert(f.name).inserted else { throw LoupeError.invalidSchema("field '\(f.name)' is defined twice") }
            guard f.indexed || f.stored else { throw LoupeError.invalidSchema("field '\(f.name)' is neither indexed nor stored") }
            guard f.boost.isFinite, f.boost > 0 else { throw LoupeError.invalidSchema("field '\(f.name)' has a boost that is not a positive number") }
        }
        guard fields.contains(where: { $0.indexed }) else { throw LoupeError.invalidSchema("no field is indexed") }
        for d in defaultFields ?? [] where !fields.contains(where: { $0.name == d && $0.indexed }) {
            throw LoupeError.invalidSchema("default field '\(d)' is not an indexed field")
        }
    }

    /// Indexed fields in schema order; the index into this array is the field number on disk.
    public var indexedFields: [FieldDefinition] { fields.filter(\.indexed) }
    /// Stored fields in schema order.
    public var storedFields: [FieldDefinition] { fields.filter(\.stored) }

    /// The on-disk number of indexed field `name`, nil when it is not an indexed field.
    public func indexedFieldNumber(_ name: String) -> Int? { indexedFields.firstIndex { $0.name == name } }

    /// Fields a query term without a `field:` scope searches: `defaultFields`, else every indexed field.
    public var searchFields: [String] { defaultFields ?? indexedFields.map(\.name) }
}
