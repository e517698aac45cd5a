import ArgumentParser
import Foundation
import MiniBatchGD

/// The data file and how to read it, shared by `fit` and `solve`: the file, its target and
/// feature columns, the intercept and the rows' element type (the target, intercept and
/// precision options are groups that `bench` and `sweep` share too).
struct DataOptions: ParsableArguments {
    @Argument(
        help:
            "A CSV file with a header row, a NumPy .npy 2-D float array, a libsvm/svmlight file (.svm, .libsvm, .svmlight: sparse rows, each line's label the target), or scipy's sparse .npz (CSR, from scipy.sparse.save_npz; its targets from --targets)."
    )
    var file: String

    @Option(
        name: .customLong("targets"),
        help: ArgumentHelp(
            "The targets of an .npz file: a .npy of one number per row (shape (n,)) or n rows of targets (shape (n, k)).",
            valueName: "y.npy"))
    var targetsFile: String?

    @OptionGroup var targetColumns: TargetOptions

    @Option(
        name: .customLong("features"),
        help: ArgumentHelp(
            "Feature columns, comma-separated (double-quote a name that holds a comma, as in CSV) or repeated, in the order wanted. Default: every column that is not a target. Other columns are skipped, whatever they hold.",
            valueName: "names"))
    var featureLists: [String] = []

    @OptionGroup var encoding: EncodingOptions
    @OptionGroup var intercept: InterceptOptions
    @OptionGroup var elementType: PrecisionOptions

    @Flag(
        name: .customLong("zero-based"),
        help: "A libsvm file's feature indices start at 0 (default: at 1, as scikit-learn's load_svmlight_file reads them).")
    var zeroBased = false

    @Option(
        name: .customLong("n-features"),
        help: ArgumentHelp(
            "The width p of sparse rows (scikit-learn's n_features): every libsvm index at most p (p − 1 with --zero-based). Needed for a libsvm stream (its width is not known before its end); for a file, p defaults to its largest index.",
            valueName: "p"))
    var featureCount: Int?

    var targets: [String] { targetColumns.targets }

    var fitIntercept: Bool { intercept.fitIntercept }

    /// `--features a,b --features '"c, d"'` as `["a", "b", "c, d"]`, or nil when not given.
    var features: [String]? { Self.columnNames(featureLists) }

    /// Column names as `--features` and `convert --columns` take them: each value read as one
    /// CSV record, the records' cells in order; nil when none was given.
    static func columnNames(_ values: [String]) -> [String]? {
        values.isEmpty ? nil : values.flatMap(csvRecord)
    }

    /// Refuses an empty name in `names`, which `option` gave (`a,,b`, a trailing comma).
    static func validateColumnNames(_ names: [String]?, option: String) throws {
        if let names, names.contains(where: \.isEmpty) { throw ValidationError("\(option) has an empty name") }
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
        try Self.validateColumnNames(features, option: "--features")
        try SparseInput.checkTargetsFile(targetsFile, file: file)
        try encoding.validate(for: file)
        if let featureCount {
            guard featureCount >= 1 else { throw ValidationError("--n-features must be at least 1, got \(featureCount)") }
            if !isStream, !SparseInput.isSparse(file) {
                throw ValidationError(
                    "--n-features is the width of sparse rows (libsvm, .npz); \(file) is dense, its width its columns: drop --n-features")
            }
        }
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
    func resolvedPrecision() throws -> Precision { try elementType.resolved(for: file) }
}

/// `--target`, shared by `fit` and `solve` (through ``DataOptions``), `bench` and `sweep`.
struct TargetOptions: ParsableArguments {
    @Option(
        name: .customLong("target"),
        help: ArgumentHelp(
            "Target column: a name for CSV, a 0-based index for .npy. Repeat for several targets. Default: the last column.",
            valueName: "name"))
    var targets: [String] = []
}

/// `--file` instead of synthetic rows, and its targets: shared by `bench` and `sweep`.
struct SourceOptions: ParsableArguments {
    @Option(help: "Read the rows from this file (CSV, .npy, or libsvm for the sparse descent) instead of synthetic data.")
    var file: String?
    @OptionGroup var targetColumns: TargetOptions

    var targets: [String] { targetColumns.targets }
}

/// `--weights`, shared by `fit`, `solve` and `sweep`.
struct WeightOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Weight column (CSV name or .npy index): weighted least squares, each row's squared residual counted w times; rows of weight 0 are left out.",
            valueName: "column"))
    var weights: String?
}

/// `--no-intercept`, shared by `fit` and `solve` (through ``DataOptions``) and `sweep`.
struct InterceptOptions: ParsableArguments {
    @Flag(name: .customLong("no-intercept"), help: "Fit without an intercept.")
    var noIntercept = false

    var fitIntercept: Bool { !noIntercept }
}

/// `--precision`, shared by `fit` and `solve` (through ``DataOptions``) and `bench`.
struct PrecisionOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The rows' element type: float32 (half the bytes; the arithmetic stays float64), float64, or auto: a .npy file's own dtype, float64 for anything else.",
            valueName: PrecisionChoice.allValueStrings.joined(separator: "|")))
    var precision: PrecisionChoice = .auto

    /// The element type the rows of `file` (nil: synthetic rows) are read as: the one given, or
    /// for `auto` a `.npy` file's dtype (float64 for anything else).
    func resolved(for file: String?) throws -> Precision {
        switch precision {
        case let .given(precision): return precision
        case .auto:
            guard let file, try DataFileFormat.of(path: file) == .npy else { return .float64 }
            return try NPYReader.precision(path: file)
        }
    }
}

/// `--precision`: one of the library's element types, or `auto`, the file's own.
enum PrecisionChoice: Hashable, CaseIterable, RawRepresentable, ExpressibleByArgument {
    case auto
    case given(Precision)

    static var allCases: [PrecisionChoice] { [.auto] + Precision.allCases.map(PrecisionChoice.given) }

    init?(rawValue: String) {
        if rawValue == "auto" {
            self = .auto
        } else if let precision = Precision(rawValue: rawValue) {
            self = .given(precision)
        } else {
            return nil
        }
    }

    var rawValue: String {
        switch self {
        case .auto: "auto"
        case let .given(precision): precision.rawValue
        }
    }
}

extension DataOptions {
    /// `-`, or a path that can be read only once (a FIFO, a character device such as
    /// /dev/stdin on a pipe, a socket) holding CSV: read as a stream, in one pass.
    var isStream: Bool {
        if file == "-" { return true }
        guard !SparseInput.isSparse(file), !file.lowercased().hasSuffix(".npy") else { return false }
        var status = stat()
        guard stat(file, &status) == 0 else { return false }
        let type = status.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFCHR || type == S_IFSOCK
    }

    /// The stream's name in messages and reports.
    var streamName: String { file == "-" ? "standard input" : file }

    /// The stream's descriptor: standard input for `-`, else the path opened (closed by the caller).
    func openStream() throws -> Int32 {
        guard file != "-" else { return STDIN_FILENO }
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError.unreadable(path: file, reason: String(cString: strerror(errno))) }
        return descriptor
    }

    /// The data options a stream cannot take, as (given, option, why) for the command's message.
    var streamConflicts: [(Bool, String, String)] {
        [
            (!encoding.categoricalLists.isEmpty, "--categorical", "the levels are numbered over the whole file before the design is built"),
            (encoding.hashBits != nil, "--hash-features", "hashed features make sparse rows, which a stream's reader does not make"),
            ((try? resolvedPrecision()) == .float32, "--precision float32", "a stream is parsed and computed on as float64"),
        ]
    }
}
