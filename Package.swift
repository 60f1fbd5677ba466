// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Loupe",
    // macOS 14: Hummingbird 2 (LoupeHTTP) marks its API available from macOS 14.
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Loupe", targets: ["Loupe"]),
        .library(name: "LoupeHTTP", targets: ["LoupeHTTP"]),
        .executable(name: "loupe", targets: ["LoupeCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.0.0"),
        // Already in the graph through Hummingbird: LoupeHTTP's connection handlers see its
        // HTTP request and response parts (NIOHTTPTypes).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"]), .brew(["lz4"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .systemLibrary(
            name: "CStemmer",
            providers: [.apt(["libstemmer-dev"]), .brew(["snowball"])]
        ),
        // ICU's common library (its flags only), and the C functions the analysis calls: the
        // dictionary word breaker for Thai, Lao, Khmer and Myanmar, the Script property.
        .systemLibrary(
            name: "CICU",
            pkgConfig: "icu-uc",
            providers: [.apt(["libicu-dev"]), .brew(["icu4c"])]
        ),
        .target(name: "CLoupeICU", dependencies: ["CICU"]),
        // Small C helpers Swift cannot express (a cache prefetch hint).
        .target(name: "CLoupeSupport"),
        .target(
            name: "Loupe",
            dependencies: ["CLZ4", "CStemmer", "CLoupeICU", "CLoupeSupport"],
            // The library is checked in Swift 6 mode (data-race safety); the CLI, the HTTP
            // service and the tests are still Swift 5 code.
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(
            name: "LoupeHTTP",
            dependencies: [
                "Loupe",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        .executableTarget(
            name: "LoupeCLI",
            dependencies: [
                "Loupe",
                "LoupeHTTP",
                "CZlib",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // What the test targets share: the seeded RNG, temporary directories, the random
        // corpus and small fixed indexes (in the manner of swift-collections'
        // `_CollectionsTestSupport`). Public API of Loupe only, so it builds in any configuration.
        .target(
            name: "LoupeTestSupport",
            dependencies: ["Loupe"],
            path: "Tests/LoupeTestSupport"
        ),
        .testTarget(
            name: "LoupeTests",
            dependencies: ["Loupe", "LoupeTestSupport", "CLoupeSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "LoupeCLITests",
            dependencies: ["Loupe", "LoupeTestSupport"]
        ),
        .testTarget(
            name: "LoupeHTTPTests",
            dependencies: [
                "Loupe",
                "LoupeHTTP",
                "LoupeTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
