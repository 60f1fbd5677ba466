// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so that users of the library never fetch
// benchmark dependencies.
let package = Package(
    name: "LoupeBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Loupe", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "LoupeMacroBench",
            dependencies: [.product(name: "Loupe", package: "Loupe")],
            path: "Sources/LoupeMacroBench"
        ),
    ],
    swiftLanguageModes: [.v5]
)
