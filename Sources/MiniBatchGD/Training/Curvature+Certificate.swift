extension Curvature {
    /// μ for the certified stop of a descent whose penalty other than L2 is `penalty` (nil: none),
    /// in the descent's coordinates, with the curvature measured at its ``Penalty/curvature``
    /// (scaled by `penaltyScale`) in every direction; nil, with a note in `notes` when
    /// `certifying`, where no certificate holds.
    ///
    /// A smooth objective takes ``strongConvexity``: its descent never moves along directions of
    /// zero curvature. A proximal step (L1's) does, so a kinked penalty takes the smallest
    /// eigenvalue over every direction, less what the penalty's L2 part was credited beyond its
    /// least in any direction (Weyl: H + diag(c) ≽ H + min(c)·I); and only at full batch without an
    /// average, where the iterate lands on the penalty's zeros and its shortest subgradient
    /// (``Penalty/shortestSubgradient(at:count:scale:gradient:)``) goes to 0.
    func certifiedStrongConvexity(
        penalty: (any Penalty)?, penaltyScale: Double, fullBatchWithoutAverage: Bool, certifying: Bool, notes: inout [String]
    ) -> Double? {
        guard let penalty, !penalty.isSmooth else { return strongConvexity }
        guard penalty.knowsShortestSubgradient else { return nil }
        guard fullBatchWithoutAverage else {
            if certifying {
                notes.append(
                    "no certified stop: with --l1 it needs --batch-size full without --average (a stochastic or averaged iterate sits off the penalty's zeros); the fit stops on the cost's plateau"
                )
            }
            return nil
        }
        guard let least = leastEigenvalue else { return nil }
        let mu = least - penaltyScale * (penalty.curvature - penalty.leastCurvature)
        guard mu > 1e-10 * smoothness else {
            if certifying {
                notes.append(
                    "no certified stop: with --l1 on more features than rows, or on collinear or empty columns, the cost is not strongly convex and the optimum need not be unique; the fit stops on the cost's plateau"
                )
            }
            return nil
        }
        return mu
    }
}
