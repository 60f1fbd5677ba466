// swift-tools-version:6.1
// Loupe's coverage-guided fuzzers (libFuzzer), a package of their own so that building and
// testing the main package never compiles them. Built by `make fuzz` with
//     swift build -c release --package-path Tests/Fuzz --scratch-path .build/fuzz \
//         -Xswiftc -sanitize=fuzzer -Xcc -fsanitize=fuzzer-no-link
// Each executable's main sets up what its target reads, then runs libFuzzer
// (`LLVMFuzzerRunDriver`) on its test function.
// See Tests/Fuzz/README.md.
import PackageDescription

let loupe = Target.Dependency.product(name: "Loupe", package: "Loupe")

let package = Package(
    name: "LoupeFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Loupe", path: "../.."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // libFuzzer's LLVMFuzzerRunDriver, declared for Swift.
        .target(name: "CFuzzerDriver"),
        // The indexes and read paths the targets share, and the call into libFuzzer.
        .target(name: "FuzzSupport", dependencies: [loupe, "CFuzzerDriver"]),
        // Segment and manifest files, one file of a small committed index at a time, read
        // with checksums bypassed: open, search, facets, sort, collapse, get, completions,
        // stats, check.
        .executableTarget(name: "fuzz-segments", dependencies: [loupe, "FuzzSupport"], path: "Sources/FuzzSegments"),
        // Query text against a small index: parse, search with a bounded limit, count.
        .executableTarget(name: "fuzz-query", dependencies: [loupe, "FuzzSupport"], path: "Sources/FuzzQuery"),
        // The `loupe add` input readers (JSON Lines, JSON arrays, text, gzip), compiled from
        // Sources/LoupeCLI/Input through symbolic links, and the documents they make analyzed.
        .systemLibrary(name: "CZlibFuzz", path: "Sources/CZlibFuzz", pkgConfig: "zlib"),
        .executableTarget(
            name: "fuzz-documents",
            dependencies: [loupe, "FuzzSupport", "CZlibFuzz",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/FuzzDocuments"
        ),
    ],
    swiftLanguageModes: [.v5]
)
