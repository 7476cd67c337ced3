// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Courier",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "courier", targets: ["courier"]),
        .library(name: "CourierSpec", targets: ["CourierSpec"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // libyaml, found through pkg-config. Debian/Ubuntu: `apt-get install libyaml-dev`; macOS: `brew install libyaml`.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .target(
            name: "CourierSpec",
            dependencies: ["CYAML"]
        ),
        .executableTarget(
            name: "courier",
            dependencies: [
                "CourierSpec",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "CourierSpecTests",
            dependencies: ["CourierSpec"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "CourierCLITests",
            dependencies: ["courier", "CourierSpec"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
