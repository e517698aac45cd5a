import Foundation
import Testing

@testable import MiniBatchGD

@Suite struct LeastSquaresTests {
    static let solvingMethods: [LeastSquares.Method] = [.auto, .cholesky, .qr, .svd]

    func dataset(_ x: [[Int]], _ y: [Int]) throws -> Dataset<Double> {
        try Dataset(features: Matrix(x.map { $0.map(Double.init) }), target: y.map(Double.init))
    }

    // A small integer design, solved exactly in rationals: coefficients and every statistic.
    let x = [[1, 2], [2, 1], [3, 4], [4, 3], [5, 6], [6, 8], [7, 7]]
    let y = [1, 3, 2, 5, 4, 7, 9]

    @Test(arguments: solvingMethods)
    func matchesExactRationalSolutionAndStatistics(method: LeastSquares.Method) throws {
        let exact = ExactLeastSquares(x: x, y: y, intercept: true)
        let solution = try LeastSquares.solve(dataset(x, y), method: method)
        #expect(relativeDifference(solution.parameters.stacked, exact.coefficients.map(\.double)) < 1e-13)
        #expect(solution.rank == 2)
        let stats = solution.statistics
        let df = exact.degreesOfFreedom
        #expect(stats.degreesOfFreedom == df)
        #expect(abs(stats.residualSumOfSquares[0] - exact.residualSumOfSquares.double) < 1e-12 * exact.residualSumOfSquares.double)
        let r2 = 1 - (exact.residualSumOfSquares / exact.totalSumOfSquares).double
        #expect(abs(stats.rSquared[0] - r2) < 1e-13)
        let adjusted = 1 - (exact.residualSumOfSquares / exact.totalSumOfSquares * Rational(x.count - 1, df)).double
        #expect(abs(stats.adjustedRSquared![0] - adjusted) < 1e-13)
        let variance = exact.residualSumOfSquares / Rational(df)
        #expect(abs(stats.residualStandardDeviation![0] - variance.double.squareRoot()) < 1e-13 * variance.double.squareRoot())
        let errors = (0..<3).map { (variance * exact.inverseGram[$0][$0]).double.squareRoot() }
        #expect(abs(solution.interceptFigures(\.standardError)![0] - errors[0]) < 1e-12 * errors[0])
        #expect(relativeDifference(solution.coefficientFigures(\.standardError)!, Array(errors[1...])) < 1e-12)
        let t = (0..<3).map { exact.coefficients[$0].double / errors[$0] }
        #expect(relativeDifference(solution.interceptFigures(\.tValue)! + solution.coefficientFigures(\.tValue)!, t) < 1e-12)
    }

    @Test(arguments: solvingMethods)
    func withoutInterceptMatchesExactSolution(method: LeastSquares.Method) throws {
        let exact = ExactLeastSquares(x: x, y: y, intercept: false)
        let solution = try LeastSquares.solve(dataset(x, y), method: method, fitIntercept: false)
        #expect(solution.intercept == [0])
        #expect(relativeDifference(solution.coefficients.elements, exact.coefficients.map(\.double)) < 1e-13)
        // R reports R² about zero without an intercept.
        let r2 = 1 - (exact.residualSumOfSquares / exact.totalSumOfSquares).double
        #expect(abs(solution.statistics.rSquared[0] - r2) < 1e-13)
        #expect(solution.interceptFigures(\.standardError) == nil && solution.coefficientTable.intercept == nil)
        let variance = exact.residualSumOfSquares / Rational(exact.degreesOfFreedom)
        let errors = (0..<2).map { (variance * exact.inverseGram[$0][$0]).double.squareRoot() }
        #expect(relativeDifference(solution.coefficientFigures(\.standardError)!, errors) < 1e-12)
    }

    @Test func seedDataMethodsAgreeAndMatchTextbookFormulas() throws {
        let data = try Dataset<Double>.seedArticle(seed: 0).train
        let solutions = try Self.solvingMethods.map { try LeastSquares.solve(data, method: $0) }
        for s in solutions.dropFirst() { #expect(relativeDifference(s.parameters, solutions[0].parameters) < 1e-12) }
        // Simple regression: slope = Sxy/Sxx, intercept = ȳ − slope·x̄, SE(slope) = σ/√Sxx.
        let xs = data.features.elements, ys = data.targets.elements
        let n = Double(xs.count)
        let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0
        for i in xs.indices {
            sxx += (xs[i] - mx) * (xs[i] - mx)
            sxy += (xs[i] - mx) * (ys[i] - my)
        }
        let slope = sxy / sxx
        let intercept = my - slope * mx
        #expect(relativeDifference(solutions[0].parameters.stacked, [intercept, slope]) < 1e-12)
        let sigma = solutions[0].statistics.residualStandardDeviation![0]
        #expect(abs(solutions[0].coefficientFigures(\.standardError)![0] - sigma / sxx.squareRoot()) < 1e-10 * sigma)
        // The sample lies near the population line y = 1.25 + 0.95·x.
        #expect(abs(slope - 0.95) < 0.03 && abs(intercept - 1.25) < 0.15)
        #expect(solutions[0].method == .cholesky && solutions[0].fallbackReasons.isEmpty)
    }

    @Test func polynomialDesignKeepsDigitsAndAutoAvoidsNormalEquations() throws {
        // Degree-8 polynomial on x = 0…24 with integer coefficients: every value is an exact
        // integer below 2⁵³, so the exact solution is the generating coefficients.
        let truth: [Double] = [3, -2, 1, 4, -1, 2, -3, 1, 1]
        let xs = (0..<25).map(Double.init)
        let features = try Matrix(xs.map { x in (1...8).map { Foundation_pow(x, $0) } })
        let targets = xs.map { x in (0...8).reduce(0.0) { $0 + truth[$1] * Foundation_pow(x, $1) } }
        let data = try Dataset(features: features, target: targets)
        // κ of the equilibrated design is about 3·10⁵; numpy's lstsq on the same equilibrated
        // columns misses the truth by 2.0e-6 relative (2026-11-29), so 1e-5 is the honest bound.
        var errors: [LeastSquares.Method: Double] = [:]
        for method in [LeastSquares.Method.qr, .svd, .auto] {
            let solution = try LeastSquares.solve(data, method: method)
            errors[method] = relativeDifference(solution.parameters.stacked, truth)
            #expect(errors[method]! < 1e-5, "\(method)")
        }
        #expect(errors[.auto]! <= 2 * errors[.qr]!)
        let auto = try LeastSquares.solve(data, method: .auto)
        #expect(auto.method != .cholesky)
        #expect(auto.conditionNumber > 1e4)
        // Full rank: the reason is the condition limit, not a rank the design does not lack.
        #expect(auto.fallbackReasons.count == 1)
        #expect(auto.fallbackReasons[0].hasPrefix("cholesky: the design's condition number ≈ "), "\(auto.fallbackReasons)")
        #expect(auto.fallbackReasons[0].contains("is above 100.0") && !auto.fallbackReasons[0].contains("rank"))
    }

    @Test func nearlyCollinearColumnsWithAnExactlyKnownSolution() throws {
        // x₂ = x₁ ± 2⁻²⁰ and y = 1 + 2x₁ + 3x₂: every value is exact in binary, so the truth is
        // (1, 2, 3) with zero residual, and the two columns are collinear to about 10⁻⁷.
        let x1 = (0..<40).map { Double($0 % 9) - 4 }
        let x2 = x1.indices.map { x1[$0] + ($0 % 2 == 0 ? 0x1p-20 : -0x1p-20) }
        let y = x1.indices.map { 1 + 2 * x1[$0] + 3 * x2[$0] }
        let data = try Dataset(
            features: Matrix<Double>(rows: 40, columns: 2, elements: x1.indices.flatMap { [x1[$0], x2[$0]] }), target: y)
        for method in [LeastSquares.Method.qr, .svd, .auto] {
            let solution = try LeastSquares.solve(data, method: method)
            // κ ≈ 10⁷ with a zero residual: QR's error bound is about κ·ε ≈ 10⁻⁹.
            #expect(relativeDifference(solution.parameters.stacked, [1, 2, 3]) < 1e-8, "\(method)")
        }
        let auto = try LeastSquares.solve(data, method: .auto)
        #expect(auto.method == .qr && auto.conditionNumber > 1e6)
    }

    @Test(arguments: solvingMethods)
    func columnScalesFromTinyToHugeCostNoDigits(method: LeastSquares.Method) throws {
        // Scaling a column by a power of two is exact, and equilibration undoes it: the fit of
        // the rescaled design must be the rescaled fit, digit for digit (to rounding).
        let base = try syntheticData(rows: 200, weights: [[2], [-1], [0.5]], intercept: [1], noise: 0.1, seed: 8)
        let scales = [0x1p-20, 1.0, 0x1p20]
        var scaled = base.features
        for i in 0..<scaled.rows { for j in 0..<3 { scaled[i, j] *= scales[j] } }
        let reference = try LeastSquares.solve(base, method: method)
        let solution = try LeastSquares.solve(Dataset(features: scaled, targets: base.targets), method: method)
        let rescaled = (0..<3).map { solution.coefficients[$0, 0] * scales[$0] }
        #expect(relativeDifference(rescaled, reference.coefficients.elements) < 1e-13)
        #expect(abs(solution.intercept[0] - reference.intercept[0]) < 1e-12 * abs(reference.intercept[0]))
    }

    @Test func duplicateColumnIsRankDeficient() throws {
        let single = try syntheticData(rows: 50, weights: [[1.5], [-0.5]], intercept: [2], noise: 0.2, seed: 4)
        let duplicated = try Matrix(
            rows: 50, columns: 3,
            elements: (0..<50).flatMap { i in
                [single.features[i, 0], single.features[i, 1], single.features[i, 0]]
            })
        let data = try Dataset(features: duplicated, targets: single.targets)
        for method in [LeastSquares.Method.cholesky, .qr] {
            do {
                _ = try LeastSquares.solve(data, method: method)
                Issue.record("\(method) accepted a duplicated column")
            } catch let LinearAlgebraError.rankDeficient(_, rank, columns, _) {
                #expect(rank < columns && columns == 3)
            }
        }
        // SVD: rank 2, and the minimum-norm solution splits the duplicated effect evenly.
        let reference = try LeastSquares.solve(single, method: .qr)
        for method in [LeastSquares.Method.svd, .auto] {
            let svd = try LeastSquares.solve(data, method: method)
            #expect(svd.method == .svd && svd.rank == 2)
            let half = reference.coefficients[0, 0] / 2
            #expect(relativeDifference(svd.coefficients.elements, [half, reference.coefficients[1, 0], half]) < 1e-10)
            #expect(abs(svd.intercept[0] - reference.intercept[0]) < 1e-10)
            #expect(svd.coefficientTable.standardErrors == nil)
            #expect(svd.statistics.degreesOfFreedom == 50 - 2 - 1)
        }
        #expect(!(try LeastSquares.solve(data, method: .auto)).fallbackReasons.isEmpty)
    }

    @Test func constantColumnIsDependentOnTheIntercept() throws {
        // 0.1 is not exact in binary, so the column's mean is off by rounding: it must still be
        // recognized as constant, not blown up into a full-size column of noise.
        let base = try syntheticData(rows: 30, weights: [[2]], intercept: [1], noise: 0.1, seed: 3)
        let features = try Matrix<Double>(rows: 30, columns: 2, elements: (0..<30).flatMap { [base.features[$0, 0], 0.1] })
        let data = try Dataset(features: features, targets: base.targets)
        #expect(throws: LinearAlgebraError.self) { try LeastSquares.solve(data, method: .cholesky) }
        #expect(throws: LinearAlgebraError.self) { try LeastSquares.solve(data, method: .qr) }
        let svd = try LeastSquares.solve(data, method: .svd)
        let reference = try LeastSquares.solve(base, method: .qr)
        #expect(svd.rank == 1)
        #expect(abs(svd.coefficients[0, 0] - reference.coefficients[0, 0]) < 1e-10)
        #expect(abs(svd.intercept[0] + 0.1 * svd.coefficients[1, 0] - reference.intercept[0]) < 1e-10)
    }

    @Test func fewerRowsThanUnknownsGivesMinimumNormUnderSVD() throws {
        let data = try Dataset(features: Matrix([[1, 0, 2, 1], [0, 1, 1, 3], [2, 2, 0, 1]]), target: [1, 2, 3])
        #expect(throws: LinearAlgebraError.self) { try LeastSquares.solve(data, method: .cholesky) }
        #expect(throws: LinearAlgebraError.self) { try LeastSquares.solve(data, method: .qr) }
        let svd = try LeastSquares.solve(data, method: .svd)
        #expect(svd.rank == 2)
        // Interpolates the data exactly; no residual degrees of freedom, so no uncertainty figures.
        #expect(svd.statistics.residualSumOfSquares[0] < 1e-20)
        #expect(svd.statistics.residualStandardDeviation == nil && svd.coefficientTable.standardErrors == nil)
    }

    @Test(arguments: solvingMethods)
    func ridgeMatchesClosedFormOfOneCentredFeature(method: LeastSquares.Method) throws {
        // With one feature and an intercept: w = Sxy / (Sxx + λ·d²), c = ȳ − w·x̄, d = 1 or σ;
        // standard errors from the sandwich, conditional on λ.
        let data = try syntheticData(rows: 80, weights: [[1.7]], intercept: [-0.4], noise: 0.5, seed: 6)
        let xs = data.features.elements, ys = data.targets.elements
        let n = Double(xs.count), mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0
        for i in xs.indices {
            sxx += (xs[i] - mx) * (xs[i] - mx)
            sxy += (xs[i] - mx) * (ys[i] - my)
        }
        let lambda = 25.0
        for (units, d2) in [(LeastSquares.PenaltyUnits.original, 1.0), (.standardized, sxx / n)] {
            let solution = try LeastSquares.solve(data, method: method, ridge: lambda, penaltyUnits: units)
            let w = sxy / (sxx + lambda * d2)
            #expect(relativeDifference(solution.parameters.stacked, [my - w * mx, w]) < 1e-12, "\(units)")
            // The ridge sandwich by hand: Var(w) = σ²·Sxx/(Sxx + λd²)², σ² = RSS/(n − tr H) with
            // tr H = 1 + Sxx/(Sxx + λd²), Var(c) = σ²/n + x̄²·Var(w).
            let shrink = sxx / (sxx + lambda * d2)
            let rss = xs.indices.reduce(0.0) { sum, i in
                let r = ys[i] - (my - w * mx) - w * xs[i]
                return sum + r * r
            }
            let sigma2 = rss / (n - 1 - shrink), seW = (sigma2 * sxx).squareRoot() / (sxx + lambda * d2)
            let errors = try #require(solution.coefficientTable.standardErrors)
            #expect(relativeDifference(errors, [(sigma2 / n + mx * mx * seW * seW).squareRoot(), seW]) < 1e-10, "\(units)")
            #expect(abs(solution.statistics.effectiveDegreesOfFreedom - 1 - shrink) < 1e-12)
        }
    }

    /// Weights whose weighted sums leave Double are refused with the way out (they failed inside
    /// LAPACK, "dgelsd failed with info = -5", its DLASCL text on stdout); tiny weights that solve
    /// exactly still do. The line (1, 2), (2, 4.1), (3, 6.5), (4, 8) by hand: x̄ = 2.5, ȳ = 5.15,
    /// Sxy = 10.2, Sxx = 5: slope 2.04, intercept 0.05, whatever one weight all rows share.
    @Test func weightsWhoseSumsLeaveDoubleAreRefusedAndTinyOnesSolve() throws {
        let line = try Dataset(features: [[1], [2], [3], [4]], targets: [[2], [4.1], [6.5], [8]])
        for weight in [1e307, 1e308, .leastNonzeroMagnitude] {
            let data = try line.weighted(by: [Double](repeating: weight, count: 4))
            #expect(throws: DataError.weightedScaleOutOfRange(argument: "weights", column: "", largest: weight)) {
                try LeastSquares.solve(data, method: .svd)
            }
            var model = LinearRegression()
            #expect(throws: DataError.weightedScaleOutOfRange(argument: "weights", column: "", largest: weight)) {
                try model.fit(data, using: GradientDescent(batchSize: .full, epochs: 3))
            }
        }
        // Weights in range, on a column that is not: the weighted column is named.
        let large = try Dataset(features: [[1e140], [2e140], [3e140], [4e140]], targets: [[2], [4.1], [6.5], [8]]).weighted(by: [
            1e20, 1, 1, 1,
        ])
        #expect(throws: DataError.weightedScaleOutOfRange(argument: "feature", column: "x1", largest: 1e150)) {
            try LeastSquares.solve(large, method: .auto)
        }
        for method in [LeastSquares.Method.auto, .qr, .svd] {
            let tiny = try line.weighted(by: [Double](repeating: 1e-300, count: 4))
            let solution = try LeastSquares.solve(tiny, method: method)
            #expect(abs(solution.coefficients[0, 0] - 2.04) < 1e-12 && abs(solution.intercept[0] - 0.05) < 1e-12, "\(method)")
        }
    }

    @Test func columnsWhoseSquaresLeaveDoubleAreRefusedByName() throws {
        let huge = try Dataset(features: [[1e300], [-1.5e300], [1.7e308], [2e300]], targets: [1, 2, 3, 4])
        let expected = DataError.scaleOutOfRange(argument: "feature", column: "x1", largest: 1.7e308)
        #expect(throws: expected) { try LeastSquares.solve(huge, method: .auto) }
        var model = LinearRegression()
        #expect(throws: expected) { try model.fit(huge, using: GradientDescent()) }
        // Subnormal values parsed at run time: as literals each is a compiler warning.
        let subnormal = ["1e-320", "3e-320", "2e-320", "5e-320"].map { Double($0)! }
        let tiny = try Dataset(features: [[1], [2], [3], [4]], targets: subnormal, targetName: "t")
        #expect(throws: DataError.scaleOutOfRange(argument: "target", column: "t", largest: subnormal[3])) {
            try LeastSquares.solve(tiny, method: .qr)
        }
        // Within range, however far from 1, the answer is right: y = 1 + 2·10⁻¹⁴⁰·x.
        let far = try Dataset(features: [[1e140], [2e140], [3e140], [5e140]], targets: [3, 5, 7, 11])
        let solution = try LeastSquares.solve(far, method: .auto)
        #expect(abs(solution.coefficients[0, 0] / 2e-140 - 1) < 1e-12 && abs(solution.intercept[0] - 1) < 1e-12)
    }

    @Test func undefinedStatisticsAreNaNNeverInfinite() throws {
        // A constant target: TSS = 0, so R² is undefined (statsmodels: nan); the residuals are
        // exactly 0, so every standard error is 0 and every t value undefined, not ±∞.
        let data = try Dataset(features: Matrix(column: [1, 2, 3]), target: [5, 5, 5])
        let solution = try LeastSquares.solve(data, method: .qr)
        let statistics = solution.statistics
        #expect(solution.intercept == [5] && solution.coefficients.elements == [0])
        #expect(statistics.rSquared[0].isNaN && statistics.adjustedRSquared![0].isNaN)
        #expect(solution.coefficientFigures(\.standardError) == [0] && solution.interceptFigures(\.standardError) == [0])
        #expect(solution.coefficientFigures(\.tValue)![0].isNaN && solution.interceptFigures(\.tValue)![0].isNaN)
    }

    @Test func exactFitHasZeroResidualAndNoInfinity() throws {
        let data = try Dataset(features: Matrix(column: [0, 1, 2, 3, 4]), target: [2, 5, 8, 11, 14])
        for method in Self.solvingMethods {
            let solution = try LeastSquares.solve(data, method: method)
            #expect(relativeDifference(solution.parameters.stacked, [2, 3]) < 1e-14)
            #expect(solution.statistics.rSquared == [1])
            #expect(solution.statistics.residualSumOfSquares[0] < 1e-25)
            // A t value is finite, or undefined (NaN) where its standard error is exactly 0; never ±∞.
            let t = solution.coefficientFigures(\.tValue)! + solution.interceptFigures(\.tValue)!
            let errors = solution.coefficientFigures(\.standardError)! + solution.interceptFigures(\.standardError)!
            #expect(zip(t, errors).allSatisfy { $0.isFinite || ($0.isNaN && $1 == 0) }, "\(method): \(t)")
        }
    }

    @Test func severalTargetsSolveLikeSeparateFits() throws {
        let data = try syntheticData(rows: 120, weights: [[1, -2], [0.5, 3]], intercept: [1, -1], noise: 0.3, seed: 9)
        for method in Self.solvingMethods {
            let joint = try LeastSquares.solve(data, method: method)
            for o in 0..<2 {
                let single = try LeastSquares.solve(Dataset(features: data.features, target: data.targets.column(o)), method: method)
                #expect(relativeDifference([joint.intercept[o]] + joint.coefficients.column(o), single.parameters.stacked) < 1e-12)
                #expect(abs(joint.statistics.rSquared[o] - single.statistics.rSquared[0]) < 1e-12)
                #expect(
                    relativeDifference(joint.coefficientFigures(\.standardError, target: o)!, single.coefficientFigures(\.standardError)!)
                        < 1e-10)
            }
        }
    }

    @Test func invalidArgumentsThrow() throws {
        let data = try dataset(x, y)
        #expect(throws: ArgumentError.self) { try LeastSquares.solve(data, ridge: -1) }
        #expect(throws: ArgumentError.self) { try LeastSquares.solve(data, ridge: .nan) }
        #expect(throws: ArgumentError.self) { try LeastSquares.solve(data, rankTolerance: 0) }
    }
}

private func Foundation_pow(_ x: Double, _ n: Int) -> Double { Foundation.pow(x, Double(n)) }

/// The blocked Householder factor against the Gram matrix, and merges in any order.
@Suite struct TallSkinnyQRTests {
    /// RᵀR, which is AᵀA whatever the signs of R's rows.
    private func gram(_ r: [Double], _ width: Int) -> [Double] {
        (0..<width * width).map { index in
            let (i, j) = (index / width, index % width)
            return (0..<width).reduce(0) { $0 + r[$1 * width + i] * r[$1 * width + j] }
        }
    }

    @Test func blocksAndMergesGiveTheFactorOfTheWholeMatrix() throws {
        let rows = 1000, width = 5
        var random = RandomSource(seed: 31)
        let a = (0..<rows * width).map { _ in random.nextGaussian() + 2 }
        // AᵀA directly, for reference.
        var expected = [Double](repeating: 0, count: width * width)
        for i in 0..<rows { for p in 0..<width { for q in 0..<width { expected[p * width + q] += a[i * width + p] * a[i * width + q] } } }
        func factor(_ range: Range<Int>, blockRows: Int) throws -> TallSkinnyQR {
            var qr = TallSkinnyQR(width: width, blockRows: blockRows)
            var start = range.lowerBound
            while start < range.upperBound {
                let count = min(qr.blockRows, range.upperBound - start)
                let first = start
                try qr.add(count: count) { buffer, leading in
                    for j in 0..<width { for i in 0..<count { buffer[j * leading + i] = a[(first + i) * width + j] } }
                }
                start += count
            }
            return qr
        }
        let whole = try factor(0..<rows, blockRows: 64)
        let scale = expected.map(abs).max()!
        #expect(zip(gram(whole.upperTriangle, width), expected).allSatisfy { abs($0 - $1) <= 1e-12 * scale })
        // Halves factored apart and merged, either way round, give the same R up to row signs.
        var left = try factor(0..<337, blockRows: 50), right = try factor(337..<rows, blockRows: 200)
        let rightCopy = right
        try left.merge(rightCopy)
        try right.merge(try factor(0..<337, blockRows: 50))
        for merged in [left, right] {
            let r = merged.upperTriangle, reference = whole.upperTriangle
            for i in 0..<width {
                let sign = (r[i * width + i] < 0) == (reference[i * width + i] < 0) ? 1.0 : -1.0
                for j in i..<width {
                    #expect(abs(sign * r[i * width + j] - reference[i * width + j]) <= 1e-12 * abs(reference[i * width + i]))
                }
            }
        }
    }
}

/// The streaming accumulator against the one-shot solve, chunked and merged every way.
@Suite struct AccumulatorTests {
    /// Rows with column means far from zero (the shift matters) and two targets.
    static func data(rows: Int, seed: UInt64) throws -> Dataset<Double> {
        var random = RandomSource(seed: seed)
        var x = [Double](), y = [Double]()
        for _ in 0..<rows {
            let a = 1000 + random.nextGaussian(), b = -50 + 3 * random.nextGaussian(), c = random.nextGaussian() * 1e-3
            x += [a, b, c]
            y += [2 + 0.5 * a - b + 300 * c + random.nextGaussian() * 0.1, -1 + a / 100 + random.nextGaussian()]
        }
        return try Dataset(
            features: Matrix<Double>(rows: rows, columns: 3, elements: x), targets: Matrix<Double>(rows: rows, columns: 2, elements: y))
    }

    private func rows(_ data: Dataset<Double>, _ range: Range<Int>) throws -> Dataset<Double> {
        try Dataset(
            features: Matrix(
                rows: range.count, columns: 3, elements: Array(data.features.elements[range.lowerBound * 3..<range.upperBound * 3])),
            targets: Matrix(
                rows: range.count, columns: 2, elements: Array(data.targets.elements[range.lowerBound * 2..<range.upperBound * 2])))
    }

    @Test(arguments: [true, false])
    func chunksAndMergesInAnyOrderEqualOneSolve(fitIntercept: Bool) throws {
        let all = try Self.data(rows: 5000, seed: 12)
        let reference = try LeastSquares.solve(all, method: .qr, fitIntercept: fitIntercept)
        let cuts = [0, 1, 700, 3100, 5000]
        var pieces: [LeastSquares.Accumulator] = []
        for (from, to) in zip(cuts, cuts.dropFirst()) {
            var piece = LeastSquares.Accumulator(featureCount: 3, outputCount: 2, fitIntercept: fitIntercept)
            try piece.add(try rows(all, from..<to))
            pieces.append(piece)
        }
        var inOrder = LeastSquares.Accumulator(featureCount: 3, outputCount: 2, fitIntercept: fitIntercept)
        for (from, to) in zip(cuts, cuts.dropFirst()) { try inOrder.add(try rows(all, from..<to)) }
        var reversed = LeastSquares.Accumulator(featureCount: 3, outputCount: 2, fitIntercept: fitIntercept)
        for piece in pieces.reversed() { try reversed.merge(piece) }
        var pairwise = pieces[2]
        try pairwise.merge(pieces[0])
        var other = pieces[3]
        try other.merge(pieces[1])
        try pairwise.merge(other)
        for accumulator in [inOrder, reversed, pairwise] {
            let fit = try accumulator.solve()
            #expect(fit.rows == 5000)
            let found = fit.parameters.stacked, expected = reference.parameters.stacked
            #expect(zip(found, expected).allSatisfy { abs($0 - $1) <= 1e-10 * max(abs($1), 1) }, "\(found) vs \(expected)")
            for o in 0..<2 {
                let rss = reference.statistics.residualSumOfSquares[o]
                #expect(abs(fit.residualSumOfSquares[o] - rss) <= 1e-10 * rss)
            }
        }
    }

    @Test func tooFewRowsAndWrongShapesAreRefused() throws {
        var accumulator = LeastSquares.Accumulator(featureCount: 3, outputCount: 2)
        #expect(throws: LinearAlgebraError.self) { try accumulator.solve() }
        try accumulator.add(try rows(try Self.data(rows: 3, seed: 1), 0..<3))
        #expect(throws: LinearAlgebraError.self) { try accumulator.solve() }
        #expect(throws: ArgumentError.self) { try accumulator.add(try Dataset(features: [[1]], targets: [1])) }
        #expect(throws: ArgumentError.self) { try accumulator.merge(LeastSquares.Accumulator(featureCount: 2)) }
    }
}
