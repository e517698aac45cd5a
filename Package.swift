// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "MiniBatchGD",
    products: [
        .library(name: "MiniBatchGD", targets: ["MiniBatchGD"]),
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
        // Small example run by `make demo` until the command-line tool exists.
        .executableTarget(
            name: "mbgd-demo",
            dependencies: ["MiniBatchGD"],
            path: "Sources/mbgd-demo"
        ),
        .testTarget(
            name: "MiniBatchGDTests",
            dependencies: ["MiniBatchGD"],
            path: "Tests/MiniBatchGDTests"
        ),
    ]
)
