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
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The channel benchmark: a WebSocket server, and swift-websocket's client read by hand.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
    ],
    targets: [
        // Counts heap allocations, for allocations per call.
        .target(name: "CMallocCounter"),
        // The throughput benchmark's client, generated at build time by Courier's build plugin.
        .target(
            name: "CatalogClient",
            dependencies: [.product(name: "CourierRuntime", package: "Courier")],
            plugins: [.plugin(name: "CourierBuildPlugin", package: "Courier")]
        ),
        .executableTarget(
            name: "courier-bench",
            dependencies: [
                "CMallocCounter",
                "CatalogClient",
                .product(name: "CourierRuntime", package: "Courier"),
                .product(name: "CourierRuntimeTesting", package: "Courier"),
                .product(name: "CourierAsyncHTTPClient", package: "Courier"),
                .product(name: "CourierWebSocket", package: "Courier"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/CourierBench",
            // Exports the allocation functions of CMallocCounter to every shared library.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"], .when(platforms: [.linux]))]
        ),
    ],
    swiftLanguageModes: [.v6]
)
