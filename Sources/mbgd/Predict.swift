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
            """)

    @Option(help: "The model file.") var model: String
    @Argument(help: "Rows to predict: CSV with a header, or a 2-D .npy array.") var file: String
    @Option(help: "Write the predictions here instead of stdout ('-': stdout).") var output: String?

    func run() throws {
        let regression = try LinearRegression(contentsOf: URL(fileURLWithPath: model))
        let features = try Matrix.load(path: file, columns: regression.featureNames)
        let predictions = try regression.predict(features)
        var text = regression.targetNames.map(Terminal.csvCell).joined(separator: ",") + "\n"
        text.reserveCapacity(predictions.rows * 24 * predictions.columns)
        for i in 0..<predictions.rows {
            text += (0..<predictions.columns).map { "\(predictions[i, $0])" }.joined(separator: ",") + "\n"
        }
        var outputs = Outputs()
        outputs.add(text, to: output ?? "-")
        try outputs.commit()
    }
}
