import Foundation
import MiniBatchGD

/// A libsvm/svmlight file given to `fit` or `solve`: sparse rows, each line's label the target.
enum SparseInput {
    /// The extensions read as libsvm text.
    static let extensions: Set<String> = ["svm", "libsvm", "svmlight"]

    /// Whether `path` names a libsvm file (by its extension).
    static func isLibSVM(_ path: String) -> Bool { extensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased()) }

    /// Refuses the options that choose columns of a CSV or `.npy`: a libsvm file has none to choose.
    static func check(_ options: DataOptions, weights: String?) throws {
        func refuse(_ option: String, _ why: String) -> CLIError {
            .badArgument("\(options.file) is a libsvm file: \(why); drop \(option)")
        }
        if Cluster.communicator != nil {
            throw CLIError.badArgument(
                "\(options.file) is a libsvm file: mbgd-mpi spreads the rows of a .npy file over its ranks; run sparse rows in one process, with mbgd"
            )
        }
        if !options.targets.isEmpty { throw refuse("--target", "each line's label is the target") }
        if options.features != nil { throw refuse("--features", "every indexed column is a feature") }
        if weights != nil { throw refuse("--weights", "it carries no weight column") }
    }

    /// The rows, as `--precision` asks (float64 unless float32 is given).
    static func load<Element: BLASScalar>(_ options: DataOptions, as element: Element.Type) throws -> SparseDataset<Element> {
        try SparseDataset<Element>.load(libsvm: options.file, zeroBased: options.zeroBased)
    }

    /// "200000 rows × 47236 features, 10600000 nonzeros (0.11 % dense)".
    static func shape<Element>(_ data: SparseDataset<Element>) -> String {
        "\(data.rows) rows × \(Format.count(data.featureCount, "feature")), \(data.nonzeros) nonzeros (\(Format.number(100 * data.density, digits: 3)) % dense)"
    }

    /// The parameters' table for target `o`: the intercept, then the `limit` features largest in
    /// magnitude in the first column's parameters (all of them when there are no more), in
    /// feature order; says how many were left out.
    static func table(
        featureNames: [String], target o: Int, fitIntercept: Bool, columns: [(String, Parameters)], limit: Int = 20
    ) -> String {
        let first = columns[0].1, p = featureNames.count
        let byMagnitude = (0..<p).sorted { abs(first.coefficients[$0, o]) > abs(first.coefficients[$1, o]) }
        let kept = p <= limit ? Array(0..<p) : Array(byMagnitude.prefix(limit)).sorted()
        var table = Table([""] + columns.map(\.0))
        if fitIntercept { table.add(["intercept"] + columns.map { Format.number($0.1.intercept[o]) }) }
        for j in kept { table.add([featureNames[j]] + columns.map { Format.number($0.1.coefficients[j, o]) }) }
        let rest = p - kept.count
        return table.render() + (rest > 0 ? "\n  … \(rest) more, the smallest in magnitude (--json has them all)" : "")
    }

    /// The `"sparse"` object: the rows' shape.
    static func json<Element>(_ data: SparseDataset<Element>) -> JSON {
        .object([("nonzeros", .integer(data.nonzeros)), ("density", .number(data.density))])
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
