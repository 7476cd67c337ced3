// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Courier",
    platforms: [.macOS(.v13), .iOS(.v16), .tvOS(.v16), .watchOS(.v9)],
    products: [
        .executable(name: "courier", targets: ["courier"]),
        .library(name: "CourierRuntime", targets: ["CourierRuntime"]),
        .library(name: "CourierAsyncHTTPClient", targets: ["CourierAsyncHTTPClient"]),
        .library(name: "CourierWebSocket", targets: ["CourierWebSocket"]),
        .library(name: "CourierServiceLifecycle", targets: ["CourierServiceLifecycle"]),
        .library(name: "CourierConfiguration", targets: ["CourierConfiguration"]),
        .library(name: "CourierRuntimeTesting", targets: ["CourierRuntimeTesting"]),
        .library(name: "CourierSpec", targets: ["CourierSpec"]),
        .library(name: "CourierGenerator", targets: ["CourierGenerator"]),
        .plugin(name: "CourierBuildPlugin", targets: ["CourierBuildPlugin"]),
        .plugin(name: "CourierCommandPlugin", targets: ["CourierCommandPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        // The WebSocket client of product CourierWebSocket.
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        // Product CourierServiceLifecycle: clients as services of a ServiceGroup.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Product CourierConfiguration: clients configured, and reconfigured while they run, from
        // swift-configuration. The reloading file provider is for apps (and the tests).
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "Reloading"]),
        // Tests only: file paths for swift-configuration's file provider (already in its graph).
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // TLS settings of the WebSocket transport (already in the graph through async-http-client).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // Tests only: the HTTP server the end-to-end tests start on 127.0.0.1.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Tests only: the test server's WebSocket routes.
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        // Tests only: the test server's gzip and deflate responses.
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        // Tests only: the test server parses multipart/form-data bodies with a parser not Courier's.
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        // libyaml, found through pkg-config. Debian/Ubuntu: `apt-get install libyaml-dev`; macOS: `brew install libyaml`.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // The platform's DNS resolver library, for DNS discovery of instances: glibc's libresolv
        // (part of libc6-dev) on Linux, the system's on Apple platforms. The module map wraps the
        // few resolv.h macros Swift cannot call.
        .systemLibrary(name: "CResolv"),
        .target(
            name: "CourierSpec",
            dependencies: ["CYAML"]
        ),
        .target(
            name: "CourierGenerator",
            dependencies: [
                "CourierSpec",
            ]
        ),
        .executableTarget(
            name: "courier",
            dependencies: [
                "CourierSpec",
                "CourierGenerator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Generates code from the target's NAME.courier.yaml files at build time. Plugins may import only
        // PackagePlugin and Foundation, so the spec naming and input scanning they share with the
        // generator live in Sources/CourierSpec/PluginShared, which Plugins/*/PluginShared link to.
        .plugin(
            name: "CourierBuildPlugin",
            capability: .buildTool(),
            dependencies: ["courier"]
        ),
        // `swift package generate-clients --target NAME`: writes checked-in code into NAME/Generated.
        .plugin(
            name: "CourierCommandPlugin",
            capability: .command(
                intent: .custom(verb: "generate-clients", description: "Writes the Swift code for the spec files of the given targets into each target's Generated folder."),
                permissions: [.writeToPackageDirectory(reason: "Writes the generated Swift files into each target's Generated folder.")]
            ),
            dependencies: ["courier"]
        ),
        // What generated clients import: Foundation, swift-http-types, the three API-only
        // observability packages (no backends), and the system's resolver library, so apps pay
        // for little.
        .target(
            name: "CourierRuntime",
            dependencies: [
                "CResolv",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HTTPTypesFoundation", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // What tests of code that uses Courier need: a clock that moves when told to, and a
        // repeatable random source. Not part of CourierRuntime, so apps do not ship them.
        .target(name: "CourierRuntimeTesting", dependencies: ["CourierRuntime"]),
        // The AsyncHTTPClient transport: a separate product so that only servers pay for SwiftNIO.
        .target(
            name: "CourierAsyncHTTPClient",
            dependencies: [
                "CourierRuntime",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // The WebSocket transport for channels, on swift-websocket's client (SwiftNIO): a separate
        // product, like the AsyncHTTPClient transport, so that only apps with channels pay for it.
        .target(
            name: "CourierWebSocket",
            dependencies: [
                "CourierRuntime",
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A client as a swift-service-lifecycle `Service`: a separate product, so that only apps
        // that run a ServiceGroup pay for the dependency.
        .target(
            name: "CourierServiceLifecycle",
            dependencies: [
                "CourierRuntime",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Clients configured from swift-configuration, live.
        .target(
            name: "CourierConfiguration",
            dependencies: [
                "CourierRuntime",
                .product(name: "Configuration", package: "swift-configuration"),
            ]
        ),
        // Test support: a Hummingbird server implementing the example services on 127.0.0.1.
        .target(
            name: "CourierTestServer",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            path: "Tests/Support/CourierTestServer"
        ),
        // What several test targets share: running CPU-bound work off the cooperative pool, and a
        // seeded random number generator.
        .target(name: "CourierTestSupport", path: "Tests/Support/CourierTestSupport"),
        .testTarget(
            name: "CourierSpecTests",
            dependencies: ["CourierSpec", "CourierTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "CourierGeneratorTests",
            dependencies: ["CourierGenerator", "CourierSpec", "CourierTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "CourierRuntimeTests",
            dependencies: [
                "CourierRuntime",
                "CourierRuntimeTesting",
                "CourierTestSupport",
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ]
        ),
        // The generated clients for Specs/ (golden files, kept current by `courier generate --check`),
        // compiled in Swift 6 mode and driven against the test server through both transports.
        .testTarget(
            name: "ExampleClientTests",
            dependencies: [
                "CourierRuntime", "CourierRuntimeTesting", "CourierAsyncHTTPClient", "CourierWebSocket", "CourierTestServer",
                "CourierServiceLifecycle", "CourierConfiguration",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The generated code for the edge-case fixture specs: odd names, keywords, recursion, every type.
        .testTarget(
            name: "EdgeCaseClientTests",
            dependencies: ["CourierRuntime"]
        ),
        // The generated code for the hardened fixtures: every keyword and generated name in every
        // naming position, and spec text built to escape from comments and literals. It must
        // compile without a warning.
        .testTarget(
            name: "HardenedClientTests",
            dependencies: ["CourierRuntime"],
            swiftSettings: [.unsafeFlags(["-warnings-as-errors"])]
        ),
        .testTarget(
            name: "CourierCLITests",
            dependencies: ["courier", "CourierSpec", "CourierGenerator", "CourierRuntime"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
