import Loupe

extension Terminal {
    /// Prints `value` as JSON on standard output (indented unless `pretty` is false, then on one
    /// line), with the library's encoder: the same text the HTTP service answers with.
    static func json<T: Encodable>(_ value: T, pretty: Bool = true) throws {
        out(try OrderedJSONEncoder(formatting: pretty ? .pretty : .compact).encode(value))
    }
}
