import Foundation
import Testing

@testable import MiniBatchGD

/// A design whose standardized columns have condition number about `kappa`: three features,
/// the second and third nearly copies of the first at a distance chosen for κ.
func conditionedData(rows: Int, kappa: Double, noise: Double, seed: UInt64) throws -> Dataset<Double> {
    var random = RandomSource(seed: seed)
    // Columns a, a + δ·b, a − δ·c with independent a, b, c: for small δ the Gram matrix's
    // eigenvalues are about 3 and δ²·(something of order 1), so κ ≈ √3/δ.
    let delta = 3.0.squareRoot() / kappa
    var x = [Double](), y = [Double]()
    for _ in 0..<rows {
        let a = random.nextGaussian(), b = random.nextGaussian(), c = random.nextGaussian()
        let row = [a * 2 + 10, (a + delta * b) * 0.5 - 3, (a - delta * c) * 7 + 1]
        x += row
        y.append(3 + 2 * row[0] - row[1] + 0.5 * row[2] + noise * random.nextGaussian())
    }
    return try Dataset(features: Matrix<Double>(rows: rows, columns: 3, elements: x), target: y)
}

@Suite struct AutomaticStepSizeTests {
    @Test(arguments: [1.0, 10, 100, 1e4])
    func neverDivergesOverBatchSizesAndReductions(kappa: Double) throws {
        let data = try conditionedData(rows: 400, kappa: kappa, noise: 0.5, seed: 11)
        for reduction in Reduction.allCases {
            for batch: BatchSize in [1, 7, 64, .full] {
                for optimizer: Optimizer in [.sgd, .momentum(), .nesterov(), .adam()] {
                    var model = LinearRegression()
                    let run = try model.fit(
                        data,
                        using: GradientDescent(
                            batchSize: batch, epochs: 30, optimizer: optimizer, averaging: .none,
                            reduction: reduction, earlyStopping: nil))
                    let costs = run.history.epochCosts
                    let label = "κ \(kappa) \(reduction) batch \(batch) \(optimizer.name)"
                    #expect(model.parameters!.isFinite, "\(label)")
                    // Never above where it started (the cost at zero), and lower at the end than after one epoch's noise allows.
                    let start = 0.5 * data.targets.elements.map { $0 * $0 }.reduce(0, +) * reduction.scale(rows: data.rows)
                    // Heavy-ball momentum is not a descent method: its transient may climb above the
                    // start before it falls (Nesterov's correction prevents that here). Every other
                    // rule stays below it throughout.
                    if batch == .full, case .momentum = optimizer {
                        #expect(costs.last! < start, "\(label): \(costs)")
                    } else {
                        #expect(costs.allSatisfy { $0 < start }, "\(label): \(costs.prefix(3))")
                    }
                    #expect(run.learningRateChoice.source == .automatic)
                }
            }
        }
    }

    @Test func curvatureMatchesTheEigenvaluesOfTheStandardizedDesign() throws {
        // Two features: standardized, their Hessian block is the correlation matrix [[1, ρ], [ρ, 1]]
        // with eigenvalues 1 ± ρ; the intercept adds an eigenvalue 1 (centred columns).
        let x: [Double] = [1, 2, 2, 1, 3, 5, 4, 3, 5, 4]
        let data = try Dataset(features: Matrix<Double>(rows: 5, columns: 2, elements: x), target: [1, 2, 3, 4, 5])
        let a = stride(from: 0, to: 10, by: 2).map { x[$0] }, b = stride(from: 1, to: 10, by: 2).map { x[$0] }
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
        let ma = mean(a), mb = mean(b)
        let sa = mean(a.map { ($0 - ma) * ($0 - ma) }).squareRoot(), sb = mean(b.map { ($0 - mb) * ($0 - mb) }).squareRoot()
        let rho = mean(zip(a, b).map { ($0 - ma) * ($1 - mb) }) / (sa * sb)
        let curvature = try Curvature(data, standardizer: Standardizer(fitting: data.features), fitIntercept: true, penalty: 0)
        #expect(abs(curvature.smoothness - (1 + abs(rho))) < 1e-12)
        #expect(abs(curvature.strongConvexity! - (1 - abs(rho))) < 1e-12)
        // The largest row curvature: 1 + the largest squared norm of a standardized row.
        let rows = zip(a, b).map { 1 + (($0 - ma) / sa) * (($0 - ma) / sa) + (($1 - mb) / sb) * (($1 - mb) / sb) }
        #expect(abs(curvature.largestRowCurvature - rows.max()!) < 1e-12)
        // One row per batch: the expected smoothness is the row curvature (4R² or the largest
        // row's, whichever is smaller); the full batch: L.
        #expect(curvature.batchSmoothness(batchRows: 1, rows: 5) == max(curvature.rowCurvature, curvature.smoothness))
        #expect(curvature.batchSmoothness(batchRows: 5, rows: 5) == curvature.smoothness)
    }

    @Test func powerIterationAgreesWithTheEigenvalues() throws {
        let data = try conditionedData(rows: 300, kappa: 30, noise: 0.1, seed: 5)
        let standardizer = Standardizer(fitting: data.features)
        let exact = try Curvature(data, standardizer: standardizer, fitIntercept: true, penalty: 0.5)
        let wide = try Dataset(features: data.features, target: data.targets.column(0))
        let lambda = Curvature.powerIteration(wide, centre: standardizer.mean, scale: standardizer.scale, fitIntercept: true, penalty: 0.5)
        #expect(lambda >= exact.smoothness && lambda < exact.smoothness * 1.01)
    }

    @Test func averagingReachesTheClosedFormWhereAConstantRateStaysAtItsNoiseFloor() throws {
        let seed = try Dataset<Double>.seedArticle(seed: 0).train
        let exact = try LeastSquares.solve(seed)
        func gap(_ averaging: Averaging) throws -> Double {
            var model = LinearRegression()
            try model.fit(seed, using: GradientDescent(batchSize: 1, epochs: 10, averaging: averaging, earlyStopping: nil))
            return relativeDifference(model.parameters!, exact.parameters)
        }
        let averaged = try gap(.fromStart), constant = try gap(.none)
        #expect(averaged < 1e-3)
        #expect(constant > 3 * averaged)
    }

    @Test(arguments: [10.0, 100, 1000])
    func fullBatchNesterovMeetsItsPrediction(kappa: Double) throws {
        let data = try conditionedData(rows: 60, kappa: kappa, noise: 0.3, seed: 21)
        var model = LinearRegression()
        let comparison = try model.fitAndCompare(
            data,
            using: GradientDescent(
                batchSize: .full, epochs: 200_000, optimizer: .nesterov(),
                earlyStopping: EarlyStopping(tolerance: 0, patience: .max, parameterTolerance: 1e-6)))
        let run = comparison.run
        let predicted = try #require(run.learningRateChoice.predictedEpochs)
        #expect(run.history.stopReason == .parametersCertified)
        #expect(comparison.parameterRelativeDifference <= 1e-6)
        #expect(run.history.epochsRun <= 2 * predicted && run.history.epochsRun >= predicted / 2)
    }

    @Test func adamOnATargetSpreadOverAHundredUnitsReachesTheClosedForm() throws {
        var data = try conditionedData(rows: 2000, kappa: 3, noise: 5, seed: 8)
        data = try Dataset(features: data.features, target: data.targets.column(0).map { 40 * $0 - 700 })
        let exact = try LeastSquares.solve(data)
        for optimizer: Optimizer in [.adam(), .adamW(weightDecay: 0), .sgd] {
            var model = LinearRegression()
            // The adaptive rules with the cosine schedule over their default 300 epochs; plain SGD
            // with every other default, in as many epochs.
            let run = try model.fit(
                data,
                using: GradientDescent(
                    epochs: optimizer == .sgd ? 300 : nil, optimizer: optimizer,
                    schedule: optimizer == .sgd ? .constant : .cosine))
            #expect(relativeDifference(model.parameters!, exact.parameters) < 1e-2, "\(optimizer.name)")
            // The adaptive rate is in the target's units: 0.05 × its spread, not 0.05.
            if optimizer != .sgd { #expect(run.learningRateChoice.learningRate > 1) }
        }
    }

    @Test func sameSeedGivesBitIdenticalParametersWhateverOpenBLASsThreadCount() throws {
        // Several outputs and large batches: the BLAS path, where threads would split the work.
        let data = try syntheticData(
            rows: 20_000, weights: (0..<16).map { [Double($0 % 3), 1, -1] }, intercept: [1, 2, 3], noise: 0.1, seed: 4)
        let before = BLASThreads.outsideScopes
        defer { BLASThreads.set(before) }
        func fit(threads: Int) throws -> Parameters {
            BLASThreads.set(threads)
            var model = LinearRegression()
            try model.fit(data, using: GradientDescent(batchSize: 4096, epochs: 3))
            return model.parameters!
        }
        #expect(try fit(threads: 1) == fit(threads: 2))
    }

    @Test func aBatchLargerThanTheDataIsOneBatchWithANote() throws {
        let data = try syntheticData(rows: 16, weights: [[1], [2]], intercept: [0.5], noise: 0.1, seed: 2)
        var large = LinearRegression(), full = LinearRegression()
        let run = try large.fit(data, using: GradientDescent(batchSize: 32, epochs: 5, earlyStopping: nil))
        try full.fit(data, using: GradientDescent(batchSize: .full, epochs: 5, earlyStopping: nil))
        #expect(large.parameters == full.parameters)
        #expect(run.batchRows == 16 && run.batchesPerEpoch == 1)
        #expect(run.notes == ["batch size 32 exceeds the 16 training rows: all rows form one batch (full-batch descent)"])
    }
}
