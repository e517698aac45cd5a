import ArgumentParser
import Foundation
import MiniBatchGD

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predictions of a saved model (from `mbgd fit --save-model`) for the rows of a file, as CSV.",
        discussion: """
        A CSV input must contain the model's feature columns (by name, any order; other columns are
        ignored). A .npy input must have exactly one column per feature, in the model's order.

        Examples:
          mbgd predict --model model.json new.csv
          mbgd predict --model model.json new.npy --output predictions.csv
        """)

    @Option(help: "The model file.") var model: String
    @Argument(help: "Rows to predict: CSV with a header, or a 2-D .npy array.") var file: String
    @Option(help: "Write the predictions here instead of stdout.") var output: String?

    func run() throws {
        let saved = try ModelFile.read(path: model)
        let regression = try saved.model()
        let features = try loadFeatures(saved)
        let predictions = try regression.predict(features)
        var text = saved.targetNames.joined(separator: ",") + "\n"
        text.reserveCapacity(predictions.rows * 24 * predictions.columns)
        for i in 0 ..< predictions.rows {
            text += (0 ..< predictions.columns).map { "\(predictions[i, $0])" }.joined(separator: ",") + "\n"
        }
        if let output { try writeText(text, to: output) } else { print(text, terminator: "") }
    }

    private func loadFeatures(_ saved: ModelFile) throws -> Matrix {
        let p = saved.featureNames.count
        if file.lowercased().hasSuffix(".npy") {
            let matrix = try NPYReader.read(path: file)
            guard matrix.columns == p else {
                throw FileError.malformed(path: file, reason: "the array has \(matrix.columns) columns; the model needs \(p) (\(saved.featureNames.joined(separator: ", ")))")
            }
            try matrix.validateFinite(argument: file)
            return matrix
        }
        let table = try CSVReader.readTable(path: file)
        let missing = saved.featureNames.filter { !table.columnNames.contains($0) }
        guard missing.isEmpty else { throw CLIError.missingColumns(path: file, names: missing) }
        // The model's features, in the model's order; other columns (such as targets) are ignored.
        let positions = saved.featureNames.map { table.columnNames.firstIndex(of: $0)! }
        let rows = table.values.rows
        var elements = [Double]()
        elements.reserveCapacity(rows * p)
        for i in 0 ..< rows { for position in positions { elements.append(table.values[i, position]) } }
        return try Matrix(rows: rows, columns: p, elements: elements)
    }
}
