/// How the columns of a CSV file, text ones included, become a design: one-hot categories or
/// hashed features, learned from a training file and kept (in the model file, see ``ModelFile``)
/// so that rows to predict can be given raw.
///
/// **One-hot** (``oneHot(csv:categorical:targets:features:weights:fitIntercept:layout:)``): each
/// categorical column becomes one column per level but its reference (see ``CategoricalColumn``),
/// named as patsy names them (`city[T.Paris]`); the numeric columns follow unchanged. The columns
/// are in patsy's order for `y ~ C(city) + C(kind) + x1 + x2`: the categorical columns' in the
/// order given, then the numeric ones. The closed form stays full rank, so `mbgd solve` gives
/// statsmodels' table for it.
///
/// **Hashed** (``hashed(csv:bits:categorical:targets:features:weights:)``): every feature column
/// goes into 2^bits columns by ``FeatureHashing``, a categorical cell as the feature
/// `column=value` with value 1 and a numeric cell as the feature `column` with its value: exactly
/// scikit-learn's `FeatureHasher(n_features=2**bits, input_type="dict")` on the dicts
/// `{"city": "Paris", "x1": 0.3}`. The design is always sparse.
///
/// ```swift
/// let cars = try FeatureEncoding.oneHot(csv: "cars.csv", categorical: ["city", "kind"], targets: ["price"])
/// var model = LinearRegression()
/// switch cars.rows {
/// case let .dense(data): try model.fit(data, method: .auto)   // the closed form, with statistics
/// case let .sparse(data): try model.fit(data)                  // LSQR
/// }
/// model.featureEncoding = cars.encoding                        // saved with the model
/// let prices = try model.predict(csv: "new_cars.csv")          // raw rows, text and all
/// ```
///
/// Levels are found on every core as the file is parsed, then sorted together: the same
/// encoding whatever the thread count. A categorical cell is its text as written, blanks around
/// it and quotes removed; an empty one is an error (``EncodingError/missingLevel(path:line:column:)``).
public struct FeatureEncoding: Codable, Equatable, Hashable, Sendable {
    /// The categorical (text) columns, in design order, each with its levels (no levels when hashed).
    public let categorical: [CategoricalColumn]
    /// The numeric feature columns, in design order (after the categorical ones).
    public let numeric: [String]
    /// The hashing, or nil for one-hot.
    public let hashing: FeatureHashing?

    /// An encoding with known levels: one-hot when `hashing` is nil.
    /// - Throws: ``ArgumentError`` for a column named twice, a one-hot column without levels or with
    ///   a level twice, or no feature at all.
    public init(categorical: [CategoricalColumn], numeric: [String], hashing: FeatureHashing? = nil) throws {
        if let twice = firstRepeated(categorical.map(\.name) + numeric) {
            throw ArgumentError(argument: "categorical", value: "'\(twice)'", requirement: "names the same column twice")
        }
        for column in categorical where hashing == nil {
            guard !column.levels.isEmpty else {
                throw ArgumentError(argument: "categorical", value: "'\(column.name)'", requirement: "needs at least one level")
            }
            if let twice = firstRepeated(column.levels) {
                throw ArgumentError(argument: "categorical", value: "'\(column.name)'", requirement: "lists the level '\(twice)' twice")
            }
        }
        self.categorical = categorical
        self.numeric = numeric
        self.hashing = hashing
        guard featureCount >= 1 else {
            throw ArgumentError(
                argument: "categorical", value: categorical.map(\.name).joined(separator: ", "),
                requirement:
                    "leaves no feature column: each categorical column has a single level, the reference, and there is no numeric column")
        }
    }

    private enum CodingKeys: String, CodingKey { case categorical, numeric, hashing }

    /// Reads an encoding as ``ModelFile`` stores it, checked as
    /// ``init(categorical:numeric:hashing:)`` checks.
    /// - Throws: `DecodingError` for an encoding that initializer refuses.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(
                categorical: try container.decode([CategoricalColumn].self, forKey: .categorical),
                numeric: try container.decode([String].self, forKey: .numeric),
                hashing: try container.decodeIfPresent(FeatureHashing.self, forKey: .hashing))
        } catch let error as ArgumentError {
            throw DecodingError.dataCorruptedError(forKey: .categorical, in: container, debugDescription: error.description)
        }
    }

    /// The design's width: 2^bits when hashed; else every categorical column's levels but the
    /// dropped references, plus the numeric columns.
    public var featureCount: Int {
        hashing?.columns ?? categorical.reduce(numeric.count) { $0 + $1.levels.count - ($1.dropsReference ? 1 : 0) }
    }

    /// The design's column names: `city[T.Paris]` …, then the numeric columns; `hash[0]` … when hashed.
    public var featureNames: [String] {
        if let hashing { return (0..<hashing.columns).map(FeatureHashing.columnName) }
        return categorical.flatMap(\.columnNames) + numeric
    }

    /// The columns the encoding reads from a file: the categorical ones, then the numeric ones.
    public var inputColumns: [String] { categorical.map(\.name) + numeric }

    /// What to do with a level the encoding has not seen: refuse it, or ignore it (its rows get
    /// zeros in the column's one-hot columns, as the reference level does).
    public enum UnknownLevels: String, Sendable, CaseIterable {
        /// ``EncodingError/unknownLevel(path:line:column:level:known:)`` naming the first such row.
        case error
        /// Zeros in the column's one-hot columns, as scikit-learn's `handle_unknown="ignore"`.
        case ignore
    }

    /// Dense or sparse one-hot rows.
    public enum Layout: Sendable {
        /// Dense while the design has at most ``FeatureEncoding/denseColumnLimit`` columns and its
        /// n×p doubles at most ``FeatureEncoding/denseValueLimit`` (and half the memory
        /// available); sparse beyond.
        case automatic
        /// Always a ``Dataset`` (n×p doubles).
        case dense
        /// Always a ``SparseDataset`` (one entry per non-reference category and non-zero number).
        case sparse
    }

    /// The widest one-hot design kept dense by ``Layout/automatic``: 4096 columns (Spark's limit for
    /// its normal equations), where the p×p Gram matrix of the closed form takes 128 MiB. Wider
    /// designs are sparse, fitted by sparse descent and solved by LSQR.
    public static let denseColumnLimit = 4096

    /// The most values (n × p) of a one-hot design kept dense by ``Layout/automatic``: 2²⁶, 512 MiB
    /// of doubles. The closed form's cost grows as n·p², and a one-hot design is mostly zeros: a
    /// million rows of a 1000-level column would be 8 GB dense and 12 MB sparse, and take minutes
    /// to solve densely against a fraction of a second by LSQR.
    public static let denseValueLimit = 1 << 26
}

/// A CSV file encoded: the rows, and the encoding learned from it.
public struct EncodedCSV: Sendable {
    /// The design, targets and weights.
    public let rows: EncodedRows
    /// The encoding, to keep with the model (``LinearRegression/featureEncoding``).
    public let encoding: FeatureEncoding
}

/// Encoded rows: dense or sparse.
public enum EncodedRows: Sendable {
    /// A dense design (one-hot with a moderate number of levels).
    case dense(Dataset<Double>)
    /// A sparse design (hashed features, or many levels).
    case sparse(SparseDataset<Double>)

    /// The number of rows.
    public var rows: Int {
        switch self {
        case let .dense(data): data.rows
        case let .sparse(data): data.rows
        }
    }

    /// The design's column names.
    public var featureNames: [String] {
        switch self {
        case let .dense(data): data.featureNames
        case let .sparse(data): data.featureNames
        }
    }
}
