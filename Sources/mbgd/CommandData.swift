import MiniBatchGD

/// The rows `fit` and `solve` work on: loaded into memory, or a `.npy` file read in place.
enum CommandData: DataShape {
    case loaded(Dataset)
    case mapped(MappedDataset)

    /// A float64 C-order `.npy` is mapped (unless a weight column must be read), with the SIGBUS
    /// guard installed first (opening reads every value); anything else is loaded.
    init(_ options: DataOptions, weights: String?) throws {
        if weights == nil, (try? DataFileFormat.of(path: options.file)) == .npy { MappedFileGuard.watch(options.file) }
        if weights == nil,
            let mapped = try MappedDataset.mapIfPossible(path: options.file, targets: options.targets, features: options.features)
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
        }
    }
    var rows: Int { shape.rows }
    var featureCount: Int { shape.featureCount }
    var outputCount: Int { shape.outputCount }
    var featureNames: [String] { shape.featureNames }
    var targetNames: [String] { shape.targetNames }
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
        }
    }

    func fitAndCompare(
        _ model: inout LinearRegression, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)?
    ) throws -> ReferenceComparison {
        switch self {
        case let .loaded(data): try model.fitAndCompare(data, using: configuration, progress: progress)
        case let .mapped(data): try model.fitAndCompare(data, using: configuration, progress: progress)
        }
    }

    func solve(
        _ model: inout LinearRegression, method: LeastSquares.Method, ridge: Double, covariance: LeastSquares.CovarianceType,
        confidenceLevel: Double, refine: Bool
    ) throws -> LeastSquares.Solution {
        switch self {
        case let .loaded(data):
            try model.fit(
                data, method: method, ridge: ridge, covariance: covariance, confidenceLevel: confidenceLevel, refine: refine)
        case let .mapped(data):
            try model.fit(
                data, method: method, ridge: ridge, covariance: covariance, confidenceLevel: confidenceLevel, refine: refine)
        }
    }

    func evaluate(_ model: LinearRegression) throws -> RegressionMetrics {
        switch self {
        case let .loaded(data): try model.evaluate(data)
        case let .mapped(data): try model.evaluate(data)
        }
    }

    /// Rows to draw: all of a loaded data set, an evenly spaced sample of a mapped one.
    func plotted(limit: Int = 5000) throws -> Dataset {
        switch self {
        case let .loaded(data): data
        case let .mapped(data): try data.sample(rows: limit)
        }
    }
}
