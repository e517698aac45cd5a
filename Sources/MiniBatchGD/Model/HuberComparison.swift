extension LinearRegression {
    /// Fits by gradient descent with a ``HuberLoss``, then solves the same problem exactly by
    /// ``HuberRegression`` and measures the gap between them: Huber's counterpart of
    /// ``fitAndCompare(_:using:method:progress:)``.
    ///
    /// Both minimize (1/Σw)·Σwᵢ·ℓ_δ(yᵢ − b − xᵢW) on the same training rows (without a held-out
    /// validation part), with no penalty.
    ///
    /// ```swift
    /// var config = GradientDescent(batchSize: .full, epochs: 3000, optimizer: .nesterov())
    /// config.loss = HuberLoss(delta: 1.35)
    /// var model = LinearRegression()
    /// let comparison = try model.fitAndCompareHuber(data, using: config)
    /// print(comparison.parameterRelativeDifference, comparison.reference.targets[0].outliers)
    /// ```
    /// - Throws: ``ArgumentError`` when the loss is not a ``HuberLoss`` or a penalty is set;
    ///   whatever ``fit(_:using:progress:)-(Source,_,_)`` or
    ///   ``HuberRegression/solve(_:delta:fitIntercept:weights:)-(Source,_,_,_)`` throws.
    public mutating func fitAndCompareHuber<Source: RowSource>(
        _ data: Source, using configuration: GradientDescent, progress: (@Sendable (EpochReport) -> Void)? = nil
    ) throws -> HuberComparison {
        guard let loss = configuration.loss as? HuberLoss else {
            throw ArgumentError(
                argument: "loss", value: "\(type(of: configuration.loss))",
                requirement: "must be a HuberLoss to be compared with HuberRegression")
        }
        guard configuration.penalty.ridge == 0 else {
            throw ArgumentError(
                argument: "penalty", value: "\(type(of: configuration.penalty))",
                requirement: "must be none to be compared with HuberRegression, which solves the loss alone")
        }
        guard loss.delta.isFinite, loss.delta > 0 else {
            throw ArgumentError(argument: "delta", value: "\(loss.delta)", requirement: "must be a positive finite number")
        }
        let (outcome, train) = try fitReturningTrainingRows(data, using: configuration, progress: progress)
        let reference = try HuberRegression.solve(train, delta: loss.delta, fitIntercept: fitIntercept)
        func objective(_ parameters: Parameters) -> Double {
            train.withRows { Self.meanLoss($0, weights: train.weights, parameters: parameters, loss: loss) }
        }
        return HuberComparison(
            run: outcome.run, gradientDescent: outcome.parameters, reference: reference,
            parameterRelativeDifference: Self.relativeDifference(outcome.parameters, from: reference.parameters),
            gradientDescentCost: objective(outcome.parameters), referenceCost: objective(reference.parameters))
    }

    /// (1/Σw)·Σᵢₒ wᵢ·ℓ(rᵢₒ) at `parameters`, r = prediction − target, over rows in one process.
    static func meanLoss<Element: BLASScalar, L: Loss>(_ rows: Rows<Element>, weights: [Double]?, parameters: Parameters, loss: L) -> Double
    {
        let n = rows.count, p = rows.featureCount, k = rows.outputCount
        let inPlace = Element.isReadInPlaceAsDouble && !rows.isColumnar
        let scratchX = Buffer<Double>(repeating: 0, count: inPlace ? 0 : n * p)
        let scratchY = Buffer<Double>(repeating: 0, count: inPlace ? 0 : n * k)
        var sum = 0.0
        rows.withDoubleRows(from: 0, rows: n, scratchX: scratchX.base, scratchY: scratchY.base) { x, ldx, y, ldy in
            for i in 0..<n {
                for o in 0..<k {
                    var prediction = parameters.intercept[o]
                    for j in 0..<p { prediction += x[i * ldx + j] * parameters.coefficients[j, o] }
                    sum += (weights?[i] ?? 1) * loss.value(prediction - y[i * ldy + o])
                }
            }
        }
        return sum / (weights?.reduce(0, +) ?? Double(n))
    }
}
