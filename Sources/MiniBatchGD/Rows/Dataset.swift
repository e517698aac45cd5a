/// Features and targets of a regression problem, row by row, stored as `Float` or `Double`.
///
/// `Dataset<Float>` holds half the bytes of `Dataset<Double>` and trains in mixed precision: the
/// rows are read as `Float`, while the parameters, each batch's sums and the closed form's
/// accumulation are `Double` (see ``BLASScalar``).
///
/// `features` is n×p and `targets` n×k: several target columns make one multi-output fit.
/// The intercept is the model's business (``LinearRegression/fitIntercept``): do not add a
/// column of ones.
///
/// Optional row ``weights`` make every fit on the data set weighted: the closed form solves
/// weighted least squares (statsmodels' WLS) and gradient descent minimizes the weighted cost,
/// so a comparison of the two still compares like with like.
public struct Dataset<Element: BLASScalar>: Sendable {
    /// The n×p design, one sample per row.
    public let features: Matrix<Element>
    /// The n×k targets, one sample per row.
    public let targets: Matrix<Element>
    /// One name per feature column.
    public let featureNames: [String]
    /// One name per target column.
    public let targetNames: [String]
    /// One weight per row, or nil (every row weighs 1).
    ///
    /// A row of weight w counts as w copies of itself (an integer weight is a repeated row) and
    /// its residual's variance is σ²/w; a row of weight 0 is left out of every fit.
    public let weights: [Double]?

    /// - Parameters:
    ///   - features: n×p, n ≥ 1, p ≥ 1, finite.
    ///   - targets: n×k, k ≥ 1, finite.
    ///   - featureNames: p names; `x1, x2, …` when omitted.
    ///   - targetNames: k names; `y` or `y1, y2, …` when omitted.
    ///   - weights: n weights, finite and ≥ 0, at least one positive; nil for none.
    /// - Throws: ``DataError`` for mismatched rows or names, ``MatrixError/nonFinite(argument:row:column:value:)``
    ///   with the row and column of the first NaN or infinity, ``ArgumentError`` for bad weights.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public init(
        features: Matrix<Element>, targets: Matrix<Element>, featureNames: [String]? = nil, targetNames: [String]? = nil,
        weights: [Double]? = nil
    ) throws {
        guard features.rows == targets.rows else {
            throw DataError.rowCountMismatch(features: features.rows, targets: targets.rows)
        }
        guard features.rows >= 1 else { throw DataError.tooFewRows(argument: "features", rows: features.rows, minimum: 1) }
        guard features.columns >= 1 else {
            throw ArgumentError(argument: "features", value: "\(features.rows)×0", requirement: "needs at least one column")
        }
        guard targets.columns >= 1 else {
            throw ArgumentError(argument: "targets", value: "\(targets.rows)×0", requirement: "needs at least one column")
        }
        let featureNames = featureNames ?? Self.defaultFeatureNames(features.columns)
        let targetNames = targetNames ?? Self.defaultTargetNames(targets.columns)
        guard featureNames.count == features.columns else {
            throw DataError.nameCountMismatch(argument: "featureNames", names: featureNames.count, columns: features.columns)
        }
        guard targetNames.count == targets.columns else {
            throw DataError.nameCountMismatch(argument: "targetNames", names: targetNames.count, columns: targets.columns)
        }
        try features.validateFinite(argument: "features")
        try targets.validateFinite(argument: "targets")
        if let weights { try validateRowWeights(weights, rows: features.rows) }
        self.init(unchecked: features, targets, featureNames, targetNames, weights: weights)
    }

    /// The same rows with `weights` (nil removes them).
    /// - Throws: ``ArgumentError`` for a count other than ``rows``, a negative, NaN or infinite
    ///   weight (naming its 1-based row), or weights that are all zero.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public func weighted(by weights: [Double]?) throws -> Dataset {
        if let weights { try validateRowWeights(weights, rows: rows) }
        return Dataset(unchecked: features, targets, featureNames, targetNames, weights: weights)
    }

    /// The same rows stored as `Other`: exact from `Float` to `Double`, rounded to the nearest
    /// `Float` from `Double`. Names and weights are kept.
    /// - Throws: ``MatrixError/nonFinite(argument:row:column:value:)`` for a value beyond `Other`'s
    ///   range (a `Double` above about 3.4e38 as `Float`), with its row and column.
    /// - Complexity: O(n·(p + k)): one copy.
    @_specialize(where Element == Float, Other == Double)
    @_specialize(where Element == Double, Other == Float)
    public func converted<Other: BLASScalar>(to other: Other.Type) throws -> Dataset<Other> {
        if let same = self as? Dataset<Other> { return same }
        func convert(_ matrix: Matrix<Element>, _ argument: String) throws -> Matrix<Other> {
            let values = matrix.elements.map { Other($0) }
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw MatrixError.nonFinite(
                    argument: argument, row: bad / matrix.columns, column: bad % matrix.columns, value: Double(matrix.elements[bad]))
            }
            return Matrix(uncheckedRows: matrix.rows, columns: matrix.columns, elements: values)
        }
        return Dataset<Other>(
            unchecked: try convert(features, "features"), try convert(targets, "targets"), featureNames, targetNames, weights: weights)
    }

    /// ``converted(to:)`` for rows read from `path`: a value beyond the range is named by column and row.
    func converted<Other: BLASScalar>(to other: Other.Type, path: String) throws -> Dataset<Other> {
        do { return try converted(to: other) } catch let MatrixError.nonFinite(argument, row, column, value) {
            let name = argument == "features" ? featureNames[column] : targetNames[column]
            throw FileError.malformed(
                path: path,
                reason: "the value \(value) of column '\(name)' in data row \(row + 1) is beyond \(Other.precision.rawValue)'s range")
        }
    }

    /// One target: `targets` becomes an n×1 matrix.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public init(
        features: Matrix<Element>, target: [Element], featureNames: [String]? = nil, targetName: String = "y", weights: [Double]? = nil
    ) throws {
        try self.init(
            features: features, targets: Matrix(column: target), featureNames: featureNames, targetNames: [targetName], weights: weights)
    }

    /// A data set from Swift arrays, one inner array per sample, with one target.
    ///
    /// ```swift
    /// let data = try Dataset(features: [[1, 2], [2, 1], [3, 5]], targets: [4, 3, 9])
    /// ```
    /// - Parameters:
    ///   - features: n rows of p values each.
    ///   - targets: n values.
    ///   - featureNames: p names; `x1, x2, …` when omitted.
    ///   - targetName: the target's name.
    ///   - weights: n row weights, or nil.
    /// - Throws: ``MatrixError/raggedRows(row:expected:actual:)`` for rows of different lengths,
    ///   and what the initializer from matrices throws.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public init(
        features: [[Element]], targets: [Element], featureNames: [String]? = nil, targetName: String = "y", weights: [Double]? = nil
    ) throws {
        try self.init(
            features: Matrix(rows: features), targets: Matrix(column: targets), featureNames: featureNames, targetNames: [targetName],
            weights: weights)
    }

    /// A data set from Swift arrays with several targets: `targets` holds n rows of k values.
    /// - Throws: as ``init(features:targets:featureNames:targetName:weights:)``.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public init(features: [[Element]], targets: [[Element]], featureNames: [String]? = nil, targetNames: [String]? = nil) throws {
        try self.init(
            features: Matrix(rows: features), targets: Matrix(rows: targets), featureNames: featureNames, targetNames: targetNames)
    }

    /// `x1, x2, …`
    package static func defaultFeatureNames(_ count: Int) -> [String] { (0..<count).map { "x\($0 + 1)" } }
    /// `y` for one target, `y1, y2, …` for several.
    package static func defaultTargetNames(_ count: Int) -> [String] { count == 1 ? ["y"] : (0..<count).map { "y\($0 + 1)" } }

    init(
        unchecked features: Matrix<Element>, _ targets: Matrix<Element>, _ featureNames: [String], _ targetNames: [String],
        weights: [Double]? = nil
    ) {
        self.features = features
        self.targets = targets
        self.featureNames = featureNames
        self.targetNames = targetNames
        self.weights = weights
    }

    /// Number of samples n.
    public var rows: Int { features.rows }
    /// Number of features p.
    public var featureCount: Int { features.columns }
    /// Number of targets k.
    public var outputCount: Int { targets.columns }

    /// The samples at `indices`, in that order, with their weights.
    func gathering(_ indices: some Collection<Int>) throws -> Dataset {
        Dataset(
            unchecked: try features.gatheringRows(indices), try targets.gatheringRows(indices), featureNames, targetNames,
            weights: weights.map { w in indices.map { w[$0] } })
    }

    /// The rows of positive weight (the data set itself when none has weight 0): what gradient
    /// descent trains on, since a row of weight 0 is left out.
    func droppingZeroWeightRows() throws -> Dataset {
        guard let weights, weights.contains(0) else { return self }
        return try gathering(weights.indices.filter { weights[$0] > 0 })
    }

    /// Splits into training and test parts.
    ///
    /// The test part has `round(testFraction × n)` rows (at least one, and at least one row is
    /// left for training); weights go with their rows. Without a seed the split is in order: the first rows train, the last
    /// test, as in the seed article. With a seed, rows are assigned by a seeded shuffle.
    /// - Parameters:
    ///   - testFraction: in (0, 1).
    ///   - shuffleSeed: `nil` for an ordered split.
    /// - Throws: ``ArgumentError``, ``DataError/tooFewRows(argument:rows:minimum:)``.
    /// - Complexity: O(n × (p + k)): both parts are copied once.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public func split(testFraction: Double, shuffleSeed: UInt64? = nil) throws -> (train: Dataset, test: Dataset) {
        let (train, test) = try splitOrder(rows: rows, testFraction: testFraction, shuffleSeed: shuffleSeed)
        return (try gathering(train), try gathering(test))
    }
}

/// The first element that occurs a second time in `values`, if any.
func firstRepeated<Element: Hashable>(_ values: [Element]) -> Element? {
    var seen = Set<Element>()
    return values.first { !seen.insert($0).inserted }
}

extension Dataset {
    /// ``Rows/checkRepresentableScale(featureNames:targetNames:)`` of this data set.
    func checkRepresentableScale() throws {
        try withRows { try $0.checkRepresentableScale(featureNames: featureNames, targetNames: targetNames) }
    }
}

/// Checks one weight per row, each finite and ≥ 0, not all zero (whatever the rows' element type).
package func validateRowWeights(_ weights: [Double], rows: Int) throws {
    guard weights.count == rows else {
        throw ArgumentError(
            argument: "weights", value: "\(weights.count) weights", requirement: "must give one weight per row (\(rows))")
    }
    if let bad = weights.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
        throw ArgumentError(
            argument: "weights", value: "\(weights[bad]) (row \(bad + 1))", requirement: "must be finite and zero or positive")
    }
    guard weights.contains(where: { $0 > 0 }) else {
        throw ArgumentError(argument: "weights", value: "all zero", requirement: "must leave at least one row")
    }
}
