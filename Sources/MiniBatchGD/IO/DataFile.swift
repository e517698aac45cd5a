import Foundation

/// The file formats data can be loaded from, and the one entry point that loads them.
public enum DataFileFormat: String, Sendable, CaseIterable {
    /// Comma-separated text with a header of column names.
    case csv
    /// A NumPy `.npy` 2-D array; columns are named by position.
    case npy

    /// The format of `path`: `.npy` when its name ends in `.npy` (so that a damaged `.npy` gets
    /// the `.npy` reader's message) or a regular file starts with NumPy's magic string; CSV
    /// otherwise (pipes and devices are not sniffed, since that would consume their first bytes).
    /// - Throws: ``FileError/notFound(path:)`` or ``FileError/unreadable(path:reason:)``.
    public static func of(path: String) throws -> DataFileFormat {
        if path.lowercased().hasSuffix(".npy") { return .npy }
        // Opening a pipe, let alone reading its first bytes, would disturb its writer and take
        // data from the real reader: only regular files are sniffed.
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return .csv }
        let descriptor = try openForReading(path)
        defer { close(descriptor) }
        var magic = [UInt8](repeating: 0, count: 6)
        let count = magic.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, 6) }
        return count == 6 && magic == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] ? .npy : .csv
    }

    /// The 0-based column a `.npy` column is named by: its name in the file's sidecar (see
    /// ``NPYWriter/convert(_:to:columns:)``), its index (`"3"`) or the name this library gives
    /// it (`"x4"` as a feature, `"y4"` as a target: 1-based).
    static func npyColumn(_ name: String, path: String) throws -> Int {
        let columns = try NPYReader.layout(PositionalFile(path: path), path: path).columns
        // A sidecar that does not fit the file is refused for names; an index needs none.
        let names: [String]?
        do {
            names = try NPYColumnNames.checked(for: path, columns: columns)
        } catch  where Int(name) != nil {
            names = nil
        }
        if let names, let index = names.firstIndex(of: name) { return index }
        if let index = Int(name), index >= 0 { return index }
        if let letter = name.first, letter == "x" || letter == "y", let position = Int(name.dropFirst()), position >= 1 {
            return position - 1
        }
        // What can name a column of this file: its names, an index from 0 to columns - 1 (a
        // negative one is not counted from the end), x1 to xN.
        throw FileError.unknownColumn(
            path: path, name: name,
            available: (names ?? []) + ["a 0-based index from 0 to \(columns - 1)", "x1 to x\(columns) (1-based)"])
    }
}

extension Dataset {
    /// Loads a data set from a CSV or `.npy` file (see ``DataFileFormat/of(path:)``).
    ///
    /// ```swift
    /// let houses = try Dataset.load(URL(fileURLWithPath: "houses.csv"), targets: ["price"])
    /// let some = try Dataset.load(URL(fileURLWithPath: "houses.csv"), targets: ["price"], features: ["size", "rooms"])
    /// let single = try Dataset<Float>.load(URL(fileURLWithPath: "big_f4.npy"))   // float32, read as it is
    /// ```
    ///
    /// `Dataset<Float>` reads a float32 `.npy` file as it is; other files are read as `Double` and
    /// rounded to `Float` (a value beyond its range is refused as not finite). `Dataset.load`
    /// without an element type loads `Double`.
    /// - Parameters:
    ///   - url: a file URL.
    ///   - targets: target columns, in the order wanted; the last column when empty. CSV columns by
    ///     name; `.npy` columns by 0-based index (`"3"`) or by the name the library gives them (`"x4"`).
    ///   - features: feature columns, named the same way; every column that is not a target when
    ///     nil. Columns that are neither are skipped unread, whatever they hold.
    ///   - weights: the column of row weights (see ``Dataset/weights``), named the same way;
    ///     it is neither a feature nor a target. Nil for none.
    /// - Throws: ``FileError`` naming the file (and line and column where that applies),
    ///   ``ArgumentError`` for a column named twice, as
    ///   both a target and a feature, or a weight column that is a target, a feature or holds a
    ///   negative, NaN or infinite weight.
    /// - Complexity: O(file size).
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public static func load(_ url: URL, targets: [String] = [], features: [String]? = nil, weights: String? = nil) throws -> Dataset<
        Element
    > {
        try load(path: url.relativePath, targets: targets, features: features, weights: weights)
    }

    /// ``load(_:targets:features:weights:)->Dataset<Element>`` for a path.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    public static func load(path: String, targets: [String] = [], features: [String]? = nil, weights: String? = nil) throws -> Dataset<
        Element
    > {
        try loadRows(path: path, targets: targets, features: features, weights: weights)
    }

    static func loadRows(path: String, targets: [String], features: [String]?, weights: String?) throws -> Dataset<Element> {
        guard let column = weights else { return try loadColumns(path: path, targets: targets, features: features) }
        if Element.precision != .float64, try DataFileFormat.of(path: path) == .csv {
            // Weights are Double whatever the rows: parsed as Double, they are not rounded to Float.
            return try Dataset<Double>.loadRows(path: path, targets: targets, features: features, weights: weights)
                .converted(to: Element.self, path: path)
        }
        if targets.contains(column) {
            throw ArgumentError(argument: "weights", value: column, requirement: "must not be a target column")
        }
        if let features, features.contains(column) {
            throw ArgumentError(argument: "weights", value: column, requirement: "must not be one of the features")
        }
        // The weight column is read as one more feature, then taken out.
        let all = try loadColumns(path: path, targets: targets, features: features.map { $0 + [column] })
        // .npy columns are named x1, x2, … and may also be given by 0-based index.
        let npyName =
            (try? DataFileFormat.of(path: path)) == .npy ? (try? DataFileFormat.npyColumn(column, path: path)).map { "x\($0 + 1)" } : nil
        let named: (String) -> Bool = { $0 == column || $0 == npyName }
        guard let index = all.featureNames.firstIndex(where: named) else {
            if all.targetNames.contains(where: named) {
                throw ArgumentError(
                    argument: "weights", value: column, requirement: "must not be the target (the last column when no target is named)")
            }
            throw FileError.unknownColumn(path: path, name: column, available: all.featureNames + all.targetNames)
        }
        let kept = (0..<all.featureCount).filter { $0 != index }
        guard !kept.isEmpty else {
            throw ArgumentError(argument: "weights", value: column, requirement: "must leave at least one feature")
        }
        let p = all.featureCount
        var x = [Element](), w = [Double](repeating: 0, count: all.rows)
        x.reserveCapacity(all.rows * kept.count)
        all.features.elements.withUnsafeBufferPointer { values in
            for i in 0..<all.rows {
                for from in kept { x.append(values[i * p + from]) }
                w[i] = Double(values[i * p + index])
            }
        }
        try validateRowWeights(w, rows: all.rows)
        return Dataset(
            unchecked: Matrix(uncheckedRows: all.rows, columns: kept.count, elements: x), all.targets,
            kept.map { all.featureNames[$0] }, all.targetNames, weights: w)
    }

    private static func loadColumns(path: String, targets: [String], features: [String]?) throws -> Dataset<Element> {
        switch try DataFileFormat.of(path: path) {
        case .csv:
            // Parsed as Double (correctly rounded), then rounded once more to Float if asked.
            return try CSVReader.read(path: path, targets: targets, features: features).converted(to: Element.self, path: path)
        case .npy:
            return try NPYReader.dataset(
                path: path, targets: targets.map { try DataFileFormat.npyColumn($0, path: path) },
                features: features.map { try $0.map { try DataFileFormat.npyColumn($0, path: path) } }, as: Element.self)
        }
    }
}

extension Dataset where Element == Double {
    /// ``load(_:targets:features:weights:)->Dataset<Element>`` into `Double`: what `Dataset.load` without an element
    /// type loads.
    /// - Throws: what that function throws.
    public static func load(_ url: URL, targets: [String] = [], features: [String]? = nil, weights: String? = nil) throws -> Dataset<Double>
    {
        try load(path: url.relativePath, targets: targets, features: features, weights: weights)
    }

    /// ``load(path:targets:features:weights:)->Dataset<Element>`` into `Double`: what `Dataset.load` without an
    /// element type loads.
    /// - Throws: what that function throws.
    public static func load(path: String, targets: [String] = [], features: [String]? = nil, weights: String? = nil) throws -> Dataset<
        Double
    > {
        try Dataset<Element>.loadRows(path: path, targets: targets, features: features, weights: weights)
    }
}

extension Matrix<Double> {
    /// The columns `columns` of a CSV or `.npy` file, in that order: the rows a model predicts for.
    ///
    /// CSV columns are found by name wherever they are, other columns skipped. A `.npy` file's
    /// columns are found by the names the library gives them (`x1` is column 0) when they all
    /// exist; a file with exactly `columns.count` columns is otherwise taken as it is.
    /// - Throws: ``FileError`` naming the file and the missing column.
    public static func load(path: String, columns: [String]) throws -> Matrix<Double> {
        switch try DataFileFormat.of(path: path) {
        case .csv:
            return try CSVReader.readColumns(path: path, columns)
        case .npy:
            let matrix = try NPYReader.read(path: path)
            if let indices = try? columns.map({ try DataFileFormat.npyColumn($0, path: path) }),
                indices.allSatisfy({ $0 < matrix.columns })
            {
                return try NPYReader.columns(indices, of: matrix, path: path)
            }
            guard matrix.columns == columns.count else {
                throw FileError.malformed(
                    path: path,
                    reason: "the array has \(matrix.columns) columns; \(columns.count) are needed (\(columns.joined(separator: ", ")))")
            }
            return try NPYReader.columns(Array(0..<matrix.columns), of: matrix, path: path)
        }
    }
}
