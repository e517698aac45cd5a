/// Features and targets of a regression problem, row by row.
///
/// `features` is n×p and `targets` n×k: several target columns make one multi-output fit.
/// The intercept is the model's business (``LinearRegression/fitIntercept``): do not add a
/// column of ones.
public struct Dataset: Sendable {
    /// The n×p design, one sample per row.
    public let features: Matrix
    /// The n×k targets, one sample per row.
    public let targets: Matrix
    /// One name per feature column.
    public let featureNames: [String]
    /// One name per target column.
    public let targetNames: [String]

    /// - Parameters:
    ///   - features: n×p, n ≥ 1, p ≥ 1, finite.
    ///   - targets: n×k, k ≥ 1, finite.
    ///   - featureNames: p names; `x1, x2, …` when omitted.
    ///   - targetNames: k names; `y` or `y1, y2, …` when omitted.
    /// - Throws: ``DataError`` for mismatched rows or names, ``MatrixError/nonFinite(argument:row:column:value:)``
    ///   with the row and column of the first NaN or infinity.
    public init(features: Matrix, targets: Matrix, featureNames: [String]? = nil, targetNames: [String]? = nil) throws {
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
        self.init(unchecked: features, targets, featureNames, targetNames)
    }

    /// One target: `targets` becomes an n×1 matrix.
    public init(features: Matrix, target: [Double], featureNames: [String]? = nil, targetName: String = "y") throws {
        try self.init(features: features, targets: Matrix(column: target), featureNames: featureNames, targetNames: [targetName])
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
    /// - Throws: ``MatrixError/raggedRows(row:expected:actual:)`` for rows of different lengths,
    ///   and what the initializer from matrices throws.
    public init(features: [[Double]], targets: [Double], featureNames: [String]? = nil, targetName: String = "y") throws {
        try self.init(
            features: Matrix(rows: features), targets: Matrix(column: targets), featureNames: featureNames, targetNames: [targetName])
    }

    /// A data set from Swift arrays with several targets: `targets` holds n rows of k values.
    /// - Throws: as ``init(features:targets:featureNames:targetName:)``.
    public init(features: [[Double]], targets: [[Double]], featureNames: [String]? = nil, targetNames: [String]? = nil) throws {
        try self.init(
            features: Matrix(rows: features), targets: Matrix(rows: targets), featureNames: featureNames, targetNames: targetNames)
    }

    /// `x1, x2, …`
    static func defaultFeatureNames(_ count: Int) -> [String] { (0..<count).map { "x\($0 + 1)" } }
    /// `y` for one target, `y1, y2, …` for several.
    static func defaultTargetNames(_ count: Int) -> [String] { count == 1 ? ["y"] : (0..<count).map { "y\($0 + 1)" } }

    init(unchecked features: Matrix, _ targets: Matrix, _ featureNames: [String], _ targetNames: [String]) {
        self.features = features
        self.targets = targets
        self.featureNames = featureNames
        self.targetNames = targetNames
    }

    /// Number of samples n.
    public var rows: Int { features.rows }
    /// Number of features p.
    public var featureCount: Int { features.columns }
    /// Number of targets k.
    public var outputCount: Int { targets.columns }

    /// The samples at `indices`, in that order.
    func gathering(_ indices: some Collection<Int>) throws -> Dataset {
        Dataset(unchecked: try features.gatheringRows(indices), try targets.gatheringRows(indices), featureNames, targetNames)
    }

    /// Splits into training and test parts.
    ///
    /// The test part has `round(testFraction × n)` rows (at least one, and at least one row is
    /// left for training). Without a seed the split is in order: the first rows train, the last
    /// test, as in the seed article. With a seed, rows are assigned by a seeded shuffle.
    /// - Parameters:
    ///   - testFraction: in (0, 1).
    ///   - shuffleSeed: `nil` for an ordered split.
    /// - Throws: ``ArgumentError``, ``DataError/tooFewRows(argument:rows:minimum:)``.
    /// - Complexity: O(n × (p + k)): both parts are copied once.
    public func split(testFraction: Double, shuffleSeed: UInt64? = nil) throws -> DatasetSplit {
        guard testFraction > 0, testFraction < 1 else { throw ArgumentError.fraction("testFraction", testFraction) }
        guard rows >= 2 else { throw DataError.tooFewRows(argument: "dataset to split", rows: rows, minimum: 2) }
        let testCount = min(max(Int((Double(rows) * testFraction).rounded()), 1), rows - 1)
        var order = Array(0..<rows)
        if let seed = shuffleSeed {
            var generator = RandomSource(seed: seed)
            generator.shuffle(&order)
        }
        let trainCount = rows - testCount
        return DatasetSplit(train: try gathering(order[..<trainCount]), test: try gathering(order[trainCount...]))
    }
}

/// A data set divided into a training part and a test part.
public struct DatasetSplit: Sendable {
    /// Rows to fit on.
    public let train: Dataset
    /// Rows held out for evaluation.
    public let test: Dataset
}

/// The first element that occurs a second time in `values`, if any.
func firstRepeated<Element: Hashable>(_ values: [Element]) -> Element? {
    var seen = Set<Element>()
    return values.first { !seen.insert($0).inserted }
}

extension Dataset {
    /// Checks that every column's squares stay within `Double`'s normal range (magnitudes between
    /// 2⁻⁴⁸⁰ and 2⁴⁸⁰, about 1e-145 and 1e144; an all-zero column is fine): sums of squares over
    /// up to 2³¹ rows then neither overflow nor fall into the subnormals.
    /// - Throws: ``DataError/scaleOutOfRange(argument:column:largest:)`` naming the first column that does not.
    /// - Complexity: O(n·(p + k)), one pass.
    func checkRepresentableScale() throws {
        let high = 0x1p480, low = 0x1p-480
        for (argument, matrix, names) in [("feature", features, featureNames), ("target", targets, targetNames)] {
            var largest = [Double](repeating: 0, count: matrix.columns)
            matrix.elements.withUnsafeBufferPointer { values in
                for i in 0..<matrix.rows {
                    for j in 0..<matrix.columns { largest[j] = Swift.max(largest[j], abs(values[i * matrix.columns + j])) }
                }
            }
            if let j = largest.indices.first(where: { largest[$0] > high || (largest[$0] > 0 && largest[$0] < low) }) {
                throw DataError.scaleOutOfRange(argument: argument, column: names[j], largest: largest[j])
            }
        }
    }
}
