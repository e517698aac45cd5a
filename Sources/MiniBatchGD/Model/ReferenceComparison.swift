extension LinearRegression {
    /// Fits by gradient descent on any ``RowSource``, then solves the same problem in closed form
    /// and measures the gap.
    ///
    /// The reference minimizes exactly what the descent minimizes: the same training rows
    /// (without a held-out validation part) with the same weights, the same intercept, and the L2
    /// penalty translated to ``LeastSquares`` (λ·Σw under the mean reduction, n for Σw without
    /// weights, λ under the sum; in standardized units when standardizing). Rows read in place
    /// are read in place by both; rows spread over processes are fitted and solved over every rank.
    /// - Throws: whatever ``fit(_:using:progress:)-(Source,_,_)`` or ``LeastSquares/solve(_:method:fitIntercept:ridge:penaltyUnits:rankTolerance:weights:covariance:confidenceLevel:refine:threads:)`` throws.
    public mutating func fitAndCompare<Source: RowSource>(
        _ data: Source, using configuration: GradientDescent, method: LeastSquares.Method = .auto,
        progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> ReferenceComparison {
        try Self.checkClosedForm(configuration)
        let (outcome, train) = try fitReturningTrainingRows(data, using: configuration, progress: progress, keepsMoments: true)
        return try Self.compare(outcome, train: train, configuration: configuration, method: method, fitIntercept: fitIntercept)
    }

    /// Refuses, before training, a loss or penalty the closed form cannot solve: only c·r²/2 with
    /// λ/2·‖W‖² has one (least squares with ridge λ/c).
    static func checkClosedForm(_ configuration: GradientDescent) throws {
        guard let scale = configuration.loss.quadraticScale, scale.isFinite, scale > 0 else {
            throw ArgumentError(
                argument: "loss", value: "\(type(of: configuration.loss))",
                requirement:
                    "must be a multiple of r²/2 (quadraticScale) to be compared with the closed form; fit(_:using:) trains it alone")
        }
        guard configuration.penalty.ridge != nil else {
            throw ArgumentError(
                argument: "penalty", value: "\(type(of: configuration.penalty))",
                requirement: "must be λ/2·‖W‖² (ridge) to be compared with the closed form; fit(_:using:) trains it alone")
        }
    }

    /// λ/2·Σ(dⱼ·Wⱼₒ)², dⱼ the standardizer's scale (1 without one): the L2 penalty a comparison adds to the cost.
    static func halfPenalty(_ parameters: Parameters, lambda: Double, scale: [Double]?) -> Double {
        guard lambda > 0 else { return 0 }
        var squares = 0.0
        for j in 0..<parameters.featureCount {
            let d = scale?[j] ?? 1
            for o in 0..<parameters.outputCount {
                let w = parameters.coefficients[j, o] * d
                squares += w * w
            }
        }
        return 0.5 * lambda * squares
    }

    /// ‖θ − θ_ref‖ / ‖θ_ref‖ over intercepts and coefficients together (absolute when θ_ref = 0).
    static func relativeDifference(_ found: Parameters, from reference: Parameters) -> Double {
        let found = found.stacked, exact = reference.stacked
        var difference = 0.0, size = 0.0
        for index in found.indices {
            difference += (found[index] - exact[index]) * (found[index] - exact[index])
            size += exact[index] * exact[index]
        }
        return size > 0 ? (difference / size).squareRoot() : difference.squareRoot()
    }

    /// The closed form of what `outcome`'s descent minimized on `train`, and the gaps to it. The
    /// descent checked the rows' scale and, where p is small, computed their moments: the solve
    /// reads neither again, and runs on the fit's threads.
    static func compare<Source: RowSource>(
        _ outcome: Trainer.Outcome, train: Source, configuration: GradientDescent, method: LeastSquares.Method, fitIntercept: Bool
    ) throws -> ReferenceComparison {
        // c·(cost) + λ/2·‖W‖² has least squares' minimizer with ridge λ/c.
        let lossScale = configuration.loss.quadraticScale ?? 1, lambda = configuration.penalty.ridge ?? 0
        let strength = lambda / lossScale
        let ridge = configuration.reduction == .mean ? strength * train.totalWeight : strength
        return try train.withRows { rows in
            let reference = try LeastSquares.solve(
                rows, featureNames: train.featureNames, targetNames: train.targetNames, method: method, fitIntercept: fitIntercept,
                ridge: ridge, penaltyUnits: configuration.standardize ? .standardized : .original, rankTolerance: nil,
                weights: train.weights, covariance: .nonrobust, confidenceLevel: 0.95, refine: true,
                threads: configuration.threads ?? (rows.sharing == nil ? Cores.available : 1), moments: outcome.moments,
                checkedScale: true)
            // The penalty's units: the descent's standardizer (nil only without standardizing).
            let scale = outcome.standardizer?.scale
            func objective(_ parameters: Parameters) -> Double {
                let cost =
                    lossScale * Objective.cost(rows, weights: train.weights, parameters: parameters, reduction: configuration.reduction)
                return cost + Self.halfPenalty(parameters, lambda: lambda, scale: scale)
            }
            return ReferenceComparison(
                run: outcome.run, gradientDescent: outcome.parameters, reference: reference,
                parameterRelativeDifference: Self.relativeDifference(outcome.parameters, from: reference.parameters),
                gradientDescentCost: objective(outcome.parameters), referenceCost: objective(reference.parameters))
        }
    }
}
