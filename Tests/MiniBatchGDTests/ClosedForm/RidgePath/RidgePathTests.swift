import Foundation
import Testing

@testable import MiniBatchGD

/// The ridge path against algorithms of its own: leave-one-out by refitting without each row,
/// GCV and tr H from the dense hat matrix, the default grid from the Gram matrix's trace; and
/// its promises: the same bits on any thread count, the same choice under a row permutation,
/// bad input refused.
@Suite struct RidgePathTests {
    /// n rows of p Gaussian columns (shifted, scaled), a target with noise, and optional weights in (0.2, 3).
    static func problem(rows n: Int, features p: Int, weighted: Bool, seed: UInt64) throws -> Dataset<Double> {
        var random = RandomSource(seed: seed)
        let x = (0..<n).map { _ in (0..<p).map { j in Double(j + 1) * random.nextGaussian() + Double(j % 3) } }
        let beta = (0..<p).map { _ in random.nextGaussian() }
        let y = x.map { row in 2 + zip(row, beta).reduce(0) { $0 + $1.0 * $1.1 } + random.nextGaussian() }
        let w = weighted ? (0..<n).map { _ in 0.2 + 2.8 * random.nextUniform() } : nil
        return try Dataset(features: x, targets: y, weights: w)
    }

    static func rows(_ data: Dataset<Double>) -> [[Double]] {
        (0..<data.rows).map { i in Array(data.features.elements[i * data.featureCount..<(i + 1) * data.featureCount]) }
    }

    /// Solves A·x = b by Gaussian elimination with partial pivoting (A n×n, row-major).
    static func solve(_ a: [Double], _ b: [Double], n: Int) -> [Double] {
        var a = a, b = b
        for c in 0..<n {
            let pivot = (c..<n).max { abs(a[$0 * n + c]) < abs(a[$1 * n + c]) }!
            for j in 0..<n { a.swapAt(c * n + j, pivot * n + j) }
            b.swapAt(c, pivot)
            for r in c + 1..<n {
                let f = a[r * n + c] / a[c * n + c]
                for j in c..<n { a[r * n + j] -= f * a[c * n + j] }
                b[r] -= f * b[c]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = b[r]
            for j in r + 1..<n { s -= a[r * n + j] * x[j] }
            x[r] = s / a[r * n + r]
        }
        return x
    }

    /// Leave-one-out by brute force: each row dropped, ridge refitted by the closed form
    /// (LeastSquares, the SVD of the design with its ridge rows), the row predicted; the mean of
    /// wᵢ·(yᵢ − ŷ₋ᵢ)² to 1e-10 (1e-9 with fewer rows than features, where the small alpha nearly
    /// interpolates: 1 − hᵢᵢ and the residuals are then about α/λ of their parts, and both
    /// algorithms lose digits as λ_max/α).
    @Test(arguments: [(15, 3, false, true), (15, 3, true, true), (14, 4, true, false), (8, 12, false, true), (8, 12, true, true)])
    func leaveOneOutIsTheRefitsError(rows n: Int, features p: Int, weighted: Bool, intercept: Bool) throws {
        let data = try Self.problem(rows: n, features: p, weighted: weighted, seed: UInt64(n * 100 + p))
        let alphas = [0.05, 1, 30]
        let path = try RidgePath(data, alphas: alphas, fitIntercept: intercept, keepLeaveOneOutErrors: true)
        #expect(path.decomposition == (n >= p ? .eigen : .svd))
        let x = Self.rows(data), y = data.targets.elements, w = data.weights ?? [Double](repeating: 1, count: n)
        for (a, alpha) in alphas.enumerated() {
            var terms = [Double]()
            for i in 0..<n {
                let keep = (0..<n).filter { $0 != i }
                let rest = try Dataset(features: keep.map { x[$0] }, targets: keep.map { y[$0] }, weights: keep.map { w[$0] })
                let fit = try LeastSquares.solve(rest, method: .svd, fitIntercept: intercept, ridge: alpha, refine: false)
                let predicted = fit.intercept[0] + zip(x[i], fit.coefficients.elements).reduce(0) { $0 + $1.0 * $1.1 }
                terms.append(w[i] * (y[i] - predicted) * (y[i] - predicted))
            }
            let kept = try #require(path.targets[0].leaveOneOutSquaredErrors)[a]
            let tolerance = n >= p ? 1e-10 : 1e-9
            #expect(ridgeRelativeError(kept, terms, floor: terms.max()!) < tolerance, "alpha \(alpha)")
            let mean = terms.reduce(0, +) / Double(n)
            #expect(abs(path.targets[0].leaveOneOut[a] - mean) <= tolerance * mean)
        }
    }

    /// GCV and tr H from the dense hat matrix H = A(AᵀA + αP)⁻¹Aᵀ, A = √w·[1 X].
    @Test(arguments: [(12, 3, false, true), (12, 3, true, true), (10, 4, true, false), (6, 9, true, true)])
    func gcvIsItsFormulaOnTheDenseHatMatrix(rows n: Int, features p: Int, weighted: Bool, intercept: Bool) throws {
        let data = try Self.problem(rows: n, features: p, weighted: weighted, seed: UInt64(7 + n + p))
        let alphas = [0.01, 0.5, 4, 100]
        let path = try RidgePath(data, alphas: alphas, fitIntercept: intercept)
        let x = Self.rows(data), y = data.targets.elements, w = data.weights ?? [Double](repeating: 1, count: n)
        let q = p + (intercept ? 1 : 0)
        let design = (0..<n).map { i in ((intercept ? [1.0] : []) + x[i]).map { $0 * w[i].squareRoot() } }
        for (a, alpha) in alphas.enumerated() {
            var gram = [Double](repeating: 0, count: q * q)
            for i in 0..<n { for r in 0..<q { for c in 0..<q { gram[r * q + c] += design[i][r] * design[i][c] } } }
            for j in (intercept ? 1 : 0)..<q { gram[j * q + j] += alpha }
            // H's columns: H·eᵢ = A·(G⁻¹·Aᵀeᵢ); its trace and H·(√w·y).
            var trace = 0.0, fitted = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let column = Self.solve(gram, design[i], n: q)
                let h = (0..<n).map { r in zip(design[r], column).reduce(0) { $0 + $1.0 * $1.1 } }
                trace += h[i]
                for r in 0..<n { fitted[r] += h[r] * w[i].squareRoot() * y[i] }
            }
            let rss = (0..<n).reduce(0.0) { $0 + pow(w[$1].squareRoot() * y[$1] - fitted[$1], 2) }
            let gcv = rss / Double(n) / pow(1 - trace / Double(n), 2)
            #expect(abs(path.effectiveDegreesOfFreedom[a] - trace) <= 1e-10 * trace, "alpha \(alpha): tr H")
            #expect(abs(path.targets[0].gcv[a] - gcv) <= 1e-10 * gcv, "alpha \(alpha): GCV \(path.targets[0].gcv[a]) against \(gcv)")
        }
    }

    /// 100 alphas from 1e-6 to 10 times the largest eigenvalue, ascending; the spectrum sums to
    /// the trace of the centred Gram matrix (the squared column deviations, summed here).
    @Test func theDefaultGridSpansTheSpectrum() throws {
        let data = try Self.problem(rows: 40, features: 5, weighted: false, seed: 3)
        let path = try RidgePath(data)
        let x = Self.rows(data)
        let trace = (0..<5).reduce(0.0) { total, j in
            let mean = x.reduce(0) { $0 + $1[j] } / 40
            return total + x.reduce(0) { $0 + ($1[j] - mean) * ($1[j] - mean) }
        }
        #expect(abs(path.spectrum.reduce(0, +) - trace) <= 1e-12 * trace)
        #expect(path.spectrum == path.spectrum.sorted(by: >))
        #expect(path.alphas.count == 100 && path.alphas == path.alphas.sorted())
        #expect(abs(path.alphas[0] / (1e-6 * path.spectrum[0]) - 1) < 1e-14)
        #expect(abs(path.alphas[99] / (10 * path.spectrum[0]) - 1) < 1e-14)
        #expect(abs(path.alphas[1] / path.alphas[0] - pow(10, 7.0 / 99)) < 1e-12)
        #expect(path.glmnetLambda(path.alphas[5]) == path.alphas[5] / 40)
    }

    /// In standardized units the path is the original-units path of the columns divided by
    /// their standard deviations (the scores equal, the coefficients divided back), and each
    /// solution is LeastSquares' ridge in standardized units: two other routes to the same
    /// answer, with and without weights, intercept, and fewer rows than features.
    @Test(arguments: [(30, 4, false, true), (30, 4, true, true), (25, 3, true, false), (7, 10, true, true)])
    func standardizedUnitsAreTheScaledColumnsPath(rows n: Int, features p: Int, weighted: Bool, intercept: Bool) throws {
        let data = try Self.problem(rows: n, features: p, weighted: weighted, seed: UInt64(31 + n + p))
        let x = Self.rows(data), w = data.weights ?? [Double](repeating: 1, count: n), total = w.reduce(0, +)
        let sd = (0..<p).map { j -> Double in
            let mean = (0..<n).reduce(0.0) { $0 + w[$1] * x[$1][j] } / total
            return ((0..<n).reduce(0.0) { $0 + w[$1] * (x[$1][j] - mean) * (x[$1][j] - mean) } / total).squareRoot()
        }
        let scaled = try Dataset(
            features: x.map { row in (0..<p).map { row[$0] / sd[$0] } }, targets: data.targets.elements, weights: data.weights)
        let alphas = [0.02, 0.7, 9]
        let path = try RidgePath(data, alphas: alphas, fitIntercept: intercept, penaltyUnits: .standardized)
        let reference = try RidgePath(scaled, alphas: alphas, fitIntercept: intercept)
        #expect(path.penaltyUnits == .standardized)
        #expect(ridgeRelativeError(path.targets[0].leaveOneOut, reference.targets[0].leaveOneOut) < 1e-10)
        #expect(ridgeRelativeError(path.targets[0].gcv, reference.targets[0].gcv) < 1e-10)
        #expect(ridgeRelativeError(path.effectiveDegreesOfFreedom, reference.effectiveDegreesOfFreedom) < 1e-10)
        for (a, alpha) in alphas.enumerated() {
            let beta = path.parameters[a].coefficients.elements, floor = beta.map(abs).max()!
            let divided = (0..<p).map { reference.parameters[a].coefficients.elements[$0] / sd[$0] }
            #expect(ridgeRelativeError(beta, divided, floor: floor) < 1e-9, "alpha \(alpha)")
            #expect(
                abs(path.parameters[a].intercept[0] - reference.parameters[a].intercept[0]) < 1e-9
                    * (1 + abs(reference.parameters[a].intercept[0])))
            let direct = try LeastSquares.solve(
                data, method: .svd, fitIntercept: intercept, ridge: alpha, penaltyUnits: .standardized, refine: false)
            #expect(ridgeRelativeError(beta, direct.coefficients.elements, floor: floor) < 1e-9, "alpha \(alpha): LeastSquares")
            // The sandwich with the penalty αS² is the eigenvectors' form unchanged (VᵀGV = Λ for
            // V = S⁻¹U), so the path's tables are LeastSquares' standardized ridge tables.
            guard n > p + 1 else { continue }
            let table = try path.statistics(at: a)[0], directTable = direct.coefficientTable
            #expect(abs(table.degreesOfFreedom - directTable.degreesOfFreedom) < 1e-9 * directTable.degreesOfFreedom)
            #expect(
                ridgeRelativeError(try #require(table.standardErrors), try #require(directTable.standardErrors)) < 1e-8,
                "alpha \(alpha): standard errors")
        }
    }

    /// Enough rows for several chunks: one thread and two give the same bits.
    @Test func theSameBitsOnAnyThreadCount() throws {
        let data = try Self.problem(rows: 40_000, features: 6, weighted: true, seed: 11)
        let one = try RidgePath(data, threads: 1), two = try RidgePath(data, threads: 2)
        #expect(one.targets[0].leaveOneOut == two.targets[0].leaveOneOut)
        #expect(one.targets[0].gcvStandardError == two.targets[0].gcvStandardError)
        #expect(one.parameters == two.parameters)
    }

    /// The rows in another order: the same choice, scores equal to rounding.
    @Test func theChoiceIsStableUnderRowPermutation() throws {
        let data = try Self.problem(rows: 60, features: 4, weighted: true, seed: 5)
        var random = RandomSource(seed: 9)
        let order = (0..<60).shuffled(using: &random)
        let x = Self.rows(data)
        let shuffled = try Dataset(
            features: order.map { x[$0] }, targets: order.map { data.targets.elements[$0] }, weights: order.map { data.weights![$0] })
        let a = try RidgePath(data), b = try RidgePath(shuffled)
        for criterion in RidgePath.Criterion.allCases {
            #expect(a.targets[0].choice(criterion).index == b.targets[0].choice(criterion).index)
            #expect(a.targets[0].choice(criterion).oneStandardErrorIndex == b.targets[0].choice(criterion).oneStandardErrorIndex)
        }
        #expect(ridgeRelativeError(a.targets[0].leaveOneOut, b.targets[0].leaveOneOut) < 1e-12)
    }

    /// LinearRegression.fit(_:ridge:) takes the chosen solution and predicts with it.
    @Test func aModelFittedByThePathPredicts() throws {
        let data = try Self.problem(rows: 50, features: 3, weighted: false, seed: 21)
        var model = LinearRegression()
        let path = try model.fit(data, ridge: .gcv)
        let chosen = path.targets[0].choice(.gcv)
        #expect(model.parameters == path.parameters[chosen.index])
        let x = Self.rows(data), beta = path.parameters[chosen.index]
        let predicted = try model.predict(x[3])
        let byHand = beta.intercept[0] + zip(x[3], beta.coefficients.elements).reduce(0.0) { $0 + $1.0 * $1.1 }
        #expect(abs(predicted - byHand) < 1e-12 * Swift.max(1, abs(byHand)))
    }

    @Test func badInputIsRefused() throws {
        let data = try Self.problem(rows: 10, features: 2, weighted: false, seed: 1)
        for alphas in [[], [0.0], [1, -2], [.nan], [.infinity]] as [[Double]] {
            #expect(throws: ArgumentError.self) { try RidgePath(data, alphas: alphas) }
        }
        let constant = try Dataset(features: [[1, 2], [1, 2], [1, 2]], targets: [1, 2, 3])
        #expect {
            try RidgePath(constant)
        } throws: { ($0 as? ArgumentError)?.requirement.contains("needs a feature that varies") == true }
        // With alphas given, constant features are fine: every coefficient is 0, the mean predicts.
        let flat = try RidgePath(constant, alphas: [1])
        #expect(flat.parameters[0].coefficients.elements == [0, 0] && flat.parameters[0].intercept == [2])
        let single = try Dataset(features: [[1.0], [2]], targets: [1.0, 2], weights: [1, 0])
        #expect(throws: ArgumentError.self) { try RidgePath(single, alphas: [1]) }
        #expect(throws: ArgumentError.self) { try RidgePath(data, alphas: [1], weights: [1, 2]) }
        #expect(throws: ArgumentError.self) { try RidgePath(data, alphas: [1], threads: 0) }
    }
}
