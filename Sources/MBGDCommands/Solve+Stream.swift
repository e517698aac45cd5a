import ArgumentParser
import Foundation
import MiniBatchGD

#if canImport(Glibc)
    import Glibc
#endif

extension Solve {
    /// `-`, or a path that can be read only once (a FIFO, a character device such as
    /// /dev/stdin on a pipe, a socket) holding CSV: read as a stream, in one pass.
    var isStream: Bool { data.isStream }

    /// The stream's name in messages and the report.
    var streamName: String { data.streamName }

    /// What the window holds, for --help and the report.
    static let streamWindow = "1 MiB of parsed values"

    /// Options that need the rows more than once, or whole, are refused beside a stream, each with its reason.
    func validateStream() throws {
        guard isStream else { return }
        let file = data.file == "-" ? "-" : data.file
        let save = "save the stream to a file first (mbgd convert - data.npy, or cat > data.csv) and solve that"
        let conflicts: [(Bool, String, String)] =
            [
                (
                    method == .svd || method == .cholesky, "--method \(method.rawValue)",
                    "a stream is solved by tall-skinny QR as it is read (qr, or auto)"
                ),
                (l2 != 0, "--l2", "a ridge's statistics (n − tr H, its sandwich) are not accumulated in one pass; \(save)"),
                (l1Argument != nil, "--l1", "coordinate descent passes over the rows many times; \(save)"),
                (l1Ratio != nil, "--l1-ratio", "it belongs to --l1, which passes over the rows many times"),
                (penalize != nil, "--penalize", "it belongs to --l1 or --ridge, which need the rows again"),
                (ridge != nil, "--ridge", "choosing α needs the whole design (an eigendecomposition or folds); \(save)"),
                (alphas != nil, "--alphas", "it belongs to --ridge or --l1 cv, which need the whole design"),
                (folds != nil, "--folds", "it belongs to --l1 cv, which needs the whole design"),
                (foldColumn != nil, "--fold-column", "it belongs to --l1 cv, which needs the whole design"),
                (seed != nil, "--seed", "it belongs to --l1 cv, which needs the whole design"),
                (
                    lossOptions.isHuber || lossOptions.delta != nil, "--loss huber",
                    "Huber's fit passes over the rows until it converges; \(save)"
                ),
                (
                    lossOptions.isQuantile, "--loss quantile",
                    "the linear program's interior point passes over the rows at every step; \(save)"
                ),
                (
                    lossOptions.hasTube || tube.epsilon != nil, "--loss \(lossOptions.loss.rawValue)",
                    "its exact solver passes over the rows at every step; \(save)"
                ),
                (
                    covariance != .nonrobust, "--covariance \(covariance.rawValue)",
                    "the HC covariances need each row's leverage and residual once β is known, a second pass; \(save)"
                ),
                (plotOptions.plot != nil, "--plot", "the plots draw the rows and residuals, which a stream does not keep"),
            ] + data.streamConflicts
        for (given, option, why) in conflicts where given {
            throw ValidationError("solve \(file) reads the stream once: \(why); drop \(option)")
        }
    }

    /// `mbgd solve -`: the CSV, `.npy` or libsvm rows (dense in their `--n-features` columns) on standard input (or a FIFO) read once, a window of rows at a
    /// time, into the one-pass fit (R's biglm): the coefficients and every statistic that needs
    /// no second pass, in the file's report.
    func runStream() throws {
        if Cluster.communicator != nil {
            throw CLIError.badArgument("solve \(data.file): a stream is read by one process; run it with mbgd solve, not mbgd-mpi")
        }
        let name = streamName
        let descriptor = try data.openStream()
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        let status = Status(quiet: json)
        let head = try StreamHead(descriptor: descriptor, name: name)
        var reader: any RowWindows
        if head.format == .libsvm {
            let rows = try data.libsvmStreamReader(head, descriptor: descriptor, command: "solve", weights: weights)
            do {
                try LeastSquares.OnePassFit.requireMemory(features: rows.featureCount, outputs: 1)
            } catch let error as MatrixError {
                throw CLIError.badInput(
                    "solve \(data.file): \(error.description); a stream is solved by the one-pass QR, dense in its p = \(rows.featureCount) features: save the stream to a file (cat > rows.svm) and `mbgd solve rows.svm`, which solves the sparse rows by LSQR (no p×p matrix)"
                )
            }
            reader = LIBSVMDenseWindows(rows)
        } else {
            try data.checkDenseStream(head)
            reader = try data.streamErrors(weights: weights) {
                try rowWindows(head, descriptor: descriptor, name: name, targets: data.targets, features: data.features, weights: weights)
            }
        }
        let p = reader.featureNames.count, k = reader.targetNames.count
        var fit = LeastSquares.OnePassFit(featureCount: p, outputCount: k, fitIntercept: data.fitIntercept)
        // OpenBLAS on one thread: its block products would otherwise split by the thread count,
        // and the window's blocks are too small to gain from more (the same bits for any --threads).
        let rows = try status.during("reading \(name) once, \(reader.windowRows) rows at a time") {
            try BLASThreads.singleThreaded {
                try data.streamErrors(weights: weights) {
                    try data.libsvmStreamErrors {
                        try reader.forEachWindow { try fit.add(count: $0, features: $1, targets: $2, weights: $3) }
                    }
                }
            }
        }
        data.noteUnendedLastLine(reader.lastLineUnended, line: reader.linesRead)
        if let weights, fit.observations == 0 {
            throw CLIError.badInput("--weights \(weights): every weight in \(name) is 0, which leaves no row to fit")
        }
        let solution: LeastSquares.Solution
        do {
            solution = try status.during("solving \(rows) rows × \(Format.count(p, "feature")) from the accumulated factor") {
                try BLASThreads.singleThreaded {
                    try fit.solution(featureNames: reader.featureNames, targetNames: reader.targetNames, confidenceLevel: confidence)
                }
            }
        } catch LinearAlgebraError.rankDeficient {
            // The file's advice (--method svd) is refused beside a stream: say what is left.
            let unknowns = p + (data.fitIntercept ? 1 : 0)
            throw CLIError.badInput(
                "\(name): the \(Format.count(fit.observations, "row")) do not determine the \(unknowns) coefficients (too few rows, or dependent columns); "
                    + "a stream is solved by QR alone: save it to a file (cat > data.csv) for --method svd's minimum-norm solution")
        }
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        model.adopt(solution, featureNames: reader.featureNames, targetNames: reader.targetNames, precision: .float64)
        var outputs = Outputs()
        if let saveModel { outputs.add(try ModelFile(model).encoded(), to: saveModel) }
        try outputs.commit()
        let shape = StreamShape(
            rows: rows, featureCount: p, outputCount: k, featureNames: reader.featureNames, targetNames: reader.targetNames)
        if json {
            print(
                jsonReport(
                    shape, solution, nil, nil, float64Difference: nil,
                    stream: [
                        ("input", .string("stream")), ("windowRows", .integer(reader.windowRows)),
                        ("absent", .strings(["errorBounds", "interceptErrorBound", "metrics"])),
                    ]
                ).text)
        } else {
            print(
                humanReport(
                    shape, solution, nil, roundedToFloat32: false, float64Difference: nil, source: name,
                    notes: [
                        "Read once as a stream: \(rows) rows in windows of \(reader.windowRows) rows (\(Self.streamWindow)), accumulated by tall-skinny QR",
                        "Absent (each needs a second pass over the rows): refinement's error bounds, the train metrics",
                    ], notRefined: "refinement needs a second pass over the rows"))
        }
    }
}

extension DataOptions {
    /// The reader's errors said as "standard input, line N: …".
    func streamErrors<Result>(weights: String?, _ body: () throws -> Result) throws -> Result {
        let name = streamName
        do {
            return try body()
        } catch let error as FileError {
            switch error {
            case .empty:
                throw CLIError.badInput("\(name), line 1: the stream is empty; a header line of column names must come first")
            case .headerOnly:
                throw CLIError.badInput("\(name), line 2: the stream ends after its header, with no rows to fit")
            case let .notANumber(_, line, column, text):
                throw CLIError.badInput(
                    "\(name), line \(line), column \(column): \(text.isEmpty ? "empty cell" : "'\(text)' is not a number"); if that column holds text, leave it out (--features names the columns to use)"
                )
            case let .nonFinite(_, line, column, text):
                throw CLIError.badInput(
                    "\(name), line \(line), column \(column): '\(text)' is not a finite number (NaN, infinity or out of range)")
            case let .raggedRow(_, line, expected, actual):
                throw CLIError.badInput("\(name), line \(line): the row has \(actual) cells but the header has \(expected)")
            case let .badHeader(_, reason):
                throw CLIError.badInput("\(name), line 1: bad header: \(reason)")
            case let .badQuotes(_, line, column):
                throw CLIError.badInput("\(name), line \(line), column \(column): a quote does not close on its line")
            default:
                throw error
            }
        } catch let error as CSVWindowReader.NegativeWeight {
            throw CLIError.badInput(
                "\(name), line \(error.line): the weight \(Format.number(error.value)) (--weights \(weights ?? "")) must be zero or positive"
            )
        }
    }
}

/// The shape of the rows a solve saw, as its report names them.
protocol SolvedRows {
    var rows: Int { get }
    var featureCount: Int { get }
    var outputCount: Int { get }
    var featureNames: [String] { get }
    var targetNames: [String] { get }
}

extension CommandData: SolvedRows {}

/// A stream's rows: counted as they went by, never kept.
struct StreamShape: SolvedRows {
    let rows: Int
    let featureCount: Int
    let outputCount: Int
    let featureNames: [String]
    let targetNames: [String]
}
