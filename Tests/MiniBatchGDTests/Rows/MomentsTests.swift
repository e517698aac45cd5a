import Testing

@testable import MiniBatchGD

/// The one pass of row statistics a fit shares between its curvature and its closed form.
@Suite struct MomentsTests {
    /// 70 000 rows (several chunks, the last one short), 3 features, 2 targets, uneven weights.
    static func data() throws -> (Dataset<Double>, [Double]) {
        let data = try syntheticData(
            rows: 70_000, weights: [[0.5, -1], [2, 0.25], [-3, 1]], intercept: [4, -2], noise: 0.5, seed: 29)
        let weights = (0..<data.rows).map { 0.25 + Double(($0 * 7919) % 13) }
        return (data, weights)
    }

    /// Means and centred cross products by the two-pass textbook formulas, one row at a time.
    @Test func theMomentsAreTheTwoPassSumsWorkedOutRowByRow() throws {
        let (data, weights) = try Self.data()
        let moments = data.withRows { Moments($0, weights: weights, pool: WorkerPool(threads: 2)) }
        let n = data.rows, p = data.featureCount, k = data.outputCount
        let total = weights.reduce(0, +)
        let meanX = (0..<p).map { j in (0..<n).reduce(0.0) { $0 + weights[$1] * data.features[$1, j] } / total }
        let meanY = (0..<k).map { o in (0..<n).reduce(0.0) { $0 + weights[$1] * data.targets[$1, o] } / total }
        #expect(abs(moments.weightTotal - total) <= 1e-12 * total)
        for j in 0..<p {
            #expect(abs(moments.featureMean[j] - meanX[j]) <= 1e-12 * (1 + abs(meanX[j])))
            for l in 0..<p {
                let gram = (0..<n).reduce(0.0) { $0 + weights[$1] * (data.features[$1, j] - meanX[j]) * (data.features[$1, l] - meanX[l]) }
                #expect(abs(moments.centredGram[j * p + l] - gram) <= 1e-11 * abs(gram))
            }
            for o in 0..<k {
                let cross = (0..<n).reduce(0.0) { $0 + weights[$1] * (data.features[$1, j] - meanX[j]) * (data.targets[$1, o] - meanY[o]) }
                #expect(abs(moments.centredCross[j * k + o] - cross) <= 1e-10 * abs(cross))
            }
        }
        for o in 0..<k { #expect(abs(moments.targetMean[o] - meanY[o]) <= 1e-12 * (1 + abs(meanY[o]))) }
    }

    /// The moments with weights c·w are those with w, scaled: what lets the closed form take the
    /// moments the curvature computed with the cost's weights.
    @Test func scalingTheWeightsScalesTheSumsAndKeepsTheMeans() throws {
        let (data, weights) = try Self.data()
        let c = 70_000 / weights.reduce(0, +)
        let direct = data.withRows { Moments($0, weights: weights.map { $0 * c }) }
        let scaled = data.withRows { Moments($0, weights: weights) }.scaled(by: c)
        #expect(abs(scaled.weightTotal - direct.weightTotal) <= 1e-12 * direct.weightTotal)
        // Means of 70 000 rows rounded along two orders of additions: a few hundred ulps apart.
        #expect(relativeDifference(scaled.featureMean, direct.featureMean) <= 1e-12)
        #expect(relativeDifference(scaled.targetMean, direct.targetMean) <= 1e-12)
        #expect(relativeDifference(scaled.centredGram, direct.centredGram) <= 1e-12)
        #expect(relativeDifference(scaled.centredCross, direct.centredCross) <= 1e-12)
    }

    /// One chunk of rows (fewer than ``Moments/chunkRows(features:outputs:)``) is still a pass
    /// with OpenBLAS on one thread: the same bits whatever OpenBLAS's own thread count.
    @Test func theMomentsAreTheSameBitsWhateverOpenBLASsThreadCount() throws {
        let data = try syntheticData(
            rows: 5_000, weights: (0..<40).map { [Double($0 % 5) - 2, 1] }, intercept: [1, -1], noise: 0.3, seed: 8)
        let before = BLASThreads.outsideScopes
        defer { BLASThreads.set(before) }
        func moments(threads: Int) -> [Double] {
            BLASThreads.set(threads)
            let moments = data.withRows { Moments($0) }
            return moments.centredGram + moments.centredCross + moments.featureMean
        }
        #expect(moments(threads: 1).map(\.bitPattern) == moments(threads: 2).map(\.bitPattern))
    }

    /// A solve handed the rows' moments is the solve that computes them: the same bits when they
    /// are the same moments, and within rounding when they were scaled from the cost's weights.
    @Test func aSolveHandedTheMomentsIsTheSolveThatComputesThem() throws {
        let (data, weights) = try Self.data()
        func solve(moments: Moments?) throws -> LeastSquares.Solution {
            try data.withRows { rows in
                try LeastSquares.solve(
                    rows, featureNames: data.featureNames, targetNames: data.targetNames, method: .auto, fitIntercept: true, ridge: 0,
                    penaltyUnits: .original, rankTolerance: nil, weights: weights, covariance: .nonrobust, confidenceLevel: 0.95,
                    refine: true, threads: 2, moments: moments, checkedScale: moments != nil)
            }
        }
        let computed = try solve(moments: nil)
        let same = try solve(moments: data.withRows { Moments($0, weights: weights) })
        #expect(same.parameters == computed.parameters)
        #expect(same.coefficientFigures(\.standardError) == computed.coefficientFigures(\.standardError))
        let c = 70_000 / weights.reduce(0, +)
        let scaled = try solve(moments: data.withRows { Moments($0, weights: weights.map { $0 * c }) }.scaled(by: 1 / c))
        #expect(relativeDifference(scaled.parameters.stacked, computed.parameters.stacked) <= 1e-14)
    }

    /// fitAndCompare solves with the descent's moments: its reference is the stand-alone solve's,
    /// weighted under both reductions, and without standardizing.
    @Test(arguments: [Reduction.mean, .sum])
    func theComparisonsReferenceIsTheStandAloneSolve(reduction: Reduction) throws {
        let (data, weights) = try Self.data()
        let weighted = try data.weighted(by: weights)
        for standardize in [true, false] {
            let config = GradientDescent(batchSize: 256, epochs: 2, reduction: reduction, standardize: standardize)
            var model = LinearRegression()
            let comparison = try model.fitAndCompare(weighted, using: config)
            let alone = try LeastSquares.solve(weighted)
            #expect(relativeDifference(comparison.reference.parameters.stacked, alone.parameters.stacked) <= 1e-13)
        }
    }
}
