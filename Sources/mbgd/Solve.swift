import ArgumentParser
import Foundation
import MiniBatchGD

struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The closed-form least-squares fit alone, with standard errors, t values, R² and the method used.",
        discussion: """
            Examples:
              mbgd solve data.csv --target y
              mbgd solve data.csv --method svd --json
              mbgd solve data.csv --l2 10
            """)

    @OptionGroup var data: DataOptions
    @Option(help: "auto (Cholesky when well conditioned, else QR, else SVD), cholesky, qr or svd.")
    var method: LeastSquares.Method = .auto
    @Option(
        name: .customLong("l2"), parsing: .unconditional,
        help: "Ridge penalty λ on ‖coefficients‖² (original units; never on the intercept).")
    var l2 = 0.0
    @Flag(help: "Print one JSON object on stdout and nothing else.") var json = false

    func run() throws {
        let dataset = try data.load()
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        let solution = try model.fit(dataset, method: method, ridge: l2)
        let metrics = try model.evaluate(dataset)
        print(json ? jsonReport(dataset, solution, metrics).text : humanReport(dataset, solution))
    }

    private func jsonReport(_ dataset: Dataset, _ solution: LeastSquares.Solution, _ metrics: RegressionMetrics) -> JSON {
        let s = solution.statistics
        let single = dataset.outputCount == 1
        func perTarget(_ values: [Double]?) -> JSON {
            guard let values else { return .null }
            return single ? .number(values[0]) : .numbers(values)
        }
        func perCoefficient(_ matrix: Matrix?) -> JSON {
            guard let matrix else { return .null }
            return single ? .numbers(matrix.column(0)) : .array((0..<matrix.columns).map { .numbers(matrix.column($0)) })
        }
        return .object(
            Reports.parameters(solution.parameters, fitIntercept: solution.fitIntercept) + [
                ("features", .strings(dataset.featureNames)),
                ("targets", .strings(dataset.targetNames)),
                ("metrics", .object([("train", Reports.metrics(metrics)), ("test", .null)])),
                ("method", .string(solution.method.rawValue)),
                ("fallbackReasons", .strings(solution.fallbackReasons)),
                ("rank", .integer(solution.rank)),
                ("conditionNumber", .number(solution.conditionNumber)),
                ("standardErrors", perCoefficient(s.standardErrors)),
                ("interceptStandardError", perTarget(s.interceptStandardErrors)),
                ("tValues", perCoefficient(s.tValues)),
                ("residualStandardDeviation", perTarget(s.residualStandardDeviation)),
                ("degreesOfFreedom", .integer(s.degreesOfFreedom)),
                ("r2", perTarget(s.rSquared)),
                ("adjustedR2", perTarget(s.adjustedRSquared)),
            ])
    }

    private func humanReport(_ dataset: Dataset, _ solution: LeastSquares.Solution) -> String {
        let s = solution.statistics
        var lines = [
            "Closed-form least squares on \(data.file): \(dataset.rows) rows, \(dataset.featureCount) features"
                + (l2 > 0 ? ", ridge λ = \(Format.number(l2))" : "")
        ]
        lines.append(
            "Method \(solution.method.rawValue)\(solution.requestedMethod == .auto ? " (chosen by auto)" : ""), rank \(solution.rank) of \(dataset.featureCount), "
                + "condition number \(Format.number(solution.conditionNumber, digits: 3)) (centred, equilibrated design)")
        for reason in solution.fallbackReasons { lines.append("  passed over: \(reason)") }
        for o in 0..<dataset.outputCount {
            lines.append("")
            if dataset.outputCount > 1 { lines.append("Target \(dataset.targetNames[o]):") }
            var table = Table(["", "estimate", "std. error", "t value"])
            if solution.fitIntercept {
                table.add([
                    "intercept", Format.number(solution.intercept[o]), Format.optional(s.interceptStandardErrors?[o]),
                    Format.optional(s.interceptTValues?[o]),
                ])
            }
            for j in 0..<dataset.featureCount {
                table.add([
                    dataset.featureNames[j], Format.number(solution.coefficients[j, o]),
                    Format.optional(s.standardErrors?[j, o]), Format.optional(s.tValues?[j, o]),
                ])
            }
            lines.append(table.render())
            lines.append(
                "Residual standard deviation \(Format.optional(s.residualStandardDeviation?[o])) on \(s.degreesOfFreedom) degrees of freedom"
            )
            lines.append("R² \(Format.number(s.rSquared[o], digits: 6)), adjusted R² \(Format.optional(s.adjustedRSquared?[o]))")
        }
        if s.standardErrors == nil {
            lines.append("(standard errors need full rank, residual degrees of freedom and no ridge penalty)")
        }
        let undefinedT = (s.tValues?.elements ?? []).contains(where: \.isNaN) || (s.interceptTValues ?? []).contains(where: \.isNaN)
        if undefinedT { lines.append("(a t value is n/a where its standard error is 0: the fit is exact)") }
        if s.rSquared.contains(where: \.isNaN) { lines.append("(R² is n/a for a constant target: there is no variance to explain)") }
        return lines.joined(separator: "\n")
    }
}

extension LeastSquares.Method: ExpressibleByArgument {}
