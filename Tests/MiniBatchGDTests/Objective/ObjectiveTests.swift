import Testing

@testable import MiniBatchGD

@Suite struct ObjectiveTests {
    // X = [[1, 2], [3, 4], [5, 6]], y = [1, 2, 4], W = [0.5, -1], c = 2.
    // Hand-derived: h = [0.5 − 2 + 2, 1.5 − 4 + 2, 2.5 − 6 + 2] = [0.5, −0.5, −1.5];
    // r = h − y = [−0.5, −2.5, −5.5]; Σr² = 0.25 + 6.25 + 30.25 = 36.75.
    // Xᵀr = [−0.5 − 7.5 − 27.5, −1 − 10 − 33] = [−35.5, −44]; 1ᵀr = −8.5.
    let x = try! Matrix([[1, 2], [3, 4], [5, 6]])
    let y = Matrix(column: [1, 2, 4])
    let theta = try! Parameters(coefficients: Matrix(column: [0.5, -1]), intercept: [2])

    @Test func hypothesisByHand() throws {
        #expect(try Objective.hypothesis(x, theta).elements == [0.5, -0.5, -1.5])
    }

    @Test func costByHand() throws {
        #expect(try Objective.cost(features: x, targets: y, parameters: theta, reduction: .sum) == 36.75 / 2)
        #expect(abs(try Objective.cost(features: x, targets: y, parameters: theta, reduction: .mean) - 36.75 / 6) < 1e-15)
    }

    @Test func gradientByHand() throws {
        let sum = try Objective.gradient(features: x, targets: y, parameters: theta, reduction: .sum)
        #expect(sum.coefficients.elements == [-35.5, -44])
        #expect(sum.intercept == [-8.5])
        let mean = try Objective.gradient(features: x, targets: y, parameters: theta, reduction: .mean)
        #expect(relativeDifference(mean.stacked, [-8.5 / 3, -35.5 / 3, -44 / 3]) < 1e-15)
    }

    @Test func gradientMatchesCentralFiniteDifferences() throws {
        let data = try syntheticData(rows: 40, weights: [[1, -2], [0.5, 3], [-1, 0]], intercept: [1, -1], noise: 0.3, seed: 11)
        var generator = RandomSource(seed: 5)
        let point = try Parameters(
            coefficients: Matrix<Double>(rows: 3, columns: 2, elements: (0..<6).map { _ in generator.nextGaussian() }),
            intercept: [0.3, -0.7])
        for reduction in Reduction.allCases {
            let analytic = try Objective.gradient(features: data.features, targets: data.targets, parameters: point, reduction: reduction)
            let values = point.stacked
            var numeric = [Double]()
            for index in values.indices {
                func cost(_ shift: Double) throws -> Double {
                    var shifted = values
                    shifted[index] += shift
                    let p = try Parameters(
                        coefficients: Matrix<Double>(rows: 3, columns: 2, elements: Array(shifted[2...])), intercept: Array(shifted[..<2]))
                    return try Objective.cost(features: data.features, targets: data.targets, parameters: p, reduction: reduction)
                }
                let h = 1e-5
                numeric.append((try cost(h) - cost(-h)) / (2 * h))
            }
            #expect(relativeDifference(analytic.stacked, numeric) < 1e-8)
        }
    }

    /// One output takes the dgemv path, several the dgemm path: a two-output model whose
    /// columns repeat a one-output model must give the same numbers twice.
    @Test func gemvAndGemmPathsAgree() throws {
        let data = try syntheticData(rows: 57, weights: [[1], [2], [-3], [0.25]], intercept: [0.5], noise: 0.2, seed: 2)
        let w = [0.3, -0.1, 0.7, 2.0]
        let single = try Parameters(coefficients: Matrix(column: w), intercept: [0.4])
        let double = try Parameters(
            coefficients: Matrix<Double>(rows: 4, columns: 2, elements: w.flatMap { [$0, $0] }), intercept: [0.4, 0.4])
        let y2 = try Matrix<Double>(rows: 57, columns: 2, elements: data.targets.elements.flatMap { [$0, $0] })
        let h1 = try Objective.hypothesis(data.features, single)
        let h2 = try Objective.hypothesis(data.features, double)
        let g1 = try Objective.gradient(features: data.features, targets: data.targets, parameters: single)
        let g2 = try Objective.gradient(features: data.features, targets: y2, parameters: double)
        for i in 0..<57 {
            #expect(abs(h2[i, 0] - h1[i, 0]) <= 1e-13 * abs(h1[i, 0]) + 1e-13)
            #expect(h2[i, 0] == h2[i, 1])
        }
        for j in 0..<4 { #expect(abs(g2.coefficients[j, 1] - g1.coefficients[j, 0]) <= 1e-12 * abs(g1.coefficients[j, 0])) }
        #expect(abs(g2.intercept[0] - g1.intercept[0]) <= 1e-12 * abs(g1.intercept[0]))
        let c1 = try Objective.cost(features: data.features, targets: data.targets, parameters: single)
        let c2 = try Objective.cost(features: data.features, targets: y2, parameters: double)
        #expect(abs(c2 - 2 * c1) <= 1e-12 * c1)
        // And both against a plain loop.
        for i in 0..<57 {
            var value = 0.4
            for j in 0..<4 { value += data.features[i, j] * w[j] }
            #expect(abs(h1[i, 0] - value) <= 1e-13 * abs(value) + 1e-13)
        }
    }

    @Test func workspaceVariantWritesIntoCallerStorageOnViews() throws {
        let big = try Matrix([[9, 9], [1, 2], [3, 4], [5, 6], [9, 9]])
        let bigY = Matrix(column: [0, 1, 2, 4, 0])
        var gradient = Parameters.zeros(features: 2, outputs: 1)
        var residual = try Matrix<Double>(rows: 3, columns: 1)
        let cost = try Objective.gradient(
            features: big.rows(1..<4), targets: bigY.rows(1..<4), parameters: theta,
            reduction: .sum, into: &gradient, residual: &residual)
        #expect(cost == 36.75 / 2)
        #expect(residual.elements == [-0.5, -2.5, -5.5])
        #expect(gradient.coefficients.elements == [-35.5, -44])
    }

    @Test func shapeErrorsNameTheArgument() throws {
        let wrong = Parameters.zeros(features: 3, outputs: 1)
        #expect(throws: MatrixError.self) { try Objective.hypothesis(x, wrong) }
        #expect(throws: MatrixError.dimensionMismatch(operation: "gradient", argument: "targets", expected: "3×1", actual: "2×1")) {
            try Objective.gradient(features: x, targets: Matrix(column: [1, 2]), parameters: theta)
        }
        var out = try Matrix<Double>(rows: 2, columns: 1)
        #expect(throws: MatrixError.dimensionMismatch(operation: "hypothesis", argument: "output", expected: "3×1", actual: "2×1")) {
            try Objective.hypothesis(x.view, theta, into: &out)
        }
        #expect(throws: MatrixError.self) { try Parameters(coefficients: Matrix(column: [1]), intercept: [1, 2]) }
    }
}
