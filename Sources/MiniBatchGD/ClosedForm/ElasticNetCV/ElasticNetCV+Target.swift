extension ElasticNetCV {
    /// One target's cross-validation along the path (each target is fitted, scored and chosen on
    /// its own, on the shared grid).
    public struct Target: Sendable, Equatable {
        /// The held-out mean squared error per α (outer, the path's order) and fold (inner): the
        /// fold's Σwᵢ(yᵢ − b − xᵢβ)²/Σwᵢ over its rows, the path fitted on the other folds.
        /// scikit-learn's `mse_path_` (shape (n_alphas, n_folds), same order).
        public let foldErrors: [[Double]]
        /// The mean of each α's fold errors, unweighted (scikit-learn's `mse_path_.mean(axis=1)`,
        /// glmnet's `cvm` for folds of equal weight).
        public let scores: [Double]
        /// The standard error of each mean: the folds' sample standard deviation (divisor K − 1)
        /// over √K (glmnet's `cvsd` for folds of equal weight).
        public let standardErrors: [Double]
        /// The α with the smallest mean error, and the one-standard-error choice.
        public let choice: Choice
        /// Nonzero coefficients per α on the path fitted to every row.
        public let nonzeroCoefficients: [Int]
        /// The duality gap per α on the path fitted to every row (the certificate of
        /// ``ElasticNetCV/parameters``).
        public let dualityGaps: [Double]
        /// Whether every solution of every fold's path and of the path on every row reached its
        /// gap tolerance.
        public let converged: Bool

        /// The choice from the mean errors: the first smallest in the path's order (the largest
        /// α on a tie, as `LassoCV`'s `argmin`), and the largest α whose mean is at most the
        /// best's plus its standard error (glmnet's `lambda.1se`).
        static func choose(alphas: [Double], scores: [Double], errors: [Double]) -> Choice {
            var best = 0
            for a in scores.indices where scores[a] < scores[best] { best = a }
            let bound = scores[best] + (errors[best].isFinite ? errors[best] : 0)
            var oneSE = best
            for a in scores.indices where scores[a] <= bound && alphas[a] > alphas[oneSE] { oneSE = a }
            return Choice(
                index: best, alpha: alphas[best], score: scores[best], standardError: errors[best], oneStandardErrorIndex: oneSE,
                oneStandardErrorAlpha: alphas[oneSE])
        }
    }

    /// The α the cross-validation chose for one target.
    ///
    /// ```swift
    /// let choice = cv.targets[0].choice
    /// print("lambda.min", choice.alpha, "lambda.1se", choice.oneStandardErrorAlpha)
    /// ```
    public struct Choice: Sendable, Equatable {
        /// The index in ``ElasticNetCV/alphas`` of the smallest mean error.
        public let index: Int
        /// That α: scikit-learn's `alpha_`, glmnet's `lambda.min`.
        public let alpha: Double
        /// Its mean held-out error.
        public let score: Double
        /// That mean's standard error.
        public let standardError: Double
        /// The index of the one-standard-error choice.
        public let oneStandardErrorIndex: Int
        /// The largest α whose mean error is at most ``score`` + ``standardError``: the sparsest
        /// model the folds cannot tell from the best (glmnet's `lambda.1se`).
        public let oneStandardErrorAlpha: Double
    }
}
