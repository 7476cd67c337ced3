// swift-tools-version:6.0
import PackageDescription

// An app package that uses Courier the two ways the README describes:
// - WeatherService: the build plugin turns weather.courier.yaml into Swift on every build;
// - AlertsService: `swift package generate-clients --target AlertsService` wrote Generated/, which is checked in.
let package = Package(
    name: "Weather",
    platforms: [.macOS(.v13), .iOS(.v16)],
    dependencies: [
        // A real app writes .package(url: "https://github.com/<owner>/courier", from: "0.1.0").
        .package(name: "Courier", path: "../.."),
        // For the tests' in-memory transport, which speaks swift-http-types like every transport.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .target(
            name: "WeatherService",
            dependencies: [.product(name: "CourierRuntime", package: "Courier")],
            plugins: [.plugin(name: "CourierBuildPlugin", package: "Courier")]
        ),
        .target(
            name: "AlertsService",
            dependencies: [.product(name: "CourierRuntime", package: "Courier")],
            // The spec and configuration stay next to the code they made, but are not sources.
            exclude: ["alerts.courier.yaml", "courier-config.yaml"]
        ),
        .testTarget(
            name: "WeatherTests",
            dependencies: [
                "WeatherService",
                "AlertsService",
                .product(name: "CourierRuntime", package: "Courier"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
