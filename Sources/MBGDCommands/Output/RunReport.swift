import MiniBatchGD

/// What a fit's text says about its run, in plain words first (the symbols L, μ and κ stay in
/// `--json`), each line agreeing with the others: the stop reason, the epochs against the
/// prediction, the curvature and the verdict.
enum RunReport {
    /// The closest the parameters must come to the closed form (relative) for "converged".
    static let convergedGap = Verdict.convergedGap

    /// Why the run stopped: "certified within 0.001 of the optimum", "the epoch budget ran out", …
    static func stopReason(_ run: TrainingRun) -> String {
        let stopping = run.configuration.earlyStopping
        switch run.history.stopReason {
        case .maximumEpochs:
            return run.configuration.epochs == nil ? "the epoch budget ran out" : "all --epochs ran"
        case .parametersCertified:
            return "certified within \(Format.number(stopping?.parameterTolerance ?? .nan, digits: 2)) of the optimum"
        case .trainingCostConverged: return "the training cost stopped improving"
        case .validationCostConverged: return "the validation cost stopped improving"
        case .gapReached: return "the gap was reached"
        }
    }

    /// Whether the stop rule could have ended the run before its last epoch: a certificate or a
    /// plateau test was on. When neither was, running every epoch is what was asked.
    static func couldStopEarly(_ run: TrainingRun) -> Bool { Verdict.couldStopEarly(run) }

    /// "1 epoch", "2 epochs".
    static func epochs(_ count: Int) -> String { count == 1 ? "1 epoch" : "\(count) epochs" }

    /// The curvature in words, then its symbols: "largest 2.662 (L), smallest 0.08507 (μ), ratio
    /// 31.29 (κ, the condition number of the Hessian, the design's squared)".
    static func curvature(_ curvature: Curvature, standardized: Bool) -> String {
        var line =
            "  curvature of the \(standardized ? "standardized " : "")cost: largest \(Format.number(curvature.smoothness, digits: 4)) (L)"
        if let mu = curvature.strongConvexity, let kappa = curvature.conditionNumber {
            line +=
                ", smallest \(Format.number(mu, digits: 4)) (μ), ratio \(Format.number(kappa, digits: 4)) (κ = L/μ: the Hessian's condition number)"
        }
        line += "; one row's at most \(Format.number(curvature.largestRowCurvature, digits: 4))"
        if let meanSquare = curvature.meanSquareRowCurvature {
            line += ", rows' in mean square \(Format.number(meanSquare, digits: 4)) (R²)"
        }
        return line
    }

    /// "ratio 31 (κ)" for the verdict, or "curvature ratio unknown".
    static func ratio(_ run: TrainingRun) -> String {
        run.learningRateChoice.curvature?.conditionNumber.map { "curvature ratio κ = \(Format.number($0, digits: 2))" }
            ?? "curvature ratio unknown"
    }

    /// The epochs line, where the contraction predicts them: the prediction where it applies,
    /// and why the run differs where it ran far longer. Nil without a prediction.
    static func epochsLine(_ run: TrainingRun) -> String? {
        let choice = run.learningRateChoice
        guard let predicted = choice.predictedEpochs else { return nil }
        let ran = run.history.epochsRun
        let target = "\(Format.number(choice.predictionTolerance, digits: 2)) (relative)"
        let prediction = "the contraction predicts \(epochs(predicted)) to reach \(target)"
        // A run within twice the prediction (or two epochs of it) is what the prediction describes.
        if ran <= max(2 * predicted, predicted + 2) {
            let noise = run.batchesPerEpoch > 1 ? " (mini-batch noise comes on top; averaging removes it)" : ""
            return "  epochs: ran \(ran); \(prediction)\(noise)"
        }
        if run.history.stopReason == .maximumEpochs && !couldStopEarly(run) {
            return "  epochs: ran all \(ran), as asked (no early stop); \(prediction)"
        }
        if run.batchesPerEpoch > 1 {
            guard run.configuration.averaging != .none else {
                return "  epochs: ran \(ran); \(prediction) without mini-batch noise, which, not averaged, keeps the iterate from settling"
            }
            return
                "  epochs: ran \(ran); \(prediction) without mini-batch noise: the epochs after went to averaging the noise away"
                + (run.history.rateHalvingEpochs.isEmpty ? "" : " and halving the rate")
        }
        return
            "  epochs: ran \(ran); \(prediction) from the curvature's bound: the stop rule waited for its own certificate, which bounds the distance less tightly"
    }

    /// One line: converged, close but not certified, or how far off and what would get there.
    static func verdict(_ comparison: ReferenceComparison) -> String {
        verdict(gap: comparison.parameterRelativeDifference, run: comparison.run)
    }

    /// The verdict of a run whose parameters are `gap` (relative) from the exact solution: the
    /// closed form, or LSQR's for sparse rows.
    static func verdict(gap: Double, run: TrainingRun) -> String {
        let choice = run.learningRateChoice
        let ran = epochs(run.history.epochsRun), ratio = ratio(run)
        let kind = Verdict(gap: gap, run: run)
        if kind != .notConverged {
            // A run that could have stopped early and did not was not certified: close, not "converged".
            if kind == .closeNotCertified {
                return
                    "close, not certified: \(Format.number(gap, digits: 2)) from the closed form after \(ran) (\(ratio)); the stop rule had not confirmed it when \(stopReason(run))"
            }
            return "converged: \(Format.number(gap, digits: 2)) from the closed form after \(ran) (\(ratio))"
        }
        // The contraction's advice holds only while the run is shorter than the contraction's own
        // prediction; past it, what is left is mini-batch noise or an offset the rate leaves.
        let needed = choice.epochs(toShrinkDistanceBy: convergedGap, batchesPerEpoch: run.batchesPerEpoch)
        let contractionLimited = needed.map { run.history.epochsRun < $0 } ?? false
        // The contraction describes the iterate itself at a constant rate; an average of the
        // iterates lags it (by about 1/(t·(1 − contraction))), so no count is promised for one.
        let iterateReported = run.batchesPerEpoch == 1 || run.configuration.averaging == .none
        if gap.isFinite, contractionLimited, !iterateReported || run.configuration.schedule != .constant {
            return
                "not converged: \(Format.number(gap, digits: 2)) from the closed form after \(ran) (\(ratio)): at this curvature ratio the contraction is slow, and averaging mini-batches or a decaying rate slows it further; try --batch-size full --optimizer nesterov, or use `mbgd solve`"
        }
        if gap.isFinite, contractionLimited,
            let more = choice.epochs(toShrinkDistanceBy: convergedGap / gap, batchesPerEpoch: run.batchesPerEpoch)
        {
            return
                "not converged: \(Format.number(gap, digits: 2)) from the closed form after \(ran) (\(ratio)): about \(more) more epochs at this batch size (--epochs \(run.history.epochsRun + more)), or use `mbgd solve`"
        }
        if gap.isFinite, let needed, run.batchesPerEpoch > 1 {
            return
                "not converged: \(Format.number(gap, digits: 2)) from the closed form (\(ratio)) after \(ran), more than the \(needed) the contraction needs to reach \(Format.number(convergedGap, digits: 2)): mini-batch noise is what remains; use a larger batch, more epochs, or `mbgd solve`"
        }
        return
            "not converged: \(Format.number(gap, digits: 2)) from the closed form after \(ran) (\(ratio)); train longer, lower the rate, or use `mbgd solve`"
    }

    /// The closed form's own condition number, named as the design's (not the curvature's).
    static func closedForm(_ solution: LeastSquares.Solution) -> String {
        let estimate = solution.method == .svd ? "" : ", LAPACK's estimate"
        return
            "Closed form: \(solution.method.rawValue), rank \(solution.rank), condition number of the design \(Format.number(solution.conditionNumber, digits: 3)) (centred, equilibrated X\(estimate))"
    }
}
