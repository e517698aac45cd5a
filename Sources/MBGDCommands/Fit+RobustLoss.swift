import ArgumentParser
import Foundation
import MiniBatchGD

extension Fit {
    /// The power of the inverse-scaling schedule a subgradient descent takes unless told: η₀/√t,
    /// the classic rate at which averaged subgradient iterates converge on a non-smooth cost.
    static let subgradientDecayPower = 0.5

    /// The relative objective gap under which a descent on a loss whose optimum need not be
    /// unique counts as converged (the parameters' distance is no measure there).
    static let objectiveConvergedGap = 1e-3

    /// The descent for a `--loss` other than squares, dense rows or sparse: no penalty (the exact
    /// optimum beside it has none), and for the losses with kinks the subgradient method's
    /// defaults, a decaying rate and averaged iterates, which make stochastic steps converge on a
    /// cost with kinks. `decayPower` is the default schedule's power when it was applied.
    func robustLossDescent() throws -> (GradientDescent, decayPower: Double?) {
        if l2Given || l1Given {
            throw CLIError.badArgument(
                "--loss \(lossOptions.loss.rawValue) is compared with its exact optimum, which has no penalty; drop \(l1Given ? "--l1" : "--l2")"
            )
        }
        var config = gradientDescent
        let subgradient = lossOptions.isSubgradient
        let decays = subgradient && schedule == ArgumentNames.defaults.schedule.kind
        let power = decayPower == LearningRateSchedule.defaultPower ? Self.subgradientDecayPower : decayPower
        if decays { config.schedule = .inverseScaling(power: power) }
        if subgradient, !noAverage { config.averaging = .fromStart }
        return (config, decays ? power : nil)
    }

    /// `mbgd fit FILE --loss quantile|epsilon-insensitive|squared-epsilon-insensitive`: the
    /// descent (by subgradients for the two with kinks) beside the exact optimum of the same
    /// problem on the same training rows, judged by the objective.
    func runRobustLoss(all: CommandData, train: CommandData, test: CommandData?, encoding: FeatureEncoding?) throws {
        let descent = try robustLossDescent(), power = descent.decayPower
        var config = descent.0
        let name = lossOptions.loss.rawValue
        let epsilon = lossOptions.resolvedEpsilon(optimizer.epsilon), tau = lossOptions.resolvedQuantile
        let source = train.source
        var exactLines: [String] = []
        /// The report, once the loss's own parts are known.
        func finish<Reference>(
            _ run: ExactReferenceRun<Reference>, reference: Parameters, fields: [(String, JSON)], loss lossObject: JSON,
            line lossLine: String
        ) {
            reportRobustLoss(
                run, all: all, train: train, test: test, config: config, reference: reference, fields: fields, loss: lossObject,
                lossLine: lossLine,
                exactLines: exactLines, schedule: power)
        }
        switch lossOptions.loss {
        case .epsilonInsensitive:
            config.loss = EpsilonInsensitiveLoss(epsilon: epsilon)
            let lossObject = JSON.object([("name", .string(name)), ("epsilon", .number(epsilon))])
            let lossLine = "  loss: epsilon-insensitive, max(0, |r| − ε) with ε = \(Format.number(epsilon)) (descended by subgradients)"
            let typed = try fitBesideExactReference(config, train: train, test: test, encoding: encoding) { model, _, config, progress in
                try model.fitAndCompareEpsilonInsensitive(source, using: config, progress: progress)
            }
            let reports = typed.comparison.reference.targets
            let fields: [(String, JSON)] = [
                ("method", .string("interior-point")), ("dualityGap", .number(reports.map(\.dualityGap).max() ?? 0)),
                ("edgeResiduals", .integer(reports.reduce(0) { $0 + $1.edgeResiduals })),
            ]
            for (o, report) in reports.enumerated() {
                exactLines.append(
                    "Exact answer\(reports.count > 1 ? " for \(all.targetNames[o])" : ""): a linear program by interior point, "
                        + "\(Format.count(report.iterations, "step")), duality gap \(Format.number(report.dualityGap, digits: 2)) (relative); "
                        + "\(report.edgeResiduals) of \(train.rows) residuals on the tube's edge")
            }
            finish(typed, reference: typed.comparison.reference.parameters, fields: fields, loss: lossObject, line: lossLine)
        case .squaredEpsilonInsensitive:
            config.loss = SquaredEpsilonInsensitiveLoss(epsilon: epsilon)
            let lossObject = JSON.object([("name", .string(name)), ("epsilon", .number(epsilon))])
            let lossLine = "  loss: squared epsilon-insensitive, max(0, |r| − ε)²/2 with ε = \(Format.number(epsilon))"
            let typed = try fitBesideExactReference(config, train: train, test: test, encoding: encoding) { model, _, config, progress in
                try model.fitAndCompareSquaredEpsilonInsensitive(source, using: config, progress: progress)
            }
            let reports = typed.comparison.reference.targets
            let fields: [(String, JSON)] = [
                ("method", .string("newton")), ("gradientNorm", .number(reports.map(\.gradientNorm).max() ?? 0)),
                ("insideTube", .integer(reports.reduce(0) { $0 + $1.insideTube })),
            ]
            for (o, report) in reports.enumerated() {
                exactLines.append(
                    "Exact answer\(reports.count > 1 ? " for \(all.targetNames[o])" : ""): "
                        + "\(Format.count(report.iterations, "Newton step")), gradient \(Format.number(report.gradientNorm, digits: 2)) at its floor; "
                        + "\(report.insideTube) of \(train.rows) residuals inside the tube")
            }
            finish(typed, reference: typed.comparison.reference.parameters, fields: fields, loss: lossObject, line: lossLine)
        default:
            config.loss = QuantileLoss(quantile: tau)
            let lossObject = JSON.object([("name", .string(name)), ("quantile", .number(tau))])
            let lossLine = "  loss: quantile (pinball) at τ = \(Format.number(tau)) (descended by subgradients)"
            let typed = try fitBesideExactReference(config, train: train, test: test, encoding: encoding) { model, _, config, progress in
                try model.fitAndCompareQuantile(source, using: config, progress: progress)
            }
            let reports = typed.comparison.reference.targets
            let fields: [(String, JSON)] = [
                ("method", .string("interior-point")), ("dualityGap", .number(reports.map(\.dualityGap).max() ?? 0)),
                ("zeroResiduals", .integer(reports.reduce(0) { $0 + $1.zeroResiduals })),
            ]
            for (o, report) in reports.enumerated() {
                exactLines.append(
                    "Exact answer\(reports.count > 1 ? " for \(all.targetNames[o])" : ""): a linear program by interior point, "
                        + "\(Format.count(report.iterations, "step")), duality gap \(Format.number(report.dualityGap, digits: 2)) (relative); "
                        + "\(report.zeroResiduals) of \(train.rows) residuals zero")
            }
            finish(typed, reference: typed.comparison.reference.parameters, fields: fields, loss: lossObject, line: lossLine)
        }
    }

    /// The verdict (by the objective) and the report of a descent beside a robust loss's exact
    /// optimum; `schedule` is the subgradient default's power when it was applied.
    private func reportRobustLoss<Reference>(
        _ run: ExactReferenceRun<Reference>, all: CommandData, train: CommandData, test: CommandData?, config: GradientDescent,
        reference referenceParameters: Parameters,
        fields referenceFields: [(String, JSON)], loss lossObject: JSON, lossLine: String, exactLines: [String], schedule: Double?
    ) {
        let subgradient = lossOptions.isSubgradient
        let comparison = run.comparison, model = run.model
        let gap = comparison.costRelativeDifference, epochs = Format.count(comparison.run.history.epochsRun, "epoch")
        let method = subgradient ? "subgradient descent" : "gradient descent"
        let verdict =
            gap <= Self.objectiveConvergedGap
            ? "converged: the \(method)'s objective is \(Format.number(gap, digits: 2)) above the exact optimum after \(epochs)"
            : "not converged: the \(method)'s objective is \(Format.number(gap, digits: 2)) above the exact optimum after \(epochs) (converged means within \(Format.number(Self.objectiveConvergedGap))); give it more epochs"
                + (subgradient ? "" : ", or --batch-size full --optimizer nesterov")
        if json {
            print(
                Self.report(
                    model: model, weights: weights, run: comparison.run, train: run.trainMetrics, test: run.testMetrics,
                    reference: (referenceParameters, referenceFields),
                    gaps: (comparison.parameterRelativeDifference, gap), verdict: verdict,
                    extra: [("loss", lossObject), ("subgradient", .bool(subgradient))]
                ).text)
            return
        }
        var lines = [dataLine(all: all, train: train, test: test)]
        lines += Self.descentLines(
            comparison.run, title: subgradient ? "Subgradient descent" : "Gradient descent",
            scaling: config.standardize ? ", standardized" : "")
        lines.append(lossLine)
        if subgradient {
            lines.append(
                "  subgradient method: no curvature to size steps or certify a stop by; "
                    + (schedule.map { "η₀/t^\(Format.number($0)) per epoch" } ?? "the schedule given")
                    + (config.averaging == .fromStart ? ", iterates averaged from the start" : ", no averaging"))
        }
        lines.append("")
        lines += Self.coefficientLines(model, exact: referenceParameters, label: "exact")
        lines += exactLines
        lines.append(
            Self.gapLine(comparison, objective: "loss") + " (the optimum's coefficients need not be unique: the loss is the measure)")
        lines += closingLines(verdict: verdict, trainMetrics: run.trainMetrics, testMetrics: run.testMetrics, plots: run.plots)
        print(lines.joined(separator: "\n"))
    }
}
