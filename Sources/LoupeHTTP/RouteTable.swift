import Hummingbird

/// The paths Loupe answers and the methods each takes, for the answers the router cannot give
/// by itself: 405 with `Allow` for a known path asked with another method (`TRACE /search`,
/// `PATCH /documents/x`), and `OPTIONS`, answered with `Allow`. Kept beside `addLoupeRoutes`,
/// which registers the same routes (a test checks every route here is answered).
enum RouteTable {
    /// Path patterns relative to the mount point (`*` is one path segment) and their methods;
    /// HEAD goes with every GET.
    static let routes: [(pattern: [String], methods: [HTTPRequest.Method])] = [
        ([], [.get]),
        (["search"], [.get]),
        (["suggest"], [.get]),
        (["documents"], [.post]),
        (["documents", "*"], [.get, .put, .delete]),
        (["documents", "*", "similar"], [.get]),
        (["articles", "*"], [.get]),
        (["synonyms"], [.get]),
        (["stats"], [.get]),
        (["health"], [.get]),
        (["assets", "loupe.css"], [.get]),
        (["assets", "suggest.js"], [.get]),
    ]

    /// The methods of the route matching `path` under `base` (`""` or `"/archive"`), nil when
    /// no route has this path.
    static func methods(path: String, base: String) -> [HTTPRequest.Method]? {
        guard path.hasPrefix(base) else { return nil }
        let rest = path.dropFirst(base.count)
        guard rest.isEmpty || rest.hasPrefix("/") else { return nil }
        let segments = rest.split(separator: "/", omittingEmptySubsequences: true)
        for (pattern, methods) in routes where pattern.count == segments.count {
            if zip(pattern, segments).allSatisfy({ $0 == "*" || $0 == $1 }) { return methods }
        }
        return nil
    }

    /// The `Allow` header's value: the route's methods, HEAD after GET, then OPTIONS.
    static func allowHeader(_ methods: [HTTPRequest.Method]) -> String {
        var names: [String] = []
        for m in methods {
            names.append(m.rawValue)
            if m == .get { names.append("HEAD") }
        }
        names.append("OPTIONS")
        return names.joined(separator: ", ")
    }
}
