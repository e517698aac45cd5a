import Foundation

extension LeastSquares {
    /// A least-squares fit of rows read once (a stream) with the statistics one pass can give:
    /// an ``Accumulator`` of the rows, a second factor of consecutive rows' differences for
    /// Durbin–Watson, and the counts the likelihood needs. Memory is O((p + k)²) whatever the rows.
    ///
    /// From the accumulator's R of u = √w·[1, x − a, y − b] everything in ``Statistics`` but the
    /// robust covariances follows: RᵀR is the Gram matrix, so σ²·(RᵀR)⁻¹ is the covariance; the
    /// target column of R splits ‖y − b‖² into the intercept's share, the explained sum (rows of
    /// the features) and the residual (rows below). Durbin–Watson's Σ(eₜ − eₜ₋₁)² is the quadratic
    /// form ‖D·(−β′, 1)‖² with D the R of the differences uₜ − uₜ₋₁ (the intercept cancels unless
    /// weighted). The HC covariances need each row's leverage and residual once β is known: a
    /// second pass, not here; nor is the solution refined (refinement reads the rows again).
    ///
    /// ```swift
    /// var fit = LeastSquares.OnePassFit(featureCount: 3)
    /// for chunk in chunks { try fit.add(chunk) }   // Dataset<Double>s, weighted or not
    /// let solution = try fit.solve()
    /// print(solution.coefficientTable, solution.statistics.durbinWatson)
    /// ```
    public struct OnePassFit: Sendable {
        package private(set) var accumulator: Accumulator
        /// R of the rows uₜ − uₜ₋₁, t ≥ 2.
        private var differences: TallSkinnyQR
        /// The last row's u, for the difference with the next chunk's first.
        private var previous: [Double]
        private var hasPrevious = false
        /// Rows of positive weight added so far (every row unweighted): statsmodels' `nobs`.
        public private(set) var observations = 0
        /// The first chunk's names (nil before it, or when only pointers were added).
        private var names: (features: [String], targets: [String])?
        /// Σ log wᵢ over those rows, for the weighted likelihood.
        private var logWeightTotal = 0.0

        /// An empty fit for rows of `featureCount` features and `outputCount` targets.
        public init(featureCount: Int, outputCount: Int = 1, fitIntercept: Bool = true) {
            accumulator = Accumulator(featureCount: featureCount, outputCount: outputCount, fitIntercept: fitIntercept)
            let width = (fitIntercept ? 1 : 0) + featureCount + outputCount
            differences = TallSkinnyQR(width: width, blockRows: Swift.max(4 * width, (1 << 16) / Swift.max(width, 1)))
            previous = [Double](repeating: 0, count: width)
        }

        /// Adds the rows of `chunk` in order (Durbin–Watson pairs its first row with the last
        /// one added before it), each weighted by the chunk's ``Dataset/weights`` when it has them.
        /// - Throws: ``ArgumentError`` for a chunk of another width,
        ///   ``MatrixError/nonFinite(argument:row:column:value:)`` for a NaN or infinity.
        /// - Complexity: O(rows · (p + k)²); nothing allocated after the first chunk.
        public mutating func add(_ chunk: Dataset<Double>) throws {
            guard chunk.featureCount == accumulator.featureCount, chunk.outputCount == accumulator.outputCount else {
                throw ArgumentError(
                    argument: "chunk", value: "\(chunk.featureCount) features and \(chunk.outputCount) targets",
                    requirement: "must have \(accumulator.featureCount) features and \(accumulator.outputCount) targets, as the fit")
            }
            try chunk.features.validateFinite(argument: "features")
            try chunk.targets.validateFinite(argument: "targets")
            if names == nil { names = (chunk.featureNames, chunk.targetNames) }
            try chunk.features.elements.withUnsafeBufferPointer { x in
                try chunk.targets.elements.withUnsafeBufferPointer { y in
                    if let weights = chunk.weights {
                        try weights.withUnsafeBufferPointer { w in
                            try add(count: chunk.rows, features: x.baseAddress!, targets: y.baseAddress!, weights: w.baseAddress!)
                        }
                    } else {
                        try add(count: chunk.rows, features: x.baseAddress!, targets: y.baseAddress!, weights: nil)
                    }
                }
            }
        }

        /// The fit of the rows so far with its statistics under the classical covariance (see
        /// the type's discussion for what one pass leaves out), named as the first chunk's columns.
        /// - Throws: ``ArgumentError`` for a level outside (0, 1),
        ///   ``LinearAlgebraError/rankDeficient(method:rank:columns:conditionEstimate:)`` when
        ///   the rows do not determine the coefficients (too few, or dependent columns).
        public func solve(confidenceLevel: Double = LeastSquares.defaultConfidenceLevel) throws -> Solution {
            guard confidenceLevel > 0, confidenceLevel < 1 else {
                throw ArgumentError(
                    argument: "confidenceLevel", value: "\(confidenceLevel)", requirement: "must lie strictly between 0 and 1")
            }
            let p = accumulator.featureCount, k = accumulator.outputCount
            return try solution(
                featureNames: names?.features ?? Dataset<Double>.defaultFeatureNames(p),
                targetNames: names?.targets ?? Dataset<Double>.defaultTargetNames(k),
                confidenceLevel: confidenceLevel)
        }

        /// Adds `count` rows (row-major features and targets, weights ≥ 0 or nil), already checked
        /// finite by the reader. Allocates nothing after the first call.
        package mutating func add(
            count: Int, features: UnsafePointer<Double>, targets: UnsafePointer<Double>, weights: UnsafePointer<Double>?
        ) throws {
            guard count > 0 else { return }
            try accumulator.add(count: count, features: features, targets: targets, weights: weights)
            for i in 0..<count {
                let w = weights?[i] ?? 1
                if w > 0 {
                    observations += 1
                    if weights != nil { logWeightTotal += log(w) }
                }
            }
            guard let shift = accumulator.shift else { return }
            let p = accumulator.featureCount, k = accumulator.outputCount, offset = accumulator.fitIntercept ? 1 : 0
            let blockRows = differences.blockRows
            var start = 0
            try shift.withUnsafeBufferPointer { a in
                try previous.withUnsafeMutableBufferPointer { last in
                    // u of row `row` into column j of `buffer` as its difference from the last u, which it replaces.
                    func write(_ row: Int, into buffer: UnsafeMutablePointer<Double>?, at i: Int, leading: Int) {
                        let root = weights.map { $0[row].squareRoot() } ?? 1
                        func put(_ j: Int, _ u: Double) {
                            buffer?[j * leading + i] = u - last[j]
                            last[j] = u
                        }
                        if offset == 1 { put(0, root) }
                        for j in 0..<p { put(offset + j, root * (features[row * p + j] - a[j])) }
                        for o in 0..<k { put(offset + p + o, root * (targets[row * k + o] - a[p + o])) }
                    }
                    if !hasPrevious {
                        // The first row has no predecessor: it only becomes the last u.
                        write(0, into: nil, at: 0, leading: 0)
                        hasPrevious = true
                        start = 1
                    }
                    while start < count {
                        let block = Swift.min(blockRows, count - start), first = start
                        try differences.add(count: block) { buffer, leading in
                            for i in 0..<block { write(first + i, into: buffer, at: i, leading: leading) }
                        }
                        start += block
                    }
                }
            }
        }

        /// The fit with its statistics under the classical (nonrobust) covariance, laid out as
        /// ``LeastSquares/solve(_:method:fitIntercept:ridge:penaltyUnits:rankTolerance:weights:covariance:confidenceLevel:refine:threads:)``
        /// lays out a file's (method `qr`, not refined: refinement needs a second pass).
        /// - Throws: ``LinearAlgebraError/rankDeficient(method:rank:columns:conditionEstimate:)``
        ///   when the rows do not determine the coefficients.
        package func solution(featureNames: [String], targetNames: [String], confidenceLevel: Double) throws -> Solution {
            let p = accumulator.featureCount, k = accumulator.outputCount, fitIntercept = accumulator.fitIntercept
            let offset = fitIntercept ? 1 : 0, q = offset + p, width = q + k, n = observations
            guard n >= q else {
                throw LinearAlgebraError.rankDeficient(method: "qr", rank: n - offset, columns: p, conditionEstimate: .infinity)
            }
            let fit = try accumulator.solve()
            guard let shift = accumulator.shift else {
                throw LinearAlgebraError.rankDeficient(method: "qr", rank: 0, columns: p, conditionEstimate: .infinity)
            }
            // R with a positive diagonal (a row's sign is free: RᵀR is the same), as Cholesky's factor.
            var full = accumulator.factor.upperTriangle
            for i in 0..<width where full[i * width + i] < 0 { for j in i..<width { full[i * width + j] = -full[i * width + j] } }
            var r = [Double](repeating: 0, count: q * q), shifted = [Double](repeating: 0, count: q * k)
            for i in 0..<q {
                for j in i..<q { r[i * q + j] = full[i * width + j] }
                for o in 0..<k { shifted[i * k + o] = full[i * width + q + o] }
            }
            // (c′, β) of the shifted rows: the weighted differences need c′ (the accumulator's own solve, again).
            _ = try r.withUnsafeBufferPointer { rb in
                try shifted.withUnsafeMutableBufferPointer { b in
                    try LAPACK.upperTriangularSolve(n: q, nrhs: k, a: rb.baseAddress!, lda: q, b: b.baseAddress!, ldb: k)
                }
            }
            func sumOfSquares(column: Int, rows: Range<Int>) -> Double {
                rows.reduce(0) { $0 + full[$1 * width + column] * full[$1 * width + column] }
            }
            let rss = fit.residualSumOfSquares
            let explained = (0..<k).map { sumOfSquares(column: q + $0, rows: offset..<q) }
            // About the (weighted) mean with an intercept (R's first row is the mean's share), about 0 without.
            let totals = (0..<k).map { explained[$0] + rss[$0] }
            let df = n - q
            let r2 = (0..<k).map { totals[$0] > 0 ? 1 - rss[$0] / totals[$0] : .nan }
            let half = Double(n) / 2
            let likelihood = rss.map { $0 > 0 ? -half * (log(2 * Double.pi) + log($0 / Double(n)) + 1) + 0.5 * logWeightTotal : .nan }
            let d = differences.upperTriangle
            let successive = (0..<k).map { o -> Double in
                var v = [Double](repeating: 0, count: width)
                for i in 0..<q { v[i] = -shifted[i * k + o] }
                v[q + o] = 1
                return (0..<width).reduce(0) { sum, i in
                    let value = (i..<width).reduce(0) { $0 + d[i * width + $1] * v[$1] }
                    return sum + value * value
                }
            }
            var covariances: [Matrix<Double>]?, estimates: [[EstimateFigures]]?, fValues: [Double]?, fPValues: [Double]?
            if df > 0 {
                var inverse = r
                try inverse.withUnsafeMutableBufferPointer { try LAPACK.choleskyInverse(n: q, a: $0.baseAddress!, lda: q) }
                for i in 0..<q { for j in 0..<i { inverse[i * q + j] = inverse[j * q + i] } }
                let fisher = try? FisherF(numerator: Double(p), denominator: Double(df))
                var matrices: [Matrix<Double>] = [], figures: [[EstimateFigures]] = [], fs: [Double] = [], ps: [Double] = []
                for o in 0..<k {
                    let variance = rss[o] / Double(df)
                    var covariance = Matrix<Double>.zeros(q, q)
                    for index in 0..<q * q { covariance.elements[index] = variance * inverse[index] }
                    if fitIntercept {
                        // c = c′ + b − aᵀβ: Var(c) and Cov(c, β) from those of (c′, β).
                        var mixed = [Double](repeating: 0, count: p)
                        for j in 0..<p {
                            mixed[j] = covariance.elements[1 + j]
                            for i in 0..<p { mixed[j] -= shift[i] * covariance.elements[(1 + i) * q + 1 + j] }
                        }
                        var intercept = covariance.elements[0]
                        for j in 0..<p { intercept -= shift[j] * (covariance.elements[1 + j] + mixed[j]) }
                        covariance.elements[0] = intercept
                        for j in 0..<p { (covariance.elements[1 + j], covariance.elements[(1 + j) * q]) = (mixed[j], mixed[j]) }
                    }
                    matrices.append(covariance)
                    figures.append(
                        EstimateFigures.list(
                            target: o, parameters: fit.parameters, fitIntercept: fitIntercept, covariance: covariance,
                            degreesOfFreedom: Double(df), level: confidenceLevel))
                    let f = (explained[o] / Double(p)) / variance
                    fs.append(f)
                    ps.append(fisher?.survival(f) ?? .nan)
                }
                (covariances, estimates, fValues, fPValues) = (matrices, figures, fs, ps)
            }
            let statistics = Statistics(
                observations: n, degreesOfFreedom: df, effectiveDegreesOfFreedom: Double(q), residualDegreesOfFreedom: Double(df),
                isPenalized: false, residualSumOfSquares: rss, rSquared: r2,
                adjustedRSquared: df > 0 ? r2.map { 1 - (1 - $0) * Double(n - offset) / Double(df) } : nil,
                residualStandardDeviation: df > 0 ? rss.map { ($0 / Double(df)).squareRoot() } : nil, covarianceType: .nonrobust,
                covariances: covariances, confidenceLevel: confidenceLevel, fStatistics: fValues, fPValues: fPValues,
                logLikelihood: likelihood, aic: likelihood.map { -2 * $0 + 2 * Double(q) },
                bic: likelihood.map { -2 * $0 + log(Double(n)) * Double(q) },
                durbinWatson: (0..<k).map { rss[$0] > 0 ? successive[$0] / rss[$0] : .nan })
            let tables = (0..<k).map {
                CoefficientTable(
                    target: $0, parameters: fit.parameters, fitIntercept: fitIntercept, statistics: statistics, estimates: estimates?[$0],
                    errorBounds: nil, featureNames: featureNames, targetNames: targetNames)
            }
            return Solution(
                parameters: fit.parameters, fitIntercept: fitIntercept, requestedMethod: .qr, method: .qr, fallbackReasons: [],
                rank: p, conditionNumber: try conditionNumber(full, width: width, p: p, offset: offset), singularValues: nil, ridge: 0,
                penaltyUnits: .original, statistics: statistics, coefficientTables: tables, refinementIterations: 0,
                featureNames: featureNames, targetNames: targetNames)
        }

        /// κ of the centred, equilibrated design Z as a file's `auto` solve reports it: √κ₁(ZᵀZ)
        /// by `dpocon` when that is at most 10⁴ (where `auto` keeps Cholesky), else κ₁(R) by `dtrcon`
        /// (QR's). The features' block of R is Z's R once its columns are scaled to unit norm.
        private func conditionNumber(_ full: [Double], width: Int, p: Int, offset: Int) throws -> Double {
            var z = [Double](repeating: 0, count: p * p)
            for j in 0..<p {
                var norm = 0.0
                for i in 0...j { norm += full[(offset + i) * width + offset + j] * full[(offset + i) * width + offset + j] }
                let scale = norm > 0 ? 1 / norm.squareRoot() : 1
                for i in 0...j { z[i * p + j] = full[(offset + i) * width + offset + j] * scale }
            }
            var gram = [Double](repeating: 0, count: p * p)
            for i in 0..<p {
                for j in 0..<p {
                    var sum = 0.0
                    for l in 0...Swift.min(i, j) { sum += z[l * p + i] * z[l * p + j] }
                    gram[i * p + j] = sum
                }
            }
            let oneNorm = gram.withUnsafeBufferPointer { LAPACK.symmetricOneNorm(n: p, a: $0.baseAddress!, lda: p) }
            let reciprocal = try z.withUnsafeBufferPointer {
                try LAPACK.choleskyReciprocalCondition(n: p, factor: $0.baseAddress!, lda: p, oneNorm: oneNorm)
            }
            if reciprocal >= 1e-4 { return (1 / reciprocal).squareRoot() }
            let triangular = try z.withUnsafeBufferPointer { try LAPACK.triangularReciprocalCondition(n: p, a: $0.baseAddress!, lda: p) }
            return triangular > 0 ? 1 / triangular : .infinity
        }
    }
}
