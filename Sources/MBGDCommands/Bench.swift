import ArgumentParser
import Foundation
import MiniBatchGD

struct Bench: ParsableCommand, ThreadedCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sweep batch sizes and report training throughput and final cost, on synthetic data or your own file.",
        discussion: """
            Every batch size trains from zero with the mean gradient on standardized features, so \
            one learning rate is stable for all of them; the final cost is reported beside the speed. \
            Throughput counts the batch updates of an epoch (not the per-epoch cost evaluation) and is \
            the median over the epochs.

            Examples:
              mbgd bench
              mbgd bench --rows 1000000 --features 32 --batch-sizes 1,32,512,full --json
              mbgd bench --file data.csv --target y --csv --plot throughput.svg
              mbgd bench --sparse --rows 200000 --features 47236 --density 0.0011 --batch-sizes 1,32,256,4096
              mbgd bench --file text.svm
            """)

    @Option(parsing: .unconditional, help: "Synthetic rows.") var rows = 100_000
    @Option(parsing: .unconditional, help: "Synthetic features.") var features = 16
    @Option(parsing: .unconditional, help: "Synthetic targets (several use the dgemm path).") var outputs = 1
    @Flag(help: "Synthetic sparse rows (CSR, text-like column frequencies) trained by the sparse descent; a libsvm --file is sparse too.")
    var sparse = false
    @Option(parsing: .unconditional, help: "The fraction of nonzero entries of --sparse rows, in (0, 1].") var density = 0.001
    @Option(parsing: .unconditional, help: "Comma-separated batch sizes; '\(BatchSize.full)' is the whole data.")
    var batchSizes = ([1, 8, 32, 128, 512, 2048, .full] as [BatchSize]).map(\.description).joined(separator: ",")
    @Option(parsing: .unconditional, help: "Epochs per batch size (the median epoch is reported).") var epochs = 3
    @OptionGroup var threadCount: ThreadOptions<Bench>
    @Option(parsing: .unconditional, help: "Learning rate (default: automatic for each batch size, from the data's curvature).")
    var learningRate: Double?
    @Option(parsing: .unconditional, help: "Seed of the synthetic data and of the shuffles.") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Shuffle blocks of this many consecutive rows instead of single rows.") var shuffleBlocks: Int?
    @Flag(help: "Visit rows in order (the fastest an epoch can be); the default shuffles every epoch.") var noShuffle = false
    @OptionGroup var source: SourceOptions
    @OptionGroup var encoding: EncodingOptions
    @Flag(help: "Print one JSON object on stdout and nothing else.") var json = false
    @Flag(help: "Print CSV on stdout and nothing else.") var csv = false
    @OptionGroup var plotOptions: PlotOptions<Bench>
    var plot: String? { plotOptions.plot }
    @Flag(
        help:
            "Also time the closed-form solve by each method on the same data (median of 3), unrefined and refined; LSQR on sparse rows."
    )
    var closedForm = false
    @OptionGroup var elementType: PrecisionOptions

    static let threadsHelp =
        "Threads for large batches (2048 rows or more at 32 features), the cost passes and the closed form's refinement, and for OpenBLAS's large calls (default: the cores this process may use)."

    var threads: Int? { threadCount.threads }
    var file: String? { source.file }

    func validate() throws {
        try threadCount.validateForOpenBLAS()
        if json && csv { throw ValidationError("choose one of --json and --csv") }
        // Every epoch is timed: a count past a few thousand is a mistake that would never end.
        if !(1...10_000).contains(epochs) {
            throw ValidationError("--epochs must lie between 1 and 10000 (each is a timed epoch per batch size), got \(epochs)")
        }
        if noShuffle && shuffleBlocks != nil { throw ValidationError("choose one of --no-shuffle and --shuffle-blocks") }
        if !(density > 0 && density <= 1) { throw ValidationError("--density must lie in (0, 1], got \(density)") }
        if density != 0.001, !sparse { throw ValidationError("--density sets the nonzeros of --sparse synthetic rows: add --sparse") }
        if encoding.isActive {
            let option = encoding.hashBits != nil ? "--hash-features" : "--categorical"
            guard let file else { throw ValidationError("\(option) encodes the columns of a CSV --file") }
            try encoding.validate(for: file)
            if sparse { throw ValidationError("--sparse: \(option) chooses dense or sparse rows by the encoded design; drop --sparse") }
        }
        if isSparse {
            if outputs != 1 { throw ValidationError("--outputs: sparse rows are benchmarked with one target; drop --outputs") }
            if sparse, file.map(SparseInput.isLibSVM) == false {
                throw ValidationError(
                    "--sparse reads a libsvm --file (.svm, .libsvm, .svmlight) or makes synthetic rows; \(file!) is neither")
            }
            if !source.targets.isEmpty { throw ValidationError("--target: a libsvm file's labels are its target; drop --target") }
        }
        _ = try sizes()
        // The library checks the sizes and the configuration; its errors name the options.
        try validatingArguments {
            for (name, value) in [("rows", rows), ("features", features), ("outputs", outputs)] where value < 1 {
                throw ArgumentError(argument: name, value: "\(value)", requirement: "must be at least 1")
            }
            try configuration.validate()
        }
    }

    /// Every epoch of every batch size runs: a throughput measurement, not a fit.
    var configuration: GradientDescent {
        GradientDescent(
            epochs: epochs, learningRate: learningRate.map { .fixed($0) } ?? .automatic, averaging: .none, standardize: true,
            shuffle: noShuffle ? .none : shuffleBlocks.map { Shuffle.blocks(seed: seed, rows: $0) } ?? .everyEpoch(seed: seed),
            earlyStopping: nil,
            recordsBatchCosts: false, threads: threads)
    }

    func sizes() throws -> [BatchSize] { try parseBatchSizes(batchSizes) }

    /// Sparse rows: `--sparse`, or a libsvm `--file`.
    var isSparse: Bool { sparse || file.map(SparseInput.isLibSVM) == true }

    /// What one benchmark measured, dense or sparse, for the report.
    struct Measured {
        /// "100000 rows × 16 features, 1 target(s)", or the sparse shape with its nonzeros.
        var shape: String
        var rows: Int, features: Int, outputs: Int
        var results: [BatchSizeSweep.Result]
        /// Each exact solve timed: its name, seconds, and seconds refined (nil: no refinement).
        var solves: [(method: String, seconds: Double, refined: Double?)]
        /// Extra keys of the JSON's `config`.
        var extra: [(String, JSON)] = []
        /// Trained by the sparse descent (a libsvm file, `--sparse`, or a CSV's sparse encoding).
        var sparse = false
    }

    /// The median of three timings of `body`.
    static func medianSeconds(_ body: () throws -> Void) rethrows -> Double {
        try (0..<3).map { _ in
            let start = ContinuousClock.now
            try body()
            return (ContinuousClock.now - start) / .seconds(1)
        }.sorted()[1]
    }

    /// Refuses a batch size larger than the rows.
    func checkSizes(_ sizes: [BatchSize], rows: Int) throws {
        if let tooLarge = sizes.compactMap({ if case let .rows(n) = $0, n > rows { n } else { nil } }).first {
            throw CLIError.badArgument("--batch-sizes: \(tooLarge) is larger than the \(rows) rows")
        }
    }

    func run() throws {
        threadCount.setOpenBLAS()
        switch try elementType.resolved(for: file) {
        case .float32: try run(as: Float.self)
        case .float64: try run(as: Double.self)
        }
    }

    private func run<Element: BLASScalar>(as element: Element.Type) throws {
        let measured: Measured
        if let file, let encoded = try encoding.load(csv: file, targets: source.targets, features: nil, weights: nil, fitIntercept: true) {
            switch encoded.rows {
            case .dense(let rows): measured = try measureDense(try rows.converted(to: Element.self))
            case .sparse(let rows):
                measured = try measureSparse(try EncodedInput.converted(rows, to: Element.self))
            }
        } else if isSparse {
            measured = try measureSparse(
                try file.map { try SparseDataset<Element>.load(libsvm: $0) }
                    ?? SparseDataset<Element>.synthetic(rows: rows, features: features, density: density, seed: seed))
        } else {
            measured = try measureDense(
                try file.map { try Dataset<Element>.load(path: $0, targets: source.targets) }
                    ?? Dataset<Element>.synthetic(rows: rows, features: features, outputs: outputs, seed: seed))
        }
        try report(measured, precision: Element.precision)
    }

    private func measureDense<Element: BLASScalar>(_ data: Dataset<Element>) throws -> Measured {
        let sweepSizes = try sizes()
        try checkSizes(sweepSizes, rows: data.rows)
        let results = try BatchSizeSweep.run(data, batchSizes: sweepSizes, configuration: configuration)
        let solves: [(method: String, seconds: Double, refined: Double?)] =
            try closedForm
            ? LeastSquares.Method.allCases.map { method in
                // The factorization alone, then with iterative refinement (what `mbgd solve` runs).
                let times = try [false, true].map { refine in
                    try Self.medianSeconds { _ = try LeastSquares.solve(data, method: method, refine: refine, threads: threads) }
                }
                return (method.rawValue, times[0], times[1])
            } : []
        return Measured(
            shape: "\(data.rows) rows × \(Format.count(data.featureCount, "feature")), \(data.outputCount) target(s)", rows: data.rows,
            features: data.featureCount, outputs: data.outputCount, results: results, solves: solves)
    }

    private func measureSparse<Element: BLASScalar>(_ data: SparseDataset<Element>) throws -> Measured {
        let sweepSizes = try sizes()
        try checkSizes(sweepSizes, rows: data.rows)
        let results = try BatchSizeSweep.run(data, batchSizes: sweepSizes, configuration: configuration)
        let solves: [(method: String, seconds: Double, refined: Double?)] =
            closedForm ? [("lsqr", try Self.medianSeconds { _ = try LSQR.solve(data) }, nil)] : []
        return Measured(
            shape: SparseInput.shape(data), rows: data.rows, features: data.featureCount, outputs: data.outputCount, results: results,
            solves: solves,
            extra: [("sparse", SparseInput.json(data))], sparse: true)
    }

    private func report(_ measured: Measured, precision: Precision) throws {
        let results = measured.results
        var written: [String] = []
        if let plot {
            var svg = SVGPlot(
                title: "Training throughput against batch size", xLabel: "batch size (log)", yLabel: "samples per second (log)", xLog: true,
                yLog: true)
            svg.series = [
                .init(
                    name: "\(measured.rows) × \(measured.features), \(measured.outputs) target(s)",
                    points: results.map { (Double($0.batchSize), $0.samplesPerSecond) }, markers: true)
            ]
            var outputs = Outputs()
            written = PlotDestination(plot).add([("throughput.svg", [svg])], into: &outputs)
            try outputs.commit()
        }
        if json {
            print(
                JSON.object(
                    [
                        (
                            "config",
                            .object(
                                [
                                    ("rows", .integer(measured.rows)), ("features", .integer(measured.features)),
                                    ("outputs", .integer(measured.outputs)), ("precision", .string(precision.rawValue)),
                                    ("epochs", .integer(epochs)),
                                    ("learningRate", learningRate.map(JSON.number) ?? .string(LearningRate.automatic.description)),
                                    ("reduction", .string(configuration.reduction.rawValue)),
                                    ("shuffle", .string(noShuffle ? "none" : shuffleBlocks.map { "blocks of \($0) rows" } ?? "rows")),
                                    ("source", file.map(JSON.string) ?? .string(isSparse ? "synthetic sparse" : "synthetic")),
                                    ("openblasCore", .string(BLASThreads.coreName)), ("openblasThreads", .integer(BLASThreads.current)),
                                ] + measured.extra)
                        ),
                        (
                            "results",
                            .array(
                                results.map {
                                    let result: JSON = .object([
                                        ("batchSize", .integer($0.batchSize)), ("learningRate", .number($0.learningRate)),
                                        ("samplesPerSecond", .number($0.samplesPerSecond)),
                                        ("secondsPerEpoch", .number($0.secondsPerEpoch)), ("finalCost", .number($0.finalCost)),
                                    ])
                                    return result
                                })
                        ),
                    ]
                        + (closedForm
                            ? [
                                (
                                    "closedForm",
                                    .array(
                                        measured.solves.map { time -> JSON in
                                            .object([
                                                ("method", .string(time.method)), ("seconds", .number(time.seconds)),
                                                ("refinedSeconds", time.refined.map(JSON.number) ?? .null),
                                            ])
                                        })
                                )
                            ] : [])
                ).text)
        } else if csv {
            print("batchSize,learningRate,samplesPerSecond,secondsPerEpoch,finalCost")
            for r in results { print("\(r.batchSize),\(r.learningRate),\(r.samplesPerSecond),\(r.secondsPerEpoch),\(r.finalCost)") }
        } else {
            print(
                "Data: \(file ?? (isSparse ? "synthetic sparse" : "synthetic")), \(measured.shape), \(precision.rawValue); "
                    + "mean gradient, \(measured.sparse ? "scaled by the columns' deviations" : "standardized"), \(noShuffle ? "rows in order" : "shuffled" + (shuffleBlocks.map { " in blocks of \($0) rows" } ?? "")), learning rate \(learningRate.map { Format.number($0, digits: 4) } ?? "automatic per batch size"), \(epochs) epoch(s) each"
            )
            print(
                measured.sparse
                    ? "Sparse rows: each update touches only its batch's columns; the cost passes and batches of 64 Ki nonzeros or more on \(Format.count(threads ?? Cores.available, "thread"))\n"
                    : "OpenBLAS \(BLASThreads.coreName), up to \(BLASThreads.current) threads; training on \(Format.count(threads ?? Cores.available, "thread")) for large batches\n"
            )
            var table = Table(["batch size", "learning rate", "samples/s", "seconds per epoch", "final cost"])
            for r in results {
                table.add([
                    String(r.batchSize), Format.number(r.learningRate, digits: 4), Format.rate(r.samplesPerSecond),
                    Format.number(r.secondsPerEpoch, digits: 4), Format.number(r.finalCost, digits: 6),
                ])
            }
            print(table.render())
            if closedForm {
                print("\nClosed-form solve (median of 3):")
                var solves = Table(["method", "seconds", "refined"])
                for (method, seconds, refined) in measured.solves {
                    solves.add([method, Format.number(seconds, digits: 4), refined.map { Format.number($0, digits: 4) } ?? "–"])
                }
                print(solves.render())
            }
            if !written.isEmpty { print("\nPlot: \(written.joined(separator: ", "))") }
        }
    }
}

extension Bench: PlottingCommand {
    static var plotted: String { "of samples/s against batch size" }
    static var plotFile: String? { "throughput.svg" }
}
