import Foundation
import MiniBatchGD

/// A sparse file given to `fit`, `solve` or `predict`: libsvm/svmlight text (each line's label
/// the target) or scipy's `.npz` (the features; the targets from a `.npy` given by `--targets`).
enum SparseInput {
    /// Whether `path` is a libsvm file: by its extension, or by its content when its name says
    /// nothing (``SparseFileFormat/of(path:)``).
    static func isLibSVM(_ path: String) -> Bool { SparseFileFormat.of(path: path) == .libsvm }

    /// Whether `path` is a scipy sparse `.npz`, by its extension or its content.
    static func isNPZ(_ path: String) -> Bool { SparseFileFormat.of(path: path) == .npz }

    /// Whether `path` holds sparse rows: a libsvm file or an `.npz`.
    static func isSparse(_ path: String) -> Bool { isLibSVM(path) || isNPZ(path) }

    /// "a libsvm file" or "an .npz file", for messages.
    static func kind(_ path: String) -> String { isNPZ(path) ? "an .npz file" : "a libsvm file" }

    /// Refuses `--targets` for a file that is not an `.npz` (its targets are its own columns or labels).
    static func checkTargetsFile(_ targets: String?, file: String) throws {
        guard targets != nil, !isNPZ(file) else { return }
        let why =
            isLibSVM(file)
            ? "each line's label is its target" : "its target is one of its columns: name it with --target"
        throw CLIError.badArgument("--targets names the targets' .npy of an .npz file; \(file) is not one (\(why)): drop --targets")
    }

    /// Refuses the options that choose columns of a CSV or `.npy`: a sparse file has none to
    /// choose; an `.npz` needs `--targets`, a libsvm file takes none.
    /// `acrossRanks`: whether the command runs sparse rows spread over `mbgd-mpi`'s ranks (the
    /// plain `solve`, by LSQR; `fit`'s descent); any other is refused under `mbgd-mpi`.
    static func check(_ options: DataOptions, weights: String?, acrossRanks: Bool = false) throws {
        let kind = kind(options.file)
        func refuse(_ option: String, _ why: String) -> CLIError {
            .badArgument("\(options.file) is \(kind): \(why); drop \(option)")
        }
        if Cluster.communicator != nil, !acrossRanks {
            throw CLIError.badArgument(
                "\(options.file) is \(kind): mbgd-mpi spreads sparse rows over its ranks for the exact least-squares solve (mbgd-mpi solve FILE, with --l2 at most) and gradient descent (mbgd-mpi fit FILE); paths, lasso, cross-validation and other losses on sparse rows run in one process, with mbgd"
            )
        }
        let npz = isNPZ(options.file)
        if !options.targets.isEmpty {
            throw refuse("--target", npz ? "its targets come from --targets y.npy" : "each line's label is the target")
        }
        if options.features != nil {
            throw refuse("--features", npz ? "every column of the matrix is a feature" : "every indexed column is a feature")
        }
        if weights != nil { throw refuse("--weights", "it carries no weight column") }
        if npz, options.targetsFile == nil {
            throw CLIError.badArgument(
                "\(options.file) is an .npz file: it holds the features only; give the targets' .npy with --targets (numpy.save(\"y.npy\", y))"
            )
        }
        if npz, options.zeroBased { throw refuse("--zero-based", "its column indices are scipy's, 0-based") }
    }

    /// The rows, as `--precision` asks (float64 unless float32 is given).
    static func load<Element: BLASScalar>(_ options: DataOptions, as element: Element.Type) throws -> SparseDataset<Element> {
        if isNPZ(options.file), let targets = options.targetsFile {
            return try SparseDataset<Element>.load(npz: options.file, targets: targets, featureCount: options.featureCount)
        }
        return try SparseDataset<Element>.load(libsvm: options.file, zeroBased: options.zeroBased, featureCount: options.featureCount)
    }

    /// The rows of a sparse run: an encoded CSV's (`--hash-features`, or many one-hot columns),
    /// converted to `Element`, or the file's, loaded under a status line.
    static func rows<Element: BLASScalar>(
        _ options: DataOptions, encoded: SparseDataset<Double>?, status: Status, as element: Element.Type
    ) throws -> SparseDataset<Element> {
        try encoded.map { try EncodedInput.converted($0, to: Element.self) }
            ?? status.during(Status.loading(options.file)) { try load(options, as: Element.self) }
    }

    /// What the rows are, for a refusal: "is a libsvm file", or how a CSV became sparse.
    static func described(_ file: String, encoded: Bool) -> String {
        encoded
            ? "is encoded as sparse rows (--hash-features, or more one-hot columns than a dense design takes)"
            : "is \(kind(file))"
    }

    /// "200000 rows × 47236 features, 10600000 nonzeros (0.11 % dense)", and ", read in place"
    /// when an uncompressed `.npz` is mapped rather than copied.
    static func shape<Element>(_ data: SparseDataset<Element>) -> String {
        "\(data.rows) rows × \(Format.count(data.featureCount, "feature")), \(data.nonzeros) nonzeros (\(Format.number(100 * data.density, digits: 3)) % dense)"
            + (data.isMapped ? ", read in place" : "")
    }

    /// The `"sparse"` object: the rows' shape, and whether they are read in place (mapped).
    static func json<Element>(_ data: SparseDataset<Element>) -> JSON {
        .object([("nonzeros", .integer(data.nonzeros)), ("density", .number(data.density)), ("mapped", .bool(data.isMapped))])
    }

    /// The `"lsqr"` object: how the reference was reached, and how close it is.
    static func json(_ solution: LSQR.Solution) -> JSON {
        let reports = solution.targets, single = reports.count == 1
        func perTarget(_ value: (LSQR.TargetReport) -> JSON) -> JSON { single ? value(reports[0]) : .array(reports.map(value)) }
        return .object([
            ("iterations", perTarget { .integer($0.iterations) }),
            ("stop", perTarget { .string($0.stop.rawValue) }),
            ("gradientNorm", perTarget { .number($0.gradientNorm) }),
            ("relativeGradient", perTarget { .number($0.relativeGradient) }),
            ("parameterErrorBound", perTarget { $0.parameterErrorBound.map(JSON.number) ?? .null }),
            ("conditionEstimate", perTarget { .number($0.conditionEstimate) }),
        ])
    }

    /// One line: LSQR's iterations, why it stopped, and how close its answer is.
    static func line(_ solution: LSQR.Solution) -> String {
        solution.targets.enumerated().map { o, report in
            let stop =
                switch report.stop {
                case .leastSquares: "at the least-squares optimum"
                case .consistent: "with the rows fitted exactly"
                case .zeroData: "at once: the gradient at zero is zero, so zero is the answer"
                case .iterationLimit: "at its iteration limit, not converged"
                }
            let target = solution.targets.count > 1 ? " (\(solution.targetNames[o]))" : ""
            return
                "LSQR\(target): \(report.iterations) iterations, stopped \(stop); gradient \(Format.number(report.relativeGradient, digits: 2)) of ‖A‖·‖r‖"
                + (report.parameterErrorBound.map { ", coefficients within \(Format.number($0, digits: 2)) (certified by the ridge)" }
                    ?? ", condition estimate \(Format.number(report.conditionEstimate, digits: 3))")
        }.joined(separator: "\n")
    }
}
