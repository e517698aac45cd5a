// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "MiniBatchGD",
    products: [
        .library(name: "MiniBatchGD", targets: ["MiniBatchGD"]),
        // Data-parallel fits over MPI ranks; only apps that link it need Open MPI.
        .library(name: "MiniBatchGDMPI", targets: ["MiniBatchGDMPI"]),
        // The C interface (include/minibatchgd.h) as a shared library, libminibatchgd.so:
        // `make install` puts it, the header and minibatchgd.pc under a prefix.
        .library(name: "minibatchgd", type: .dynamic, targets: ["MiniBatchGDC"]),
        // The same as a static archive, libminibatchgd-static.a (installed as libminibatchgd.a).
        .library(name: "minibatchgd-static", type: .static, targets: ["MiniBatchGDC"]),
        .executable(name: "mbgd", targets: ["mbgd"]),
        .executable(name: "mbgd-mpi", targets: ["mbgd-mpi"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Tests only: property-based checks of invariants.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // OpenBLAS and LAPACKE. The module map lives in Sources/CBLAS/, not at the
        // package root: SwiftPM reads a root-level module.modulemap as a legacy
        // system-library package and then ignores every other target.
        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        // zlib: the members of a compressed .npz (scipy's save_npz) are deflated.
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The fused training kernels in C, one variant per vector width (portable, AVX2+FMA,
        // AVX-512) chosen at run time: target attributes, not compiler flags, so the package
        // stays usable as a versioned dependency.
        .target(
            name: "CKernels",
            path: "Sources/CKernels"
        ),
        .target(
            name: "MiniBatchGD",
            dependencies: ["CBLAS", "CKernels", "CZlib"],
            path: "Sources/MiniBatchGD"
        ),
        // The hand-written header of the C interface, imported by its implementation: every
        // `@c @implementation` function is checked against its declaration there.
        .systemLibrary(
            name: "CMiniBatchGD",
            path: "include"
        ),
        .target(
            name: "MiniBatchGDC",
            dependencies: ["MiniBatchGD", "CMiniBatchGD"],
            path: "Sources/MiniBatchGDC"
        ),
        // Open MPI's C interface (`pkg-config ompi-c`), with its handle macros as functions.
        .systemLibrary(
            name: "CMPI",
            path: "Sources/CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]
        ),
        .target(
            name: "MiniBatchGDMPI",
            dependencies: ["MiniBatchGD", "CMPI"],
            path: "Sources/MiniBatchGDMPI"
        ),
        // The command-line tools' commands: a thin shell that parses arguments, calls the
        // library, formats. `mbgd` runs them in one process, `mbgd-mpi` on MPI ranks.
        .target(
            name: "MBGDCommands",
            dependencies: ["MiniBatchGD", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/MBGDCommands"
        ),
        .executableTarget(
            name: "mbgd",
            dependencies: ["MBGDCommands"],
            path: "Sources/mbgd"
        ),
        .executableTarget(
            name: "mbgd-mpi",
            dependencies: ["MBGDCommands", "MiniBatchGDMPI"],
            path: "Sources/mbgd-mpi"
        ),
        .testTarget(
            name: "MiniBatchGDTests",
            dependencies: ["MiniBatchGD", "MiniBatchGDC", .product(name: "PropertyBased", package: "swift-property-based")],
            path: "Tests/MiniBatchGDTests"
        ),
        // Runs the built `mbgd` as a user would (depending on it makes `swift test` build it).
        .testTarget(
            name: "mbgdTests",
            dependencies: ["mbgd", "mbgd-mpi", "MBGDCommands"],
            path: "Tests/mbgdTests"
        ),
    ]
)
