extension FeatureEncoding {
    /// Learns a one-hot encoding of `categorical` from a CSV file and encodes the file with it.
    ///
    /// ```swift
    /// let cars = try FeatureEncoding.oneHot(csv: "cars.csv", categorical: ["city", "kind"], targets: ["y"])
    /// cars.rows.featureNames   // ["city[T.Paris]", …, "kind[T.van]", "x1", "x2"]
    /// ```
    /// - Parameters:
    ///   - path: a CSV file with a header.
    ///   - categorical: the text columns to encode, in the order their columns should come.
    ///   - targets: target columns; the last column when empty.
    ///   - features: the numeric feature columns, in order; every other column when nil.
    ///   - weights: a column of row weights (see ``Dataset/weights``), or nil.
    ///   - fitIntercept: whether the model fitted to the rows has an intercept; without one the
    ///     first categorical column is coded in full (see ``CategoricalColumn``).
    ///   - layout: dense or sparse rows (see ``Layout``).
    /// - Throws: ``FileError`` and ``EncodingError`` naming the file, line and column;
    ///   ``ArgumentError`` for no categorical column, or a column named twice or in two roles.
    /// - Complexity: O(file size) to read, on every core; O(L log L) to sort a column's L levels.
    public static func oneHot(
        csv path: String, categorical: [String], targets: [String] = [], features: [String]? = nil, weights: String? = nil,
        fitIntercept: Bool = true, layout: Layout = .automatic
    ) throws -> EncodedCSV {
        guard !categorical.isEmpty else {
            throw ArgumentError(argument: "categorical", value: "[]", requirement: "must name at least one column to encode")
        }
        let read = try CSVRead(
            path: path, categorical: categorical, targets: targets.isEmpty ? nil : targets, features: features, weights: weights)
        let columns = categorical.enumerated().map { index, name in
            CategoricalColumn(
                name: name, levels: read.text.levels[index].map { String(decoding: $0, as: UTF8.self) },
                dropsReference: fitIntercept || index > 0)
        }
        let encoding = try FeatureEncoding(categorical: columns, numeric: read.numericNames, hashing: nil)
        return EncodedCSV(rows: try encoding.rows(read, codes: read.text.codes, layout: layout, path: path), encoding: encoding)
    }

    /// Hashes every feature column of a CSV file into 2^`bits` columns (see ``FeatureHashing``):
    /// the `categorical` columns as text (`city=Paris`), every other feature column as a number.
    ///
    /// ```swift
    /// let cars = try FeatureEncoding.hashed(csv: "cars.csv", bits: 18, categorical: ["city", "kind"], targets: ["y"])
    /// ```
    /// - Parameters: as ``oneHot(csv:categorical:targets:features:weights:fitIntercept:layout:)``,
    ///   with `bits` the log₂ of the width (1…``FeatureHashing/maximumBits``) and `categorical`
    ///   possibly empty.
    /// - Throws: as ``oneHot(csv:categorical:targets:features:weights:fitIntercept:layout:)``, and
    ///   ``ArgumentError`` for `bits` out of range.
    public static func hashed(
        csv path: String, bits: Int, categorical: [String] = [], targets: [String] = [], features: [String]? = nil,
        weights: String? = nil
    ) throws -> EncodedCSV {
        let hashing = try FeatureHashing(bits: bits)
        let read = try CSVRead(
            path: path, categorical: categorical, targets: targets.isEmpty ? nil : targets, features: features, weights: weights)
        let encoding = try FeatureEncoding(
            categorical: categorical.map { CategoricalColumn(name: $0, levels: []) }, numeric: read.numericNames, hashing: hashing)
        return EncodedCSV(rows: .sparse(try encoding.hashedRows(read, path: path)), encoding: encoding)
    }

    /// The rows of a CSV file encoded as this encoding was learned (a test set, or rows to predict).
    ///
    /// ```swift
    /// let test = try cars.encoding.encode(csv: "cars_test.csv", targets: ["y"])
    /// let new = try cars.encoding.encode(csv: "new_cars.csv", targets: nil, unknownLevels: .ignore)
    /// ```
    /// - Parameters:
    ///   - path: a CSV file holding at least the encoding's ``inputColumns`` (by name, in any order).
    ///   - targets: target columns (the last column when empty); nil reads none, and every row's
    ///     target is 0 (rows to predict).
    ///   - weights: a column of row weights, or nil.
    ///   - unknownLevels: what a level not seen in training does (one-hot only: hashing takes any).
    ///   - layout: dense or sparse rows for a one-hot encoding (a hashed one is sparse).
    /// - Throws: ``EncodingError/unknownLevel(path:line:column:level:known:)`` naming the first
    ///   row with an unseen level (under ``UnknownLevels/error``); what the learning functions throw.
    public func encode(
        csv path: String, targets: [String]? = [], weights: String? = nil, unknownLevels: UnknownLevels = .error,
        layout: Layout = .automatic
    ) throws -> EncodedRows {
        // nil: no target column (an empty list to the reader); empty: the last column (nil to it).
        let targetColumns: [String]? = targets.map { $0.isEmpty ? nil : $0 } ?? []
        let read = try CSVRead(
            path: path, categorical: categorical.map(\.name), targets: targetColumns, features: numeric, weights: weights)
        if hashing != nil { return .sparse(try hashedRows(read, path: path)) }
        // The file's levels, numbered in the file's sorted order, renumbered as the encoding's.
        var codes = read.text.codes
        let width = categorical.count
        for (c, column) in categorical.enumerated() {
            var known = [[UInt8]: Int32](minimumCapacity: column.levels.count)
            for (index, level) in column.levels.enumerated() { known[Array(level.utf8)] = Int32(index) }
            let renumber = read.text.levels[c].map { known[$0] ?? -1 }
            if unknownLevels == .error, let unseen = renumber.firstIndex(of: -1) {
                throw EncodingError.unknownLevel(
                    path: path, line: read.text.firstRow(column: c, level: unseen)! + 2, column: column.name,
                    level: String(decoding: read.text.levels[c][unseen], as: UTF8.self), known: column.levels)
            }
            for position in stride(from: c, to: codes.count, by: width) { codes[position] = renumber[Int(codes[position])] }
        }
        return try rows(read, codes: codes, layout: layout, path: path)
    }
}

/// A CSV file read for an encoding: its numeric feature values, targets, weights and text columns.
struct CSVRead {
    let rows: Int
    let numericNames: [String]
    /// Row-major rows × numeric columns.
    let numeric: [Double]
    let targets: Matrix<Double>
    let targetNames: [String]
    let weights: [Double]?
    let text: CSVTextColumns

    /// `targets` nil: the last column; empty: none (the targets are one column of zeros).
    init(path: String, categorical: [String], targets: [String]?, features: [String]?, weights: String?) throws {
        if let weights {
            if targets?.contains(weights) == true {
                throw ArgumentError(argument: "weights", value: weights, requirement: "must not be a target column")
            }
            if categorical.contains(weights) {
                throw ArgumentError(argument: "weights", value: weights, requirement: "must not be a categorical column")
            }
            if let features, features.contains(weights) {
                throw ArgumentError(argument: "weights", value: weights, requirement: "must not be one of the features")
            }
        }
        let table = try CSVReader.load(
            path: path, targets: targets, features: features.map { $0 + (weights.map { [$0] } ?? []) }, text: categorical,
            memoryLimit: nil)
        let plan = table.plan, n = table.rows, p = plan.featureNames.count
        var names = plan.featureNames, values = table.features
        if let weights {
            guard let index = names.firstIndex(of: weights) else {
                throw ArgumentError(
                    argument: "weights", value: weights, requirement: "must not be the target (the last column when no target is named)")
            }
            var w = [Double](repeating: 0, count: n), kept: [Double] = []
            kept.reserveCapacity(n * (p - 1))
            for i in 0..<n {
                for j in 0..<p where j != index { kept.append(values[i * p + j]) }
                w[i] = values[i * p + index]
            }
            try validateRowWeights(w, rows: n)
            names.remove(at: index)
            (values, self.weights) = (kept, w)
        } else {
            self.weights = nil
        }
        rows = n
        numericNames = names
        numeric = values
        if plan.targetNames.isEmpty {
            self.targets = Matrix(uncheckedRows: n, columns: 1, elements: [Double](repeating: 0, count: n))
            targetNames = ["y"]
        } else {
            self.targets = Matrix(uncheckedRows: n, columns: plan.targetNames.count, elements: table.targets)
            targetNames = plan.targetNames
        }
        text = table.text ?? CSVTextColumns(names: [], levels: [], codes: [])
    }
}
