import Foundation
import Testing

@testable import MiniBatchGD

/// The duality gap against scikit-learn's formulas written out, and answers worked by hand.
@Suite struct CoordinateDescentGapTests {
    /// scikit-learn's `gap_enet` in its own terms (primal minus dual, the dual point the residual
    /// scaled to feasibility; formulation B for l1_ratio 0), on the centred rows, divided by n.
    static func scikitLearnGap(features x: [[Double]], target y: [Double], beta: [Double], alpha: Double, l1Ratio: Double) -> Double {
        let n = Double(y.count), p = beta.count
        let mean = (0..<p).map { j in x.reduce(0) { $0 + $1[j] } / n }, yMean = y.reduce(0, +) / n
        let xc = x.map { row in (0..<p).map { row[$0] - mean[$0] } }, yc = y.map { $0 - yMean }
        // scikit-learn's unnormalized problem: ½‖y − Xw‖² + a‖w‖₁ + b/2‖w‖² with a = n·A·R, b = n·A(1−R).
        let a = n * alpha * l1Ratio, b = n * alpha * (1 - l1Ratio)
        let r = (0..<y.count).map { i in yc[i] - (0..<p).reduce(0) { $0 + xc[i][$1] * beta[$1] } }
        let rNorm2 = r.reduce(0) { $0 + $1 * $1 }, ry = zip(r, yc).reduce(0) { $0 + $1.0 * $1.1 }
        let wNorm2 = beta.reduce(0) { $0 + $1 * $1 }, wNorm1 = beta.reduce(0) { $0 + abs($1) }
        let xtr = (0..<p).map { j in (0..<y.count).reduce(0) { $0 + xc[$1][j] * r[$1] } }
        if a == 0 {
            let xtrNorm2 = xtr.reduce(0) { $0 + $1 * $1 }
            return (rNorm2 + 0.5 * b * wNorm2 - ry + xtrNorm2 / (2 * b)) / n
        }
        let xta = (0..<p).map { xtr[$0] - b * beta[$0] }
        let dualNorm = xta.map(abs).max()!
        let scale = dualNorm > a ? a / dualNorm : 1
        let primal = 0.5 * (rNorm2 + b * wNorm2) + a * wNorm1
        let dual = -0.5 * scale * scale * (rNorm2 + b * wNorm2) + scale * ry
        return (primal - dual) / n
    }

    static let x: [[Double]] = [[1, 0.5, -2], [2, -1, 0], [0, 1, 1], [3, 2, -1], [-1, 0, 2], [2, 1, 0.5]]
    static let y: [Double] = [1, 2, 0.5, 4, -1, 2.5]

    /// Our gap, from the correlations of the centred columns with the residual at `beta`.
    static func gap(beta: [Double], alpha: Double, l1Ratio: Double) -> Double {
        let n = Double(y.count), p = beta.count
        let mean = (0..<p).map { j in x.reduce(0) { $0 + $1[j] } / n }, yMean = y.reduce(0, +) / n
        let r = (0..<y.count).map { i in y[i] - yMean - (0..<p).reduce(0) { $0 + (x[i][$1] - mean[$1]) * beta[$1] } }
        let correlations = (0..<p).map { j in (0..<y.count).reduce(0) { $0 + (x[$1][j] - mean[j]) * r[$1] } / n }
        let squares = r.reduce(0) { $0 + $1 * $1 } / n, ones = [Double](repeating: 1, count: p)
        return CoordinateDescent.dualityGap(
            coefficients: beta, correlations: correlations, scale: ones, count: p, l1: alpha * l1Ratio, l2: alpha * (1 - l1Ratio),
            residualSquares: { squares })
    }

    /// Away from the optimum (the dual point scaled, s < 1, and feasible, s = 1) and for a ridge,
    /// the non-cancelling form equals scikit-learn's primal − dual.
    @Test(arguments: [
        ([0.0, 0.0, 0.0], 0.05, 1.0), ([0.3, -0.2, 0.1], 0.05, 1.0), ([0.3, -0.2, 0.1], 0.05, 0.5), ([0.9, 0.1, 0.0], 5.0, 0.7),
        ([0.3, -0.2, 0.1], 0.05, 0.0), ([1.0, 0.0, -0.4], 2.0, 0.0),
    ])
    func equalsScikitLearnsGap(beta: [Double], alpha: Double, l1Ratio: Double) {
        let ours = Self.gap(beta: beta, alpha: alpha, l1Ratio: l1Ratio)
        let theirs = Self.scikitLearnGap(features: Self.x, target: Self.y, beta: beta, alpha: alpha, l1Ratio: l1Ratio)
        #expect(abs(ours - theirs) <= 1e-13 * Swift.max(1, abs(theirs)), "ours \(ours), scikit-learn's \(theirs)")
        #expect(ours >= 0)
    }

    /// At the answer the gap is what the solver reports, and scikit-learn's formula agrees.
    @Test func reportedGapIsTheGapAtTheAnswer() throws {
        let data = try Dataset(features: Self.x, targets: Self.y)
        let solution = try CoordinateDescent.solve(data, alpha: 0.05, l1Ratio: 0.5, tolerance: 1e-3, method: .naive)
        let beta = solution.coefficients.column(0)
        let theirs = Self.scikitLearnGap(features: Self.x, target: Self.y, beta: beta, alpha: 0.05, l1Ratio: 0.5)
        #expect(abs(solution.gap - theirs) <= 1e-12 * solution.targets[0].gapTolerance / 1e-3 + 1e-15)
    }

    /// One feature: β = S(cov(x, y), A·R) / (var(x) + A(1 − R)), b = ȳ − x̄β. With x = 0, 1, 2, 3 and
    /// y = 1, 3, 2, 6: x̄ = 1.5, ȳ = 3, cov = 7/4, var = 5/4.
    @Test(arguments: CoordinateDescent.Method.allCases)
    func oneFeatureByHand(method: CoordinateDescent.Method) throws {
        let data = try Dataset<Double>(features: [[0], [1], [2], [3]], targets: [1, 3, 2, 6])
        // Lasso, A = 0.5: (7/4 − 1/2)/(5/4) = 1, b = 3 − 1.5 = 1.5.
        let lasso = try CoordinateDescent.solve(data, alpha: 0.5, method: method)
        #expect(abs(lasso.coefficients[0, 0] - 1) <= 1e-15)
        #expect(abs(lasso.intercept[0] - 1.5) <= 1e-15)
        // Elastic net, A = 1, R = 1/2: (7/4 − 1/2)/(5/4 + 1/2) = 5/7, b = 3 − 1.5·5/7 = 27/14.
        let net = try CoordinateDescent.solve(data, alpha: 1, l1Ratio: 0.5, method: method)
        #expect(abs(net.coefficients[0, 0] - 5.0 / 7) <= 1e-15)
        #expect(abs(net.intercept[0] - 27.0 / 14) <= 1e-15)
        // Objective: residuals y − 27/14 − 5/7·x = −13/14, 5/14, −19/14, 27/14, squares 1284/196 over 2·4,
        // plus 1·(½·5/7 + ¼·25/49) = 95/196: 1284/1568 + 760/1568 = 2044/1568.
        #expect(abs(net.targets[0].objective - 2044.0 / 1568) <= 1e-15)
        // At alpha_max = cov/R = 7/4 the lasso's coefficient is zero.
        #expect(abs(try CoordinateDescent.alphaMax(data, method: method) - 1.75) <= 1e-15)
        #expect(try CoordinateDescent.solve(data, alpha: 1.75, method: method).coefficients[0, 0] == 0)
    }

    /// A ridge by coordinate descent (R = 0) is the closed form's ridge with λ = A·Σw, in either units.
    @Test(arguments: [LeastSquares.PenaltyUnits.original, .standardized])
    func ridgeIsTheClosedFormsRidge(units: LeastSquares.PenaltyUnits) throws {
        let weights = [1, 2, 0.5, 1.5, 1, 3.0]
        let data = try Dataset(features: Self.x.map { [$0[0] * 100, $0[1], $0[2] * 0.1] }, targets: Self.y, weights: weights)
        let descent = try CoordinateDescent.solve(data, alpha: 0.3, l1Ratio: 0, penaltyUnits: units, tolerance: 1e-15)
        let exact = try LeastSquares.solve(data, ridge: 0.3 * weights.reduce(0, +), penaltyUnits: units)
        #expect(relativeDifference(descent.parameters, exact.parameters) <= 1e-10)
    }
}
