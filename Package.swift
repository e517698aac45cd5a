// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "MiniBatchGD",
    products: [
        .library(name: "MiniBatchGD", targets: ["MiniBatchGD"]),
        .executable(name: "mbgd", targets: ["mbgd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Tests only: property-based checks of invariants.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // The only C in the package. Its module map lives in Sources/CBLAS/, not at the
        // package root: SwiftPM reads a root-level module.modulemap as a legacy
        // system-library package and then ignores every other target.
        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(
            name: "MiniBatchGD",
            dependencies: ["CBLAS"],
            path: "Sources/MiniBatchGD"
        ),
        // The command-line tool: a thin shell that parses arguments, calls the library, formats.
        .executableTarget(
            name: "mbgd",
            dependencies: ["MiniBatchGD", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/mbgd"
        ),
        .testTarget(
            name: "MiniBatchGDTests",
            dependencies: ["MiniBatchGD", .product(name: "PropertyBased", package: "swift-property-based")],
            path: "Tests/MiniBatchGDTests"
        ),
        // Runs the built `mbgd` as a user would (depending on it makes `swift test` build it).
        .testTarget(
            name: "mbgdTests",
            dependencies: ["mbgd"],
            path: "Tests/mbgdTests"
        ),
    ]
)
