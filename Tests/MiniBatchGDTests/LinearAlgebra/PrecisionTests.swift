import Foundation
import Testing

@testable import MiniBatchGD

/// `Float` rows against `Double` rows: the element type changes what is stored, never the
/// arithmetic, which is `Double` either way.
@Suite struct PrecisionTests {
    /// Standardized features (N(0, 1)) and targets y = X·w + 1 + noise, every value rounded to
    /// `Float` first, so that `Dataset<Float>` and `Dataset<Double>` of it hold the same numbers.
    static func floatValues(rows: Int, features p: Int, outputs k: Int = 1, seed: UInt64) throws -> (Dataset<Float>, Dataset<Double>) {
        let single = try Dataset<Float>.synthetic(rows: rows, features: p, outputs: k, noise: 0.1, seed: seed)
        return (single, try single.converted(to: Double.self))
    }

    /// Every update rule, on `Float` rows and on `Double` rows of the same values: the same
    /// arithmetic on the same numbers, so the same parameters to rounding (the BLAS path reads a
    /// widened copy instead of the rows in place; the fused kernels have one variant per type).
    @Test(arguments: [
        Optimizer.sgd, .momentum(), .nesterov(), .adam(), .adamW(), .adagrad(), .rmsprop(),
    ])
    func everyUpdateRuleGivesTheSameParametersOnFloatAndDoubleRowsOfTheSameValues(_ optimizer: Optimizer) throws {
        // 12 features and one target (the fused C kernels), 3 features (the scalar loop) and
        // 2 targets (the BLAS path).
        for (p, k) in [(12, 1), (3, 1), (5, 2)] {
            let (single, double) = try Self.floatValues(rows: 3000, features: p, outputs: k, seed: UInt64(p * 10 + k))
            let config = GradientDescent(
                batchSize: .rows(64), epochs: 4, learningRate: optimizer.isAdaptive ? .fixed(0.01) : .automatic, optimizer: optimizer,
                shuffle: .everyEpoch(seed: 3), earlyStopping: nil, threads: 1)
            var onFloat = LinearRegression(), onDouble = LinearRegression()
            try onFloat.fit(single, using: config)
            try onDouble.fit(double, using: config)
            #expect(relativeDifference(onFloat.parameters!, onDouble.parameters!) <= 1e-12, "p \(p), k \(k)")
            #expect(onFloat.trainingPrecision == .float32 && onDouble.trainingPrecision == .float64)
        }
    }

    /// Rounding data to `Float` moves each value by at most half an ulp (2⁻²⁴ relative), which
    /// moves the least-squares optimum by about κ·2⁻²⁴: on standardized, well-conditioned data
    /// (κ near 1), a few ulps of `Float`. So a `Float` fit lands within a small multiple of
    /// `Float.ulpOfOne` of the `Double` data's optimum, and as close as `Double` (1e-9 and better)
    /// to the optimum of its own values.
    @Test func aFloatFitReachesItsOwnClosedFormAsDoubleDoesAndTheDoubleDataWithinFloatRounding() throws {
        let double = try Dataset<Double>.synthetic(rows: 20_000, features: 8, noise: 0.1, seed: 31)
        let single = try double.converted(to: Float.self)
        let config = GradientDescent(
            batchSize: .full, epochs: 5000, optimizer: .nesterov(),
            earlyStopping: EarlyStopping(tolerance: 0, patience: 5000, parameterTolerance: 1e-11), threads: 1)
        var onFloat = LinearRegression(), onDouble = LinearRegression()
        try onFloat.fit(single, using: config)
        try onDouble.fit(double, using: config)
        let exactFloat = try LeastSquares.solve(single).parameters, exactDouble = try LeastSquares.solve(double).parameters
        #expect(relativeDifference(onDouble.parameters!, exactDouble) <= 1e-9)
        #expect(relativeDifference(onFloat.parameters!, exactFloat) <= 1e-9)
        // The floor: Float's rounding of the data, not the arithmetic.
        let floor = relativeDifference(exactFloat, exactDouble)
        #expect(floor <= 64 * Double(Float.ulpOfOne) && floor <= 1e-5, "\(floor)")
        #expect(relativeDifference(onFloat.parameters!, exactDouble) <= 1e-5)
    }

    /// The closed form on `Float` rows accumulates and solves in `Double`: the same answer as
    /// on the same values widened to `Double`, statistics included.
    @Test(arguments: [LeastSquares.Method.cholesky, .qr, .svd])
    func aSolveOnFloatRowsEqualsTheSolveOfTheValuesWidened(_ method: LeastSquares.Method) throws {
        let (single, double) = try Self.floatValues(rows: 5000, features: 6, outputs: 2, seed: 8)
        for weighted in [false, true] {
            let weights = weighted ? (0..<5000).map { Double($0 % 7) / 3 } : nil
            let a = try LeastSquares.solve(single.weighted(by: weights), method: method)
            let b = try LeastSquares.solve(double.weighted(by: weights), method: method)
            #expect(relativeDifference(a.parameters, b.parameters) <= 1e-12, "\(method) weighted \(weighted)")
            #expect(relativeDifference(a.coefficientFigures(\.standardError)!, b.coefficientFigures(\.standardError)!) <= 1e-12)
            #expect(relativeDifference(a.statistics.residualSumOfSquares, b.statistics.residualSumOfSquares) <= 1e-12)
        }
    }

    /// Metrics and the cost of a model on `Float` rows (widened a block at a time: 20 000 rows
    /// are three blocks here) equal those on the same values as `Double`.
    @Test func metricsAndCostOnFloatRowsEqualThoseOnTheValuesWidened() throws {
        let (single, double) = try Self.floatValues(rows: 20_000, features: 6, outputs: 2, seed: 21)
        var model = LinearRegression()
        try model.fit(double, method: .qr)
        let a = try model.evaluate(single), b = try model.evaluate(double)
        for o in 0..<2 {
            #expect(abs(a.outputs[o].meanSquaredError - b.outputs[o].meanSquaredError) <= 1e-12 * b.outputs[o].meanSquaredError)
            #expect(abs(a.outputs[o].meanAbsoluteError - b.outputs[o].meanAbsoluteError) <= 1e-12 * b.outputs[o].meanAbsoluteError)
            #expect(abs(a.outputs[o].r2 - b.outputs[o].r2) <= 1e-12)
        }
        let costs = try [single.weighted(by: nil), single.weighted(by: (0..<20_000).map { Double($0 % 3) })].map {
            try Objective.cost($0, parameters: model.parameters!)
        }
        let expected = try [double, double.weighted(by: (0..<20_000).map { Double($0 % 3) })].map {
            try Objective.cost($0, parameters: model.parameters!)
        }
        #expect(relativeDifference(costs, expected) <= 1e-12)
    }

    /// Predictions from `Matrix<Float>` features: those of the same values as `Matrix<Double>`
    /// (the widened blocks go through the same BLAS call, row by row), over three blocks of rows
    /// and two outputs; the same errors for bad input.
    @Test func predictionsFromFloatFeaturesEqualThoseFromTheValuesWidened() throws {
        let (single, double) = try Self.floatValues(rows: 50_000, features: 3, outputs: 2, seed: 23)
        var model = LinearRegression()
        try model.fit(double, method: .qr)
        let fromFloat = try model.predict(single.features), fromDouble = try model.predict(double.features)
        #expect(fromFloat.rows == 50_000 && fromFloat.columns == 2)
        #expect(relativeDifference(fromFloat.elements, fromDouble.elements) <= 1e-15)
        #expect(try model.predict(Matrix<Float>(rows: 0, columns: 3)).rows == 0)

        #expect(throws: ModelError.notFitted) { try LinearRegression().predict(single.features) }
        #expect(throws: ModelError.featureCountMismatch(expected: 3, actual: 2)) {
            try model.predict(Matrix<Float>(rows: 4, columns: 2))
        }
        var bad = try Matrix<Float>(rows: 5, columns: 3)
        bad.elements[3 * 4 + 1] = .nan
        let error = #expect(throws: MatrixError.self) { try model.predict(bad) }
        guard case .nonFinite(let argument, let row, let column, let value)? = error else {
            Issue.record("expected nonFinite, got \(String(describing: error))")
            return
        }
        #expect(argument == "features" && row == 4 && column == 1 && value.isNaN)
        // Finite Float features whose products overflow Double.
        let huge = try LinearRegression(
            parameters: Parameters(coefficients: Matrix(rows: 1, columns: 1, elements: [1e300]), intercept: [0]))
        #expect(throws: ModelError.predictionOverflow(row: 1, output: 0)) {
            try huge.predict(Matrix<Float>(rows: 2, columns: 1, elements: [1, .greatestFiniteMagnitude]))
        }
    }

    /// Prediction intervals from `Matrix<Float>` features: those of the same values as
    /// `Matrix<Double>`, from a model with a covariance; a model without one is refused.
    @Test(arguments: [LeastSquares.CovarianceType.nonrobust, .hc3])
    func predictionIntervalsFromFloatFeaturesEqualThoseFromTheValuesWidened(_ covariance: LeastSquares.CovarianceType) throws {
        let (single, double) = try Self.floatValues(rows: 2_000, features: 4, outputs: 2, seed: 29)
        var model = LinearRegression()
        try model.fit(double, method: .qr, covariance: covariance)
        let a = try model.predictionIntervals(single.features, level: 0.9)
        let b = try model.predictionIntervals(double.features, level: 0.9)
        for (x, y) in [
            (a.mean, b.mean), (a.meanStandardError, b.meanStandardError), (a.meanLower, b.meanLower), (a.meanUpper, b.meanUpper),
            (a.observationLower, b.observationLower), (a.observationUpper, b.observationUpper),
        ] {
            #expect(x.rows == 2_000 && x.columns == 2 && relativeDifference(x.elements, y.elements) <= 1e-15)
        }
        var descended = LinearRegression()
        try descended.fit(single, using: GradientDescent(epochs: 2))
        #expect(throws: ModelError.noInference) { try descended.predictionIntervals(single.features) }
        #expect(throws: ArgumentError.self) { try model.predictionIntervals(single.features, level: 1) }
    }

    /// Float rows on 1, 2, 3 and 8 threads: the same bits (batches of 8192 rows at 33 columns are
    /// eight chunks; gathered when shuffled).
    @Test(arguments: [Shuffle.none, .everyEpoch(seed: 4)])
    func floatFitsAreTheSameBitsOnOneTwoThreeAndEightThreads(_ shuffle: Shuffle) throws {
        let single = try Dataset<Float>.synthetic(rows: 40_000, features: 32, noise: 0.3, seed: 12)
        var fits: [Parameters] = []
        for threads in [1, 2, 3, 8] {
            var model = LinearRegression()
            try model.fit(
                single,
                using: GradientDescent(batchSize: .rows(8192), epochs: 3, shuffle: shuffle, earlyStopping: nil, threads: threads))
            fits.append(model.parameters!)
        }
        #expect(fits.allSatisfy { $0 == fits[0] })
    }

    /// A float32 `.npy` read as `Float` holds the file's values bit for bit, mapped or loaded; a
    /// map of the wrong element type is refused with both dtypes named.
    @Test func aFloat32FileIsReadAsItIsLoadedOrMapped() throws {
        let rows = 300, columns = 4
        var random = RandomSource(seed: 2)
        let values = (0..<rows * columns).map { _ in Float(random.nextGaussian() * 3) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("precision-\(UUID()).npy").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.writeFloat32NPY(values, rows: rows, columns: columns, to: path)
        #expect(try NPYReader.precision(path: path) == .float32)
        let loaded = try Dataset<Float>.load(path: path)
        let expectedFeatures = (0..<rows).flatMap { i in values[i * columns..<i * columns + 3] }
        #expect(loaded.features.elements == expectedFeatures)
        #expect(loaded.targets.elements == (0..<rows).map { values[$0 * columns + 3] })
        let mapped = try MappedDataset<Float>(path: path)
        #expect(try mapped.sample(rows: rows).features.elements == expectedFeatures)
        #expect(throws: FileError.self) { try MappedDataset<Double>(path: path) }
        do {
            _ = try MappedDataset(path: path)
        } catch let FileError.notMappable(_, reason) {
            #expect(reason.contains("float32") && reason.contains("float64"))
        }
        // Trained in place as Float: the same parameters as the loaded rows.
        let config = GradientDescent(batchSize: .rows(32), epochs: 3, shuffle: .none, earlyStopping: nil, threads: 1)
        var inPlace = LinearRegression(), inMemory = LinearRegression()
        try inPlace.fit(mapped, using: config)
        try inMemory.fit(loaded, using: config)
        #expect(inPlace.parameters! == inMemory.parameters!)
        // The model file says what it was trained on.
        let file = try ModelFile(inPlace)
        #expect(file.training?.precision == .float32)
        let decoded = try JSONDecoder().decode(ModelFile.self, from: Data(try file.encoded()))
        #expect(try decoded.model().trainingPrecision == .float32)
    }

    /// A float32 file spread over three thread ranks as `Float`: the same solve as one process's
    /// map of it, and the same descent on every rank.
    @Test func aFloat32FileSpreadOverRanksSolvesAndTrainsAsOneProcess() throws {
        let rows = 900, columns = 5
        var random = RandomSource(seed: 9)
        let values = (0..<rows * columns).map { _ in Float(random.nextGaussian()) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("precision-\(UUID()).npy").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.writeFloat32NPY(values, rows: rows, columns: columns, to: path)
        let exact = try LeastSquares.solve(try MappedDataset<Float>(path: path))
        let config = GradientDescent(batchSize: .rows(30), epochs: 3, shuffle: .none, earlyStopping: nil)
        let results = try ThreadCommunicator.run(ranks: 3) { communicator in
            let data = try DistributedDataset<Float>(path: path, communicator: communicator)
            var model = LinearRegression()
            try model.fit(data, using: config)
            return (try LeastSquares.solve(data).parameters, model.parameters!)
        }.map { try $0.get() }
        for (solved, trained) in results {
            #expect(relativeDifference(solved, exact.parameters) <= 1e-12)
            #expect(trained == results[0].1)
        }
    }

    /// A CSV read as `Float` rounds its features and targets, not its weights (Double everywhere).
    @Test func weightsReadFromACSVAsFloatKeepTheirDoubleValue() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("precision-\(UUID()).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "a,w,y\n0.1,0.1,1\n0.2,0.3,2\n0.7,1e-9,3\n".write(toFile: path, atomically: true, encoding: .utf8)
        let data = try Dataset<Float>.load(path: path, targets: ["y"], weights: "w")
        #expect(data.weights == [0.1, 0.3, 1e-9])
        #expect(data.features.elements == [0.1, 0.2, 0.7] && data.featureNames == ["a"])
    }

    /// A float64 value beyond `Float`'s range cannot be stored as `Float`: refused with its place.
    @Test func aValueBeyondFloatsRangeIsRefused() throws {
        let data = try Dataset<Double>(features: [[1, 2], [3, 1e39]], targets: [1, 2])
        #expect(throws: MatrixError.nonFinite(argument: "features", row: 1, column: 1, value: 1e39)) {
            try data.converted(to: Float.self)
        }
    }

    /// A little-endian float32 C-order `.npy` of `values` (version 1.0 header).
    static func writeFloat32NPY(_ values: [Float], rows: Int, columns: Int, to path: String) throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        bytes += [UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
