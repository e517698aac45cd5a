// The seed article's experiment, replayed and then corrected. `make demo` runs this until the
// `mbgd` command-line tool replaces it.
import Foundation
import MiniBatchGD

func format(_ value: Double, _ digits: Int = 6) -> String { String(format: "%.\(digits)f", value) }

do {
    let data = try Dataset.seedArticle(seed: 0)
    print("Seed article data: \(data.train.rows) training rows, \(data.test.rows) test rows (y ≈ 1.25 + 0.95·x in the population)\n")

    var seedModel = LinearRegression()
    let seedRun = try seedModel.fit(data.train, using: .seedArticle)
    let seedMAE = try seedModel.evaluate(data.test).meanAbsoluteError
    print("1. The article's configuration (summed gradient, no shuffle, learning rate 0.001, batch 32, 3 epochs):")
    print("   bias \(format(seedModel.intercept[0]))   coefficient \(format(seedModel.coefficients[0, 0]))   test MAE \(format(seedMAE))")
    print("   \(seedRun.history.batchCosts.count) batch costs recorded, \(seedRun.batchesPerEpoch) batches per epoch\n")

    let exact = try LeastSquares.solve(data.train, method: .auto)
    let se = exact.statistics.standardErrors?[0, 0] ?? .nan
    print("2. Closed form (\(exact.method.rawValue), condition \(format(exact.conditionNumber, 2))):")
    print("   bias \(format(exact.intercept[0]))   coefficient \(format(exact.coefficients[0, 0])) ± \(format(se))   R² \(format(exact.statistics.rSquared[0], 4))")
    print("   the article's answer is off by \(format(abs(seedModel.intercept[0] - exact.intercept[0]), 3)) in bias: 3 epochs at that rate have not converged\n")

    var model = LinearRegression()
    let comparison = try model.fitAndCompare(data.train, using: GradientDescent(
        batchSize: 32, epochs: 40, learningRate: 0.1, standardize: true, shuffle: .everyEpoch(seed: 1),
        schedule: .inverseScaling(power: 1)))
    print("3. Mini-batch descent done right (mean gradient, standardized, shuffled, η = 0.1/epoch, 40 epochs):")
    print("   bias \(format(model.intercept[0]))   coefficient \(format(model.coefficients[0, 0]))   test MAE \(format(try model.evaluate(data.test).meanAbsoluteError))")
    print("   relative distance to the closed form \(String(format: "%.2e", comparison.parameterRelativeDifference))\n")

    print("4. Throughput of one epoch on the article's data (mean gradient, shuffled, best of 5; OpenBLAS \(BLASThreads.coreName), \(BLASThreads.current) threads):")
    print("   shuffled batches are gathered into one reused buffer; a single full batch is read in place")
    print("   batch   samples/s")
    for batch in [1, 8, 32, 128, 512, 2048, data.train.rows] {
        var best = Double.infinity
        for _ in 0 ..< 5 {
            var m = LinearRegression()
            let start = DispatchTime.now().uptimeNanoseconds
            try m.fit(data.train, using: GradientDescent(batchSize: .rows(batch), epochs: 1, learningRate: 0.01, recordsBatchCosts: false))
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        print("   " + String(batch).padding(toLength: 8, withPad: " ", startingAt: 0) + String(format: "%.3g", Double(data.train.rows) / best))
    }
} catch {
    FileHandle.standardError.write(Data("mbgd-demo: \(error)\n".utf8))
    exit(1)
}
