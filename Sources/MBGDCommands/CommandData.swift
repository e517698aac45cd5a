import MiniBatchGD

/// The rows `fit` and `solve` work on: loaded into memory, a `.npy` file read in place, or (under
/// `mbgd-mpi`) a `.npy` file whose rows are spread over the job's ranks; stored as `Float` or
/// `Double` (`--precision`). Every operation hands the library's ``RowSource`` to its one
/// generic entry point.
struct CommandData: Sendable {
    /// The rows, whichever type holds them.
    let source: any RowSource
    /// Whether the rows are read in place from a file (mapped here, or spread over ranks).
    let isInPlace: Bool
    /// How `mbgd-mpi` spread the rows and whether given parameters are the same bits on every
    /// rank (an exchange); nil under `mbgd`.
    private let summary: (@Sendable (Parameters) -> DistributedSummary)?

    private init<Source: RowSource>(_ source: Source) {
        self.source = source
        isInPlace = !(source is Dataset<Source.Element>)
        if let shared = source as? DistributedDataset<Source.Element> {
            summary = { parameters in
                DistributedSummary(
                    ranks: shared.communicator.size, rowsPerRank: shared.rowsPerRank, identical: shared.identicalOnAllRanks(parameters))
            }
        } else {
            summary = nil
        }
    }

    /// A C-order `.npy` of the chosen precision is mapped (its weight column, if any, read into
    /// memory), with the SIGBUS guard installed first (opening reads every value); anything else is
    /// loaded. Under `mbgd-mpi` the file is spread over the ranks, and must be a `.npy` that can be
    /// read in place.
    init(_ options: DataOptions, weights: String?) throws {
        switch try options.resolvedPrecision() {
        case .float32: try self.init(options, weights: weights, as: Float.self)
        case .float64: try self.init(options, weights: weights, as: Double.self)
        }
    }

    private init<Element: BLASScalar>(_ options: DataOptions, weights: String?, as element: Element.Type) throws {
        if let communicator = Cluster.communicator {
            MappedFileGuard.watch(options.file)
            do {
                self.init(
                    try DistributedDataset<Element>(
                        path: options.file, targets: options.targets, features: options.features, weights: weights,
                        communicator: communicator))
            } catch let DistributedError.failed(rank, ranks, FileError.notMappable(path, reason)) {
                // --columns chooses CSV columns: mbgd convert refuses it for a .npy, which it copies whole.
                let wayOut =
                    (try? DataFileFormat.of(path: path)) != .npy
                    ? "`mbgd convert \(path) OUT.npy` writes a float64 one (with --columns to put the features side by side and the targets together)"
                    : reason.contains("columns are not adjacent")
                        ? "choose --target and --features that are each adjacent columns in order, or reorder the file's columns (mbgd convert keeps a .npy's order)"
                        : "`mbgd convert \(path) OUT.npy` writes a float64, C-order copy"
                throw DistributedError.failed(
                    rank: rank, ranks: ranks,
                    error: CLIError.badArgument(
                        "\(path): mbgd-mpi reads .npy files in place, and this one cannot be as \(Element.precision.rawValue): \(reason); \(wayOut)"
                    ))
            }
            return
        }
        if (try? DataFileFormat.of(path: options.file)) == .npy { MappedFileGuard.watch(options.file) }
        if let mapped = try MappedDataset<Element>.mapIfPossible(
            path: options.file, targets: options.targets, features: options.features, weights: weights)
        {
            self.init(mapped)
        } else {
            self.init(try options.load(weights: weights, as: Element.self))
        }
    }

    /// Dense rows made by `--categorical`, as `precision` asks.
    init(encoded rows: Dataset<Double>, precision: Precision) throws {
        switch precision {
        case .float32: self.init(try rows.converted(to: Float.self))
        case .float64: self.init(rows)
        }
    }

    /// The element type the rows are stored in.
    var precision: Precision { Self.precision(of: source) }
    var rows: Int { source.rows }
    var featureCount: Int { source.featureCount }
    var outputCount: Int { source.outputCount }
    var featureNames: [String] { source.featureNames }
    var targetNames: [String] { source.targetNames }
    /// The weights of loaded rows (rows read in place keep theirs, zeros included).
    var weights: [Double]? { isInPlace ? nil : source.weights }

    /// Training and test parts: shuffled by `seed` when loaded, the last rows when read in place
    /// (gathering shuffled rows would copy the file).
    func split(testFraction: Double, shuffleSeed: UInt64?) throws -> (train: CommandData, test: CommandData) {
        try Self.split(source, testFraction: testFraction, shuffleSeed: shuffleSeed)
    }

    func fitAndCompare(
        _ model: inout LinearRegression, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)?
    ) throws -> ReferenceComparison {
        try model.fitAndCompare(source, using: configuration, progress: progress)
    }

    func solve(
        _ model: inout LinearRegression, method: LeastSquares.Method, ridge: Double, covariance: LeastSquares.CovarianceType,
        confidenceLevel: Double, refine: Bool, threads: Int?
    ) throws -> LeastSquares.Solution {
        try model.fit(
            source, method: method, ridge: ridge, covariance: covariance, confidenceLevel: confidenceLevel, refine: refine,
            threads: threads)
    }

    func evaluate(_ model: LinearRegression, threads: Int?) throws -> RegressionMetrics {
        try model.evaluate(source, threads: threads)
    }

    /// Rows to draw, as Double: all of loaded rows, at most `limit` evenly spaced ones of rows read in place.
    func plotted(limit: Int = 5000) throws -> Dataset<Double> {
        try Self.sample(source, rows: isInPlace ? limit : Swift.max(1, source.rows))
    }

    /// The first target's residuals y − b − x·β at `parameters`, over the rows here (one pass).
    func firstTargetResiduals(_ parameters: Parameters) -> [Double] { Self.firstTargetResiduals(source, parameters) }

    private static func firstTargetResiduals<Source: RowSource>(_ source: Source, _ parameters: Parameters) -> [Double] {
        source.withRows { rows in
            let p = rows.featureCount
            var scratch = [Double](repeating: 0, count: p + 1)
            return scratch.withUnsafeMutableBufferPointer { scratch in
                (0..<rows.count).map { i in
                    let prediction = Source.Element.withDoubles(
                        rows.x + i * rows.xStride, rows: 1, columns: p, stride: p, scratch: scratch.baseAddress!
                    ) { x, _ in
                        (0..<p).reduce(parameters.intercept[0]) { $0 + x[$1] * parameters.coefficients[$1, 0] }
                    }
                    let target = Source.Element.withDoubles(
                        rows.y + i * rows.yStride, rows: 1, columns: 1, stride: 1, scratch: scratch.baseAddress! + p
                    ) {
                        y, _ in y[0]
                    }
                    return target - prediction
                }
            }
        }
    }

    private static func sample<Source: RowSource>(_ source: Source, rows: Int) throws -> Dataset<Double> {
        try source.sample(rows: rows).converted(to: Double.self)
    }

    /// How `mbgd-mpi` spread the rows and whether `parameters` came out the same bits on every
    /// rank (an exchange: every rank calls it); nil under `mbgd`.
    func distributedSummary(_ parameters: Parameters) -> DistributedSummary? { summary?(parameters) }

    private static func precision<Source: RowSource>(of source: Source) -> Precision { Source.Element.precision }

    private static func split<Source: RowSource>(
        _ source: Source, testFraction: Double, shuffleSeed: UInt64?
    ) throws -> (train: CommandData, test: CommandData) {
        let (train, test) = try source.split(testFraction: testFraction, shuffleSeed: shuffleSeed)
        return (CommandData(train), CommandData(test))
    }
}

/// What `mbgd-mpi` reports of its ranks.
struct DistributedSummary: Sendable {
    let ranks: Int
    let rowsPerRank: [Int]
    let identical: Bool

    /// The `"distributed"` object of the JSON reports.
    var json: JSON {
        .object([
            ("ranks", .integer(ranks)), ("rowsPerRank", .array(rowsPerRank.map(JSON.integer))),
            ("parametersIdenticalOnAllRanks", .bool(identical)),
        ])
    }

    /// `Ranks: 4 (rows 100, 100, 100, 100); parameters identical on every rank`.
    var line: String {
        "Ranks: \(ranks) (rows \(rowsPerRank.map(String.init).joined(separator: ", "))); parameters "
            + (identical ? "identical on every rank" : "DIFFER between ranks")
    }
}
