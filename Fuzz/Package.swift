// swift-tools-version:6.1
import PackageDescription

// The coverage-guided fuzzer lives in its own package: it is built with
// `-sanitize=fuzzer,address`, which only this harness and what it links should get.
//
// Run it: Fuzz/run.sh MINUTES (it builds, seeds a corpus from Specs/ and the fixtures, and
// keeps what it finds in Fuzz/findings/).
let package = Package(
    name: "CourierFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Courier", path: ".."),
    ],
    targets: [
        // PipelineInvariants.swift links to Tests/CourierGeneratorTests, where the regression
        // test replays every finding with the same checks.
        .executableTarget(
            name: "courier-fuzz",
            dependencies: [
                .product(name: "CourierSpec", package: "Courier"),
                .product(name: "CourierGenerator", package: "Courier"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
