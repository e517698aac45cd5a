import Foundation
import MiniBatchGD

extension Solve {
    /// `mbgd solve FILE.svm --loss huber|squared-epsilon-insensitive|quantile|epsilon-insensitive`:
    /// the exact solve on the sparse rows themselves (each step's system formed from the rows'
    /// products up to 4096 columns, conjugate gradients beyond): Newton's method, the gradient at
    /// its floor its certificate, or for the two linear programs the interior point, its duality
    /// gap.
    func runSparseExactLoss() throws {
        try checkExactLossOptions(lossOptions.loss.rawValue, solvedBy: solver)
        try SparseInput.check(data, weights: weights)
        switch try data.resolvedPrecision() {
        case .float32: try runSparseExactLoss(as: Float.self)
        case .float64: try runSparseExactLoss(as: Double.self)
        }
    }

    /// How the loss is solved, for the messages.
    private var solver: String {
        lossOptions.isHuber || lossOptions.loss == .squaredEpsilonInsensitive
            ? "by Newton's method" : "as a linear program by interior point"
    }

    /// The solve on the rows' values stored as `Element` (`--precision`; the solvers' sums in Double).
    private func runSparseExactLoss<Element: BLASScalar>(as element: Element.Type) throws {
        let status = Status(quiet: json)
        let rows = try status.during(Status.loading(data.file)) { try SparseInput.load(data, as: Element.self) }
        var model = LinearRegression(fitIntercept: data.fitIntercept)
        let answer: SparseExactAnswer, lossObject: JSON, description: String
        let solving = "solving \(rows.rows) sparse rows × \(Format.count(rows.featureCount, "feature")) \(solver)"
        if lossOptions.isHuber {
            let delta =
                try lossOptions.delta
                ?? status.during("choosing δ from LSQR's residuals") {
                    try SparseLossReference.defaultDelta(rows, fitIntercept: data.fitIntercept)
                }
            answer = .huber(try status.during(solving) { try model.fit(rows, huber: delta) })
            lossObject = .object([("name", .string("huber")), ("delta", .number(delta))])
            description =
                "Huber regression: squares within δ = \(Format.number(delta)) of the fit, absolute values beyond"
                + (lossOptions.delta == nil ? " (δ = 1.35 × the least-squares residuals' robust scale)" : "")
        } else if lossOptions.isQuantile {
            SparseLossReference.noteConjugateGradients(lossOptions, rows: rows, quiet: json)
            let tau = lossOptions.resolvedQuantile
            answer = .quantile(try status.during(solving) { try model.fit(rows, quantile: tau) })
            lossObject = .object([("name", .string("quantile")), ("quantile", .number(tau))])
            description =
                "Quantile regression at τ = \(Format.number(tau))\(tau == 0.5 ? " (the median: least absolute deviations)" : ""): "
                + "τ·r for residuals above the fit, (1 − τ)·|r| below"
        } else if lossOptions.loss == .epsilonInsensitive {
            SparseLossReference.noteConjugateGradients(lossOptions, rows: rows, quiet: json)
            let epsilon = lossOptions.resolvedEpsilon(tube.epsilon)
            answer = .epsilonInsensitive(try status.during(solving) { try model.fit(rows, epsilonInsensitive: epsilon) })
            lossObject = .object([("name", .string("epsilon-insensitive")), ("epsilon", .number(epsilon))])
            description =
                "Epsilon-insensitive regression: max(0, |r| − ε) with ε = \(Format.number(epsilon))"
                + (tube.epsilon == nil ? " (the default, scikit-learn's)" : "")
        } else {
            let epsilon = lossOptions.resolvedEpsilon(tube.epsilon)
            answer = .tube(try status.during(solving) { try model.fit(rows, squaredEpsilonInsensitive: epsilon) })
            lossObject = .object([("name", .string(lossOptions.loss.rawValue)), ("epsilon", .number(epsilon))])
            description =
                "Squared epsilon-insensitive regression: max(0, |r| − ε)²/2 with ε = \(Format.number(epsilon))"
                + (tube.epsilon == nil ? " (the default, scikit-learn's)" : "")
        }
        let (converged, objectives): (Bool, [Double]) =
            switch answer {
            case let .huber(solution): (solution.targets.allSatisfy(\.converged), solution.targets.map(\.objective))
            case let .tube(solution): (solution.targets.allSatisfy(\.converged), solution.targets.map(\.objective))
            case let .quantile(solution): (solution.targets.allSatisfy(\.converged), solution.targets.map(\.objective))
            case let .epsilonInsensitive(solution): (solution.targets.allSatisfy(\.converged), solution.targets.map(\.objective))
            }
        var lines = [description + "; solved exactly \(solver) on the sparse rows"]
        lines += answer.lines(targetNames: rows.targetNames, rows: rows.rows).map {
            $0.replacingOccurrences(of: "Exact answer", with: "Solved")
        }
        // Newton's objective is the mean loss, the linear programs' the sum.
        let objectiveName = solver == "by Newton's method" ? "mean loss" : "summed loss"
        lines += ["", "\(objectiveName) at the answer: " + objectives.map { Format.number($0, digits: 10) }.joined(separator: ", ")]
        try reportExactLoss(
            model, parameters: answer.parameters, featureNames: rows.featureNames, targetNames: rows.targetNames,
            metrics: model.evaluate(rows),
            dataLine:
                "Data: \(data.file), \(SparseInput.shape(rows)); target\(rows.outputCount > 1 ? "s" : ""): \(rows.targetNames.joined(separator: ", "))",
            dataFields: [("sparse", SparseInput.json(rows))],
            fields: [
                ("loss", lossObject), ("converged", .bool(converged)),
                ("objective", objectives.count == 1 ? .number(objectives[0]) : .numbers(objectives)),
            ] + answer.fields, lines: lines)
    }
}
