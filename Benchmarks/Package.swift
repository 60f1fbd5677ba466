// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so that users of the library never fetch
// benchmark dependencies.
//
// - LoupeMacroBench: end-to-end indexing and query timings (`swift run -c release LoupeMacroBench`).
// - LoupeMicroBenchmarks: hot-path micro-benchmarks run by the ordo-one benchmark plugin
//   (`swift package benchmark`); see README.md.
let package = Package(
    name: "LoupeBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Loupe", path: ".."),
        // Naming only the MallocInterposer trait keeps the default "RuntimeInterposer" trait
        // (and with it ordo-one/swift-runtime-interposer, used on Linux with Swift 6.3) off.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
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
        .executableTarget(
            name: "LoupeMicroBenchmarks",
            dependencies: [
                "LoupeBenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Loupe", package: "Loupe"),
            ],
            path: "Benchmarks/LoupeMicroBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
