extension LearningRateChoice {
    /// The automatic rate of a loss with kinks (``Loss/isSmooth`` false): the least-squares
    /// rate times the target's spread. A subgradient is at most about 1 in size whatever the
    /// residuals, so the step that suits least squares' gradients (residuals of the target's
    /// spread) is this one; nothing is predicted, since the cost has no curvature to contract by.
    func subgradientRate(targetSpread: Double) -> LearningRateChoice {
        let spread = targetSpread > 0 && targetSpread.isFinite ? targetSpread : 1
        return LearningRateChoice(
            learningRate: learningRate * spread, source: source, momentum: momentum, curvature: curvature,
            batchSmoothness: batchSmoothness,
            reason: reason + ", times the target's spread (\(Self.format(spread))): a subgradient's size does not grow with the residuals",
            contractionPerUpdate: nil, predictedEpochs: nil, predictionTolerance: predictionTolerance)
    }
}
