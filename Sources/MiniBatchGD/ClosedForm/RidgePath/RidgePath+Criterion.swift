extension RidgePath {
    /// What chooses α.
    public enum Criterion: String, Sendable, Equatable, CaseIterable {
        /// The exact leave-one-out error, scored as scikit-learn's `RidgeCV` (cv=None): the mean
        /// over the rows of wᵢ·(yᵢ − ŷ₋ᵢ)².
        case loo
        /// Generalized cross-validation: (1/m)·Σwᵢrᵢ² / (1 − tr H/m)².
        case gcv
    }

    /// One target's scores along the path.
    public struct Target: Sendable {
        /// The leave-one-out score per α: the mean over the rows of wᵢ·(yᵢ − ŷ₋ᵢ)² (minus
        /// scikit-learn's score; +∞ where a row's leverage is 1 in floating point).
        public let leaveOneOut: [Double]
        /// The standard error of each leave-one-out score: sd/√n of its terms.
        public let leaveOneOutStandardError: [Double]
        /// The GCV score per α (+∞ where tr H reaches m).
        public let gcv: [Double]
        /// The standard error of each GCV score: sd/√m of its terms wᵢrᵢ²/(1 − tr H/m)².
        public let gcvStandardError: [Double]
        /// Σwᵢrᵢ² per α: the residual sum of squares of the ridge fit on the rows.
        public let residualSumOfSquares: [Double]
        /// Σwᵢ(yᵢ − ȳ)² (Σwᵢyᵢ² without an intercept): what R² compares the residuals with.
        public let totalSumOfSquares: Double
        /// The path's alphas, in its order.
        let alphas: [Double]
        /// Per α, every row's wᵢ·(yᵢ − ŷ₋ᵢ)² (scikit-learn's `cv_results_[:, j]`, or
        /// `cv_results_[:, o, j]` for target o of several); nil unless asked for.
        public let leaveOneOutSquaredErrors: [[Double]]?

        /// R² on the rows fitted per α, 1 − RSS/TSS (NaN for a constant target).
        ///
        /// ```swift
        /// let r2 = path.targets[0].rSquared   // training R² along the path
        /// ```
        public var rSquared: [Double] {
            residualSumOfSquares.map { totalSumOfSquares > 0 ? 1 - $0 / totalSumOfSquares : .nan }
        }

        /// The scores of `criterion`, per α.
        public func scores(_ criterion: Criterion) -> [Double] { criterion == .loo ? leaveOneOut : gcv }

        /// The standard errors of `criterion`'s scores, per α.
        public func standardErrors(_ criterion: Criterion) -> [Double] {
            criterion == .loo ? leaveOneOutStandardError : gcvStandardError
        }

        /// The α `criterion` chooses, and the one-standard-error choice beside it.
        ///
        /// ```swift
        /// let choice = path.targets[0].choice(.loo)
        /// print("alpha", choice.alpha, "(1-SE:", choice.oneStandardErrorAlpha, ")")
        /// ```
        public func choice(_ criterion: Criterion) -> Choice {
            let scores = scores(criterion), errors = standardErrors(criterion)
            // The first smallest in the path's order, as RidgeCV keeps the first of equal scores.
            var best = 0
            for a in scores.indices where scores[a] < scores[best] { best = a }
            // glmnet's lambda.1se: the largest α whose score is within one standard error of the best.
            let bound = scores[best] + (errors[best].isFinite ? errors[best] : 0)
            var oneSE = best
            for a in scores.indices where scores[a] <= bound && alphas[a] > alphas[oneSE] { oneSE = a }
            return Choice(
                criterion: criterion, index: best, alpha: alphas[best], score: scores[best], standardError: errors[best],
                oneStandardErrorIndex: oneSE, oneStandardErrorAlpha: alphas[oneSE])
        }
    }

    /// The α a criterion chose for one target.
    public struct Choice: Sendable, Equatable {
        /// The criterion.
        public let criterion: Criterion
        /// The index in ``RidgePath/alphas`` of the smallest score (the first, on a tie).
        public let index: Int
        /// That α: scikit-learn's `alpha_` for ``Criterion/loo``.
        public let alpha: Double
        /// Its score: minus scikit-learn's `best_score_` for ``Criterion/loo``.
        public let score: Double
        /// The score's standard error.
        public let standardError: Double
        /// The index of the one-standard-error choice.
        public let oneStandardErrorIndex: Int
        /// The largest α whose score is at most ``score`` + ``standardError``: the most
        /// regularized model the data cannot tell from the best (glmnet's `lambda.1se`).
        public let oneStandardErrorAlpha: Double
    }
}
