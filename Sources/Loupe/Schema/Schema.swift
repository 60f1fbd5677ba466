/// What a field holds, and so how it is indexed and what it can do.
public enum FieldType: String, Codable, Sendable, CaseIterable {
    /// Analyzed text: tokenized, stemmed, searched with BM25 and phrases, stored for display.
    case text
    /// Exact values (a source, a section, tags, authors): not analyzed (except for the
    /// field's optional `normalize`), kept in a column for filters, facets, sorting and
    /// collapsing. Matching `source:reuters` compares whole values and does not score.
    case keyword
    /// Numbers (a word count, a page): IEEE doubles, so integers are exact up to 2^53. Kept
    /// in a column for range filters (`words:[100 TO 500]`), sorting and statistics.
    case number
    /// Instants (seconds since 1970 UTC, read from ISO-8601 text or numbers), in a column
    /// for range filters (`updated:2025-06`), sorting and date histograms. The document's
    /// `date` is the default date field and is not listed in the schema.
    case date
}

/// How a keyword field's values are normalized before they are indexed and before a query's
/// value is compared with them.
public enum KeywordNormalizer: String, Codable, Sendable, CaseIterable {
    /// Unicode lower-casing (`Reuters` and `REUTERS` are the same value).
    case lowercase
}

/// One field of a schema.
public struct FieldDefinition: Codable, Equatable, Hashable, Sendable {
    /// The field's name: letters, digits or `_`; not `id`, `date` or `_id`.
    public var name: String
    /// What the field holds (text by default).
    public var type: FieldType
    /// Text fields: analyzed and searchable, with positions. Other types are always
    /// searchable through their column.
    public var indexed: Bool
    /// Text fields: kept in the document store and returned with hits. Values of other types
    /// are always returned, read back from their columns.
    public var stored: Bool
    /// Text fields: multiplies this field's BM25 contribution.
    public var boost: Double
    /// Keyword, number and date fields: whether a document may hold several values (a JSON
    /// array). A single-valued field rejects an array.
    public var multiValued: Bool
    /// Keyword fields: how values are normalized (nil: kept exactly as given).
    public var normalize: KeywordNormalizer?

    /// A text field definition; `Schema.validate()` checks it.
    public init(name: String, indexed: Bool, stored: Bool, boost: Double = 1.0) {
        self.name = name; self.type = .text; self.indexed = indexed; self.stored = stored; self.boost = boost
        self.multiValued = false; self.normalize = nil
    }

    /// A field of any type. Text fields are indexed and stored; other types live in columns.
    public init(name: String, type: FieldType, multiValued: Bool = false, normalize: KeywordNormalizer? = nil,
                boost: Double = 1.0) {
        self.name = name; self.type = type; self.indexed = type == .text; self.stored = type == .text
        self.boost = boost; self.multiValued = multiValued; self.normalize = normalize
    }

    /// A keyword field (`source`, `tags`).
    public static func keyword(_ name: String, multiValued: Bool = false, normalize: KeywordNormalizer? = nil) -> FieldDefinition {
        FieldDefinition(name: name, type: .keyword, multiValued: multiValued, normalize: normalize)
    }

    /// A number field (`words`).
    public static func number(_ name: String, multiValued: Bool = false) -> FieldDefinition {
        FieldDefinition(name: name, type: .number, multiValued: multiValued)
    }

    /// A date field besides the default `date` (`updated`).
    public static func date(_ name: String, multiValued: Bool = false) -> FieldDefinition {
        FieldDefinition(name: name, type: .date, multiValued: multiValued)
    }

    /// `value` as this keyword field indexes it (after `normalize`).
    public func normalized(_ value: String) -> String {
        switch normalize {
        case .lowercase: return value.lowercased()
        case nil: return value
        }
    }

    /// Whether the field lives in a column (keyword, number, date).
    public var hasColumn: Bool { type != .text }

    private enum CodingKeys: String, CodingKey { case name, type, indexed, stored, boost, multiValued, normalize }

    /// Decodes a field; `type` absent (schemas of format version 3) means text.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        type = try c.decodeIfPresent(FieldType.self, forKey: .type) ?? .text
        indexed = try c.decode(Bool.self, forKey: .indexed)
        stored = try c.decode(Bool.self, forKey: .stored)
        boost = try c.decode(Double.self, forKey: .boost)
        multiValued = try c.decodeIfPresent(Bool.self, forKey: .multiValued) ?? false
        normalize = try c.decodeIfPresent(KeywordNormalizer.self, forKey: .normalize)
    }

    /// Encodes a field; a text field is written as format version 3 wrote it.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        if type != .text { try c.encode(type, forKey: .type) }
        try c.encode(indexed, forKey: .indexed)
        try c.encode(stored, forKey: .stored)
        try c.encode(boost, forKey: .boost)
        if multiValued { try c.encode(multiValued, forKey: .multiValued) }
        try c.encodeIfPresent(normalize, forKey: .normalize)
    }
}

/// Near-duplicate detection: at index time each document gets a MinHash signature of the
/// word shingles of `field` (kept in the segment's columns); a search collapsing near
/// duplicates groups matches whose estimated Jaccard similarity is at least `threshold`.
public struct NearDuplicateSettings: Codable, Equatable, Hashable, Sendable {
    /// The indexed text field whose words are compared (`body`).
    public var field: String
    /// The least estimated Jaccard similarity of two documents' word 3-shingles for them to
    /// count as near duplicates: 0.8 by default. Applied at search time, so it can be changed
    /// without reindexing.
    public var threshold: Double

    /// Signatures of `field`, grouped at `threshold`.
    public init(field: String = "body", threshold: Double = 0.8) {
        self.field = field
        self.threshold = threshold
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
    /// Whether, and on which field, documents get MinHash signatures for collapsing near
    /// duplicates (nil: none; see ``NearDuplicateSettings``).
    public var nearDuplicates: NearDuplicateSettings?
    /// The version of the analysis rules the index's text is tokenized with (see ``Analyzer``):
    /// new schemas get `Analyzer.currentVersion`; nil in the manifest of an index created before
    /// versions were recorded, which means version 1 (``analysis``), so its terms keep matching.
    public var analysisVersion: Int?

    /// A schema of `fields`, stemmed for `language` (nil for no stemming), searching
    /// `defaultFields` (nil for all indexed fields) when a query term names no field, analyzed
    /// with the current analysis rules.
    public init(fields: [FieldDefinition], language: String? = "english", defaultFields: [String]? = nil) {
        self.fields = fields; self.language = language; self.defaultFields = defaultFields
        self.analysisVersion = Analyzer.currentVersion
    }

    /// The analysis version in effect: `analysisVersion`, or 1 when it is absent.
    public var analysis: Int { analysisVersion ?? 1 }

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
            if f.type == .text {
                guard f.indexed || f.stored else { throw LoupeError.invalidSchema("field '\(f.name)' is neither indexed nor stored") }
                guard !f.multiValued else { throw LoupeError.invalidSchema("text field '\(f.name)' cannot be multi-valued") }
            }
            guard f.normalize == nil || f.type == .keyword else {
                throw LoupeError.invalidSchema("field '\(f.name)' has \"normalize\" but is not a keyword field")
            }
            guard f.boost.isFinite, f.boost > 0 else { throw LoupeError.invalidSchema("field '\(f.name)' has a boost that is not a positive number") }
        }
        guard fields.contains(where: { $0.type == .text && $0.indexed }) else { throw LoupeError.invalidSchema("no text field is indexed") }
        guard Analyzer.supportedVersions.contains(analysis) else {
            throw LoupeError.invalidSchema("analysis version \(analysis) is not known to this build of Loupe")
        }
        for d in defaultFields ?? [] where !fields.contains(where: { $0.name == d && $0.type == .text && $0.indexed }) {
            throw LoupeError.invalidSchema("default field '\(d)' is not an indexed text field")
        }
        if let n = nearDuplicates {
            guard indexedFieldNumber(n.field) != nil else {
                throw LoupeError.invalidSchema("near-duplicate field '\(n.field)' is not an indexed text field")
            }
            guard n.threshold > 0, n.threshold <= 1 else {
                throw LoupeError.invalidSchema("the near-duplicate threshold must be above 0 and at most 1")
            }
        }
    }

    /// Indexed text fields in schema order; the index into this array is the field number on disk.
    public var indexedFields: [FieldDefinition] { fields.filter { $0.type == .text && $0.indexed } }
    /// Stored text fields in schema order (the document store holds these).
    public var storedFields: [FieldDefinition] { fields.filter { $0.type == .text && $0.stored } }
    /// Keyword, number and date fields in schema order; the index into this array is the
    /// column number on disk.
    public var columnFields: [FieldDefinition] { fields.filter(\.hasColumn) }

    /// The definition of field `name`, nil when the schema has none.
    public func field(_ name: String) -> FieldDefinition? { fields.first { $0.name == name } }

    /// The on-disk number of indexed field `name`, nil when it is not an indexed field.
    public func indexedFieldNumber(_ name: String) -> Int? { indexedFields.firstIndex { $0.name == name } }

    /// Fields a query term without a `field:` scope searches: `defaultFields`, else every indexed field.
    public var searchFields: [String] { defaultFields ?? indexedFields.map(\.name) }
}
