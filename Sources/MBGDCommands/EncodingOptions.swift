import ArgumentParser
import Foundation
import MiniBatchGD

/// `--categorical` and `--hash-features`, shared by `fit` and `solve` (through ``DataOptions``):
/// text columns of a CSV file one-hot encoded, or every feature column hashed.
struct EncodingOptions: ParsableArguments {
    @Option(
        name: .customLong("categorical"),
        help: ArgumentHelp(
            "Text columns of a CSV to one-hot encode, comma-separated or repeated: a column per level but the first in sorted order (the reference), named as patsy names them (city[T.Paris]); with --hash-features, the columns hashed as text (city=Paris).",
            valueName: "names"))
    var categoricalLists: [String] = []

    @Option(
        name: .customLong("hash-features"),
        help: ArgumentHelp(
            "Hash every feature column of a CSV into 2^bits sparse columns (1 to \(FeatureHashing.maximumBits)), as scikit-learn's FeatureHasher: a --categorical cell as 'column=value', a number under its column's name.",
            valueName: "bits"))
    var hashBits: Int?

    /// The `--categorical` names, in order (empty when none).
    var categorical: [String] { DataOptions.columnNames(categoricalLists) ?? [] }

    /// Whether the rows are encoded.
    var isActive: Bool { !categoricalLists.isEmpty || hashBits != nil }

    func validate() throws {
        try DataOptions.validateColumnNames(DataOptions.columnNames(categoricalLists), option: "--categorical")
        if let hashBits, !(1...FeatureHashing.maximumBits).contains(hashBits) {
            throw ValidationError("--hash-features must be between 1 and \(FeatureHashing.maximumBits) (2^bits columns), got \(hashBits)")
        }
    }
}

extension EncodingOptions {
    /// Refuses the options for a file that is not a CSV (a libsvm or `.npy` file holds numbers only).
    func validate(for file: String) throws {
        guard isActive, SparseInput.isLibSVM(file) || (try? DataFileFormat.of(path: file)) == .npy else { return }
        throw ValidationError(
            "\(hashBits != nil ? "--hash-features" : "--categorical") encodes the columns of a CSV file; \(file) is not one (its columns are numbers already)"
        )
    }
}

extension EncodingOptions {
    /// The CSV's rows encoded as `--categorical` and `--hash-features` ask, or nil when neither is given.
    /// - Throws: ``CLIError/badArgument(_:)`` under `mbgd-mpi`.
    func load(csv file: String, targets: [String], features: [String]?, weights: String?, fitIntercept: Bool) throws -> EncodedCSV? {
        guard isActive else { return nil }
        if Cluster.communicator != nil {
            throw CLIError.badArgument(
                "\(hashBits != nil ? "--hash-features" : "--categorical"): mbgd-mpi spreads the rows of a .npy file over its ranks; encode a CSV in one process, with mbgd"
            )
        }
        if let hashBits {
            return try FeatureEncoding.hashed(
                csv: file, bits: hashBits, categorical: categorical, targets: targets, features: features, weights: weights)
        }
        return try FeatureEncoding.oneHot(
            csv: file, categorical: categorical, targets: targets, features: features, weights: weights, fitIntercept: fitIntercept)
    }
}

extension DataOptions {
    /// The rows encoded as `--categorical` and `--hash-features` ask, or nil when neither is given.
    /// - Throws: ``CLIError/badArgument(_:)`` under `mbgd-mpi`.
    func loadEncoded(weights: String?) throws -> EncodedCSV? {
        try encoding.load(csv: file, targets: targets, features: features, weights: weights, fitIntercept: fitIntercept)
    }
}

/// Encoded rows as the chosen element type.
enum EncodedInput {
    /// Sparse rows as `Element` (`--precision float32` rounds the values; an error names one beyond Float's range).
    static func converted<Element: BLASScalar>(_ rows: SparseDataset<Double>, to element: Element.Type) throws -> SparseDataset<Element> {
        if let same = rows as? SparseDataset<Element> { return same }
        return try SparseDataset<Element>(
            rowStarts: rows.rowStarts, columns: Array(rows.columnIndices), values: rows.values.map { Element($0) },
            targets: Matrix(rows: rows.rows, columns: rows.outputCount, elements: rows.targets.elements.map { Element($0) }),
            featureCount: rows.featureCount, featureNames: rows.featureNames, targetNames: rows.targetNames, weights: rows.weights)
    }

    /// A level unseen in training, said with the option that ignores it.
    static func explained(_ error: Error) -> Error {
        guard case let EncodingError.unknownLevel(path, line, column, level, known) = error else { return error }
        let shown = known.prefix(10).map { "'\($0)'" }.joined(separator: ", ") + (known.count > 10 ? ", …" : "")
        return CLIError.badArgument(
            "\(path):\(line): the level '\(level)' of column '\(column)' was not seen in training (the model knows \(known.count): \(shown)); --unknown ignore encodes it as the reference level, zeros in the column's one-hot columns"
        )
    }
}
extension FeatureEncoding.UnknownLevels: ExpressibleByArgument {}
