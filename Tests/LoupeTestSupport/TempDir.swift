import Foundation

/// A fresh temporary directory, removed with everything in it when the value is released
/// (a test case keeps it in a property it sets to nil in `tearDown`).
///
/// It lives on tmpfs (`/dev/shm`) when there is one: every commit fsyncs each file it
/// writes, which on a disk shared with other builds would dominate the tests' run time.
public final class TempDir: Sendable {
    public let path: String

    /// Where temporary directories are made.
    public static let root: String = {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory), isDirectory.boolValue,
           FileManager.default.isWritableFile(atPath: "/dev/shm") { return "/dev/shm/" }
        return NSTemporaryDirectory()
    }()

    /// Creates `<root>/<label>-<UUID>`.
    public init(_ label: String = "loupe") {
        path = TempDir.root + "\(label)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of `name` inside this directory (not created).
    public func sub(_ name: String) -> String { path + "/" + name }

    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
