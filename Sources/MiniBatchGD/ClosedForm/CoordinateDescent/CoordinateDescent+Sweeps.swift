extension CoordinateDescent {
    /// Where one target's descent ended.
    struct Outcome {
        var gap: Double
        var gapTolerance: Double
        var sweeps: Int
        var converged: Bool
    }

    /// Cyclic coordinate descent on one target from the coefficients in `beta` (p values, left
    /// holding the answer), glmnet's way: a full sweep, then sweeps over the nonzero coefficients
    /// until no step lowers the objective by more than a thousandth of the gap tolerance, then a
    /// full sweep again (which lets in any coordinate whose optimality condition fails). After
    /// every full sweep the duality gap is computed; the descent stops when it is at most
    /// `tolerance`·Σωỹ², or after `maximumSweeps` sweeps (full or active) with the gap of the last
    /// iterate.
    ///
    /// A coordinate's update is the exact minimizer along it:
    /// βⱼ ← S(gⱼ + Hⱼⱼβⱼ, l₁dⱼ) / (Hⱼⱼ + l₂dⱼ²), S the soft threshold. Columns held at zero
    /// (``CoordinateUpdates/curvature`` 0) stay at 0.
    /// - Parameter work: scratch for 2·p values.
    static func descend(
        _ updates: some CoordinateUpdates, target: Int, beta: UnsafeMutablePointer<Double>, scale d: UnsafePointer<Double>, l1: Double,
        l2: Double, tolerance: Double, maximumSweeps: Int, work: UnsafeMutablePointer<Double>, active: UnsafeMutablePointer<Int>
    ) -> Outcome {
        let p = updates.p, squares = updates.targetSquares[target], gapTolerance = tolerance * squares
        let h = updates.curvature
        // Centred targets of zero: zero is the answer (F ≥ 0 = F(0)).
        guard squares > 0 else {
            beta.update(repeating: 0, count: p)
            return Outcome(gap: 0, gapTolerance: 0, sweeps: 0, converged: true)
        }
        let threshold = work, denominator = work + p
        for j in 0..<p {
            threshold[j] = l1 * d[j]
            denominator[j] = h[j] + l2 * d[j] * d[j]
            if h[j] == 0 { beta[j] = 0 }
        }
        let correlations = UnsafeMutablePointer<Double>.allocate(capacity: p)
        defer { correlations.deallocate() }
        updates.begin(target: target, coefficients: beta)
        /// The exact minimum along coordinate j; returns (Hⱼⱼ + l₂dⱼ²)·step², twice the objective's decrease.
        @inline(__always)
        func update(_ j: Int) -> Double {
            let old = beta[j]
            let z = updates.correlation(j) + h[j] * old
            let magnitude = abs(z) - threshold[j]
            let new = magnitude > 0 ? (z < 0 ? -magnitude : magnitude) / denominator[j] : 0
            guard new != old else { return 0 }
            updates.move(j, by: new - old)
            beta[j] = new
            return denominator[j] * (new - old) * (new - old)
        }
        func gap() -> Double {
            updates.correlations(coefficients: beta, into: correlations)
            return dualityGap(
                coefficients: beta, correlations: correlations, scale: d, count: p, l1: l1, l2: l2,
                residualSquares: { updates.residualSquares(coefficients: beta) })
        }
        let settled = 1e-3 * gapTolerance
        var sweeps = 0
        while true {
            for j in 0..<p where h[j] > 0 { _ = update(j) }
            sweeps += 1
            let current = gap()
            if current <= gapTolerance || sweeps >= maximumSweeps {
                return Outcome(gap: current, gapTolerance: gapTolerance, sweeps: sweeps, converged: current <= gapTolerance)
            }
            var count = 0
            for j in 0..<p where beta[j] != 0 {
                active[count] = j
                count += 1
            }
            while count > 0 {
                var largest = 0.0
                for a in 0..<count { largest = Swift.max(largest, update(active[a])) }
                sweeps += 1
                if largest <= settled { break }
                if sweeps >= maximumSweeps {
                    let current = gap()
                    return Outcome(gap: current, gapTolerance: gapTolerance, sweeps: sweeps, converged: current <= gapTolerance)
                }
            }
        }
    }
}
