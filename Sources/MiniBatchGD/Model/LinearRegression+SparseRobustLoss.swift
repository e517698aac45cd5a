extension LinearRegression {
    /// Fits sparse rows by gradient descent with a ``HuberLoss``, then solves the same problem
    /// exactly by ``HuberRegression`` on the same sparse training rows and measures the gap: the
    /// sparse counterpart of ``fitAndCompareHuber(_:using:progress:)-(Source,_,_)``.
    ///
    /// ```swift
    /// var config = GradientDescent(batchSize: .full, epochs: 3000)
    /// config.loss = HuberLoss(delta: 1.35)
    /// var model = LinearRegression()
    /// let comparison = try model.fitAndCompareHuber(sparseRows, using: config)
    /// print(comparison.parameterRelativeDifference, comparison.reference.system)
    /// ```
    /// - Throws: ``ArgumentError`` when the loss is not a ``HuberLoss`` or a penalty is set; what
    ///   the sparse descent or ``HuberRegression``'s sparse solve throws.
    public mutating func fitAndCompareHuber<Element: BLASScalar>(
        _ data: SparseDataset<Element>, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> HuberComparison {
        let loss: HuberLoss = try Self.sparseLossToCompare(configuration, with: "HuberRegression")
        return try fitSparseBesideExactLoss(data, using: configuration, loss: loss, progress: progress) { train, fitIntercept in
            let solution = try HuberRegression.solve(train, delta: loss.delta, fitIntercept: fitIntercept)
            return (solution, solution.parameters)
        }
    }

    /// Fits sparse rows by gradient descent with a ``SquaredEpsilonInsensitiveLoss``, then solves
    /// the same problem exactly by ``SquaredEpsilonInsensitiveRegression`` on the same sparse
    /// training rows (judge by the objective: the optimum's coefficients need not be unique).
    ///
    /// ```swift
    /// var config = GradientDescent(batchSize: .full, epochs: 3000)
    /// config.loss = SquaredEpsilonInsensitiveLoss(epsilon: 0.1)
    /// var model = LinearRegression()
    /// let comparison = try model.fitAndCompareSquaredEpsilonInsensitive(sparseRows, using: config)
    /// print(comparison.costRelativeDifference)
    /// ```
    /// - Throws: ``ArgumentError`` when the loss is not a ``SquaredEpsilonInsensitiveLoss`` or a
    ///   penalty is set; what the sparse descent or the sparse exact solve throws.
    public mutating func fitAndCompareSquaredEpsilonInsensitive<Element: BLASScalar>(
        _ data: SparseDataset<Element>, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> SquaredEpsilonInsensitiveComparison {
        let loss: SquaredEpsilonInsensitiveLoss = try Self.sparseLossToCompare(configuration, with: "SquaredEpsilonInsensitiveRegression")
        return try fitSparseBesideExactLoss(data, using: configuration, loss: loss, progress: progress) { train, fitIntercept in
            let solution = try SquaredEpsilonInsensitiveRegression.solve(train, epsilon: loss.epsilon, fitIntercept: fitIntercept)
            return (solution, solution.parameters)
        }
    }

    /// Fits sparse rows by gradient descent (subgradients) with a ``QuantileLoss``, then solves
    /// the same problem exactly by ``QuantileRegression``'s interior point on the sparse training
    /// rows themselves, and measures the gap by the objective.
    ///
    /// ```swift
    /// var config = GradientDescent(averaging: .fromStart, schedule: .inverseScaling(power: 0.5))
    /// config.loss = QuantileLoss(quantile: 0.9)
    /// var model = LinearRegression()
    /// let comparison = try model.fitAndCompareQuantile(sparseRows, using: config)
    /// print(comparison.costRelativeDifference)
    /// ```
    /// - Throws: ``ArgumentError`` when the loss is not a ``QuantileLoss`` or a penalty is set;
    ///   ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)`` when the entries' copy does
    ///   not fit; what the sparse descent or the exact solve throws.
    public mutating func fitAndCompareQuantile<Element: BLASScalar>(
        _ data: SparseDataset<Element>, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> QuantileComparison {
        let loss: QuantileLoss = try Self.sparseLossToCompare(configuration, with: "QuantileRegression")
        return try fitSparseBesideExactLoss(data, using: configuration, loss: loss, progress: progress) { train, fitIntercept in
            let solution = try QuantileRegression.solve(train, quantile: loss.quantile, fitIntercept: fitIntercept)
            return (solution, solution.parameters)
        }
    }

    /// Fits sparse rows by gradient descent (subgradients) with an ``EpsilonInsensitiveLoss``,
    /// then solves the same problem exactly by ``EpsilonInsensitiveRegression``'s interior point
    /// on the sparse training rows themselves, judged by the objective.
    ///
    /// ```swift
    /// var config = GradientDescent(averaging: .fromStart, schedule: .inverseScaling(power: 0.5))
    /// config.loss = EpsilonInsensitiveLoss(epsilon: 0.1)
    /// var model = LinearRegression()
    /// let comparison = try model.fitAndCompareEpsilonInsensitive(sparseRows, using: config)
    /// print(comparison.costRelativeDifference)
    /// ```
    /// - Throws: ``ArgumentError`` when the loss is not an ``EpsilonInsensitiveLoss`` or a
    ///   penalty is set; ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)`` when the
    ///   entries' copy does not fit; what the sparse descent or the exact solve throws.
    public mutating func fitAndCompareEpsilonInsensitive<Element: BLASScalar>(
        _ data: SparseDataset<Element>, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> EpsilonInsensitiveComparison {
        let loss: EpsilonInsensitiveLoss = try Self.sparseLossToCompare(configuration, with: "EpsilonInsensitiveRegression")
        return try fitSparseBesideExactLoss(data, using: configuration, loss: loss, progress: progress) { train, fitIntercept in
            let solution = try EpsilonInsensitiveRegression.solve(train, epsilon: loss.epsilon, fitIntercept: fitIntercept)
            return (solution, solution.parameters)
        }
    }

    /// Fits Huber regression exactly on sparse rows (see ``HuberRegression``), replacing the
    /// parameters.
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let solution = try model.fit(sparseRows, huber: 1.35)
    /// print(solution.targets[0].outliers)
    /// ```
    /// - Throws: what ``HuberRegression``'s sparse solve throws; the model is unchanged then.
    @discardableResult
    public mutating func fit<Element: BLASScalar>(_ data: SparseDataset<Element>, huber delta: Double) throws
        -> HuberRegression.Solution
    {
        let solution = try HuberRegression.solve(data, delta: delta, fitIntercept: fitIntercept)
        adopt(solution.parameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return solution
    }

    /// Fits quantile regression exactly on sparse rows (see ``QuantileRegression``'s interior
    /// point on sparse rows), replacing the parameters.
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let solution = try model.fit(sparseRows, quantile: 0.5)
    /// print(solution.system, solution.targets[0].dualityGap)
    /// ```
    /// - Throws: what ``QuantileRegression``'s sparse solve throws; the model is unchanged then.
    @discardableResult
    public mutating func fit<Element: BLASScalar>(_ data: SparseDataset<Element>, quantile: Double) throws
        -> QuantileRegression.Solution
    {
        let solution = try QuantileRegression.solve(data, quantile: quantile, fitIntercept: fitIntercept)
        adopt(solution.parameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return solution
    }

    /// Fits epsilon-insensitive regression exactly on sparse rows (see
    /// ``EpsilonInsensitiveRegression``'s interior point on sparse rows), replacing the parameters.
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let solution = try model.fit(sparseRows, epsilonInsensitive: 0.1)
    /// print(solution.system, solution.targets[0].dualityGap)
    /// ```
    /// - Throws: what ``EpsilonInsensitiveRegression``'s sparse solve throws; the model is
    ///   unchanged then.
    @discardableResult
    public mutating func fit<Element: BLASScalar>(_ data: SparseDataset<Element>, epsilonInsensitive epsilon: Double) throws
        -> EpsilonInsensitiveRegression.Solution
    {
        let solution = try EpsilonInsensitiveRegression.solve(data, epsilon: epsilon, fitIntercept: fitIntercept)
        adopt(solution.parameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return solution
    }

    /// Fits squared epsilon-insensitive regression exactly on sparse rows (see
    /// ``SquaredEpsilonInsensitiveRegression``), replacing the parameters.
    ///
    /// ```swift
    /// var model = LinearRegression()
    /// let solution = try model.fit(sparseRows, squaredEpsilonInsensitive: 0.1)
    /// print(solution.targets[0].insideTube)
    /// ```
    /// - Throws: what the sparse solve throws; the model is unchanged then.
    @discardableResult
    public mutating func fit<Element: BLASScalar>(_ data: SparseDataset<Element>, squaredEpsilonInsensitive epsilon: Double) throws
        -> SquaredEpsilonInsensitiveRegression.Solution
    {
        let solution = try SquaredEpsilonInsensitiveRegression.solve(data, epsilon: epsilon, fitIntercept: fitIntercept)
        adopt(solution.parameters, featureNames: data.featureNames, targetNames: data.targetNames, precision: Element.precision)
        return solution
    }

    /// The configuration's loss as `L`, checked with no penalty beside it.
    private static func sparseLossToCompare<L: Loss>(_ configuration: GradientDescent, with solver: String) throws -> L {
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

    /// The sparse descent, then `solve` on its training rows, and both objectives (the mean loss).
    private mutating func fitSparseBesideExactLoss<Element: BLASScalar, L: Loss, Reference: Sendable>(
        _ data: SparseDataset<Element>, using configuration: GradientDescent, loss: L, progress: (@Sendable (EpochReport) -> Void)?,
        solve: (SparseDataset<Element>, Bool) throws -> (Reference, Parameters)
    ) throws -> DescentComparison<Reference> {
        let (outcome, train) = try fitSparse(data, using: configuration, progress: progress)
        let reference: Reference, parameters: Parameters
        do {
            (reference, parameters) = try solve(train, fitIntercept)
        } catch is CancellationError {
            throw TrainingError.cancelled(epochsCompleted: outcome.run.history.epochsRun)
        }
        return DescentComparison(
            run: outcome.run, gradientDescent: outcome.parameters, reference: reference,
            parameterRelativeDifference: Self.relativeDifference(outcome.parameters, from: parameters),
            gradientDescentCost: Self.meanLoss(train, parameters: outcome.parameters, loss: loss),
            referenceCost: Self.meanLoss(train, parameters: parameters, loss: loss))
    }

    /// (1/Σw)·Σᵢₒ wᵢ·ℓ(rᵢₒ) at `parameters` over sparse rows, r = prediction − target.
    static func meanLoss<Element: BLASScalar, L: Loss>(_ data: SparseDataset<Element>, parameters: Parameters, loss: L) -> Double {
        let n = data.rows, k = data.outputCount
        var sum = 0.0
        for i in 0..<n {
            for o in 0..<k {
                var prediction = parameters.intercept[o]
                for e in data.rowStarts[i]..<data.rowStarts[i + 1] {
                    prediction += Double(data.values[e]) * parameters.coefficients[Int(data.columnIndices[e]), o]
                }
                sum += (data.weights?[i] ?? 1) * loss.value(prediction - Double(data.targets[i, o]))
            }
        }
        return sum / (data.weights?.reduce(0, +) ?? Double(n))
    }
}
