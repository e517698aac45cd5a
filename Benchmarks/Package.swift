// swift-tools-version:6.1
// The benchmark suites live in their own package so that an app linking MiniBatchGD never
// resolves the benchmark tooling. `make bench` runs them; `make compare` sets them beside numpy.
import PackageDescription

let package = Package(
    name: "MiniBatchGDBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "MiniBatchGD", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The same loop in C over raw pointers: the baseline for the cost of Swift.
        .target(
            name: "CBaseline",
            path: "Sources/CBaseline",
            cSettings: [.unsafeFlags(["-O3", "-I/usr/include/x86_64-linux-gnu/openblas-pthread"])],
            linkerSettings: [.linkedLibrary("openblas")]
        ),
        // The ceilings: the fused loop and a read pass compiled for this CPU's own vector width
        // (-march=native, fast-math so the dot product vectorizes) on every core.
        .target(
            name: "CNative",
            path: "Sources/CNative",
            cSettings: [.unsafeFlags(["-O3", "-march=native", "-ffast-math"])],
            linkerSettings: [.linkedLibrary("pthread")]
        ),
        .executableTarget(
            name: "Training",
            dependencies: [
                .product(name: "MiniBatchGD", package: "MiniBatchGD"),
                .product(name: "Benchmark", package: "benchmark"),
                "CBaseline",
                "CNative",
            ],
            path: "Benchmarks/Training",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
