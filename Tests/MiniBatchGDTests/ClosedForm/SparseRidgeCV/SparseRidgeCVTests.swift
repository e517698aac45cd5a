import Foundation
import Testing

@testable import MiniBatchGD

/// The cross-validated ridge of sparse rows against a second algorithm: each fold's ridge solved
/// densely (LeastSquares) on the fold's training rows and its held-out error summed here; the
/// default grid against RidgePath's (its eigendecomposition of the densified rows); and its
/// promises: the same bits on any thread count, bad input refused.
@Suite struct SparseRidgeCVTests {
    static func data(weighted: Bool) throws -> SparseDataset<Double> {
        try LSQRTests.data(rows: 120, features: 12, density: 0.35, seed: 21, weighted: weighted)
    }

    @Test(arguments: [(false, true, LeastSquares.PenaltyUnits.original), (true, true, .original), (true, false, .standardized)])
    func everyFoldsErrorIsTheDenseRidgesError(weighted: Bool, intercept: Bool, units: LeastSquares.PenaltyUnits) throws {
        let data = try Self.data(weighted: weighted)
        let alphas = [30.0, 0.5, 4, 0.01]
        let cv = try SparseRidgeCV(
            data, folds: .seeded(count: 4, seed: 2), alphas: alphas, fitIntercept: intercept, penaltyUnits: units, tolerance: 1e-14)
        #expect(cv.alphas == alphas.sorted(by: >))
        let dense = try data.densified()
        let x = dense.features.elements, y = dense.targets.elements, p = data.featureCount
        let w = data.weights ?? [Double](repeating: 1, count: data.rows)
        for (a, alpha) in cv.alphas.enumerated() {
            var foldErrors = [Double]()
            for f in 0..<cv.foldCount {
                let train = (0..<data.rows).filter { cv.foldOfRow[$0] != f }, held = (0..<data.rows).filter { cv.foldOfRow[$0] == f }
                let rows = try Dataset(
                    features: train.map { Array(x[$0 * p..<($0 + 1) * p]) }, targets: train.map { y[$0] }, weights: train.map { w[$0] })
                let fit = try LeastSquares.solve(
                    rows, method: .svd, fitIntercept: intercept, ridge: alpha, penaltyUnits: units, refine: false)
                var sum = 0.0, total = 0.0
                for i in held {
                    let predicted = fit.intercept[0] + (0..<p).reduce(0.0) { $0 + x[i * p + $1] * fit.coefficients.elements[$1] }
                    sum += w[i] * (y[i] - predicted) * (y[i] - predicted)
                    total += w[i]
                }
                foldErrors.append(sum / total)
            }
            #expect(ridgeRelativeError(cv.targets[0].foldErrors[a], foldErrors) < 1e-8, "alpha \(alpha)")
            let all = try LeastSquares.solve(dense, method: .svd, fitIntercept: intercept, ridge: alpha, penaltyUnits: units, refine: false)
            #expect(relativeDifference(cv.parameters[a], all.parameters) < 1e-8, "alpha \(alpha): the path on every row")
            #expect(cv.errorBounds[a].isFinite)
        }
        let mean = cv.targets[0].foldErrors.map { $0.reduce(0, +) / Double(cv.foldCount) }
        #expect(ridgeRelativeError(cv.targets[0].scores, mean) < 1e-15)
        let best = mean.indices.min { mean[$0] < mean[$1] }!
        #expect(cv.targets[0].choice.index == best && cv.chosenParameters == cv.parameters[best])
    }

    /// Without alphas: RidgePath's default grid, λ_max from power iteration to 1e-6 of the
    /// eigendecomposition's (the grid itself, so to the same relative error).
    @Test func theDefaultGridIsTheRidgePaths() throws {
        let data = try Self.data(weighted: true)
        let cv = try SparseRidgeCV(data, folds: .seeded(count: 3, seed: 1))
        let reference = try RidgePath(try data.densified())
        #expect(cv.alphas.count == RidgePath.defaultAlphaCount)
        #expect(ridgeRelativeError(cv.alphas, reference.alphas.reversed()) < 1e-6)
        // In standardized units the grid is the standardized path's (the spectrum of D⁻¹X̃ᵀWX̃D⁻¹),
        // to power iteration's few digits (its 50 steps meet a smaller eigengap here).
        let standardized = try SparseRidgeCV(data, folds: .seeded(count: 3, seed: 1), penaltyUnits: .standardized)
        let standardizedReference = try RidgePath(try data.densified(), penaltyUnits: .standardized)
        #expect(ridgeRelativeError(standardized.alphas, standardizedReference.alphas.reversed()) < 1e-4)
        #expect(ridgeRelativeError(standardized.alphas, cv.alphas) > 1e-3)
    }

    @Test func theSameBitsOnAnyThreadCount() throws {
        let data = try Self.data(weighted: false)
        let one = try SparseRidgeCV(data, alphas: [0.1, 1, 10], threads: 1),
            two = try SparseRidgeCV(data, alphas: [0.1, 1, 10], threads: 2)
        #expect(one.targets == two.targets)
        #expect(one.parameters == two.parameters)
    }

    @Test func badInputIsRefused() throws {
        let data = try Self.data(weighted: false)
        #expect(throws: ArgumentError.self) { try SparseRidgeCV(data, alphas: [1, 0]) }
        #expect(throws: ArgumentError.self) { try SparseRidgeCV(data, alphas: []) }
        #expect(throws: ArgumentError.self) { try SparseRidgeCV(data, folds: .seeded(count: 1, seed: 0)) }
        #expect(throws: ArgumentError.self) { try SparseRidgeCV(data, tolerance: 0) }
        let tiny = try SparseDataset<Double>(rows: [[0: 1]], targets: [1])
        #expect(throws: DataError.self) { try SparseRidgeCV(tiny) }
    }
}
