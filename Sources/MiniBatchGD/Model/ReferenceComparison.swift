/// A gradient-descent fit set beside the exact solution of the same problem.
public struct ReferenceComparison: Sendable {
    /// The gradient-descent run.
    public let run: TrainingRun
    /// Parameters found by gradient descent, in original units.
    public let gradientDescent: Parameters
    /// The closed-form solution of the same objective (same rows, intercept and penalty).
    public let reference: LeastSquares.Solution
    /// ‖θ_GD − θ_ref‖ / ‖θ_ref‖ over intercepts and coefficients together (absolute when θ_ref = 0).
    public let parameterRelativeDifference: Double
    /// The objective (reduced cost plus penalty) at each solution, on the training rows.
    public let gradientDescentCost: Double
    /// The objective at the closed-form solution.
    public let referenceCost: Double
    /// (J_GD − J_ref) / J_ref: how far above the optimum gradient descent stopped (absolute when J_ref = 0).
    public var costRelativeDifference: Double {
        referenceCost > 0 ? (gradientDescentCost - referenceCost) / referenceCost : gradientDescentCost - referenceCost
    }
}

extension LinearRegression {
    /// Fits by gradient descent on any ``RowSource``, then solves the same problem in closed form
    /// and measures the gap.
    ///
    /// The reference minimizes exactly what the descent minimizes: the same training rows
    /// (without a held-out validation part) with the same weights, the same intercept, and the L2
    /// penalty translated to ``LeastSquares`` (λ·Σw under the mean reduction, n for Σw without
    /// weights, λ under the sum; in standardized units when standardizing). Rows read in place
    /// are read in place by both; rows spread over processes are fitted and solved over every rank.
    /// - Throws: whatever ``fit(_:using:progress:)`` or ``LeastSquares/solve(_:method:fitIntercept:ridge:penaltyUnits:rankTolerance:weights:covariance:confidenceLevel:refine:threads:)`` throws.
    @_specialize(where Source == Dataset<Double>)
    @_specialize(where Source == Dataset<Float>)
    @_specialize(where Source == MappedDataset<Double>)
    @_specialize(where Source == MappedDataset<Float>)
    public mutating func fitAndCompare<Source: RowSource>(
        _ data: Source, using configuration: GradientDescent, method: LeastSquares.Method = .auto,
        progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> ReferenceComparison {
        let (outcome, train) = try fitReturningTrainingRows(data, using: configuration, progress: progress)
        return try Self.compare(outcome, train: train, configuration: configuration, method: method, fitIntercept: fitIntercept)
    }

    /// The closed form of what `outcome`'s descent minimized on `train`, and the gaps to it.
    static func compare<Source: RowSource>(
        _ outcome: Trainer.Outcome, train: Source, configuration: GradientDescent, method: LeastSquares.Method, fitIntercept: Bool
    ) throws -> ReferenceComparison {
        let ridge = configuration.reduction == .mean ? configuration.l2Penalty * train.totalWeight : configuration.l2Penalty
        return try train.withRows { rows in
            let reference = try LeastSquares.solve(
                rows, featureNames: train.featureNames, targetNames: train.targetNames, method: method, fitIntercept: fitIntercept,
                ridge: ridge, penaltyUnits: configuration.standardize ? .standardized : .original, rankTolerance: nil,
                weights: train.weights, covariance: .nonrobust, confidenceLevel: 0.95, refine: true)
            let scale =
                outcome.standardizer?.scale
                ?? Standardizer(
                    fitting: rows.x, rows: rows.count, columns: rows.featureCount, stride: rows.xStride, weights: train.weights,
                    sharing: rows.sharing
                ).scale
            func objective(_ parameters: Parameters) -> Double {
                let cost = Objective.cost(rows, weights: train.weights, parameters: parameters, reduction: configuration.reduction)
                guard configuration.l2Penalty > 0 else { return cost }
                var squares = 0.0
                for j in 0..<parameters.featureCount {
                    let d = configuration.standardize ? scale[j] : 1
                    for o in 0..<parameters.outputCount {
                        let w = parameters.coefficients[j, o] * d
                        squares += w * w
                    }
                }
                return cost + 0.5 * configuration.l2Penalty * squares
            }
            let found = outcome.parameters.stacked, exact = reference.parameters.stacked
            var difference = 0.0, size = 0.0
            for index in found.indices {
                difference += (found[index] - exact[index]) * (found[index] - exact[index])
                size += exact[index] * exact[index]
            }
            return ReferenceComparison(
                run: outcome.run, gradientDescent: outcome.parameters, reference: reference,
                parameterRelativeDifference: size > 0 ? (difference / size).squareRoot() : difference.squareRoot(),
                gradientDescentCost: objective(outcome.parameters), referenceCost: objective(reference.parameters))
        }
    }
}
