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

    @Option(
        help: ArgumentHelp(
            "The rows' element type: float32 (half the bytes; the arithmetic stays float64), float64, or auto: a .npy file's own dtype, float64 for CSV.",
            valueName: "auto|float32|float64"))
    var precision: PrecisionChoice = .auto

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
}

extension DataOptions {
    /// The data set, weighted by `column` when one is named (it is then neither a feature nor a target).
    func load<Element: BLASScalar>(weights column: String?, as element: Element.Type) throws -> Dataset<Element> {
        let data = try Dataset<Element>.load(path: file, targets: targets, features: features, weights: column)
        noteColumnsMadeConstant(data)
        return data
    }

    /// Rounding float64 values to float32 (`--precision float32`) can make a column constant
    /// (values that differ only beyond float32's 7 digits), which then reads as rank deficiency
    /// or a dropped column with no word of why: a note names each such column. Only columns
    /// constant as float32 are read again, as float64, to tell.
    private func noteColumnsMadeConstant<Element: BLASScalar>(_ data: Dataset<Element>) {
        // Read again only a regular file: a FIFO cannot be, and would block waiting for a writer.
        var status = stat()
        guard stat(file, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Element.precision == .float32,
            (try? DataFileFormat.of(path: file) == .npy && NPYReader.precision(path: file) == .float32) != true,
            data.rows > 1
        else { return }
        let p = data.featureCount, values = data.features.elements
        let constant = (0..<p).filter { j in (1..<data.rows).allSatisfy { values[$0 * p + j] == values[j] } }
        guard !constant.isEmpty, let original = try? Matrix<Double>.load(path: file, columns: constant.map { data.featureNames[$0] }) else {
            return
        }
        for (index, j) in constant.enumerated() where (1..<original.rows).contains(where: { original[$0, index] != original[0, index] }) {
            Terminal.writeError(
                Terminal.clean(
                    "mbgd: note: column '\(data.featureNames[j])' is constant once rounded to float32 (--precision float32): its values differ only beyond float32's 7 digits; --precision float64 keeps them apart\n"
                ))
        }
    }

    /// The element type the rows are read as: `--precision`, or for `auto` a `.npy` file's dtype
    /// (float64 for anything else).
    func resolvedPrecision() throws -> Precision {
        switch precision {
        case .float32: .float32
        case .float64: .float64
        case .auto: try DataFileFormat.of(path: file) == .npy ? try NPYReader.precision(path: file) : .float64
        }
    }
}

/// `--precision`: an element type, or the file's own.
enum PrecisionChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, float32, float64
}
