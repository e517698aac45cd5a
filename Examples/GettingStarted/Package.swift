// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "HousePrices",
    dependencies: [
        // A clone of MiniBatchGD in the folder ../MiniBatchGD: SwiftPM knows it as "MiniBatchGD",
        // the last part of the path (for a URL, the repository's name without .git).
        .package(path: "../MiniBatchGD")
    ],
    targets: [
        .executableTarget(
            name: "HousePrices",
            dependencies: [.product(name: "MiniBatchGD", package: "MiniBatchGD")]
        )
    ]
)
