import MiniBatchGD

/// The rows `fit` and `solve` work on: loaded into memory, a `.npy` file read in place, or (under
/// `mbgd-mpi`) a `.npy` file whose rows are spread over the job's ranks.
enum CommandData: DataShape {
    case loaded(Dataset<Double>)
    case mapped(MappedDataset<Double>)
    case distributed(DistributedDataset<Double>)

    /// A float64 C-order `.npy` is mapped (its weight column, if any, read into memory), with the
    /// SIGBUS guard installed first (opening reads every value); anything else is loaded. Under
    /// `mbgd-mpi` the file is spread over the ranks, and must be a `.npy` that can be read in place.
    init(_ options: DataOptions, weights: String?) throws {
        if let communicator = Cluster.communicator {
            MappedFileGuard.watch(options.file)
            do {
                self = .distributed(
                    try DistributedDataset(
                        path: options.file, targets: options.targets, features: options.features, weights: weights,
                        communicator: communicator))
            } catch let DistributedError.failed(rank, ranks, FileError.notMappable(path, reason)) {
                throw DistributedError.failed(
                    rank: rank, ranks: ranks,
                    error: CLIError.badArgument(
                        "\(path): mbgd-mpi reads float64 .npy files in place, and this one cannot be: \(reason); `mbgd convert \(path) OUT.npy` writes one (with --columns to put the features side by side and the targets together)"
                    ))
            }
            return
        }
        if (try? DataFileFormat.of(path: options.file)) == .npy { MappedFileGuard.watch(options.file) }
        if let mapped = try MappedDataset<Double>.mapIfPossible(
            path: options.file, targets: options.targets, features: options.features, weights: weights)
        {
            self = .mapped(mapped)
        } else {
            self = .loaded(try options.load(weights: weights))
        }
    }

    private var shape: any DataShape {
        switch self {
        case let .loaded(data): data
        case let .mapped(data): data
        case let .distributed(data): data
        }
    }

    /// Whether the rows are read in place from a file (mapped here, or spread over ranks).
    var isInPlace: Bool {
        if case .loaded = self { false } else { true }
    }
    var rows: Int { shape.rows }
    var featureCount: Int { shape.featureCount }
    var outputCount: Int { shape.outputCount }
    var featureNames: [String] { shape.featureNames }
    var targetNames: [String] { shape.targetNames }
    /// The weights of loaded rows (rows read in place keep theirs, zeros included).
    var weights: [Double]? {
        if case let .loaded(data) = self { return data.weights }
        return nil
    }

    /// Training and test parts: shuffled by `seed` when loaded, the last rows when mapped
    /// (gathering shuffled rows would copy the file).
    func split(testFraction: Double, shuffleSeed: UInt64?) throws -> (train: CommandData, test: CommandData) {
        switch self {
        case let .loaded(data):
            let split = try data.split(testFraction: testFraction, shuffleSeed: shuffleSeed)
            return (.loaded(split.train), .loaded(split.test))
        case let .mapped(data):
            let split = try data.split(testFraction: testFraction)
            return (.mapped(split.train), .mapped(split.test))
        case let .distributed(data):
            let split = try data.split(testFraction: testFraction)
            return (.distributed(split.train), .distributed(split.test))
        }
    }

    func fitAndCompare(
        _ model: inout LinearRegression, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)?
    ) throws -> ReferenceComparison {
        switch self {
        case let .loaded(data): try model.fitAndCompare(data, using: configuration, progress: progress)
        case let .mapped(data): try model.fitAndCompare(data, using: configuration, progress: progress)
        case let .distributed(data): try model.fitAndCompare(data, using: configuration, progress: progress)
        }
    }

    func solve(
        _ model: inout LinearRegression, method: LeastSquares.Method, ridge: Double, covariance: LeastSquares.CovarianceType,
        confidenceLevel: Double, refine: Bool, threads: Int?
    ) throws -> LeastSquares.Solution {
        switch self {
        case let .loaded(data):
            try model.fit(
                data, method: method, ridge: ridge, covariance: covariance, confidenceLevel: confidenceLevel, refine: refine,
                threads: threads)
        case let .mapped(data):
            try model.fit(
                data, method: method, ridge: ridge, covariance: covariance, confidenceLevel: confidenceLevel, refine: refine,
                threads: threads)
        case let .distributed(data):
            try model.fit(
                data, method: method, ridge: ridge, covariance: covariance, confidenceLevel: confidenceLevel, refine: refine)
        }
    }

    func evaluate(_ model: LinearRegression) throws -> RegressionMetrics {
        switch self {
        case let .loaded(data): try model.evaluate(data)
        case let .mapped(data): try model.evaluate(data)
        case let .distributed(data): try model.evaluate(data)
        }
    }

    /// Rows to draw: all of a loaded data set, an evenly spaced sample of a mapped one.
    func plotted(limit: Int = 5000) throws -> Dataset<Double> {
        switch self {
        case let .loaded(data): data
        case let .mapped(data): try data.sample(rows: limit)
        case let .distributed(data): try data.sample(rows: limit)
        }
    }

    /// How `mbgd-mpi` spread the rows and whether `parameters` came out the same bits on every
    /// rank (an exchange: every rank calls it); nil under `mbgd`.
    func distributedSummary(_ parameters: Parameters) -> DistributedSummary? {
        guard case let .distributed(data) = self else { return nil }
        return DistributedSummary(
            ranks: data.communicator.size, rowsPerRank: data.rowsPerRank, identical: data.identicalOnAllRanks(parameters))
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
