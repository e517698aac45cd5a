import Foundation
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
        let folder = try ScratchFolder()
        let houses = try Dataset<Double>.load(
            URL(fileURLWithPath: examples + "/houses.csv"), targets: ["price"], features: ["size", "rooms"])
        let small = try Dataset(features: [[1, 2], [2, 1], [3, 5], [4, 4]], targets: [4, 3, 9, 8])

        var model = LinearRegression()
        let run = try model.fit(houses, using: GradientDescent())
        let price = try model.predict([120, 4])
        try model.save(to: URL(fileURLWithPath: folder.path + "/model.json"))
        let again = try LinearRegression(contentsOf: URL(fileURLWithPath: folder.path + "/model.json"))

        let exact = try LeastSquares.solve(houses, method: .auto)
        let table = exact.coefficientTable.description  // print(exact.coefficientTable) in the README
        var checked = LinearRegression()
        let comparison = try checked.fitAndCompare(houses, using: GradientDescent(batchSize: .full, optimizer: .nesterov()))
        var adam = LinearRegression()
        try adam.fit(small, using: GradientDescent(optimizer: .adam(), schedule: .cosine))

        let weighted = try small.weighted(by: [1, 2, 1, 3])
        let wls = try LeastSquares.solve(weighted)

        try NPYWriter.convert(examples + "/houses.csv", to: folder.path + "/houses.npy")
        let mapped = try #require(
            try MappedDataset.mapIfPossible(path: folder.path + "/houses.npy", targets: ["price"], features: ["size", "rooms", "age"]))
        let inPlace = try LeastSquares.solve(mapped)

        let samples: [[Float]] = [[1, 2], [2, 1], [3, 5], [4, 4]]
        let compact = try Dataset(features: samples, targets: [4, 3, 9, 8] as [Float])
        var single = LinearRegression()
        try single.fit(compact, using: GradientDescent())
        let singleExact = try LeastSquares.solve(compact)
        let guesses = try single.predict(compact.features)

        #expect(single.trainingPrecision == .float32)
        #expect(guesses.rows == 4 && guesses.columns == 1 && relativeDifference(guesses.elements, [4, 3, 9, 8]) < 0.2)
        #expect(relativeDifference(singleExact.parameters, try LeastSquares.solve(small).parameters) < 1e-12)
        #expect(relativeDifference(single.parameters!, singleExact.parameters) < 1e-2)
        #expect(houses.featureNames == ["size", "rooms"] && houses.rows == 500)
        #expect(run.learningRateChoice.source == .automatic)
        #expect(relativeDifference(model.parameters!, exact.parameters) < 1e-2)
        #expect(exact.coefficientTable.names == ["const", "size", "rooms"] && table.contains("\nconst "))
        let byHand = exact.intercept[0] + 120 * exact.coefficients[0, 0] + 4 * exact.coefficients[1, 0]
        #expect(abs(price - byHand) < 1e-2 * abs(byHand))
        #expect(try again.predict([120, 4]) == price)
        #expect(comparison.parameterRelativeDifference < 1e-3)
        let smallExact = try LeastSquares.solve(small, method: .qr)
        #expect(relativeDifference(adam.parameters!, smallExact.parameters) < 1e-2)
        // Weights 1, 2, 1, 3 are rows repeated: the same coefficients as the repeated rows.
        let repeated = try Dataset(
            features: [[1, 2], [2, 1], [2, 1], [3, 5], [4, 4], [4, 4], [4, 4]], targets: [4, 3, 3, 9, 8, 8, 8])
        #expect(relativeDifference(wls.parameters, try LeastSquares.solve(repeated).parameters) < 1e-12)
        let loaded = try Dataset<Double>.load(URL(fileURLWithPath: examples + "/houses.csv"), targets: ["price"])
        #expect(mapped.featureNames == ["size", "rooms", "age"])
        #expect(relativeDifference(inPlace.parameters, try LeastSquares.solve(loaded).parameters) < 1e-13)
    }
}
