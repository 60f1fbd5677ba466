import Foundation

/// The JSON file that describes a schema, as `loupe init --schema FILE` reads it:
///
///     {"fields": [{"name": "title", "boost": 2}, {"name": "body"},
///                 {"name": "source", "indexed": false}],
///      "language": "english", "defaultFields": ["title", "body"]}
///
/// Friendlier than `Schema`'s own coding: a field's `indexed` and `stored` default to true and
/// its `boost` to 1; `language` is a Snowball stemmer name or `"none"` (or null) for no
/// stemming, and defaults to English; `defaultFields` (or `default_fields`) defaults to every
/// indexed field.
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
        let schema = Schema(
            fields: contents.fields.map {
                FieldDefinition(name: $0.name, indexed: $0.indexed ?? true, stored: $0.stored ?? true, boost: $0.boost ?? 1)
            },
            language: language, defaultFields: contents.defaultFields)
        do {
            try schema.validate()
        } catch let LoupeError.invalidSchema(reason) {
            throw SchemaFileError(path: path, problem: .invalid(reason))
        } catch {
            throw SchemaFileError(path: path, problem: .invalid("\(error)"))
        }
        return schema
    }

    /// The file's JSON.
    private struct Contents: Decodable {
        struct Field: Decodable {
            var name: String
            var indexed: Bool?
            var stored: Bool?
            var boost: Double?
        }

        var fields: [Field]
        /// Absent: the default; null: none.
        var language: String??
        var defaultFields: [String]?

        enum CodingKeys: String, CodingKey { case fields, language, defaultFields, default_fields }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            fields = try c.decode([Field].self, forKey: .fields)
            if c.contains(.language) {
                language = .some(try c.decodeNil(forKey: .language) ? nil : try c.decode(String.self, forKey: .language))
            }
            defaultFields = try c.decodeIfPresent([String].self, forKey: .defaultFields)
                ?? c.decodeIfPresent([String].self, forKey: .default_fields)
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
