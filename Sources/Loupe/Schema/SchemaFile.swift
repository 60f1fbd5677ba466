import Foundation

/// The JSON file that describes a schema, as `loupe init --schema FILE` reads it:
///
///     {"fields": [{"name": "title", "boost": 2}, {"name": "body"},
///                 {"name": "url", "indexed": false},
///                 {"name": "source", "type": "keyword", "normalize": "lowercase"},
///                 {"name": "tags", "type": "keyword", "multiValued": true},
///                 {"name": "words", "type": "number"}, {"name": "updated", "type": "date"}],
///      "language": "english", "defaultFields": ["title", "body"],
///      "nearDuplicates": {"field": "body", "threshold": 0.8}}
///
/// Friendlier than `Schema`'s own coding: a field's `type` is `"text"` (the default),
/// `"keyword"`, `"number"` or `"date"`. A text field's `indexed` and `stored` default to true
/// and its `boost` to 1. Keyword, number and date fields are always searchable and returned
/// (from their columns), so they take neither `indexed`/`stored` set to false nor a boost;
/// they take `multiValued` (or `multi_valued`, default false: a JSON array is then an error),
/// and keyword fields `"normalize": "lowercase"`. `language` is a Snowball stemmer name or
/// `"none"` (or null) for no stemming, and defaults to English; `defaultFields` (or
/// `default_fields`) defaults to every indexed text field. `nearDuplicates` (or
/// `near_duplicates`) asks for MinHash signatures of a text field, so that searches can
/// collapse near duplicates: `true` (the `body` field, threshold 0.8), a field name, or
/// `{"field": ..., "threshold": ...}`; absent or `false` for none (see ``NearDuplicateSettings``).
public enum SchemaFile {
    /// Reads and checks the schema file at `path`.
    ///
    /// - Throws: `SchemaFileError` naming `path` and what is wrong: the file cannot be read,
    ///   is not a schema file (with where, such as `missing "fields"`), or describes a schema
    ///   that `Schema.validate()` rejects.
    public static func load(path: String) throws(SchemaFileError) -> Schema {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SchemaFileError(path: path, problem: .unreadable)
        }
        return try decode(data, path: path)
    }

    /// Decodes and checks schema file contents; `path` names the file in errors.
    ///
    /// - Throws: `SchemaFileError` as `load(path:)` does (never `.unreadable`).
    public static func decode(_ data: Data, path: String) throws(SchemaFileError) -> Schema {
        let contents: Contents
        do {
            contents = try JSONDecoder().decode(Contents.self, from: data)
        } catch let e as DecodingError {
            throw SchemaFileError(path: path, problem: .malformed(e.reason))
        } catch {
            throw SchemaFileError(path: path, problem: .malformed("\(error)"))
        }
        var language: String? = "english"
        if let l = contents.language { language = l.flatMap { $0.lowercased() == "none" ? nil : $0.lowercased() } }
        var fields: [FieldDefinition] = []
        for (i, f) in contents.fields.enumerated() {
            fields.append(try field(f, number: i, path: path))
        }
        var schema = Schema(fields: fields, language: language, defaultFields: contents.defaultFields)
        schema.nearDuplicates = contents.nearDuplicates
        do {
            try schema.validate()
        } catch let LoupeError.invalidSchema(reason) {
            throw SchemaFileError(path: path, problem: .invalid(reason))
        } catch {
            throw SchemaFileError(path: path, problem: .invalid("\(error)"))
        }
        return schema
    }

    /// The definition of field `f`, the `number`th of the file (from 0), or an error naming it.
    private static func field(_ f: Contents.Field, number: Int, path: String) throws(SchemaFileError) -> FieldDefinition {
        func invalid(_ reason: String) -> SchemaFileError {
            SchemaFileError(path: path, problem: .invalid("field '\(f.name)' (.fields[\(number)]) \(reason)"))
        }
        if let key = f.unknownKeys.first {
            throw invalid("has an unknown key \"\(key)\" (a field has name, type, indexed, stored, boost, multiValued, normalize)")
        }
        let type: FieldType
        if let name = f.type {
            guard let t = FieldType(rawValue: name.lowercased()) else {
                throw invalid("has an unknown type \"\(name)\" (the types are text, keyword, number and date)")
            }
            type = t
        } else {
            type = .text
        }
        var normalize: KeywordNormalizer?
        if let name = f.normalize {
            guard let n = KeywordNormalizer(rawValue: name.lowercased()) else {
                throw invalid("has an unknown \"normalize\" value \"\(name)\" (the only one is lowercase)")
            }
            guard type == .keyword else { throw invalid("has \"normalize\" but is a \(type.rawValue) field (only keyword fields are normalized)") }
            normalize = n
        }
        let multiValued = f.multiValued ?? false
        if type == .text {
            guard !multiValued else { throw invalid("is a text field and cannot be multi-valued (make it a keyword field)") }
            return FieldDefinition(name: f.name, indexed: f.indexed ?? true, stored: f.stored ?? true, boost: f.boost ?? 1)
        }
        if f.indexed == false || f.stored == false {
            throw invalid("is a \(type.rawValue) field, always searchable and returned: \"indexed\" and \"stored\" apply to text fields")
        }
        if let boost = f.boost, boost != 1 {
            throw invalid("is a \(type.rawValue) field: \"boost\" applies to text fields (filters on other fields do not score)")
        }
        return FieldDefinition(name: f.name, type: type, multiValued: multiValued, normalize: normalize)
    }

    /// The file's JSON.
    private struct Contents: Decodable {
        struct Field: Decodable {
            var name: String
            var type: String?
            var indexed: Bool?
            var stored: Bool?
            var boost: Double?
            var multiValued: Bool?
            var normalize: String?
            /// Keys a field does not have (a typo such as "multivalued" would otherwise be lost).
            var unknownKeys: [String] = []

            enum CodingKeys: String, CodingKey { case name, type, indexed, stored, boost, multiValued, multi_valued, normalize }

            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                name = try c.decode(String.self, forKey: .name)
                type = try c.decodeIfPresent(String.self, forKey: .type)
                indexed = try c.decodeIfPresent(Bool.self, forKey: .indexed)
                stored = try c.decodeIfPresent(Bool.self, forKey: .stored)
                boost = try c.decodeIfPresent(Double.self, forKey: .boost)
                multiValued = try c.decodeIfPresent(Bool.self, forKey: .multiValued)
                    ?? c.decodeIfPresent(Bool.self, forKey: .multi_valued)
                normalize = try c.decodeIfPresent(String.self, forKey: .normalize)
                unknownKeys = try decoder.container(keyedBy: JSONKey.self).allKeys.map(\.stringValue)
                    .filter { CodingKeys(rawValue: $0) == nil }.sorted()
            }
        }

        var fields: [Field]
        /// Absent: the default; null: none.
        var language: String??
        var defaultFields: [String]?
        var nearDuplicates: NearDuplicateSettings?

        enum CodingKeys: String, CodingKey { case fields, language, defaultFields, default_fields, nearDuplicates, near_duplicates }

        /// `true`, a field name, or `{"field", "threshold"}` (each optional).
        private struct NearDuplicatesValue: Decodable {
            var settings: NearDuplicateSettings?
            private enum Keys: String, CodingKey { case field, threshold }
            init(from decoder: any Decoder) throws {
                if let on = try? decoder.singleValueContainer().decode(Bool.self) {
                    settings = on ? NearDuplicateSettings() : nil
                } else if let field = try? decoder.singleValueContainer().decode(String.self) {
                    settings = NearDuplicateSettings(field: field)
                } else {
                    let c = try decoder.container(keyedBy: Keys.self)
                    settings = NearDuplicateSettings(field: try c.decodeIfPresent(String.self, forKey: .field) ?? "body",
                                                     threshold: try c.decodeIfPresent(Double.self, forKey: .threshold) ?? 0.8)
                }
            }
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            fields = try c.decode([Field].self, forKey: .fields)
            if c.contains(.language) {
                language = .some(try c.decodeNil(forKey: .language) ? nil : try c.decode(String.self, forKey: .language))
            }
            defaultFields = try c.decodeIfPresent([String].self, forKey: .defaultFields)
                ?? c.decodeIfPresent([String].self, forKey: .default_fields)
            nearDuplicates = try (c.decodeIfPresent(NearDuplicatesValue.self, forKey: .nearDuplicates)
                ?? c.decodeIfPresent(NearDuplicatesValue.self, forKey: .near_duplicates))?.settings
        }
    }
}

/// Why a schema file could not be loaded; `description` is one sentence naming the file.
public struct SchemaFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong with the file.
    public enum Problem: Equatable, Sendable {
        /// The file does not exist or cannot be read.
        case unreadable
        /// The file is not JSON, or not in the schema file's shape; the reason says where
        /// (such as `missing "fields"` or `.fields[0].boost should be a number`).
        case malformed(String)
        /// The file is well-formed but its schema breaks a rule of `Schema.validate()`
        /// (such as a reserved or repeated field name); the reason says which.
        case invalid(String)
    }

    /// The schema file's path, as given.
    public var path: String
    /// What is wrong with it.
    public var problem: Problem

    /// An error about the schema file at `path`.
    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    /// One sentence naming the file and the problem.
    public var description: String {
        switch problem {
        case .unreadable: return "cannot read the schema file \(path)"
        case let .malformed(reason): return "\(path) is not a valid schema file: \(reason)"
        case let .invalid(reason): return "\(path) describes an invalid schema: \(reason)"
        }
    }
}
