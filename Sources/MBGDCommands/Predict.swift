import ArgumentParser
import Foundation
import MiniBatchGD

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predictions of a saved model (from `mbgd fit --save-model`) for the rows of a file, as CSV.",
        discussion: """
            The model's feature columns are taken from the file by name (CSV, any order; other \
            columns, text included, are skipped) or by position (.npy: the file it was trained on, or \
            one with exactly one column per feature, in the model's order).

            Examples:
              mbgd predict --model model.json new.csv
              mbgd predict --model model.json new.npy --output predictions.csv
              mbgd predict --model model.json new.csv --intervals 0.95
              mbgd predict --model model.json X_test.npz --targets y_test.npy
              mbgd predict --model model.json raw.csv --unknown ignore

            A model fitted with --categorical or --hash-features keeps its encoding: the file then \
            holds the raw columns, text and all, encoded as in training.

            With --intervals, each target's column is followed by statsmodels' summary_frame columns \
            mean_se, mean_ci_lower, mean_ci_upper, obs_ci_lower and obs_ci_upper (prefixed by the target's \
            name when there are several): the model must come from mbgd solve --save-model.
            """)

    @Option(help: "The model file.") var model: String
    @Argument(
        help:
            "Rows to predict: CSV with a header, a 2-D .npy array, a libsvm file (.svm, .libsvm, .svmlight), or scipy's sparse .npz (CSR).")
    var file: String
    @Option(help: "Write the predictions here instead of stdout ('-': stdout).") var output: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Add confidence and prediction intervals at this level.", valueName: "level"))
    var intervals: Double?
    @Flag(
        name: .customLong("zero-based"),
        help: "A libsvm file's feature indices start at 0 (default: at 1, as scikit-learn's load_svmlight_file reads them).")
    var zeroBased = false
    @Option(
        name: .customLong("targets"),
        help: ArgumentHelp(
            "For an .npz file: the true targets (a .npy of shape (n,) or (n, k)); the predictions' errors against them go to standard error.",
            valueName: "y.npy"))
    var targets: String?
    @Option(
        help: ArgumentHelp(
            "A level of a --categorical column not seen in training: error (naming its column, level and line), or ignore (encoded as the reference level: zeros in the column's one-hot columns).",
            valueName: "error|ignore"))
    var unknown: FeatureEncoding.UnknownLevels = .error

    func validate() throws {
        try SparseInput.checkTargetsFile(targets, file: file)
        if let intervals, !(intervals > 0 && intervals < 1) {
            throw ValidationError("--intervals must lie strictly between 0 and 1, got \(intervals)")
        }
        // The predictions replace the output only once computed, but never the files they come from.
        if let output, output != "-" {
            for (name, path) in [("the model", model), ("the input", file)] where isSameFile(output, path) {
                throw ValidationError("--output \(output) is \(name) file: the predictions would replace it; write them elsewhere")
            }
        }
    }

    func run() throws {
        let regression = try LinearRegression(contentsOf: URL(fileURLWithPath: model))
        let k = regression.targetNames.count
        // The predictions of rows `first..<first + count`, with their intervals when asked for.
        let rows: Int, predict: (_ first: Int, _ count: Int) throws -> [Matrix<Double>]
        var errors: RegressionMetrics?
        if SparseInput.isSparse(file) {
            guard intervals == nil else {
                throw CLIError.badArgument(
                    "\(file) is \(SparseInput.kind(file)): --intervals needs the covariance of a dense closed form (mbgd solve --save-model on a CSV or .npy)"
                )
            }
            if SparseInput.isNPZ(file), zeroBased {
                throw CLIError.badArgument("\(file) is an .npz file: its column indices are scipy's, 0-based; drop --zero-based")
            }
            // Read as wide as the model, so that an index beyond its features is an error.
            let width = regression.featureNames.count
            let data =
                try !SparseInput.isNPZ(file)
                ? SparseDataset<Double>.load(libsvm: file, zeroBased: zeroBased, featureCount: width)
                : targets.map { try SparseDataset<Double>.load(npz: file, targets: $0, featureCount: width) }
                    ?? SparseDataset<Double>.loadFeatures(npz: file, featureCount: width)
            if targets != nil { errors = try regression.evaluate(data) }
            let predictions = try regression.predict(data)
            rows = data.rows
            predict = { first, count in
                [try Matrix(rows: count, columns: k, elements: Array(predictions.elements[first * k..<(first + count) * k]))]
            }
        } else if let encoding = regression.featureEncoding {
            // Raw rows, encoded as in training: one-hot rows dense (with intervals) or sparse.
            let rowsEncoded: EncodedRows
            do { rowsEncoded = try encoding.encode(csv: file, targets: nil, unknownLevels: unknown) } catch {
                throw EncodedInput.explained(error)
            }
            switch rowsEncoded {
            case let .dense(data):
                let features = data.features, p = features.columns
                rows = data.rows
                predict = { first, count in
                    let block = try Matrix(rows: count, columns: p, elements: Array(features.elements[first * p..<(first + count) * p]))
                    guard let level = intervals else { return [try regression.predict(block)] }
                    let bands = try regression.predictionIntervals(block, level: level)
                    return [
                        bands.mean, bands.meanStandardError, bands.meanLower, bands.meanUpper, bands.observationLower,
                        bands.observationUpper,
                    ]
                }
            case let .sparse(data):
                guard intervals == nil else {
                    throw CLIError.badArgument(
                        "\(file) is encoded as sparse rows: --intervals needs the covariance of a dense closed form (mbgd solve --save-model with --categorical and a moderate number of levels)"
                    )
                }
                let predictions = try regression.predict(data)
                rows = data.rows
                predict = { first, count in
                    [try Matrix(rows: count, columns: k, elements: Array(predictions.elements[first * k..<(first + count) * k]))]
                }
            }
        } else {
            let features = try Matrix<Double>.load(path: file, columns: regression.featureNames)
            let p = features.columns
            rows = features.rows
            predict = { first, count in
                let block = try Matrix(rows: count, columns: p, elements: Array(features.elements[first * p..<(first + count) * p]))
                guard let level = intervals else { return [try regression.predict(block)] }
                let bands = try regression.predictionIntervals(block, level: level)
                return [
                    bands.mean, bands.meanStandardError, bands.meanLower, bands.meanUpper, bands.observationLower, bands.observationUpper,
                ]
            }
        }
        let suffixes = ["mean_se", "mean_ci_lower", "mean_ci_upper", "obs_ci_lower", "obs_ci_upper"]
        let several = regression.targetNames.count > 1
        let header =
            intervals == nil
            ? regression.targetNames
            : regression.targetNames.flatMap { name in [name] + suffixes.map { several ? name + "_" + $0 : $0 } }
        // The text goes to a temporary on disk a block of rows at a time (a million rows with
        // intervals are hundreds of MB of text) and to its destination whole, once every row
        // has been predicted: an error at the last row still leaves nothing written.
        let sink =
            try (output ?? "-") == "-"
            ? StreamingFile(descriptor: STDOUT_FILENO, name: "standard output") : StreamingFile(path: output!)
        try append(header.map(Terminal.csvCell).joined(separator: ",") + "\n", to: sink)
        let blockRows = 4096
        var first = 0
        while first < rows {
            let count = min(blockRows, rows - first)
            let columns = try predict(first, count)
            var text = ""
            text.reserveCapacity(count * 24 * header.count)
            for i in 0..<count {
                text += (0..<k).flatMap { o in columns.map { "\($0[i, o])" } }.joined(separator: ",") + "\n"
            }
            try append(text, to: sink)
            first += count
        }
        try Interruption.deferringInterruption { try sink.commit() }
        if let errors, let targets {
            var table = Table(["", "MSE", "RMSE", "MAE", "R²"])
            table.add(
                ["\(rows) rows"]
                    + [errors.meanSquaredError, errors.rootMeanSquaredError, errors.meanAbsoluteError, errors.r2].map {
                        Format.number($0, digits: 5)
                    })
            Terminal.writeError("Errors of the predictions against \(targets):\n" + table.render() + "\n")
        }
    }

    private func append(_ text: String, to sink: StreamingFile) throws {
        var bytes = Array(text.utf8)
        try sink.append(&bytes, count: bytes.count)
    }
}
