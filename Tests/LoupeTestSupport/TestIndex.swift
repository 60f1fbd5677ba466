import Loupe

/// Small fixed indexes for tests that need a few known documents rather than a random corpus.
public enum TestIndex {
    /// Creates an index in `directory` holding `documents`, committed in one transaction,
    /// and opens it for searching.
    @discardableResult
    public static func build(at directory: String, schema: Schema = .news(),
                             documents: some Sequence<Document>) throws -> Index {
        let writer = try IndexWriter.create(directory: directory, schema: schema)
        for document in documents { try writer.add(document) }
        try writer.commit()
        writer.close()
        return try Index.open(at: directory)
    }
}
