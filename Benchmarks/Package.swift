// swift-tools-version:6.1
import PackageDescription

// The benchmarks live in their own package so that Courier's own package stays lean: this one
// depends on swift-openapi-generator, which it builds and runs side by side with `courier`.
//
// Run everything: swift run -c release --package-path Benchmarks courier-bench
let package = Package(
    name: "CourierBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Courier", path: ".."),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator", exact: "1.14.3"),
    ],
    targets: [
        // Counts heap allocations, for allocations per call.
        .target(name: "CMallocCounter"),
        .executableTarget(
            name: "courier-bench",
            dependencies: [
                "CMallocCounter",
                .product(name: "CourierRuntime", package: "Courier"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Sources/CourierBench",
            // Exports the allocation functions of CMallocCounter to every shared library.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"], .when(platforms: [.linux]))]
        ),
    ],
    swiftLanguageModes: [.v6]
)
