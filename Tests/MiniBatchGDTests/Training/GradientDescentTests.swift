import Testing

@testable import MiniBatchGD

@Suite struct GradientDescentTests {
    let seed = try! Dataset<Double>.seedArticle(seed: 0)

    @Test func seedConfigurationReproducesTheArticleAndIsNotConverged() throws {
        var model = LinearRegression()
        let run = try model.fit(seed.train, using: .seedArticle)
        // The article reports bias 0.818, coefficient 1.046, test MAE 0.437 on its own sample.
        #expect(abs(model.intercept[0] - 0.82) < 0.1)
        #expect(abs(model.coefficients[0, 0] - 1.05) < 0.06)
        #expect(abs(try model.evaluate(seed.test).meanAbsoluteError - 0.44) < 0.03)
        #expect(run.history.batchCosts.count == 3 * 225)
        // …and it is far from the least-squares solution (bias ≈ 1.25, coefficient ≈ 0.95).
        let exact = try LeastSquares.solve(seed.train)
        #expect(relativeDifference(model.parameters!, exact.parameters) > 0.2)
        #expect(abs(model.intercept[0] - exact.intercept[0]) > 0.3)
    }

    @Test func seedConfigurationMatchesAnIndependentLoop() throws {
        // The article's loop written out with plain arithmetic: summed gradient, in order,
        // batches of 32, the bias as the weight of a ones column.
        let x = seed.train.features.elements, y = seed.train.targets.elements
        var b = 0.0, w = 0.0
        for _ in 0..<3 {
            var start = 0
            while start < x.count {
                let end = min(start + 32, x.count)
                var gb = 0.0, gw = 0.0
                for i in start..<end {
                    let r = b + w * x[i] - y[i]
                    gb += r
                    gw += r * x[i]
                }
                b -= 0.001 * gb
                w -= 0.001 * gw
                start = end
            }
        }
        var model = LinearRegression()
        try model.fit(seed.train, using: .seedArticle)
        #expect(relativeDifference([model.intercept[0], model.coefficients[0, 0]], [b, w]) < 1e-12)
    }

    @Test func standardizedBatchDescentConvergesToTheClosedForm() throws {
        var model = LinearRegression()
        let comparison = try model.fitAndCompare(
            seed.train,
            using: GradientDescent(
                batchSize: .full, epochs: 60, learningRate: 0.5, standardize: true, shuffle: .none, earlyStopping: nil))
        #expect(comparison.parameterRelativeDifference < 1e-6)
        #expect(comparison.costRelativeDifference >= -1e-12 && comparison.costRelativeDifference < 1e-10)
        // Independently of fitAndCompare: against a QR solve.
        #expect(relativeDifference(model.parameters!, try LeastSquares.solve(seed.train, method: .qr).parameters) < 1e-6)
    }

    @Test func shuffledMiniBatchesWithDecayReachTheClosedForm() throws {
        var model = LinearRegression()
        let comparison = try model.fitAndCompare(
            seed.train,
            using: GradientDescent(
                batchSize: 32, epochs: 30, learningRate: 0.1, standardize: true, shuffle: .everyEpoch(seed: 1),
                schedule: .inverseScaling(power: 1), earlyStopping: nil))
        #expect(comparison.parameterRelativeDifference < 1e-2)
        #expect(comparison.run.history.learningRates.last! == 0.1 / 30)
    }

    @Test(arguments: [Optimizer.momentum(0.9), .nesterov(0.9)])
    func momentumConvergesToTheClosedForm(optimizer: Optimizer) throws {
        let data = try syntheticData(rows: 300, weights: [[2], [-1], [0.5]], intercept: [3], noise: 0.2, seed: 21)
        var model = LinearRegression()
        // Heavy-ball with μ = 0.9 contracts by about √0.9 per step: 600 steps reach 1e-13.
        let comparison = try model.fitAndCompare(
            data,
            using: GradientDescent(
                batchSize: .full, epochs: 600, learningRate: 0.05, optimizer: optimizer, standardize: true, earlyStopping: nil))
        #expect(comparison.parameterRelativeDifference < 1e-8)
    }

    @Test(arguments: [Reduction.mean, .sum])
    func l2PenaltyConvergesToTheRidgeClosedForm(reduction: Reduction) throws {
        let data = try syntheticData(rows: 200, weights: [[2], [-1]], intercept: [1], noise: 0.5, seed: 13)
        for standardize in [false, true] {
            var model = LinearRegression()
            // The same objective up to the factor n = 200 under either reduction.
            let (rate, penalty) = reduction == .mean ? (0.05, 0.3) : (0.05 / 200, 0.3 * 200)
            let comparison = try model.fitAndCompare(
                data,
                using: GradientDescent(
                    batchSize: .full, epochs: 3000, learningRate: .fixed(rate), reduction: reduction, standardize: standardize,
                    l2Penalty: penalty,
                    earlyStopping: nil))
            #expect(comparison.parameterRelativeDifference < 1e-8, "standardize \(standardize)")
            // The penalty translation, checked apart from fitAndCompare: ridge λ·n (mean) or λ (sum).
            let lambda = 0.3 * 200
            let direct = try LeastSquares.solve(data, method: .qr, ridge: lambda, penaltyUnits: standardize ? .standardized : .original)
            #expect(relativeDifference(model.parameters!, direct.parameters) < 1e-8)
            let unpenalized = try LeastSquares.solve(data)
            #expect(relativeDifference(direct.parameters, unpenalized.parameters) > 1e-3)
        }
    }

    @Test func multipleOutputsTrainLikeSeparateModels() throws {
        let data = try syntheticData(rows: 150, weights: [[1, -2], [0.5, 3]], intercept: [1, -1], noise: 0.3, seed: 9)
        let config = GradientDescent(batchSize: 16, epochs: 5, learningRate: 0.05, shuffle: .everyEpoch(seed: 4))
        var joint = LinearRegression()
        try joint.fit(data, using: config)
        for o in 0..<2 {
            var single = LinearRegression()
            try single.fit(Dataset(features: data.features, target: data.targets.column(o)), using: config)
            // Same batches, same order: the outputs do not interact, except through summation order.
            #expect(relativeDifference([joint.intercept[o]] + joint.coefficients.column(o), single.parameters!.stacked) < 1e-12)
        }
    }

    @Test func withoutInterceptMatchesTheClosedFormWithoutIntercept() throws {
        let data = try syntheticData(rows: 200, weights: [[2], [-1]], intercept: [0], noise: 0.1, seed: 17)
        var model = LinearRegression(fitIntercept: false)
        let comparison = try model.fitAndCompare(
            data,
            using: GradientDescent(
                batchSize: .full, epochs: 500, learningRate: 0.1, standardize: true,
                earlyStopping: nil))
        #expect(model.intercept == [0])
        #expect(comparison.reference.intercept == [0])
        #expect(comparison.parameterRelativeDifference < 1e-8)
    }

    @Test func sameSeedSameRunDifferentSeedDifferentRun() throws {
        func fit(_ seed: UInt64) throws -> LinearRegression {
            var model = LinearRegression()
            try model.fit(
                self.seed.train, using: GradientDescent(batchSize: 8, epochs: 2, learningRate: 0.05, shuffle: .everyEpoch(seed: seed)))
            return model
        }
        #expect(try fit(3).parameters == fit(3).parameters)
        #expect(try fit(3).parameters != fit(4).parameters)
    }

    @Test func divergenceThrowsWithEpochAndNeverReturnsNaN() throws {
        var model = LinearRegression()
        // A summed gradient over 7200 rows at rate 0.01 is far beyond the stability bound.
        do {
            try model.fit(seed.train, using: GradientDescent(batchSize: .full, epochs: 100, learningRate: 0.01, reduction: .sum))
            Issue.record("a divergent run returned")
        } catch let TrainingError.diverged(epoch, _, _, rate) {
            #expect(epoch >= 1 && epoch <= 100 && rate == 0.01)
        }
        #expect(model.parameters == nil)
        // Stochastic steps that overflow within one epoch are caught at the batch.
        #expect(throws: TrainingError.self) {
            try model.fit(seed.train, using: GradientDescent(batchSize: 1, epochs: 3, learningRate: 5))
        }
        let message = TrainingError.diverged(epoch: 2, batch: 7, cost: .infinity, learningRate: 5).description
        #expect(message.contains("epoch 2") && message.contains("smaller learning rate") && message.contains("standardize"))
    }

    @Test func badConfigurationNamesTheArgument() throws {
        var model = LinearRegression()
        let cases: [(GradientDescent, String)] = [
            (GradientDescent(batchSize: 0), "batchSize"),
            (GradientDescent(epochs: 0), "epochs"),
            (GradientDescent(learningRate: 0), "learningRate"),
            (GradientDescent(learningRate: .fixed(-.infinity)), "learningRate"),
            (GradientDescent(learningRate: .fixed(.nan)), "learningRate"),
            (GradientDescent(warmupSteps: -1), "warmupSteps"),
            (GradientDescent(optimizer: .adam(beta1: 1)), "optimizer.beta1"),
            (GradientDescent(optimizer: .adamW(weightDecay: -0.1)), "optimizer.weightDecay"),
            (GradientDescent(optimizer: .rmsprop(alpha: .nan)), "optimizer.alpha"),
            (GradientDescent(optimizer: .adagrad(epsilon: 0)), "optimizer.epsilon"),
            (GradientDescent(schedule: .reduceOnPlateau(factor: 1)), "schedule.factor"),
            (GradientDescent(earlyStopping: EarlyStopping(parameterTolerance: .infinity)), "earlyStopping.parameterTolerance"),
            (GradientDescent(schedule: .inverseScaling(power: 0)), "schedule.power"),
            (GradientDescent(schedule: .stepDecay(factor: 1.5, every: 2)), "schedule.factor"),
            (GradientDescent(schedule: .stepDecay(factor: 0.5, every: 0)), "schedule.every"),
            (GradientDescent(optimizer: .momentum(1)), "optimizer.momentum"),
            (GradientDescent(l2Penalty: -1), "l2Penalty"),
            (GradientDescent(earlyStopping: EarlyStopping(patience: 0)), "earlyStopping.patience"),
        ]
        for (config, argument) in cases {
            do {
                try model.fit(seed.train, using: config)
                Issue.record("\(argument) was accepted")
            } catch let error as ArgumentError {
                let name = error.argument
                #expect(name == argument)
            }
        }
        #expect(
            throws: ArgumentError(
                argument: "earlyStopping.validationFraction", value: "1.0", requirement: "must lie strictly between 0 and 1")
        ) {
            try model.fit(seed.train, using: GradientDescent(earlyStopping: EarlyStopping(validationFraction: 1)))
        }
        #expect(throws: ModelError.notFitted) { try model.fit(seed.train, using: GradientDescent(warmStart: true)) }
    }

    @Test func earlyStoppingOnTrainingAndValidationCost() throws {
        var model = LinearRegression()
        let run = try model.fit(
            seed.train,
            using: GradientDescent(
                batchSize: .full, epochs: 1000, learningRate: 0.5, standardize: true,
                earlyStopping: EarlyStopping(tolerance: 1e-9, patience: 3, parameterTolerance: nil)))
        #expect(run.history.stopReason == .trainingCostConverged)
        #expect(run.history.epochsRun < 1000)
        let validated = try model.fit(
            seed.train,
            using: GradientDescent(
                batchSize: 64, epochs: 1000, learningRate: 0.05, standardize: true,
                earlyStopping: EarlyStopping(tolerance: 1e-4, patience: 2, validationFraction: 0.2)))
        #expect(validated.history.stopReason == .validationCostConverged)
        #expect(validated.trainingRows == 5760)
        #expect(validated.history.validationCosts.count == validated.history.epochsRun)
    }

    @Test func warmStartFromTheOptimumStaysThere() throws {
        var model = LinearRegression()
        try model.fit(seed.train, method: .qr)
        let optimum = model.parameters!
        try model.fit(
            seed.train, using: GradientDescent(batchSize: .full, epochs: 5, learningRate: 0.5, standardize: true, warmStart: true))
        #expect(relativeDifference(model.parameters!, optimum) < 1e-10)
        // From zero, five epochs get nowhere near as close.
        var cold = LinearRegression()
        try cold.fit(seed.train, using: GradientDescent(batchSize: .full, epochs: 5, learningRate: 0.1, standardize: true))
        #expect(relativeDifference(cold.parameters!, optimum) > 1e-3)
        let wide = try syntheticData(rows: 20, weights: [[1], [1]], intercept: [0], noise: 0, seed: 1)
        #expect(throws: TrainingError.warmStartMismatch(expectedFeatures: 2, expectedOutputs: 1, features: 1, outputs: 1)) {
            try model.fit(wide, using: GradientDescent(warmStart: true))
        }
    }

    @Test func schedulesGiveTheDocumentedRates() {
        #expect(LearningRateSchedule.constant.rate(initial: 0.1, epoch: 7) == 0.1)
        #expect(LearningRateSchedule.inverseScaling(power: 0.5).rate(initial: 0.1, epoch: 4) == 0.05)
        let step = LearningRateSchedule.stepDecay(factor: 0.5, every: 3)
        #expect([1, 3, 4, 6, 7].map { step.rate(initial: 1, epoch: $0) } == [1, 1, 0.5, 0.5, 0.25])
    }

    @Test func cancellationStopsTraining() async throws {
        let data = seed.train
        let task = Task {
            var model = LinearRegression()
            return try model.fit(data, using: GradientDescent(batchSize: 1, epochs: 100_000, learningRate: 0.001, recordsBatchCosts: false))
        }
        task.cancel()
        do {
            _ = try await task.value
            Issue.record("a cancelled fit ran to the end")
        } catch let TrainingError.cancelled(epochs) {
            #expect(epochs < 100_000)
        }
    }
}

@Suite struct ProgressTests {
    @Test func progressIsReportedOncePerEpochWithTheHistorysCost() throws {
        final class Box: @unchecked Sendable { var reports: [EpochReport] = [] }
        let box = Box()
        let data = try syntheticData(rows: 200, weights: [[1]], intercept: [1], noise: 0.1, seed: 1)
        var model = LinearRegression()
        let run = try model.fit(data, using: GradientDescent(batchSize: 16, epochs: 4, learningRate: 0.05)) { box.reports.append($0) }
        #expect(box.reports.map(\.epoch) == [1, 2, 3, 4])
        #expect(box.reports.map(\.cost) == run.history.epochCosts)
        #expect(box.reports.allSatisfy { $0.samplesPerSecond > 0 && $0.epochs == 4 && $0.validationCost == nil })
    }
}

@Suite struct KernelTests {
    @Test(arguments: [1, 3, 8, 11, 20])  // scalar, BLAS-only width, SIMD, SIMD with a tail, SIMD
    func fusedAndBLASKernelsAgree(features: Int) throws {
        let weights = (0..<features).map { [Double($0 % 5) - 2] }
        let data = try syntheticData(rows: 500, weights: weights, intercept: [1.5], noise: 0.2, seed: 31)
        func fit(_ kernel: Kernel) throws -> (Parameters, [Double]) {
            var model = LinearRegression()
            let run = try model.fit(
                data,
                using: GradientDescent(
                    batchSize: 16, epochs: 3, learningRate: 0.01, optimizer: .nesterov(0.5),
                    standardize: true, l2Penalty: 0.01, kernel: kernel))
            return (model.parameters!, run.history.batchCosts)
        }
        let (blas, blasCosts) = try fit(.blas)
        let (fused, fusedCosts) = try fit(.fused)
        let (automatic, _) = try fit(.automatic)
        #expect(relativeDifference(fused, blas) < 1e-12)
        #expect(relativeDifference(fusedCosts, blasCosts) < 1e-12)
        #expect(automatic == (features == 1 || features >= 8 ? fused : blas))  // batches of 16 rows
    }

    @Test func blockedLargeBatchIsOneExactGradientStep() throws {
        // 30 000 rows × 2 features is larger than one cache block (about 10 900 rows here), so the
        // full batch runs in blocks; one epoch from zero must equal θ = −η·∇J(0), with ∇J(0)
        // taken by one unblocked BLAS call.
        let data = try syntheticData(rows: 30_000, weights: [[1], [-2]], intercept: [0.5], noise: 0.3, seed: 5)
        for kernel in [Kernel.blas, .fused] {
            var model = LinearRegression()
            try model.fit(data, using: GradientDescent(batchSize: .full, epochs: 1, learningRate: 0.01, standardize: false, kernel: kernel))
            let gradient = try Objective.gradient(
                features: data.features, targets: data.targets, parameters: .zeros(features: 2, outputs: 1))
            #expect(relativeDifference(model.parameters!.stacked, gradient.stacked.map { -0.01 * $0 }) < 1e-12, "\(kernel)")
        }
    }

    @Test func severalOutputsUseBLASEvenWhenFusedIsAsked() throws {
        let data = try syntheticData(rows: 100, weights: [[1, 2]], intercept: [0, 1], noise: 0.1, seed: 2)
        var a = LinearRegression(), b = LinearRegression()
        try a.fit(data, using: GradientDescent(batchSize: 10, epochs: 2, kernel: .fused))
        try b.fit(data, using: GradientDescent(batchSize: 10, epochs: 2, kernel: .blas))
        #expect(a.parameters == b.parameters)
    }
}

@Suite struct HistoryLimitTests {
    @Test func aBatchCostRecordTooLargeForMemoryIsRefusedNotAttempted() async throws {
        let data = try syntheticData(rows: 1000, weights: [[1]], intercept: [0], noise: 0.1, seed: 1)
        var model = LinearRegression()
        do {
            try model.fit(data, using: GradientDescent(batchSize: 1, epochs: 1_000_000, learningRate: 0.001))
            Issue.record("a billion batch costs were accepted")
        } catch let error as ArgumentError {
            let (argument, requirement) = (error.argument, error.requirement)
            #expect(argument == "recordsBatchCosts" && requirement.contains("turn it off"))
        }
        // Without the record the same configuration is accepted (and cancelled here at once).
        let task = Task {
            var quiet = LinearRegression()
            return try quiet.fit(
                data, using: GradientDescent(batchSize: 1, epochs: 1_000_000, learningRate: 0.001, recordsBatchCosts: false))
        }
        task.cancel()
        await #expect(throws: TrainingError.self) { _ = try await task.value }
    }
}

@Suite struct ValidationSplitTests {
    @Test func heldOutRowsAreRandomWhenShufflingAndTheLastRowsOtherwise() throws {
        // Targets equal to the row number show which rows were held out.
        let n = 100
        let data = try Dataset(features: Matrix(column: (0..<n).map { Double($0 % 10) }), target: (0..<n).map(Double.init))
        func heldOutMean(_ shuffle: Shuffle) throws -> Double {
            final class Box: @unchecked Sendable { var cost = 0.0 }
            let box = Box()
            var model = LinearRegression()
            // Zero epochs of progress: a tiny rate keeps θ ≈ 0, so the validation cost is ½·mean(y²) of the held-out rows.
            try model.fit(
                data,
                using: GradientDescent(
                    batchSize: 10, epochs: 1, learningRate: 1e-12, shuffle: shuffle,
                    earlyStopping: EarlyStopping(patience: 1, validationFraction: 0.2))
            ) { box.cost = $0.validationCost! }
            return box.cost
        }
        let lastRows = (80..<100).map { 0.5 * Double($0 * $0) }.reduce(0, +) / 20
        #expect(abs(try heldOutMean(.none) - lastRows) < 1e-6 * lastRows)
        #expect(abs(try heldOutMean(.everyEpoch(seed: 1)) - lastRows) > 0.1 * lastRows)
        #expect(abs(try heldOutMean(.blocks(seed: 1, rows: 4)) - lastRows) > 0.1 * lastRows)
    }
}
