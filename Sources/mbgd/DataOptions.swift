import ArgumentParser
import Foundation
import MiniBatchGD

/// The data file and how to read it, shared by `fit` and `solve`.
struct DataOptions: ParsableArguments {
    @Argument(help: "A CSV file with a header row, or a NumPy .npy 2-D float array.")
    var file: String

    @Option(
        name: .customLong("target"),
        help: ArgumentHelp(
            "Target column: a name for CSV, a 0-based index for .npy. Repeat for several targets. Default: the last column.",
            valueName: "name"))
    var targets: [String] = []

    @Option(
        name: .customLong("features"),
        help: ArgumentHelp(
            "Feature columns, comma-separated (double-quote a name that holds a comma, as in CSV) or repeated, in the order wanted. Default: every column that is not a target. Other columns are skipped, whatever they hold.",
            valueName: "names"))
    var featureLists: [String] = []

    @Flag(name: .customLong("no-intercept"), help: "Fit without an intercept.")
    var noIntercept = false

    var fitIntercept: Bool { !noIntercept }

    /// `--features a,b --features '"c, d"'` as `["a", "b", "c, d"]`: each
    /// value read as one CSV record, or nil when not given.
    var features: [String]? {
        featureLists.isEmpty ? nil : featureLists.flatMap(Self.csvRecord)
    }

    /// The cells of one CSV record: commas split, double quotes group (`""` is a quote), blanks
    /// around a cell are dropped.
    static func csvRecord(_ text: String) -> [String] {
        var cells: [String] = [], cell = "", quoted = false, wasQuoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { cell.append(characters.removeFirst()) } else { quoted = false }
                } else {
                    cell.append(character)
                }
            } else if character == "\"" {
                quoted = true
                wasQuoted = true
            } else if character == "," {
                cells.append(wasQuoted ? cell : cell.trimmingCharacters(in: .whitespaces))
                (cell, wasQuoted) = ("", false)
            } else if !(wasQuoted && character == " ") {
                cell.append(character)
            }
        }
        cells.append(wasQuoted ? cell : cell.trimmingCharacters(in: .whitespaces))
        return cells
    }

    func validate() throws {
        if let features, features.contains(where: \.isEmpty) { throw ValidationError("--features has an empty name") }
    }

    func load() throws -> Dataset {
        try Dataset.load(path: file, targets: targets, features: features)
    }
}

extension DataOptions {
    /// The data set and, with a weight column, its weights: the column is read with the
    /// features (it is never one of them) and taken out.
    func load(weights column: String?) throws -> (Dataset, [Double]?) {
        guard let column else { return (try load(), nil) }
        // Thrown after parsing: usage errors of the tool itself (exit status 2), not ValidationError.
        if targets.contains(column) {
            throw CLIError.badArgument("--weights \(column) is also a target")
        }
        if let features, features.contains(column) { throw CLIError.badArgument("--weights \(column) is also in --features") }
        let requested = features.map { $0 + [column] }
        let all = try Dataset.load(path: file, targets: targets, features: requested)
        // .npy columns are named x0, x1, … and may be given by index.
        let named: (String) -> Bool = { $0 == column || $0 == "x" + column }
        guard let index = all.featureNames.firstIndex(where: named) else {
            if all.targetNames.contains(where: named) {
                throw CLIError.badArgument("--weights \(column) is the target (the last column by default); name the target with --target")
            }
            throw CLIError.badArgument("--weights \(column): \(file) has no such column")
        }
        let kept = (0..<all.featureCount).filter { $0 != index }
        guard !kept.isEmpty else { throw CLIError.badArgument("--weights \(column) leaves no feature") }
        var x = [Double](), w = [Double](repeating: 0, count: all.rows)
        x.reserveCapacity(all.rows * kept.count)
        for i in 0..<all.rows {
            for from in kept { x.append(all.features[i, from]) }
            w[i] = all.features[i, index]
        }
        let dataset = try Dataset(
            features: Matrix(rows: all.rows, columns: kept.count, elements: x), targets: all.targets,
            featureNames: kept.map { all.featureNames[$0] }, targetNames: all.targetNames)
        return (dataset, w)
    }
}
