import ArgumentParser
import Foundation
import MiniBatchGD

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Race every batch size to a given accuracy: updates, samples and seconds to the closed-form optimum, the gradient noise scale and the critical batch size.",
        discussion: """
            Each batch size trains from zero with the step size its own curvature allows (or the rate \
            given) until the cost is within --gap (relative) of the exact optimum, checked at least 16 \
            times an epoch; checking is not timed. The gradient noise scale B_simple = tr(Σ)/|G|² \
            (McCandlish et al., 2018) is computed exactly from the per-example gradients; the model \
            S = S_min(1 + B_noise/B), E = E_min(1 + B/B_noise) is fitted to the measured updates and \
            samples.

            Examples:
              mbgd sweep --rows 20000 --features 16
              mbgd sweep --seed-article --gap 1e-3
              mbgd sweep --file data.csv --target price --gap 1e-3 --batch-sizes 1,8,32,128,full --plot sweep.svg
              mbgd sweep --file data.npy --target 3 --optimizer adam --tune --json
            """)

    @OptionGroup var source: SourceOptions
    @Flag(help: "Sweep on the seed article's training rows (7200 draws, as in mbgd demo).") var seedArticle = false
    @OptionGroup var rowWeights: WeightOptions
    @Option(parsing: .unconditional, help: "Synthetic rows.") var rows = 20_000
    @Option(
        name: .customLong("features"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "With --file, its feature columns, comma-separated or repeated, as in mbgd fit (default: every column that is not a target or the weights); otherwise the number of synthetic features (default 16).",
            valueName: "names|count"))
    var featureLists: [String] = []
    @Option(parsing: .unconditional, help: "Seed of the synthetic data and of the shuffles.") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Comma-separated batch sizes; '\(BatchSize.full)' is the whole data.")
    var batchSizes = ([1, 4, 16, 64, 256, 1024, .full] as [BatchSize]).map(\.description).joined(separator: ",")
    @Option(parsing: .unconditional, help: "The relative gap of the cost to the optimum, (J − J*)/J*, in (0, 1).") var gap = 1e-3
    @Option(parsing: .unconditional, help: "Epoch budget of each batch size.") var maxEpochs = 200
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Learning rate, or '\(LearningRate.automatic)' for each batch size's own.", valueName: "\(LearningRate.automatic)|x"))
    var learningRate = LearningRate.automatic.description
    @Flag(
        help:
            "Search each batch size's best rate: doubling its own rate while the updates to the gap keep falling (up to 1024 times it), halving it while none reaches the gap; every rate tried is in --json."
    )
    var tune = false
    @OptionGroup var optimizer: OptimizerOptions
    @Flag(help: "Report the last iterate (no averaging once the cost stops improving).") var noAverage = false
    @OptionGroup var intercept: InterceptOptions
    @OptionGroup var encoding: EncodingOptions
    @Flag(help: "Print one JSON object on stdout and nothing else.") var json = false
    @OptionGroup var plotOptions: PlotOptions<Sweep>
    var plot: String? { plotOptions.plot }

    var file: String? { source.file }
    var weights: String? { rowWeights.weights }

    /// The synthetic data's feature count: `--features N` without `--file`.
    var features: Int {
        get throws {
            guard file == nil, let last = featureLists.last else { return 16 }
            guard featureLists.count == 1, let count = Int(last), count >= 1 else {
                throw ValidationError(
                    "--features without --file is the number of synthetic features, a positive integer; got '\(featureLists.joined(separator: ","))'"
                )
            }
            return count
        }
    }

    /// `--features` with `--file`: the columns, read as `mbgd fit` reads them; nil for every column.
    var featureColumns: [String]? { file == nil ? nil : DataOptions.columnNames(featureLists) }

    func validate() throws {
        try optimizer.validateEpsilon()
        if seedArticle, !featureLists.isEmpty { throw ValidationError("--seed-article and --features exclude each other") }
        _ = try features
        try DataOptions.validateColumnNames(featureColumns, option: "--features")
        if seedArticle, file != nil { throw ValidationError("--seed-article and --file exclude each other") }
        if weights != nil, file == nil { throw ValidationError("--weights needs --file") }
        if encoding.isActive {
            guard let file else {
                throw ValidationError(
                    "\(encoding.hashBits != nil ? "--hash-features" : "--categorical") encodes the columns of a CSV --file")
            }
            try encoding.validate(for: file)
        }
        _ = try parseBatchSizes(batchSizes)
        _ = try parseLearningRate(learningRate)
    }

    /// The shape of the rows swept, dense or sparse, for the report.
    struct SweptRows {
        let rows: Int, featureCount: Int
        let featureNames: [String]
        let weights: [Double]?
        /// "; 11936 nonzeros (3.98 % dense)" for sparse rows.
        let sparseShape: String?
    }

    func run() throws {
        let status = Status(quiet: json)
        if let file, SparseInput.isLibSVM(file) {
            if !source.targets.isEmpty {
                throw CLIError.badArgument("\(file) is a libsvm file: each line's label is the target; drop --target")
            }
            if featureColumns != nil {
                throw CLIError.badArgument("\(file) is a libsvm file: every indexed column is a feature; drop --features")
            }
            if weights != nil { throw CLIError.badArgument("\(file) is a libsvm file: it carries no weight column; drop --weights") }
            return try run(try status.during(Status.loading(file)) { try SparseDataset<Double>.load(libsvm: file) }, status: status)
        }
        if let file,
            let encoded = try status.during(
                Status.loading(file),
                {
                    try encoding.load(
                        csv: file, targets: source.targets, features: featureColumns, weights: weights, fitIntercept: intercept.fitIntercept
                    )
                })
        {
            switch encoded.rows {
            case .sparse(let rows): return try run(rows, status: status)
            case .dense(let rows): return try run(rows, status: status)
            }
        }
        try run(
            try seedArticle
                ? Dataset<Double>.seedArticle(seed: seed).train
                : file.map { path in
                    try status.during(Status.loading(path)) {
                        try Dataset<Double>.load(path: path, targets: source.targets, features: featureColumns, weights: weights)
                    }
                }
                    ?? Dataset<Double>.synthetic(rows: rows, features: try features, seed: seed), status: status)
    }

    /// The sweep of sparse rows (a libsvm file, or a CSV's hashed or many-level columns).
    private func run(_ data: SparseDataset<Double>, status: Status) throws {
        let swept = SweptRows(
            rows: data.rows, featureCount: data.featureCount, featureNames: data.featureNames, weights: data.weights,
            sparseShape: "; \(data.nonzeros) nonzeros (\(Format.number(100 * data.density, digits: 3)) % dense), sparse descent")
        try run(swept, status: status) { configuration, sizes, progress in
            try BatchSizeSweep.toGap(
                data, batchSizes: sizes, configuration: configuration, gap: gap, maxEpochs: maxEpochs,
                fitIntercept: intercept.fitIntercept, tune: tune, progress: progress)
        }
    }

    /// The sweep of dense rows.
    private func run(_ data: Dataset<Double>, status: Status) throws {
        let swept = SweptRows(
            rows: data.rows, featureCount: data.featureCount, featureNames: data.featureNames, weights: data.weights, sparseShape: nil)
        try run(swept, status: status) { configuration, sizes, progress in
            try BatchSizeSweep.toGap(
                data, batchSizes: sizes, configuration: configuration, gap: gap, maxEpochs: maxEpochs,
                fitIntercept: intercept.fitIntercept, tune: tune, progress: progress)
        }
    }

    /// Races the batch sizes on the rows `data` describes by `sweepRows`, and reports.
    private func run(
        _ data: SweptRows, status: Status,
        sweepRows: @escaping @Sendable (GradientDescent, [BatchSize], @escaping (Int, Int, Int) -> Void) throws -> BatchSizeSweep.GapSweep
    ) throws {
        let configuration = GradientDescent(
            learningRate: try parseLearningRate(learningRate), optimizer: optimizer.value,
            averaging: noAverage ? .none : .automatic, shuffle: .everyEpoch(seed: seed))
        let sizes = try parseBatchSizes(batchSizes)
        status.show("solving for the exact optimum")
        // The line is erased before anything else is written: the report, or the error.
        let sweep: BatchSizeSweep.GapSweep
        do {
            sweep = try runCancellable {
                try sweepRows(configuration, sizes) { rows, index, count in
                    status.show("racing batch size \(rows) to the gap (\(index + 1) of \(count))")
                }
            }
        } catch {
            status.clear()
            throw error
        }
        status.clear()
        // The sweep races each number of rows once: say which sizes came to the whole data.
        let beyond = sizes.compactMap { size -> Int? in
            if case let .rows(count) = size, count >= data.rows { count } else { nil }
        }
        if beyond.count > 1 || (beyond.count == 1 && sizes.contains(.full)) {
            Terminal.writeError(
                "mbgd: note: batch sizes \(beyond.map(String.init).joined(separator: ", ")) reach the \(data.rows) rows: raced once, as the whole data\n"
            )
        }
        var written: [String] = []
        if let plot {
            var outputs = Outputs()
            // The sweep trains on the rows of positive weight alone: those make its epochs.
            let rows = data.weights.map { $0.filter { $0 > 0 }.count } ?? data.rows
            written = PlotDestination(plot).add([("sweep.svg", Self.plot(sweep, rows: rows))], into: &outputs)
            try outputs.commit()
        }
        if json {
            print(report(sweep, data: data).text)
            return
        }
        print(
            "Data: \(seedArticle ? "the seed article's" : file ?? "synthetic"), \(data.rows) rows × \(Format.count(data.featureCount, "feature"))"
                + (data.sparseShape ?? "") + (weights.map { " weighted by \($0)" } ?? "") + "; \(optimizer.value.name), "
                + "\(learningRate == LearningRate.automatic.description ? "automatic rate per batch size" : "learning rate \(learningRate)")\(tune ? ", each tuned by factors of 2 to its fewest updates to the gap" : ""); "
                + "gap \(Format.number(gap, digits: 3)) of the optimum's cost \(Format.number(sweep.optimumCost, digits: 6)); up to \(maxEpochs) epochs each\n"
        )
        var table = Table(
            ["batch size", "learning rate"] + (tune ? ["tuned"] : []) + ["reached", "epochs", "updates", "samples", "seconds", "samples/s"])
        for r in sweep.results {
            var row = [String(r.batchSize), Format.number(r.learningRate, digits: 3)]
            if tune {
                let tuned: String = r.tunedFactor.map { "×\(Format.number($0, digits: 4)) of \(r.tuningTrials.count) tried" } ?? "–"
                row.append(tuned)
            }
            let reached: String = r.reached ? "yes" : "no (best \(Format.number(r.bestGap, digits: 2)))"
            let epochs: String = r.epochsToGap.map { Format.number($0, digits: 3) } ?? "–"
            let seconds: String = r.secondsToGap.map { Format.number($0, digits: 3) } ?? "–"
            row += [
                reached, epochs, r.updatesToGap.map(String.init) ?? "–", r.samplesToGap.map(String.init) ?? "–", seconds,
                Format.rate(r.samplesPerSecond),
            ]
            table.add(row)
        }
        print(table.render())
        print(
            "\nGradient noise scale B_simple: \(Self.noiseScale(sweep.noiseScaleAtStart)) at the start"
                + sweep.noiseScaleAlongTheWay.map { ", \(Self.noiseScale($0.noiseScale)) at gap \(Format.number($0.gap, digits: 1))" }
                .joined())
        if let model = sweep.model {
            print(
                "Fitted model: S_min = \(Format.number(model.minimumUpdates, digits: 3)) updates, E_min = \(Format.number(model.minimumSamples, digits: 3)) samples, "
                    + "B_noise = E_min/S_min = \(Format.number(model.noiseScale, digits: 3))")
        }
        if !written.isEmpty { print("Plot: \(written.joined(separator: ", "))") }
        print("\n" + Self.conclusion(sweep))
    }

    /// B_simple, or "n/a" where the mean gradient is zero (the measure is undefined there).
    static func noiseScale(_ value: Double) -> String { value.isFinite ? Format.number(value, digits: 3) : "n/a" }

    /// The one critical batch size the text reports, and how it was obtained.
    struct Critical {
        /// Nil where the rows are fitted exactly (the noise scale is infinite).
        let batchSize: Double?
        /// "fitted model" or "noise scale".
        let source: String
        /// How it was obtained, in words.
        let how: String
    }

    /// McCandlish et al.'s fitted B_noise where the measurements support it (at least three
    /// sizes reached the gap and it lies among them: an interpolation, not an extrapolation),
    /// otherwise the gradient noise scale B_simple at the gap, which predicts it.
    static func critical(_ sweep: BatchSizeSweep.GapSweep) -> Critical {
        let reached = sweep.results.filter(\.reached).map { Double($0.batchSize) }
        if let model = sweep.model, reached.count >= 3, let low = reached.min(), let high = reached.max(),
            (low...high).contains(model.noiseScale)
        {
            return Critical(
                batchSize: model.noiseScale, source: "fitted model",
                how: "B_noise fitted to the updates and samples of the \(reached.count) sizes that reached the gap")
        }
        guard sweep.criticalBatchSize.isFinite else {
            return Critical(
                batchSize: nil, source: "noise scale", how: "the mean gradient vanishes at the optimum: the rows are fitted exactly")
        }
        let why =
            reached.count < 2
            ? "fewer than two sizes reached the gap to fit the model"
            : sweep.model == nil
                ? "the model does not fit the measured updates: its S_min or E_min comes out non-positive"
                : reached.count < 3
                    ? "two sizes are too few to fit the model" : "the fitted model's B_noise lies outside the sizes measured"
        return Critical(
            batchSize: sweep.criticalBatchSize, source: "noise scale", how: "the gradient noise scale B_simple, which predicts it (\(why))")
    }

    /// One line: the fastest size, and the critical batch size with how it was obtained.
    static func conclusion(_ sweep: BatchSizeSweep.GapSweep) -> String {
        let chosen = critical(sweep)
        let critical =
            chosen.batchSize.map { "critical batch size \(Format.number($0, digits: 3)): \(chosen.how)" }
            ?? "no critical batch size (\(chosen.how))"
        guard let fastest = sweep.fastest else {
            return "No batch size reached the gap of \(Format.number(sweep.gap, digits: 2)); \(critical). Raise --max-epochs or --gap."
        }
        return
            "Fastest to a gap of \(Format.number(sweep.gap, digits: 2)): batch \(fastest.batchSize) in \(Format.number(fastest.secondsToGap!, digits: 3)) s; \(critical)"
            + (chosen.batchSize != nil
                ? ". Below it, larger batches cut updates almost in proportion; above it, they mostly cost samples." : ".")
    }

    private func report(_ sweep: BatchSizeSweep.GapSweep, data: SweptRows) -> JSON {
        func optional(_ value: Double?) -> JSON { value.map(JSON.number) ?? .null }
        return .object([
            (
                "config",
                .object([
                    ("source", .string(seedArticle ? "seed article" : file ?? "synthetic")), ("rows", .integer(data.rows)),
                    ("features", .integer(data.featureCount)), ("featureNames", .strings(data.featureNames)),
                    ("optimizer", .string(optimizer.value.name)),
                    ("learningRate", .string(learningRate)), ("tune", .bool(tune)), ("gap", .number(gap)),
                    ("maxEpochs", .integer(maxEpochs)), ("weights", weights.map(JSON.string) ?? .null),
                ])
            ),
            ("optimum", .object([("cost", .number(sweep.optimumCost))])),
            (
                "noiseScale",
                .object([
                    ("atStart", .number(sweep.noiseScaleAtStart)),
                    (
                        "alongTheWay",
                        .array(sweep.noiseScaleAlongTheWay.map { .object([("gap", .number($0.gap)), ("value", .number($0.noiseScale))]) })
                    ),
                ])
            ),
            ("criticalBatchSize", .number(sweep.criticalBatchSize)),
            (
                "critical",
                .object([
                    ("batchSize", Self.critical(sweep).batchSize.map(JSON.number) ?? .null),
                    ("from", .string(Self.critical(sweep).source)),
                    ("noiseScale", .number(sweep.criticalBatchSize)),
                    ("fitted", sweep.model.map { .number($0.noiseScale) } ?? .null),
                ])
            ),
            (
                "model",
                sweep.model.map {
                    .object([
                        ("minimumUpdates", .number($0.minimumUpdates)), ("minimumSamples", .number($0.minimumSamples)),
                        ("noiseScale", .number($0.noiseScale)),
                    ])
                } ?? .null
            ),
            (
                "results",
                .array(
                    sweep.results.map { r in
                        .object([
                            ("batchSize", .integer(r.batchSize)), ("learningRate", .number(r.learningRate)),
                            ("learningRateSource", .string(r.learningRateSource.rawValue)), ("tunedFactor", optional(r.tunedFactor)),
                            ("reached", .bool(r.reached)), ("epochsToGap", optional(r.epochsToGap)),
                            ("updatesToGap", r.updatesToGap.map(JSON.integer) ?? .null),
                            ("samplesToGap", r.samplesToGap.map(JSON.integer) ?? .null),
                            ("secondsToGap", optional(r.secondsToGap)), ("samplesPerSecond", .number(r.samplesPerSecond)),
                            ("bestGap", .number(r.bestGap)), ("epochsRun", .integer(r.epochsRun)),
                            (
                                "tuningTrials",
                                .array(
                                    r.tuningTrials.map { t in
                                        .object([
                                            ("factor", .number(t.factor)), ("learningRate", .number(t.learningRate)),
                                            ("reached", .bool(t.reached)), ("diverged", .bool(t.diverged)),
                                            ("updatesToGap", t.updatesToGap.map(JSON.integer) ?? .null),
                                            ("bestGap", t.bestGap.isFinite ? .number(t.bestGap) : .null),
                                        ])
                                    })
                            ),
                        ])
                    })
            ),
            (
                "fastest",
                sweep.fastest.map { .object([("batchSize", .integer($0.batchSize)), ("secondsToGap", .number($0.secondsToGap!))]) } ?? .null
            ),
            ("conclusion", .string(Self.conclusion(sweep))),
        ])
    }

    /// The sweep's three panels: updates and samples to the gap (log–log) with the model's
    /// curves, seconds to the gap, and samples per second. A size that never reached the gap is
    /// drawn where it stopped, with open markers: the updates, samples and seconds it ran are a
    /// lower bound on what the gap needs. `rows` counts the rows trained on (of positive weight).
    static func plot(_ sweep: BatchSizeSweep.GapSweep, rows: Int) -> [SVGPlot] {
        let reached = sweep.results.filter(\.reached), missed = sweep.results.filter { !$0.reached }
        // What a size that missed ran: every epoch of its budget, each ⌈rows/b⌉ updates.
        func samplesRun(_ r: BatchSizeSweep.GapResult) -> Double { Double(r.epochsRun * rows) }
        func updatesRun(_ r: BatchSizeSweep.GapResult) -> Double { Double(r.epochsRun * ((rows + r.batchSize - 1) / r.batchSize)) }
        var counts = SVGPlot(
            title: "Updates and samples to a gap of \(Format.number(sweep.gap, digits: 2))", xLabel: "batch size (log)",
            yLabel: "count (log)", xLog: true, yLog: true)
        counts.series = [
            .init(
                name: "updates to the gap", points: reached.map { (Double($0.batchSize), Double($0.updatesToGap!)) }, markers: true,
                colorIndex: 0),
            .init(
                name: "samples to the gap", points: reached.map { (Double($0.batchSize), Double($0.samplesToGap!)) }, markers: true,
                colorIndex: 1),
            .init(
                name: "updates run (did not reach the gap)", points: missed.map { (Double($0.batchSize), updatesRun($0)) }, line: false,
                markers: true, hollow: true, colorIndex: 0),
            .init(
                name: "samples run (did not reach the gap)", points: missed.map { (Double($0.batchSize), samplesRun($0)) }, line: false,
                markers: true, hollow: true, colorIndex: 1),
        ]
        if let model = sweep.model, let low = sweep.results.map(\.batchSize).min(), let high = sweep.results.map(\.batchSize).max() {
            let grid = (0...40).map { Double(low) * pow(Double(high) / Double(low), Double($0) / 40) }
            counts.series.append(
                .init(name: "model: S_min(1 + B_noise/B)", points: grid.map { ($0, model.updates(batchSize: $0)) }, colorIndex: 2))
            counts.series.append(
                .init(name: "model: E_min(1 + B/B_noise)", points: grid.map { ($0, model.samples(batchSize: $0)) }, colorIndex: 3))
        }
        var seconds = SVGPlot(
            title: "Training seconds to the gap (checks not timed)", xLabel: "batch size (log)", yLabel: "seconds (log)",
            xLog: true, yLog: true)
        // Samples per second counts training seconds alone, as seconds to the gap do.
        seconds.series = [
            .init(
                name: "seconds to the gap", points: reached.map { (Double($0.batchSize), $0.secondsToGap!) }, markers: true,
                colorIndex: 0),
            .init(
                name: "seconds run (did not reach the gap)",
                points: missed.map { (Double($0.batchSize), samplesRun($0) / $0.samplesPerSecond) },
                line: false, markers: true, hollow: true, colorIndex: 0),
        ]
        var speed = SVGPlot(title: "Throughput", xLabel: "batch size (log)", yLabel: "samples per second (log)", xLog: true, yLog: true)
        speed.series = [.init(name: "samples/s", points: sweep.results.map { (Double($0.batchSize), $0.samplesPerSecond) }, markers: true)]
        return [counts, seconds, speed]
    }
}

extension Sweep: PlottingCommand {
    static var plotted: String { "(updates and samples to the gap with the model, seconds to the gap, samples/s)" }
    static var plotFile: String? { "sweep.svg" }
}
