import Foundation
import Testing

@testable import MiniBatchGD

/// Gradient descent on a weighted data set: the cost ½Σwᵢrᵢ² (over Σw under the mean reduction),
/// checked against repeated rows, against weighted least squares solved by hand, and against the
/// rows left out for weight 0.
@Suite struct WeightedDescentTests {
    /// 60 rows around a plane in three features, with weights 1, 2 or 3 (integer: repeatable).
    static func weightedData(outputs: Int = 1, features: Int = 3, seed: UInt64 = 11) throws -> (data: Dataset<Double>, weights: [Double]) {
        let coefficients = (0..<features).map { j in (0..<outputs).map { o in Double(j + 1) * (o == 0 ? 1 : -0.5) } }
        let base = try syntheticData(
            rows: 60, weights: coefficients, intercept: Array(repeating: 2, count: outputs), noise: 0.5, seed: seed)
        let weights = (0..<60).map { Double($0 % 3 + 1) }
        return (try base.weighted(by: weights), weights)
    }

    /// Each row repeated as often as its (integer) weight, unweighted.
    static func repeated(_ data: Dataset<Double>, _ weights: [Double]) throws -> Dataset<Double> {
        var indices: [Int] = []
        for i in weights.indices { indices += Array(repeating: i, count: Int(weights[i])) }
        return try data.weighted(by: nil).gathering(indices)
    }

    /// β of min Σwᵢ(yᵢ − c − xᵢᵀβ)², intercept first, from the normal equations of [1 X] solved by
    /// Gaussian elimination with partial pivoting: an algorithm the library does not use.
    static func weightedNormalEquations(_ data: Dataset<Double>, _ weights: [Double], output: Int = 0) -> [Double] {
        let p = data.featureCount + 1
        var a = [[Double]](repeating: [Double](repeating: 0, count: p + 1), count: p)
        for i in 0..<data.rows {
            let row = [1.0] + (0..<data.featureCount).map { data.features[i, $0] }
            for r in 0..<p {
                for c in 0..<p { a[r][c] += weights[i] * row[r] * row[c] }
                a[r][p] += weights[i] * row[r] * data.targets[i, output]
            }
        }
        for column in 0..<p {
            let pivot = (column..<p).max { abs(a[$0][column]) < abs(a[$1][column]) }!
            a.swapAt(column, pivot)
            for r in (column + 1)..<p {
                let factor = a[r][column] / a[column][column]
                for c in column...p { a[r][c] -= factor * a[column][c] }
            }
        }
        var solution = [Double](repeating: 0, count: p)
        for r in stride(from: p - 1, through: 0, by: -1) {
            var value = a[r][p]
            for c in (r + 1)..<p { value -= a[r][c] * solution[c] }
            solution[r] = value / a[r][r]
        }
        return solution
    }

    @Test func theWeightedCostIsTheCostOfRepeatedRows() throws {
        let (data, weights) = try Self.weightedData(outputs: 2)
        let copies = try Self.repeated(data, weights)
        let parameters = try Parameters(coefficients: Matrix(rows: [[0.5, 1], [1, -1], [2, 0]]), intercept: [1, 3])
        for reduction in [Reduction.mean, .sum] {
            let weighted = try Objective.cost(data, parameters: parameters, reduction: reduction)
            let plain = try Objective.cost(copies, parameters: parameters, reduction: reduction)
            #expect(abs(weighted - plain) <= 1e-12 * plain)
        }
        let metrics = try LinearRegression(parameters: parameters).evaluate(data)
        let copyMetrics = try LinearRegression(parameters: parameters).evaluate(copies)
        #expect(abs(metrics.meanSquaredError - copyMetrics.meanSquaredError) <= 1e-12 * copyMetrics.meanSquaredError)
        #expect(abs(metrics.meanAbsoluteError - copyMetrics.meanAbsoluteError) <= 1e-12 * copyMetrics.meanAbsoluteError)
        #expect(abs(metrics.r2 - copyMetrics.r2) <= 1e-12)
    }

    @Test func theCurvatureIsTheCurvatureOfRepeatedRows() throws {
        let (data, weights) = try Self.weightedData()
        let copies = try Self.repeated(data, weights)
        let omega = try #require(Trainer.costWeights(data.weights, rows: data.rows, reduction: .mean))
        let standardizer = Standardizer.forDescent(data, fitIntercept: true)
        // Integer weights: the weighted means and deviations are those of the repeated rows.
        #expect(relativeDifference(standardizer.scale, Standardizer.forDescent(copies, fitIntercept: true).scale) <= 1e-13)
        let weighted = try Curvature(data, standardizer: standardizer, fitIntercept: true, penalty: 0.1, rowWeights: omega)
        let plain = try Curvature(copies, standardizer: standardizer, fitIntercept: true, penalty: 0.1)
        #expect(abs(weighted.smoothness - plain.smoothness) <= 1e-12 * plain.smoothness)
        #expect(abs(weighted.strongConvexity! - plain.strongConvexity!) <= 1e-10 * plain.strongConvexity!)
        // One row of weight 3 is as curved as three of its copies together, not as one.
        var largest = 0.0
        for i in 0..<data.rows {
            var norm = 1.0
            for j in 0..<data.featureCount {
                let z = (data.features[i, j] - standardizer.mean[j]) / standardizer.scale[j]
                norm += z * z
            }
            largest = max(largest, omega[i] * norm)
        }
        #expect(abs(weighted.largestRowCurvature - largest) <= 1e-13 * largest)
        let power = Curvature.powerIteration(
            data, centre: standardizer.mean, scale: standardizer.scale, fitIntercept: true, penalty: 0.1, rowWeights: omega)
        #expect(power >= weighted.smoothness && power < weighted.smoothness * 1.01)
    }

    /// Full-batch descent on the mean cost takes the same steps on weighted rows as on their
    /// copies: the same gradients, the same automatic rate from the same curvature.
    @Test(arguments: [Kernel.blas, .fused], [Optimizer.sgd, .adam()])
    func fullBatchDescentOnWeightsFollowsTheRepeatedRows(kernel: Kernel, optimizer: Optimizer) throws {
        let (data, weights) = try Self.weightedData()
        let copies = try Self.repeated(data, weights)
        let config = GradientDescent(
            batchSize: .full, epochs: 40, optimizer: optimizer, averaging: .none, earlyStopping: nil, kernel: kernel)
        var weighted = LinearRegression(), plain = LinearRegression()
        let run = try weighted.fit(data, using: config)
        let plainRun = try plain.fit(copies, using: config)
        #expect(
            abs(run.learningRateChoice.learningRate - plainRun.learningRateChoice.learningRate) <= 1e-12
                * plainRun.learningRateChoice.learningRate)
        #expect(relativeDifference(weighted.parameters!, plain.parameters!) <= 1e-11)
        #expect(relativeDifference(run.history.epochCosts, plainRun.history.epochCosts) <= 1e-11)
    }

    /// Rows of two lines: every third row (weight 6) on a steeper one. Weighted and ordinary
    /// least squares differ by tens of percent, so a fit that lost its weights anywhere fails.
    static func twoLines(outputs: Int, features: Int, seed: UInt64) throws -> (data: Dataset<Double>, weights: [Double]) {
        let (data, _) = try weightedData(outputs: outputs, features: features, seed: seed)
        var y = data.targets
        for i in stride(from: 0, to: data.rows, by: 3) { for o in 0..<outputs { y[i, o] += 3 * data.features[i, 0] } }
        let weights = (0..<data.rows).map { $0 % 3 == 0 ? 6.0 : 1 }
        return (try Dataset(features: data.features, targets: y, weights: weights), weights)
    }

    /// Every batch path (fused scalar, fused SIMD, BLAS; shuffled rows, shuffled blocks, the
    /// whole data) ends near the weighted least-squares solution and far from the ordinary one.
    /// (Mini-batch runs stop at their noise floor: averaging shrinks it as 1/√updates.)
    @Test(arguments: [
        (1, 3, BatchSize.rows(1), Shuffle.everyEpoch(seed: 3)),
        (1, 9, BatchSize.rows(8), Shuffle.everyEpoch(seed: 4)),
        (2, 3, BatchSize.rows(16), Shuffle.blocks(seed: 5, rows: 7)),
        (1, 3, BatchSize.rows(32), Shuffle.everyEpoch(seed: 6)),
        (2, 9, BatchSize.full, Shuffle.none),
    ])
    func descentReachesWeightedLeastSquares(outputs: Int, features: Int, batch: BatchSize, shuffle: Shuffle) throws {
        let (data, weights) = try Self.twoLines(outputs: outputs, features: features, seed: UInt64(features * 7 + outputs))
        var model = LinearRegression()
        let comparison = try model.fitAndCompare(data, using: GradientDescent(batchSize: batch, epochs: 3000, shuffle: shuffle))
        let ordinary = try LeastSquares.solve(try data.weighted(by: nil)).parameters
        let apart = relativeDifference(ordinary, comparison.reference.parameters)
        #expect(apart >= 0.05)
        #expect(
            comparison.parameterRelativeDifference <= (batch == .full ? 2e-3 : 0.4 * apart), "\(comparison.parameterRelativeDifference)")
        // The weighted cost: far below the ordinary solution's, and never below the optimum.
        let ordinaryGap = (try Objective.cost(data, parameters: ordinary) - comparison.referenceCost) / comparison.referenceCost
        #expect(comparison.costRelativeDifference >= -1e-12)
        #expect(
            comparison.costRelativeDifference <= (batch == .full ? 1e-6 : 0.1 * ordinaryGap),
            "\(comparison.costRelativeDifference) \(ordinaryGap)")
        for o in 0..<outputs {
            let exact = Self.weightedNormalEquations(data, weights, output: o)
            let reference = comparison.reference.parameters
            let found = [reference.intercept[o]] + (0..<features).map { reference.coefficients[$0, o] }
            #expect(relativeDifference(found, exact) <= 1e-10)
        }
    }

    /// In-order mini-batches, step by step against a loop written here: batch i of size b moves
    /// θ by −η/b·Σωⱼ·rⱼ·(xⱼ, 1) with ωⱼ = wⱼ·n/Σw, each batch reading its own rows' weights.
    @Test(arguments: [Kernel.blas, .fused], [1, 7, 60])
    func inOrderBatchesTakeTheHandWrittenSteps(kernel: Kernel, batchRows: Int) throws {
        let (data, weights) = try Self.twoLines(outputs: 1, features: 3, seed: 2)
        let n = data.rows, p = data.featureCount, rate = 0.002
        let config = GradientDescent(
            batchSize: .rows(batchRows), epochs: 2, learningRate: .fixed(rate), averaging: .none, standardize: false,
            shuffle: .none, earlyStopping: nil, kernel: kernel)
        var model = LinearRegression()
        try model.fit(data, using: config)
        let total = weights.reduce(0, +)
        var theta = [Double](repeating: 0, count: p + 1)
        for _ in 0..<2 {
            for start in stride(from: 0, to: n, by: batchRows) {
                let rows = start..<min(start + batchRows, n)
                var gradient = [Double](repeating: 0, count: p + 1)
                for i in rows {
                    var residual = theta[p] - data.targets[i, 0]
                    for j in 0..<p { residual += theta[j] * data.features[i, j] }
                    let weighted = weights[i] * Double(n) / total * residual
                    for j in 0..<p { gradient[j] += weighted * data.features[i, j] }
                    gradient[p] += weighted
                }
                for j in 0...p { theta[j] -= rate * gradient[j] / Double(rows.count) }
            }
        }
        let found = (0..<p).map { model.coefficients[$0, 0] } + [model.intercept[0]]
        #expect(relativeDifference(found, theta) <= 1e-12)
    }

    @Test func aRidgePenaltyComparesLikeWithLike() throws {
        let (data, weights) = try Self.weightedData()
        for reduction in [Reduction.mean, .sum] {
            var model = LinearRegression()
            let config = GradientDescent(
                batchSize: .full, reduction: reduction, l2Penalty: 0.3, earlyStopping: EarlyStopping(parameterTolerance: 1e-8))
            let comparison = try model.fitAndCompare(data, using: config)
            #expect(comparison.parameterRelativeDifference <= 1e-6, "\(reduction): \(comparison.parameterRelativeDifference)")
            // Repeated rows give the same penalized problem.
            var plain = LinearRegression()
            let repeated = try plain.fitAndCompare(try Self.repeated(data, weights), using: config)
            #expect(relativeDifference(comparison.reference.parameters, repeated.reference.parameters) <= 1e-10)
        }
    }

    @Test func rowsOfWeightZeroAreLeftOut() throws {
        let (data, _) = try Self.weightedData()
        var weights = [Double](repeating: 1, count: data.rows)
        for i in stride(from: 0, to: data.rows, by: 4) { weights[i] = 0 }
        let kept = (0..<data.rows).filter { weights[$0] > 0 }
        let config = GradientDescent(batchSize: 8, epochs: 30, averaging: .none, earlyStopping: nil)
        var weighted = LinearRegression(), plain = LinearRegression()
        let run = try weighted.fit(try data.weighted(by: weights), using: config)
        let plainRun = try plain.fit(try data.weighted(by: nil).gathering(kept), using: config)
        #expect(run.trainingRows == kept.count && plainRun.trainingRows == kept.count)
        #expect(relativeDifference(weighted.parameters!, plain.parameters!) <= 1e-12)
        #expect(relativeDifference(run.history.epochCosts, plainRun.history.epochCosts) <= 1e-12)
    }

    @Test func theValidationCostIsWeighted() throws {
        let (data, _) = try Self.weightedData()
        let config = GradientDescent(
            batchSize: 4, averaging: .none, earlyStopping: EarlyStopping(patience: 2, validationFraction: 0.25, parameterTolerance: nil))
        var model = LinearRegression()
        let run = try model.fit(data, using: config)
        let held = try data.split(testFraction: 0.25, shuffleSeed: 0).test
        #expect(held.weights != nil)
        let expected = try Objective.cost(held, parameters: model.parameters!)
        #expect(abs(run.history.validationCosts.last! - expected) <= 1e-12 * expected)
    }

    @Test func theNoiseScaleWeighsEachRowsGradient() throws {
        // Two rows, one feature, no standardization, at θ = 0: gᵢ = wᵢ·rᵢ·(xᵢ, 1).
        let data = try Dataset(features: [[1], [3]], targets: [2, 1], weights: [1, 3])
        let noise = GradientNoise(data, standardizer: nil, fitIntercept: true, parameters: [0, 0])
        let first: [Double] = [-2, -2], second: [Double] = [-9, -3]
        let mean: [Double] = [(first[0] + second[0]) / 2, (first[1] + second[1]) / 2]
        let meanNorm = mean[0] * mean[0] + mean[1] * mean[1]
        let squares = (first[0] * first[0] + first[1] * first[1] + second[0] * second[0] + second[1] * second[1]) / 2
        #expect(abs(noise.meanGradientSquaredNorm - meanNorm) <= 1e-14 * meanNorm)
        #expect(abs(noise.traceCovariance - (squares - meanNorm)) <= 1e-13 * squares)
    }

    @Test func weightsAreCheckedWhereTheyEnter() throws {
        let x = try Matrix<Double>(rows: 3, columns: 1, elements: [1, 2, 3])
        #expect(throws: ArgumentError(argument: "weights", value: "2 weights", requirement: "must give one weight per row (3)")) {
            try Dataset(features: x, target: [1, 2, 3], weights: [1, 2])
        }
        #expect(throws: ArgumentError(argument: "weights", value: "inf (row 3)", requirement: "must be finite and zero or positive")) {
            try Dataset(features: x, target: [1, 2, 3], weights: [1, 2, .infinity])
        }
        #expect(throws: ArgumentError(argument: "weights", value: "all zero", requirement: "must leave at least one row")) {
            try Dataset(features: x, target: [1, 2, 3]).weighted(by: [0, 0, 0])
        }
        let data = try Dataset(features: x, target: [1, 2, 4], weights: [1, 2, 1])
        #expect(
            throws: ArgumentError(
                argument: "weights", value: "3 weights", requirement: "must be nil for a data set that carries its own weights")
        ) {
            try LeastSquares.solve(data, weights: [1, 1, 1])
        }
        // A part of a split whose rows all weigh 0 is refused by the fit, not trained on.
        let zeros = try Dataset(features: x, target: [1, 2, 4], weights: [1, 0, 0]).gathering([1, 2])
        #expect(throws: ArgumentError(argument: "weights", value: "all zero", requirement: "must leave at least one row")) {
            var model = LinearRegression()
            try model.fit(zeros, using: GradientDescent())
        }
    }

    @Test func aWeightColumnIsReadFromAFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("weights-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("w.csv").path
        try "a,w,b,y\n1,1,5,2\n2,0.5,3,3\n3,2,1,5\n4,0,2,4\n".write(toFile: path, atomically: true, encoding: .utf8)
        let data = try Dataset<Double>.load(path: path, targets: ["y"], weights: "w")
        #expect(data.featureNames == ["a", "b"])
        #expect(data.weights == [1, 0.5, 2, 0])
        #expect(data.features.elements == [1, 5, 2, 3, 3, 1, 4, 2])
        let chosen = try Dataset<Double>.load(path: path, targets: ["y"], features: ["b"], weights: "w")
        #expect(chosen.featureNames == ["b"] && chosen.weights == [1, 0.5, 2, 0])
        #expect(throws: ArgumentError(argument: "weights", value: "y", requirement: "must not be a target column")) {
            try Dataset<Double>.load(path: path, targets: ["y"], weights: "y")
        }
        #expect(
            throws: ArgumentError(
                argument: "weights", value: "y", requirement: "must not be the target (the last column when no target is named)")
        ) {
            try Dataset<Double>.load(path: path, weights: "y")
        }
        #expect(throws: FileError.unknownColumn(path: path, name: "v", available: ["a", "w", "b", "y"])) {
            try Dataset<Double>.load(path: path, targets: ["y"], weights: "v")
        }
    }
}
