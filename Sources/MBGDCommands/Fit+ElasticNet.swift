import ArgumentParser
import Foundation
import MiniBatchGD

extension Fit {
    /// `--l1-ratio` means something only beside `--l1`, and `--l1` is a penalty of its own.
    func validateElasticNet() throws {
        guard let l1Argument else {
            if let l1Ratio { throw ValidationError("--l1-ratio \(Format.number(l1Ratio)) is the L1 share of --l1's penalty: give --l1 A") }
            if let l1Method {
                throw ValidationError("--l1-method \(l1Method.rawValue) chooses how --l1's penalty is applied: give --l1 A")
            }
            if let penalize {
                throw ValidationError(
                    "--penalize \(penalize.rawValue) chooses the units --l1 penalizes: give --l1 A (--l2 in a standardizing descent is on the standardized coefficients already)"
                )
            }
            return
        }
        if penalize == .standardized {
            if noStandardize {
                throw ValidationError(
                    "--penalize standardized penalizes the coefficients of standardized columns, the coordinates a standardizing descent runs in; drop --no-standardize"
                )
            }
            if l1IsAutomatic {
                throw ValidationError("--l1 auto cross-validates in the data's units (as mbgd solve --l1 cv); drop --penalize standardized")
            }
        }
        if !l1IsAutomatic {
            guard let l1 else {
                throw ValidationError(
                    "--l1 = '\(l1Argument)' is invalid: must be a positive number (the strength A) or '\(Self.automatic)' (cross-validation chooses it)"
                )
            }
            guard l1.isFinite, l1 > 0 else {
                throw ValidationError(
                    l1 == 0 ? "--l1 0 is no penalty: drop --l1" : "--l1 = \(l1Argument) is invalid: must be a positive finite number")
            }
        }
        if let l1Ratio, !(l1Ratio > 0 && l1Ratio <= 1) {
            throw ValidationError(
                "--l1-ratio = \(l1Ratio) is invalid: must lie in (0, 1] (1: the lasso; for a ridge alone, use --l2, which the closed form checks)"
            )
        }
        if l2Given {
            throw ValidationError("--l1: the L2 part of the elastic net is --l1's, (1 − R)/2·A·‖β‖²: set it with --l1-ratio R; drop --l2")
        }
        if optimizer.value.kind == .adamW {
            throw ValidationError(
                "--l1 with --optimizer adamw: its decoupled --weight-decay shrinks the coefficients outside the elastic net's objective, so the descent would settle on another problem; use --optimizer adam (the elastic net's L2 part is --l1-ratio R)"
            )
        }
        if l1Method == .cumulative, optimizer.value.kind != .sgd {
            throw ValidationError(
                "--l1-method cumulative needs --optimizer sgd (the default): Tsuruoka et al.'s cumulative penalty totals the plain rule's steps η·A·R; drop --optimizer, or use --l1-method prox, which thresholds in each rule's own metric"
            )
        }
        if reduction == .sum {
            throw ValidationError(
                "--l1: the elastic net's squares are averaged over the rows (scikit-learn's ElasticNet); drop --reduction sum")
        }
    }

    /// How a rule other than plain SGD scales its thresholds, for the penalty's line ("" for sgd).
    static func thresholdMetric(_ optimizer: Optimizer) -> String {
        switch optimizer.kind {
        case .sgd: ""
        case .momentum, .nesterov: " (threshold η·A·R/(1 − μ), the step's length at a fixed point)"
        default: " (each coefficient's threshold η·A·R/(√v̂ + ε), the rule's own step)"
        }
    }

    /// `mbgd fit FILE --l1 A [--l1-ratio R]`: the descent with the elastic-net penalty (the
    /// lasso for R = 1), beside the exact answer of coordinate descent on the same training rows.
    func runElasticNet(
        alpha: Double, all: CommandData, train: CommandData, test: CommandData?, encoding: FeatureEncoding?, chosenL1: ChosenL1? = nil
    ) throws {
        var config = gradientDescent
        let units = penalize ?? .original
        config.penalty = ElasticNetPenalty(alpha: alpha, l1Ratio: l1Ratio ?? 1, penaltyUnits: units, l1Method: l1Method ?? .proximal)
        let run = try fitBesideExactReference(config, train: train, test: test, encoding: encoding) { model, source, config, progress in
            try model.fitAndCompareElasticNet(source, using: config, progress: progress)
        }
        let model = run.model, comparison = run.comparison, trainMetrics = run.trainMetrics, testMetrics = run.testMetrics
        let reference = comparison.reference
        let zeros = model.parameters!.coefficients.elements.count { $0 == 0 }
        let verdict = Self.elasticNetVerdict(comparison)
        if json {
            print(
                Self.elasticNetReport(
                    model: model, weights: weights, comparison: comparison, train: trainMetrics, test: testMetrics,
                    penalty: (alpha, l1Ratio ?? 1, units, l1Method ?? .proximal),
                    extra: chosenL1.map { [("regularization", $0.json)] } ?? []))
            return
        }
        var lines = [dataLine(all: all, train: train, test: test)]
        lines += Self.descentLines(comparison.run, title: "Gradient descent", scaling: config.standardize ? ", standardized" : "")
        let r = l1Ratio ?? 1
        lines.append(
            "  penalty A·(R‖β‖₁ + (1 − R)/2·‖β‖²), A = \(Format.number(alpha)), R = \(Format.number(r)) on "
                + (units == .original
                    ? "β in the data's units (scikit-learn's ElasticNet), "
                    : "β in standardized units, the coefficients times the columns' standard deviations (glmnet's standardize = TRUE), ")
                + Self.l1MethodPhrase(l1Method ?? .proximal, config.optimizer)
                + "; \(zeros) of \(model.parameters!.coefficients.elements.count) coefficients are exactly zero"
        )
        if let chosenL1 { lines.append(chosenL1.line) }
        lines.append("")
        lines += Self.coefficientLines(model, exact: reference.parameters, label: "coordinate descent")
        lines.append(
            "Coordinate descent (\(reference.method.rawValue) updates): duality gap \(Format.number(reference.gap, digits: 2)), "
                + "\(reference.zeroCoefficients) of \(reference.parameters.coefficients.elements.count) coefficients exactly zero")
        lines.append(Self.gapLine(comparison, objective: "objective"))
        lines += closingLines(verdict: verdict, trainMetrics: trainMetrics, testMetrics: testMetrics, plots: run.plots)
        print(lines.joined(separator: "\n"))
    }

    /// How close the descent came to the exact optimum, and whether its zeros are the optimum's.
    /// The `--json` report of an elastic-net descent beside coordinate descent (dense or sparse
    /// rows): the reference's duality gap and zeros, the penalty, the descent's own zeros.
    static func elasticNetReport(
        model: LinearRegression, weights: String?, comparison: ElasticNetComparison, train: RegressionMetrics, test: RegressionMetrics?,
        penalty: (alpha: Double, l1Ratio: Double, units: LeastSquares.PenaltyUnits, method: ElasticNetPenalty.L1Method),
        extra: [(String, JSON)] = [],
        beforeMetrics: [(String, JSON)] = []
    ) -> String {
        let reference = comparison.reference
        let fields: [(String, JSON)] = [
            ("method", .string("coordinateDescent")), ("dualityGap", .number(reference.gap)),
            ("zeroCoefficients", .integer(reference.zeroCoefficients)),
        ]
        let settings: JSON = .object([
            ("alpha", .number(penalty.alpha)), ("l1Ratio", .number(penalty.l1Ratio)), ("penalize", .string(penalty.units.rawValue)),
            ("method", .string(penalty.method.rawValue)),
        ])
        return report(
            model: model, weights: weights, run: comparison.run, train: train, test: test, reference: (reference.parameters, fields),
            gaps: (comparison.parameterRelativeDifference, comparison.costRelativeDifference), verdict: elasticNetVerdict(comparison),
            extra: [("penalty", settings), ("zeroCoefficients", .integer(model.parameters!.coefficients.elements.count { $0 == 0 }))]
                + extra,
            beforeMetrics: beforeMetrics
        ).text
    }

    /// How the report says the L1 part was applied.
    static func l1MethodPhrase(_ method: ElasticNetPenalty.L1Method, _ optimizer: Optimizer) -> String {
        switch method {
        case .proximal: "applied by soft-thresholding after every update" + thresholdMetric(optimizer)
        case .cumulative: "applied by Tsuruoka et al.'s cumulative penalty after every update (--l1-method cumulative)"
        }
    }

    static func elasticNetVerdict(_ comparison: ElasticNetComparison) -> String {
        let found = comparison.gradientDescent.coefficients.elements, exact = comparison.reference.parameters.coefficients.elements
        let sameZeros = found.indices.allSatisfy { (found[$0] == 0) == (exact[$0] == 0) }
        let gap = comparison.parameterRelativeDifference, ran = Format.count(comparison.run.history.epochsRun, "epoch")
        let zeros = sameZeros ? "the same exact zeros" : "not the same exact zeros"
        if gap <= RunReport.convergedGap {
            return "converged: \(Format.number(gap, digits: 2)) from coordinate descent's optimum after \(ran), with \(zeros)"
        }
        let advice =
            comparison.run.batchesPerEpoch > 1
            ? ": mini-batches (and their average) leave noise and few exact zeros; --batch-size full descends by proximal gradient steps to the optimum"
            : ": give it more epochs"
        return "not converged: \(Format.number(gap, digits: 2)) from coordinate descent's optimum after \(ran), with \(zeros)\(advice)"
    }
}
