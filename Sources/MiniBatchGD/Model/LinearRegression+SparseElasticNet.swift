extension LinearRegression {
    /// Fits sparse rows by gradient descent with an ``ElasticNetPenalty`` (plain SGD, or for the
    /// lasso AdaGrad, RMSprop or Adam applied lazily; the soft-thresholds applied lazily), then solves the same problem exactly by
    /// ``CoordinateDescent`` on the same sparse training rows and measures the gap: the sparse
    /// counterpart of ``fitAndCompareElasticNet(_:using:progress:)-(Source,_,_)``, on the penalty in the data's
    /// units (scikit-learn's `ElasticNet`).
    ///
    /// ```swift
    /// var config = GradientDescent(batchSize: .full, epochs: 5000)
    /// config.penalty = ElasticNetPenalty(alpha: 0.1)
    /// var model = LinearRegression()
    /// let comparison = try model.fitAndCompareElasticNet(sparseRows, using: config)
    /// print(comparison.parameterRelativeDifference, comparison.reference.targets[0].zeroCoefficients)
    /// ```
    /// - Throws: ``ArgumentError`` when the penalty is not an ``ElasticNetPenalty`` in the data's
    ///   units, the loss not squares or the reduction not the mean; whatever the sparse fit or
    ///   coordinate descent throws.
    public mutating func fitAndCompareElasticNet<Element: BLASScalar>(
        _ data: SparseDataset<Element>, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> ElasticNetComparison {
        guard let penalty = configuration.penalty as? ElasticNetPenalty, penalty.penaltyUnits == .original else {
            throw ArgumentError(
                argument: "penalty", value: "\(type(of: configuration.penalty))",
                requirement: "must be an ElasticNetPenalty in the data's units to be compared with coordinate descent on sparse rows")
        }
        guard configuration.lossChoice.isSquared else {
            throw ArgumentError(
                argument: "loss", value: "\(type(of: configuration.loss))",
                requirement: "must be squares to be compared with coordinate descent on sparse rows")
        }
        guard configuration.reduction == .mean else {
            throw ArgumentError(
                argument: "reduction", value: "sum",
                requirement: "must be the mean to be compared with the elastic net, whose squares are over Σw")
        }
        try penalty.validate()
        let (outcome, train) = try fitSparse(data, using: configuration, progress: progress)
        let reference = try CoordinateDescent.solve(train, alpha: penalty.alpha, l1Ratio: penalty.l1Ratio, fitIntercept: fitIntercept)
        let totalWeight = train.weights?.reduce(0, +) ?? Double(train.rows)
        func objective(_ parameters: Parameters) -> Double {
            let halfSquares = train.withView { view in
                withOptionalPointer(train.weights) { SparseState.halfSquares(view, rowWeights: $0, at: parameters) }
            }
            return halfSquares / totalWeight + parameters.coefficients.elements.withUnsafeBufferPointer { penalty.value($0) }
        }
        return ElasticNetComparison(
            run: outcome.run, gradientDescent: outcome.parameters, reference: reference,
            parameterRelativeDifference: Self.relativeDifference(outcome.parameters, from: reference.parameters),
            gradientDescentCost: objective(outcome.parameters), referenceCost: objective(reference.parameters))
    }
}
