// swift-tools-version:6.1
// A numeric app that links MiniBatchGD from outside, exactly as a user's package would.
// `make test` builds and runs it so that linking from outside can never silently break.
import PackageDescription

let package = Package(
    name: "LinkingApp",
    dependencies: [
        .package(name: "MiniBatchGD", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "LinkingApp",
            dependencies: [.product(name: "MiniBatchGD", package: "MiniBatchGD")]
        ),
    ]
)
