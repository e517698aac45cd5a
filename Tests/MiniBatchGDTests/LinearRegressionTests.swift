import Testing

@testable import MiniBatchGD

@Suite struct LinearRegressionTests {
    @Test func metricsByHand() throws {
        // errors: 1, −2, 0.5, 0 → MSE = (1 + 4 + 0.25)/4, MAE = 3.5/4; ȳ = 2.5, Σ(y − ȳ)² = 5.
        let m = try RegressionMetrics(predictions: Matrix(column: [2, 0, 3.5, 4]), targets: Matrix(column: [1, 2, 3, 4]))
        #expect(m.meanSquaredError == 5.25 / 4)
        #expect(m.rootMeanSquaredError == (5.25 / 4).squareRoot())
        #expect(m.meanAbsoluteError == 3.5 / 4)
        #expect(m.r2 == 1 - 5.25 / 5)
        let two = try RegressionMetrics(predictions: Matrix([[2, 1], [0, 1]]), targets: Matrix([[1, 1], [2, 1]]))
        #expect(two.outputs[1].meanSquaredError == 0 && two.outputs[1].r2 == 1)
        #expect(two.meanAbsoluteError == (1.5 + 0) / 2)
        #expect(throws: MatrixError.self) { try RegressionMetrics(predictions: Matrix(column: [1]), targets: Matrix(column: [1, 2])) }
    }

    @Test func predictAndEvaluateNeedAFittedModelOfTheRightWidth() throws {
        let model = LinearRegression()
        #expect(throws: ModelError.notFitted) { try model.predict(Matrix(column: [1])) }
        var fitted = LinearRegression()
        let data = try syntheticData(rows: 30, weights: [[1], [2]], intercept: [0], noise: 0.1, seed: 1)
        try fitted.fit(data, method: .auto)
        #expect(throws: ModelError.featureCountMismatch(expected: 2, actual: 1)) { try fitted.predict(Matrix(column: [1])) }
        let predictions = try fitted.predict(data.features)
        for i in 0..<30 {
            let expected =
                fitted.intercept[0] + fitted.coefficients[0, 0] * data.features[i, 0] + fitted.coefficients[1, 0] * data.features[i, 1]
            #expect(abs(predictions[i, 0] - expected) < 1e-12 * max(1, abs(expected)))
        }
        #expect(fitted.featureNames == ["x1", "x2"])
    }

    @Test func modelFromKnownParameters() throws {
        let model = try LinearRegression(parameters: Parameters(coefficients: Matrix(column: [2]), intercept: [1]))
        #expect(try model.predict(Matrix(column: [0, 1, 3])).elements == [1, 3, 7])
        #expect(throws: MatrixError.self) {
            try LinearRegression(parameters: Parameters(coefficients: Matrix(column: [.nan]), intercept: [1]))
        }
        #expect(model.featureNames == ["x1"] && model.targetNames == ["y"])
        #expect(throws: DataError.nameCountMismatch(argument: "featureNames", names: 2, columns: 1)) {
            try LinearRegression(parameters: Parameters(coefficients: Matrix(column: [2]), intercept: [1]), featureNames: ["a", "b"])
        }
    }

    /// The README's API tour, as written there.
    @Test func readmeTourCompilesAndRuns() throws {
        let data = try Dataset.seedArticle(seed: 0)
        var model = LinearRegression(fitIntercept: true)
        // Defaults: standardized, step size from the curvature, averaging, certified early stop.
        let run = try model.fit(data.train, using: GradientDescent())
        let exact = try LeastSquares.solve(data.train, method: .auto)  // closed form
        print(run.learningRateChoice.learningRate, run.history.epochsRun, run.history.stopReason, model.coefficients, exact.coefficients)
        print(try model.evaluate(data.test).meanAbsoluteError)

        // PyTorch's optimizers and schedules, with rates set in the problem's units.
        var adam = LinearRegression()
        try adam.fit(data.train, using: GradientDescent(optimizer: .adam(), schedule: .cosine))

        // Fit by gradient descent and measure the gap to the exact solution of the same objective.
        var checked = LinearRegression()
        let comparison = try checked.fitAndCompare(data.train, using: GradientDescent(batchSize: .full, optimizer: .nesterov()))
        print(comparison.parameterRelativeDifference, comparison.reference.method)

        #expect(run.learningRateChoice.source == .automatic)
        #expect(relativeDifference(model.parameters!, exact.parameters) < 1e-2)
        #expect(relativeDifference(adam.parameters!, exact.parameters) < 1e-2)
        #expect(comparison.parameterRelativeDifference < 1e-3)
    }
}
