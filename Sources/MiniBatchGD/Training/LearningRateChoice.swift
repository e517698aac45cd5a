import Foundation

/// The step size (and momentum) a fit used, where it came from, and what it predicts.
///
/// With ``LearningRate/automatic`` the rate comes from the curvature of the cost
/// (``Curvature``) in the units of the reduction (a summed gradient over b rows has b times the
/// curvature of a mean):
/// - **SGD**: η = 1/L(b), with L(b) the expected smoothness of a batch of b rows
///   (``Curvature/batchSmoothness(batchRows:rows:)``): 1/L for the full batch, for single rows
///   1/(4R²), R² the rows' curvature in mean square (``Curvature/meanSquareRowCurvature``), or
///   1/max‖ãᵢ‖² where that is smaller: a few heavy-tailed rows do not shrink every step.
/// - **Momentum and Nesterov, full batch, no coefficient given, μ known**: η = 1/L and
///   β = (√κ − 1)/(√κ + 1), Nesterov's constants for a strongly convex quadratic, which contract
///   the error by about 1 − 1/√κ per step against 1 − 1/κ for plain descent (heavy ball at the
///   same constants contracts as fast; Polyak's own tuning, with a step near 4/L, would be faster
///   in the limit but lets the cost climb far above its start first). Otherwise β = 0.9 (or the
///   one given) and η = (1 − β)/L(b), the plain step spread over the momentum's memory.
/// - **Adam, AdamW, AdaGrad, RMSprop**: their steps are distances in parameter space, so the rate
///   is set in the problem's units: a fraction (Adam and AdamW 0.05, AdaGrad 0.1, RMSprop 0.01)
///   of the target's standard deviation divided by the typical spread of a descent coordinate
///   (1 when standardizing).
public struct LearningRateChoice: Equatable, Sendable {
    /// Where the rate came from.
    public enum Source: String, Equatable, Sendable {
        /// Chosen from the curvature of the cost.
        case automatic
        /// Given by the caller.
        case given
    }

    /// η₀.
    public let learningRate: Double
    /// Where η₀ came from.
    public let source: Source
    /// The momentum coefficient used (momentum and Nesterov only).
    public let momentum: Double?
    /// The curvature measured, when it was needed (automatic rate, epoch budget or certified stop).
    public let curvature: Curvature?
    /// The batch smoothness L(b) in the reduction's units, when the curvature was measured.
    public let batchSmoothness: Double?
    /// One sentence on how the rate was chosen.
    public let reason: String
    /// The contraction factor of the parameters' distance to the optimum per update on the
    /// noiseless part of the problem (SGD, momentum, Nesterov with μ known), else nil.
    public let contractionPerUpdate: Double?
    /// Epochs predicted to bring the parameters within `predictionTolerance` (relative) of the
    /// optimum from a zero start, counting the contraction only (the mini-batch noise floor is
    /// what averaging then removes), when ``contractionPerUpdate`` is known.
    public let predictedEpochs: Int?
    /// The tolerance the prediction is for.
    public let predictionTolerance: Double

    /// Epochs, at this choice's contraction, to shrink the distance to the optimum by `factor`
    /// (below 1) at `batchesPerEpoch` updates an epoch; nil when the contraction is unknown.
    public func epochs(toShrinkDistanceBy factor: Double, batchesPerEpoch: Int) -> Int? {
        Self.epochs(contraction: contractionPerUpdate, tolerance: factor, batchesPerEpoch: batchesPerEpoch)
    }

    /// Epochs to bring the distance down by `tolerance` at `batchesPerEpoch` updates an epoch.
    static func epochs(contraction: Double?, tolerance: Double, batchesPerEpoch: Int) -> Int? {
        guard let contraction, contraction < 1, contraction >= 0, tolerance > 0, tolerance < 1 else { return nil }
        guard contraction > 0 else { return 1 }
        let updates = log(tolerance) / log(contraction)
        guard updates.isFinite, updates < 1e15 else { return nil }
        return Swift.max(1, Int((updates / Double(batchesPerEpoch)).rounded(.up)))
    }

    /// Spectral radius, over the curvatures λ of the cost, of one update of a momentum method
    /// (β = 0: plain descent) on a quadratic: the worst over a geometric grid from μ to L.
    static func contraction(rate: Double, momentum beta: Double, nesterov: Bool, smallest mu: Double, largest l: Double) -> Double {
        var worst = 0.0
        let steps = 32
        for index in 0...steps {
            let lambda = mu * pow(l / mu, Double(index) / Double(steps))
            // State (e, v): v' = βv + λe; heavy ball e' = e − ηv', Nesterov e' = e − η(λe + βv').
            let a11 = nesterov ? 1 - rate * lambda * (1 + beta) : 1 - rate * lambda
            let a12 = nesterov ? -rate * beta * beta : -rate * beta
            let a21 = lambda, a22 = beta
            let trace = a11 + a22, determinant = a11 * a22 - a12 * a21
            let discriminant = trace * trace - 4 * determinant
            let radius =
                discriminant < 0
                ? determinant.squareRoot()
                : Swift.max(abs(trace + discriminant.squareRoot()), abs(trace - discriminant.squareRoot())) / 2
            worst = Swift.max(worst, radius)
        }
        return worst
    }
}

extension LearningRateChoice {
    /// Chooses the rate for `configuration` on training rows with this curvature.
    /// - Parameters:
    ///   - curvature: nil when neither the rate nor the budget nor the stop rule needs it.
    ///   - targetSpread: the root-mean-square standard deviation of the targets.
    ///   - coordinateSpread: the root-mean-square standard deviation of the descent coordinates.
    ///   - consecutiveBatches: bound every batch's curvature by the largest row's plus the L2
    ///     penalty (λmax of a mean of rows' ãᵢãᵢᵀ is at most the largest ‖ãᵢ‖²), not by the
    ///     expectation over random batches.
    ///   - penalty: λ in mean-cost units (for `consecutiveBatches`).
    init(
        _ configuration: GradientDescent, curvature: Curvature?, rows n: Int, batchRows b: Int, batchesPerEpoch: Int,
        targetSpread: Double, coordinateSpread: Double, tolerance: Double, consecutiveBatches: Bool = false, penalty: Double = 0
    ) {
        let units = configuration.reduction == .sum ? Double(b) : 1
        let smoothness = curvature.map {
            units
                * (consecutiveBatches && b < n
                    ? Swift.max($0.largestRowCurvature + penalty, $0.smoothness) : $0.batchSmoothness(batchRows: b, rows: n))
        }
        let fullBatch = b >= n
        var momentum = configuration.optimizer.momentumCoefficient
        let nesterov = configuration.optimizer.isNesterov
        let rate: Double
        var reason: String
        switch (configuration.learningRate, configuration.optimizer) {
        case let (.fixed(given), _):
            rate = given
            reason = "given"
            if momentum == nil, !configuration.optimizer.isAdaptive, configuration.optimizer != .sgd {
                momentum = Optimizer.defaultMomentum
            }
        case (.automatic, _) where configuration.optimizer.isAdaptive:
            let fraction: Double =
                switch configuration.optimizer {
                case .adagrad: 0.1
                case .rmsprop: 0.01
                default: 0.05
                }
            let spread = targetSpread > 0 && coordinateSpread > 0 ? targetSpread / coordinateSpread : 1
            rate = fraction * spread
            reason =
                "\(fraction) × the target's spread (\(Self.format(targetSpread)))"
                + (coordinateSpread == 1 ? "" : " / the features' (\(Self.format(coordinateSpread)))")
                + ": \(configuration.optimizer.name) steps are distances in parameter space"
        case (.automatic, .sgd):
            rate = 1 / (smoothness ?? 1)
            reason =
                fullBatch
                ? "1/L, L = λmax of the cost's Hessian"
                : consecutiveBatches
                    ? "1/max‖x̃ᵢ‖², the largest row's curvature, which bounds any batch's"
                    : "1/L(\(b)), the expected smoothness of a batch of \(b) of \(n) rows"
                        + (curvature.map { $0.rowCurvature < $0.largestRowCurvature } == true
                            ? " (rows in mean square, 4R², below the largest row's)" : "")
        case (.automatic, _):
            if fullBatch, momentum == nil, let curvature, let mu = curvature.strongConvexity {
                let l = units * curvature.smoothness, m = units * mu
                let root = (l / m).squareRoot()
                // Both contract by about 1 − 1/√κ per step. Polyak's heavy-ball tuning
                // (4/(√L + √μ)², ((√κ − 1)/(√κ + 1))²) is faster asymptotically, but its step of
                // about 4/L lets the cost climb by orders of magnitude before it falls.
                rate = 1 / l
                momentum = (root - 1) / (root + 1)
                reason = "1/L and β = (√κ − 1)/(√κ + 1): contraction 1 − 1/√κ per step on a quadratic"
            } else {
                let beta = momentum ?? Optimizer.defaultMomentum
                momentum = beta
                rate = (1 - beta) / (smoothness ?? 1)
                reason =
                    "(1 − β)/L\(consecutiveBatches ? " with L = max‖x̃ᵢ‖² (bounds any batch's curvature)" : "(\(b))") with β = \(beta): the plain step spread over the momentum's memory"
                    + (!consecutiveBatches && curvature.map { $0.rowCurvature < $0.largestRowCurvature } == true
                        ? " (rows in mean square, 4R², below the largest row's)" : "")
            }
        }
        var contraction: Double?
        if !configuration.optimizer.isAdaptive, let smoothness, let mu = curvature?.strongConvexity {
            contraction = Self.contraction(
                rate: rate, momentum: momentum ?? 0, nesterov: nesterov, smallest: units * mu, largest: smoothness)
        }
        self.init(
            learningRate: rate, source: configuration.learningRate == .automatic ? .automatic : .given,
            momentum: configuration.optimizer.isAdaptive || configuration.optimizer == .sgd ? nil : momentum,
            curvature: curvature, batchSmoothness: smoothness, reason: reason, contractionPerUpdate: contraction,
            predictedEpochs: Self.epochs(contraction: contraction, tolerance: tolerance, batchesPerEpoch: batchesPerEpoch),
            predictionTolerance: tolerance)
    }

    static func format(_ value: Double) -> String { String(format: "%.4g", value) }
}
