import MiniBatchGD

/// The rows `fit` and `solve` work on: loaded into memory, a `.npy` file read in place, or (under
/// `mbgd-mpi`) a `.npy` file whose rows are spread over the job's ranks; stored as `Float` or
/// `Double` (`--precision`).
struct CommandData: DataShape, Sendable {
    private let rowsSource: any CommandRows

    private init(_ rowsSource: any CommandRows) { self.rowsSource = rowsSource }

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

    /// Whether the rows are read in place from a file (mapped here, or spread over ranks).
    var isInPlace: Bool { rowsSource.isInPlace }
    /// The element type the rows are stored in.
    var precision: Precision { rowsSource.precision }
    var rows: Int { rowsSource.rows }
    var featureCount: Int { rowsSource.featureCount }
    var outputCount: Int { rowsSource.outputCount }
    var featureNames: [String] { rowsSource.featureNames }
    var targetNames: [String] { rowsSource.targetNames }
    /// The weights of loaded rows (rows read in place keep theirs, zeros included).
    var weights: [Double]? { rowsSource.loadedWeights }

    /// Training and test parts: shuffled by `seed` when loaded, the last rows when mapped
    /// (gathering shuffled rows would copy the file).
    func split(testFraction: Double, shuffleSeed: UInt64?) throws -> (train: CommandData, test: CommandData) {
        let (train, test) = try rowsSource.parts(testFraction: testFraction, shuffleSeed: shuffleSeed)
        return (CommandData(train), CommandData(test))
    }

    func fitAndCompare(
        _ model: inout LinearRegression, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)?
    ) throws -> ReferenceComparison {
        try rowsSource.fitAndCompare(&model, using: configuration, progress: progress)
    }

    func solve(
        _ model: inout LinearRegression, method: LeastSquares.Method, ridge: Double, covariance: LeastSquares.CovarianceType,
        confidenceLevel: Double, refine: Bool, threads: Int?
    ) throws -> LeastSquares.Solution {
        try rowsSource.solve(
            &model, method: method, ridge: ridge, covariance: covariance, confidenceLevel: confidenceLevel, refine: refine, threads: threads
        )
    }

    func evaluate(_ model: LinearRegression, threads: Int?) throws -> RegressionMetrics { try rowsSource.evaluate(model, threads: threads) }

    /// Rows to draw: all of a loaded data set, an evenly spaced sample of a mapped one (as Double).
    func plotted(limit: Int = 5000) throws -> Dataset<Double> { try rowsSource.plotted(limit: limit) }

    /// How `mbgd-mpi` spread the rows and whether `parameters` came out the same bits on every
    /// rank (an exchange: every rank calls it); nil under `mbgd`.
    func distributedSummary(_ parameters: Parameters) -> DistributedSummary? { rowsSource.distributedSummary(parameters) }
}

/// What a command does with its rows, whatever holds them and in whichever element type.
protocol CommandRows: DataShape, Sendable {
    var isInPlace: Bool { get }
    var precision: Precision { get }
    var loadedWeights: [Double]? { get }
    func parts(testFraction: Double, shuffleSeed: UInt64?) throws -> (any CommandRows, any CommandRows)
    func fitAndCompare(
        _ model: inout LinearRegression, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)?
    ) throws -> ReferenceComparison
    func solve(
        _ model: inout LinearRegression, method: LeastSquares.Method, ridge: Double, covariance: LeastSquares.CovarianceType,
        confidenceLevel: Double, refine: Bool, threads: Int?
    ) throws -> LeastSquares.Solution
    func evaluate(_ model: LinearRegression, threads: Int?) throws -> RegressionMetrics
    func plotted(limit: Int) throws -> Dataset<Double>
    func distributedSummary(_ parameters: Parameters) -> DistributedSummary?
}

extension Dataset: CommandRows {
    var isInPlace: Bool { false }
    var precision: Precision { Element.precision }
    var loadedWeights: [Double]? { weights }
    func parts(testFraction: Double, shuffleSeed: UInt64?) throws -> (any CommandRows, any CommandRows) {
        let split = try split(testFraction: testFraction, shuffleSeed: shuffleSeed)
        return (split.train, split.test)
    }
    func fitAndCompare(
        _ model: inout LinearRegression, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)?
    ) throws -> ReferenceComparison {
        try model.fitAndCompare(self, using: configuration, progress: progress)
    }
    func solve(
        _ model: inout LinearRegression, method: LeastSquares.Method, ridge: Double, covariance: LeastSquares.CovarianceType,
        confidenceLevel: Double, refine: Bool, threads: Int?
    ) throws -> LeastSquares.Solution {
        try model.fit(
            self, method: method, ridge: ridge, covariance: covariance, confidenceLevel: confidenceLevel, refine: refine, threads: threads)
    }
    func evaluate(_ model: LinearRegression, threads: Int?) throws -> RegressionMetrics { try model.evaluate(self, threads: threads) }
    func plotted(limit: Int) throws -> Dataset<Double> { try converted(to: Double.self) }
    func distributedSummary(_ parameters: Parameters) -> DistributedSummary? { nil }
}

extension MappedDataset: CommandRows {
    var isInPlace: Bool { true }
    var precision: Precision { Element.precision }
    var loadedWeights: [Double]? { nil }
    func parts(testFraction: Double, shuffleSeed: UInt64?) throws -> (any CommandRows, any CommandRows) {
        try split(testFraction: testFraction)
    }
    func fitAndCompare(
        _ model: inout LinearRegression, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)?
    ) throws -> ReferenceComparison {
        try model.fitAndCompare(self, using: configuration, progress: progress)
    }
    func solve(
        _ model: inout LinearRegression, method: LeastSquares.Method, ridge: Double, covariance: LeastSquares.CovarianceType,
        confidenceLevel: Double, refine: Bool, threads: Int?
    ) throws -> LeastSquares.Solution {
        try model.fit(
            self, method: method, ridge: ridge, covariance: covariance, confidenceLevel: confidenceLevel, refine: refine, threads: threads)
    }
    func evaluate(_ model: LinearRegression, threads: Int?) throws -> RegressionMetrics { try model.evaluate(self, threads: threads) }
    func plotted(limit: Int) throws -> Dataset<Double> { try sample(rows: limit).converted(to: Double.self) }
    func distributedSummary(_ parameters: Parameters) -> DistributedSummary? { nil }
}

extension DistributedDataset: CommandRows {
    var isInPlace: Bool { true }
    var precision: Precision { Element.precision }
    var loadedWeights: [Double]? { nil }
    func parts(testFraction: Double, shuffleSeed: UInt64?) throws -> (any CommandRows, any CommandRows) {
        try split(testFraction: testFraction)
    }
    func fitAndCompare(
        _ model: inout LinearRegression, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)?
    ) throws -> ReferenceComparison {
        try model.fitAndCompare(self, using: configuration, progress: progress)
    }
    func solve(
        _ model: inout LinearRegression, method: LeastSquares.Method, ridge: Double, covariance: LeastSquares.CovarianceType,
        confidenceLevel: Double, refine: Bool, threads: Int?
    ) throws -> LeastSquares.Solution {
        try model.fit(self, method: method, ridge: ridge, covariance: covariance, confidenceLevel: confidenceLevel, refine: refine)
    }
    func evaluate(_ model: LinearRegression, threads: Int?) throws -> RegressionMetrics { try model.evaluate(self, threads: threads) }
    func plotted(limit: Int) throws -> Dataset<Double> { try sample(rows: limit).converted(to: Double.self) }
    func distributedSummary(_ parameters: Parameters) -> DistributedSummary? {
        DistributedSummary(ranks: communicator.size, rowsPerRank: rowsPerRank, identical: identicalOnAllRanks(parameters))
    }
}

/// What `mbgd-mpi` reports of its ranks.
struct DistributedSummary {
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
