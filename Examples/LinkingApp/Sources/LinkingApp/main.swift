import MiniBatchGD

#if canImport(Glibc)
    import Glibc  // exit
#endif

// Fits y = 4 − 2·x₁ + 0.5·x₂ + noise by mini-batch descent and checks it against the exact
// solution; exits non-zero when they disagree, so `make test` notices.
var generator = RandomSource(seed: 2026)
let rows = 2000
var features: [Double] = [], targets: [Double] = []
for _ in 0..<rows {
    let x1 = generator.nextGaussian(), x2 = 3 * generator.nextGaussian() + 10
    features += [x1, x2]
    targets.append(4 - 2 * x1 + 0.5 * x2 + 0.1 * generator.nextGaussian())
}

do {
    let data = try Dataset(
        features: Matrix<Double>(rows: rows, columns: 2, elements: features), target: targets,
        featureNames: ["x1", "x2"], targetName: "y")
    var model = LinearRegression()
    // Every default but the batch size: the step size comes from the data's curvature.
    let comparison = try model.fitAndCompare(data, using: GradientDescent(batchSize: 64))
    print("LinkingApp: y = \(model.intercept[0]) + \(model.coefficients[0, 0])·x1 + \(model.coefficients[1, 0])·x2")
    print(
        "LinkingApp: learning rate \(comparison.run.learningRateChoice.learningRate) (\(comparison.run.learningRateChoice.source.rawValue)), "
            + "\(comparison.run.history.epochsRun) epochs")
    print("LinkingApp: closed form (\(comparison.reference.method.rawValue)) differs by \(comparison.parameterRelativeDifference) relative")
    guard comparison.parameterRelativeDifference < 1e-2 else {
        print("LinkingApp: FAILED, gradient descent did not reach the closed form")
        exit(1)
    }
} catch {
    print("LinkingApp: \(error)")
    exit(1)
}
