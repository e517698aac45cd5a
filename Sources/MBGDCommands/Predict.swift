import ArgumentParser
import Foundation
import MiniBatchGD

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predictions of a saved model (from `mbgd fit --save-model`) for the rows of a file, as CSV.",
        discussion: """
            The model's feature columns are taken from the file by name (CSV, any order; other
            columns, text included, are skipped) or by position (.npy: the file it was trained on, or
            one with exactly one column per feature, in the model's order).

            Examples:
              mbgd predict --model model.json new.csv
              mbgd predict --model model.json new.npy --output predictions.csv
              mbgd predict --model model.json new.csv --intervals 0.95

            With --intervals, each target's column is followed by statsmodels' summary_frame columns
            mean_se, mean_ci_lower, mean_ci_upper, obs_ci_lower and obs_ci_upper (prefixed by the target's
            name when there are several): the model must come from mbgd solve --save-model.
            """)

    @Option(help: "The model file.") var model: String
    @Argument(help: "Rows to predict: CSV with a header, or a 2-D .npy array.") var file: String
    @Option(help: "Write the predictions here instead of stdout ('-': stdout).") var output: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Add confidence and prediction intervals at this level.", valueName: "level"))
    var intervals: Double?

    func validate() throws {
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
        let features = try Matrix<Double>.load(path: file, columns: regression.featureNames)
        var text: String
        if let level = intervals {
            let bands = try regression.predictionIntervals(features, level: level)
            let suffixes = ["mean_se", "mean_ci_lower", "mean_ci_upper", "obs_ci_lower", "obs_ci_upper"]
            let several = regression.targetNames.count > 1
            let header = regression.targetNames.flatMap { name in [name] + suffixes.map { several ? name + "_" + $0 : $0 } }
            text = header.map(Terminal.csvCell).joined(separator: ",") + "\n"
            text.reserveCapacity(bands.mean.rows * 24 * header.count)
            for i in 0..<bands.mean.rows {
                text +=
                    (0..<bands.mean.columns).flatMap { o in
                        [
                            bands.mean, bands.meanStandardError, bands.meanLower, bands.meanUpper, bands.observationLower,
                            bands.observationUpper,
                        ]
                        .map { "\($0[i, o])" }
                    }.joined(separator: ",") + "\n"
            }
        } else {
            let predictions = try regression.predict(features)
            text = regression.targetNames.map(Terminal.csvCell).joined(separator: ",") + "\n"
            text.reserveCapacity(predictions.rows * 24 * predictions.columns)
            for i in 0..<predictions.rows {
                text += (0..<predictions.columns).map { "\(predictions[i, $0])" }.joined(separator: ",") + "\n"
            }
        }
        var outputs = Outputs()
        outputs.add(text, to: output ?? "-")
        try outputs.commit()
    }
}
