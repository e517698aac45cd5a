import Foundation
import Testing

@testable import MiniBatchGD

/// The defaults held to public data sets (Tests/Fixtures/real, made with their numpy optima by
/// Scripts/make_real_data_fixtures.py): momentum's early stop, heavy-tailed rows, the averaged
/// rate's halving, annealing schedules, and the rows' curvature in mean square.
@Suite struct RealDataDefaultsTests {
    struct Optimum: Decodable {
        let target: String
        let intercept: Double
        let coefficients: [Double]
    }

    static let directory = fixtures + "/real"

    /// The fixture's rows and numpy's least-squares optimum of them.
    static func load(_ name: String) throws -> (Dataset<Double>, Parameters) {
        struct File: Decodable { let optima: [String: Optimum] }
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/optima.json")))
        let optimum = try #require(file.optima[name])
        let data = try Dataset.load(path: directory + "/\(name).csv", targets: [optimum.target])
        let parameters = try Parameters(
            coefficients: Matrix(rows: optimum.coefficients.count, columns: 1, elements: optimum.coefficients),
            intercept: [optimum.intercept])
        return (data, parameters)
    }

    @Test func aToleranceOfZeroRunsEveryEpochOfTheBudget() throws {
        // Longley, κ ≈ 1.2e4: Nesterov's cost climbs for epochs at a time. A tolerance of 0 asks
        // for no stop on the cost (the certificate off too): every epoch runs, and the run ends
        // at the optimum. Before, it stopped after 7 epochs, 0.89 from it.
        let (data, optimum) = try Self.load("longley")
        var model = LinearRegression()
        let run = try model.fit(
            data,
            using: GradientDescent(
                batchSize: .full, epochs: 6000, optimizer: .nesterov(),
                earlyStopping: EarlyStopping(tolerance: 0, parameterTolerance: 0)))
        #expect(run.history.epochsRun == 6000)
        #expect(run.history.stopReason == .maximumEpochs)
        #expect(relativeDifference(model.parameters!, optimum) < 1e-6)
    }

    @Test func aToleranceOfZeroRunsEveryEpochWithHeldOutRowsToo() throws {
        let (data, _) = try Self.load("engel")
        var model = LinearRegression()
        let run = try model.fit(
            data,
            using: GradientDescent(
                epochs: 300, earlyStopping: EarlyStopping(tolerance: 0, validationFraction: 0.2, parameterTolerance: 0)))
        #expect(run.history.epochsRun == 300 && run.history.stopReason == .maximumEpochs)
        #expect(run.history.validationCosts.count == 300)
    }

    @Test func momentumsPlateauWaitsOutItsMemory() throws {
        // A plateau test alone (no certificate): Nesterov at β = (√κ − 1)/(√κ + 1) ≈ 0.98 must not
        // read its oscillations as convergence.
        let (data, optimum) = try Self.load("longley")
        var model = LinearRegression()
        let run = try model.fit(
            data,
            using: GradientDescent(
                batchSize: .full, epochs: 20_000, optimizer: .nesterov(),
                earlyStopping: EarlyStopping(tolerance: 1e-9, parameterTolerance: nil)))
        let beta = try #require(run.learningRateChoice.momentum)
        #expect(run.history.epochsRun > Int(2 / (1 - beta)))
        #expect(relativeDifference(model.parameters!, optimum) < 1e-2)
    }

    @Test func thePatienceCoversTwiceTheMomentumsMemory() {
        let stopping = EarlyStopping(patience: 5)
        #expect(StopRule(stopping, memory: 0.98, batchesPerEpoch: 1).patience == 100)
        #expect(StopRule(stopping, memory: 0.98, batchesPerEpoch: 10).patience == 10)
        #expect(StopRule(stopping, memory: 0.9, batchesPerEpoch: 8).patience == 5)
        #expect(StopRule(stopping).patience == 5)
        // A cost that beats its best once every 40 epochs, climbing in between, never plateaus.
        var rule = StopRule(EarlyStopping(tolerance: 1e-6, patience: 5), memory: 0.98, batchesPerEpoch: 1)
        var stopped = false
        for epoch in 0..<400 {
            let cost = epoch % 40 == 0 ? 1 / Double(epoch + 1) : 2 + Double(epoch % 40)
            stopped = stopped || rule.plateaued(cost)
        }
        #expect(!stopped)
        // A tolerance of 0 still sees plateaus (they start averaging) but never stops on them.
        #expect(!StopRule(EarlyStopping(tolerance: 0)).stopsOnPlateau && StopRule(EarlyStopping()).stopsOnPlateau)
    }

    @Test func heavyTailedRowsReachTheClosedFormWithTheDefaults() throws {
        // Engel: one feature, κ = 1, the largest row's curvature 30 times the mean. The average
        // of a constant rate stalled 0.06 from the optimum; its rate now halves until certified.
        let (data, optimum) = try Self.load("engel")
        var model = LinearRegression()
        let run = try model.fit(data, using: GradientDescent())
        #expect(relativeDifference(model.parameters!, optimum) < 1e-2)
        #expect(run.history.stopReason == .parametersCertified)
        #expect(!run.history.rateHalvingEpochs.isEmpty)
        // Each halving halves every later rate: the rates are η₀·2^−(halvings before the epoch).
        let initial = run.learningRateChoice.learningRate
        for (epoch, rate) in run.history.learningRates.enumerated() {
            let halvings = run.history.rateHalvingEpochs.filter { $0 < epoch + 1 }.count
            #expect(rate == initial / Double(1 << halvings))
        }
    }

    @Test func diabetesReachesTheClosedFormWithTheDefaultsAndWithSGDAtBatchOne() throws {
        let (data, optimum) = try Self.load("diabetes")
        for batchSize: BatchSize in [32, 1] {
            var model = LinearRegression()
            _ = try model.fit(data, using: GradientDescent(batchSize: batchSize, epochs: batchSize == 1 ? 300 : nil))
            #expect(relativeDifference(model.parameters!, optimum) < 1e-2, "batch \(batchSize)")
        }
    }

    @Test func annealingSchedulesReportTheirLastIterate() throws {
        // Adam with the cosine schedule on diabetes: averaging its early iterates in left the
        // fit 0.056 from the optimum; the schedule anneals by itself, so no averaging starts.
        let (data, optimum) = try Self.load("diabetes")
        for schedule: LearningRateSchedule in [.cosine, .stepDecay(factor: 0.5, every: 10)] {
            var model = LinearRegression()
            let run = try model.fit(data, using: GradientDescent(optimizer: .adam(), schedule: schedule))
            #expect(run.history.averagingStartEpoch == nil)
            if schedule == .cosine { #expect(relativeDifference(model.parameters!, optimum) < 1e-2) }
        }
        var constant = LinearRegression()
        let run = try constant.fit(data, using: GradientDescent(optimizer: .adam()))
        #expect(run.history.averagingStartEpoch != nil)
    }

    @Test(arguments: [("engel", false), ("diabetes", false), ("longley", false), ("engel", true), ("diabetes", true)])
    func meanSquareRowCurvatureMatchesPowerIterationOnTheRows(name: String, weighted: Bool) throws {
        // R² = λmax(H⁻¹M), H = (1/n)Σωããᵀ and M = (1/n)Σω²‖ã‖²ããᵀ over the standardized rows with
        // a one for the intercept, by power iteration on H⁻¹M with H solved by Gauss–Jordan:
        // a second algorithm, on the rows themselves rather than on moments.
        let (data, _) = try Self.load(name)
        let n = data.rows, p = data.featureCount, q = p + 1
        let weights = weighted ? (0..<n).map { 0.25 + Double(($0 * 7919) % 13) / 4 } : nil
        let standardizer = Standardizer(fitting: data.features)
        let curvature = try Curvature(data, standardizer: standardizer, fitIntercept: true, penalty: 0, rowWeights: weights)
        var h = [[Double]](repeating: [Double](repeating: 0, count: q), count: q), m = h
        for i in 0..<n {
            var a = [1.0]
            for j in 0..<p { a.append((data.features[i, j] - standardizer.mean[j]) / standardizer.scale[j]) }
            let omega = weights?[i] ?? 1
            let norm = a.reduce(0) { $0 + $1 * $1 }
            for r in 0..<q {
                for c in 0..<q {
                    h[r][c] += omega * a[r] * a[c] / Double(n)
                    m[r][c] += omega * omega * norm * a[r] * a[c] / Double(n)
                }
            }
        }
        // H⁻¹M by Gauss–Jordan on [H | M].
        var augmented = (0..<q).map { h[$0] + m[$0] }
        for column in 0..<q {
            let pivot = (column..<q).max { abs(augmented[$0][column]) < abs(augmented[$1][column]) }!
            augmented.swapAt(column, pivot)
            let divisor = augmented[column][column]
            augmented[column] = augmented[column].map { $0 / divisor }
            for row in 0..<q where row != column {
                let factor = augmented[row][column]
                for c in 0..<(2 * q) { augmented[row][c] -= factor * augmented[column][c] }
            }
        }
        let product = augmented.map { Array($0[q...]) }
        var vector = [Double](repeating: 1, count: q), estimate = 0.0
        for _ in 0..<5000 {
            let next = (0..<q).map { r in (0..<q).reduce(0) { $0 + product[r][$1] * vector[$1] } }
            let size = next.map(abs).max()!
            let previous = estimate
            estimate = size / vector.map(abs).max()!
            vector = next.map { $0 / size }
            if abs(estimate - previous) <= 1e-14 * estimate { break }
        }
        if let meanSquare = curvature.meanSquareRowCurvature {
            #expect(abs(meanSquare - estimate) <= 1e-8 * estimate, "\(meanSquare) against \(estimate)")
            #expect(meanSquare <= curvature.largestRowCurvature * (1 + 1e-12))
            #expect(curvature.rowCurvature == min(4 * meanSquare, curvature.largestRowCurvature))
        } else {
            // Skipped only where 4R² could not have set the step.
            #expect(curvature.largestRowCurvature <= 4 * estimate)
            #expect(curvature.rowCurvature == curvature.largestRowCurvature)
        }
    }

    @Test func aFewHeavyRowsAmongManyNoLongerSetTheStep() throws {
        // 100,000 rows, three of them 30 standard deviations out: the largest row's curvature is
        // about 900, the rows in mean square R² about 30. The batch-1 step is 1/(4R²), said in
        // the reason, and the fit stays finite and near the optimum.
        var features: [[Double]] = [], targets: [Double] = []
        var random = RandomSource(seed: 11)
        for i in 0..<100_000 {
            let x = i % 33_333 == 0 ? 30.0 : random.nextGaussian()
            features.append([x])
            targets.append(2 + 0.5 * x + 0.1 * random.nextGaussian())
        }
        let data = try Dataset(features: Matrix(features), target: targets)
        let exact = try LeastSquares.solve(data)
        var model = LinearRegression()
        let run = try model.fit(data, using: GradientDescent(batchSize: 1, epochs: 3))
        let choice = run.learningRateChoice, curvature = try #require(choice.curvature)
        let meanSquare = try #require(curvature.meanSquareRowCurvature)
        #expect(curvature.largestRowCurvature > 800 && 4 * meanSquare < curvature.largestRowCurvature / 4)
        #expect(abs(choice.learningRate - 1 / (4 * meanSquare)) <= 1e-12 * choice.learningRate)
        #expect(choice.reason.contains("rows in mean square"))
        #expect(relativeDifference(model.parameters!, exact.parameters) < 1e-2)
    }
}
