/// A descent with an ``EpsilonInsensitiveLoss`` beside the exact answer of
/// ``EpsilonInsensitiveRegression``.
public typealias EpsilonInsensitiveComparison = DescentComparison<EpsilonInsensitiveRegression.Solution>

/// A descent with a ``SquaredEpsilonInsensitiveLoss`` beside the exact answer of
/// ``SquaredEpsilonInsensitiveRegression``.
public typealias SquaredEpsilonInsensitiveComparison = DescentComparison<SquaredEpsilonInsensitiveRegression.Solution>

/// A descent with a ``QuantileLoss`` beside the exact answer of ``QuantileRegression``.
public typealias QuantileComparison = DescentComparison<QuantileRegression.Solution>

extension LinearRegression {
    /// Fits by gradient descent (subgradients) with an ``EpsilonInsensitiveLoss``, then solves the
    /// same problem exactly by ``EpsilonInsensitiveRegression`` and measures the gap between them.
    ///
    /// Both minimize (1/Σw)·Σwᵢ·max(0, |rᵢ| − ε) on the same training rows, with no penalty.
    /// The optimum's coefficients need not be unique: judge the fit by
    /// ``DescentComparison/costRelativeDifference``, not the parameters' distance.
    ///
    /// ```swift
    /// var config = GradientDescent(averaging: .fromStart, schedule: .inverseScaling(power: 0.5))
    /// config.loss = EpsilonInsensitiveLoss(epsilon: 0.1)
    /// var model = LinearRegression()
    /// let comparison = try model.fitAndCompareEpsilonInsensitive(data, using: config)
    /// print(comparison.costRelativeDifference)
    /// ```
    /// - Throws: ``ArgumentError`` when the loss is not an ``EpsilonInsensitiveLoss`` or a penalty
    ///   is set; whatever ``fit(_:using:progress:)-(Source,_,_)`` or
    ///   ``EpsilonInsensitiveRegression/solve(_:epsilon:fitIntercept:weights:)-(Source,_,_,_)`` throws.
    public mutating func fitAndCompareEpsilonInsensitive<Source: RowSource>(
        _ data: Source, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> EpsilonInsensitiveComparison {
        let loss: EpsilonInsensitiveLoss = try Self.lossToCompare(configuration, with: "EpsilonInsensitiveRegression")
        return try fitBesideExactLoss(data, using: configuration, loss: loss, progress: progress) { train, fitIntercept in
            let solution = try EpsilonInsensitiveRegression.solve(train, epsilon: loss.epsilon, fitIntercept: fitIntercept)
            return (solution, solution.parameters)
        }
    }

    /// Fits by gradient descent with a ``SquaredEpsilonInsensitiveLoss``, then solves the same
    /// problem exactly by ``SquaredEpsilonInsensitiveRegression`` and measures the gap between
    /// them (judge by the objective: the optimum's coefficients need not be unique).
    ///
    /// ```swift
    /// var config = GradientDescent(batchSize: .full, epochs: 3000, optimizer: .nesterov())
    /// config.loss = SquaredEpsilonInsensitiveLoss(epsilon: 0.5)
    /// var model = LinearRegression()
    /// let comparison = try model.fitAndCompareSquaredEpsilonInsensitive(data, using: config)
    /// print(comparison.costRelativeDifference)
    /// ```
    /// - Throws: ``ArgumentError`` when the loss is not a ``SquaredEpsilonInsensitiveLoss`` or a
    ///   penalty is set; whatever ``fit(_:using:progress:)-(Source,_,_)`` or
    ///   ``SquaredEpsilonInsensitiveRegression/solve(_:epsilon:fitIntercept:weights:)-(Source,_,_,_)`` throws.
    public mutating func fitAndCompareSquaredEpsilonInsensitive<Source: RowSource>(
        _ data: Source, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> SquaredEpsilonInsensitiveComparison {
        let loss: SquaredEpsilonInsensitiveLoss = try Self.lossToCompare(configuration, with: "SquaredEpsilonInsensitiveRegression")
        return try fitBesideExactLoss(data, using: configuration, loss: loss, progress: progress) { train, fitIntercept in
            let solution = try SquaredEpsilonInsensitiveRegression.solve(train, epsilon: loss.epsilon, fitIntercept: fitIntercept)
            return (solution, solution.parameters)
        }
    }

    /// Fits by gradient descent (subgradients) with a ``QuantileLoss``, then solves the same
    /// problem exactly by ``QuantileRegression`` and measures the gap between them (judge by the
    /// objective: the optimum's coefficients need not be unique).
    ///
    /// ```swift
    /// var config = GradientDescent(averaging: .fromStart, schedule: .inverseScaling(power: 0.5))
    /// config.loss = QuantileLoss(quantile: 0.9)
    /// var model = LinearRegression()
    /// let comparison = try model.fitAndCompareQuantile(data, using: config)
    /// print(comparison.costRelativeDifference)
    /// ```
    /// - Throws: ``ArgumentError`` when the loss is not a ``QuantileLoss`` or a penalty is set;
    ///   whatever ``fit(_:using:progress:)-(Source,_,_)`` or
    ///   ``QuantileRegression/solve(_:quantile:fitIntercept:weights:)-(Source,_,_,_)`` throws.
    public mutating func fitAndCompareQuantile<Source: RowSource>(
        _ data: Source, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> QuantileComparison {
        let loss: QuantileLoss = try Self.lossToCompare(configuration, with: "QuantileRegression")
        return try fitBesideExactLoss(data, using: configuration, loss: loss, progress: progress) { train, fitIntercept in
            let solution = try QuantileRegression.solve(train, quantile: loss.quantile, fitIntercept: fitIntercept)
            return (solution, solution.parameters)
        }
    }

    /// The configuration's loss as `L`, checked with no penalty beside it (`solver` names the
    /// exact method in the errors).
    private static func lossToCompare<L: Loss>(_ configuration: GradientDescent, with solver: String) throws -> L {
        guard let loss = configuration.loss as? L else {
            throw ArgumentError(
                argument: "loss", value: "\(type(of: configuration.loss))", requirement: "must be a \(L.self) to be compared with \(solver)"
            )
        }
        guard configuration.penalty.ridge == 0 else {
            throw ArgumentError(
                argument: "penalty", value: "\(type(of: configuration.penalty))",
                requirement: "must be none to be compared with \(solver), which solves the loss alone")
        }
        try loss.validate()
        return loss
    }

    /// The descent, then `solve` on its training rows, and both objectives (the mean loss).
    private mutating func fitBesideExactLoss<Source: RowSource, L: Loss, Reference: Sendable>(
        _ data: Source, using configuration: GradientDescent, loss: L, progress: (@Sendable (EpochReport) -> Void)?,
        solve: (Source, Bool) throws -> (Reference, Parameters)
    ) throws -> DescentComparison<Reference> {
        let (outcome, train) = try fitReturningTrainingRows(data, using: configuration, progress: progress)
        let (reference, parameters) = try solve(train, fitIntercept)
        func objective(_ parameters: Parameters) -> Double {
            train.withRows { Self.meanLoss($0, weights: train.weights, parameters: parameters, loss: loss) }
        }
        return DescentComparison(
            run: outcome.run, gradientDescent: outcome.parameters, reference: reference,
            parameterRelativeDifference: Self.relativeDifference(outcome.parameters, from: parameters),
            gradientDescentCost: objective(outcome.parameters), referenceCost: objective(parameters))
    }
}
