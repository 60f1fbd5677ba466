// swift-tools-version:6.1
// Loupe embedded in another program: depends on the Loupe package by path.
import PackageDescription

let package = Package(
    name: "EmbedLoupe",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Loupe", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "EmbedLoupe",
            dependencies: [.product(name: "Loupe", package: "Loupe")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
