extension LinearRegression {
    /// Fits by gradient descent with an ``ElasticNetPenalty``, then solves the same problem
    /// exactly by ``CoordinateDescent`` (to a certified duality gap) and measures the gap
    /// between them: the lasso's and the elastic net's counterpart of
    /// ``fitAndCompare(_:using:method:progress:)``.
    ///
    /// Both minimize (1/(2Σw))·Σwᵢ(yᵢ − b − xᵢW)² + A·(R‖DW‖₁ + (1 − R)/2·‖DW‖²) on the same training
    /// rows (without a held-out validation part), W in the data's units, D = I for the penalty's
    /// ``ElasticNetPenalty/penaltyUnits`` `.original` and the columns' standard deviations for
    /// `.standardized`.
    ///
    /// ```swift
    /// var config = GradientDescent(batchSize: .full, epochs: 5000)
    /// config.penalty = ElasticNetPenalty(alpha: 0.1)
    /// var model = LinearRegression()
    /// let comparison = try model.fitAndCompareElasticNet(data, using: config)
    /// print(comparison.parameterRelativeDifference, comparison.reference.targets[0].zeroCoefficients)
    /// ```
    /// - Throws: ``ArgumentError`` when the penalty is not an ``ElasticNetPenalty``, the loss not
    ///   a multiple of r²/2, or the reduction not the mean (the objective above is the mean
    ///   cost's); whatever ``fit(_:using:progress:)-(Source,_,_)`` or
    ///   ``CoordinateDescent/solve(_:alpha:l1Ratio:fitIntercept:penaltyUnits:weights:start:tolerance:maximumSweeps:method:threads:)`` throws.
    public mutating func fitAndCompareElasticNet<Source: RowSource>(
        _ data: Source, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> ElasticNetComparison {
        guard let penalty = configuration.penalty as? ElasticNetPenalty else {
            throw ArgumentError(
                argument: "penalty", value: "\(type(of: configuration.penalty))",
                requirement: "must be an ElasticNetPenalty to be compared with coordinate descent")
        }
        guard let lossScale = configuration.loss.quadraticScale, lossScale.isFinite, lossScale > 0 else {
            throw ArgumentError(
                argument: "loss", value: "\(type(of: configuration.loss))",
                requirement: "must be a multiple of r²/2 (quadraticScale) to be compared with coordinate descent")
        }
        guard configuration.reduction == .mean else {
            throw ArgumentError(
                argument: "reduction", value: "sum",
                requirement: "must be the mean to be compared with the elastic net, whose squares are over Σw")
        }
        try penalty.validate()
        let (outcome, train) = try fitReturningTrainingRows(data, using: configuration, progress: progress)
        // c·(cost) + P has the minimizer of cost + P/c.
        let reference = try CoordinateDescent.solve(
            train, alpha: penalty.alpha / lossScale, l1Ratio: penalty.l1Ratio, fitIntercept: fitIntercept,
            penaltyUnits: penalty.penaltyUnits, threads: configuration.threads)
        // The penalty as a function of the coefficients in the data's units (standardized units:
        // the training rows' deviations, as the descent's standardizer and coordinate descent take them).
        let onData =
            penalty.penaltyUnits == .original
            ? penalty
            : penalty.onDataUnits(
                scales: train.withRows { rows in
                    Standardizer(
                        fitting: rows.x, rows: rows.count, columns: rows.featureCount, stride: rows.xStride, weights: train.weights
                    )
                    .scale
                }, outputs: outcome.parameters.intercept.count)
        func objective(_ parameters: Parameters) -> Double {
            let cost = train.withRows { Objective.cost($0, weights: train.weights, parameters: parameters, reduction: .mean) }
            return lossScale * cost + parameters.coefficients.elements.withUnsafeBufferPointer { onData.value($0) }
        }
        return ElasticNetComparison(
            run: outcome.run, gradientDescent: outcome.parameters, reference: reference,
            parameterRelativeDifference: Self.relativeDifference(outcome.parameters, from: reference.parameters),
            gradientDescentCost: objective(outcome.parameters), referenceCost: objective(reference.parameters))
    }
}
