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
        // Code both benchmark executables use: corpus readers and the synthetic corpus generator.
        .target(
            name: "LoupeBenchSupport",
            dependencies: [.product(name: "Loupe", package: "Loupe")],
            path: "Sources/LoupeBenchSupport"
        ),
        .executableTarget(
            name: "LoupeMacroBench",
            dependencies: ["LoupeBenchSupport", .product(name: "Loupe", package: "Loupe")],
            path: "Sources/LoupeMacroBench"
        ),
    ],
    swiftLanguageModes: [.v5]
)
