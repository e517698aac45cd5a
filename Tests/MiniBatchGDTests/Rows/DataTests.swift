import Testing

@testable import MiniBatchGD

@Suite struct DataTests {
    @Test func xoshiroMatchesPublishedVectorAndIndependentSeeding() {
        // Reference vector of xoshiro256** from state {1, 2, 3, 4}.
        var raw = RandomSource(state: (1, 2, 3, 4))
        #expect([raw.next(), raw.next(), raw.next(), raw.next()] == [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
        // Seed 7 expanded by SplitMix64, from an independent Python implementation of both algorithms.
        var seeded = RandomSource(seed: 7)
        #expect(
            [seeded.next(), seeded.next(), seeded.next()] == [
                12_923_355_070_828_475_994, 5_142_052_590_334_782_674, 15_488_392_906_492_639_638,
            ])
    }

    @Test func uniformsIntegersAndNormalsHaveTheRightDistribution() throws {
        var generator = RandomSource(seed: 42)
        let count = 200_000
        var sum = 0.0, squares = 0.0, uniformSum = 0.0
        var buckets = [Int](repeating: 0, count: 10)
        for _ in 0..<count {
            let z = generator.nextGaussian()
            sum += z
            squares += z * z
            let u = generator.nextUniform()
            #expect(u >= 0 && u < 1)
            uniformSum += u
            buckets[try generator.nextInt(below: 10)] += 1
        }
        let mean = sum / Double(count), variance = squares / Double(count) - mean * mean
        // Five standard errors: a failure means a broken generator, not bad luck.
        #expect(abs(mean) < 5 / Double(count).squareRoot())
        #expect(abs(variance - 1) < 5 * (2 / Double(count)).squareRoot())
        #expect(abs(uniformSum / Double(count) - 0.5) < 5 * (1.0 / 12 / Double(count)).squareRoot())
        let chiSquare = buckets.reduce(0.0) { $0 + Double(($1 - count / 10) * ($1 - count / 10)) / Double(count / 10) }
        #expect(chiSquare < 27.9)  // 99.9 % quantile of χ² with 9 degrees of freedom
    }

    @Test func nonPositiveBoundIsAnErrorNotATrap() {
        var generator = RandomSource(seed: 1)
        #expect(throws: ArgumentError(argument: "bound", value: "0", requirement: "must be positive")) {
            try generator.nextInt(below: 0)
        }
    }

    @Test func shuffleIsAPermutationAndReproducible() {
        var a = RandomSource(seed: 1), b = RandomSource(seed: 1)
        var first = Array(0..<100), second = Array(0..<100)
        a.shuffle(&first)
        b.shuffle(&second)
        #expect(first == second)
        #expect(first != Array(0..<100))
        #expect(first.sorted() == Array(0..<100))
    }

    @Test func multivariateNormalHasTheRequestedMoments() throws {
        let mvn = try MultivariateNormal(mean: [5, 6], covariance: Matrix([[1, 0.95], [0.95, 1.2]]))
        var generator = RandomSource(seed: 3)
        let n = 100_000
        let sample = try mvn.sample(count: n, using: &generator)
        let a = sample.column(0), b = sample.column(1)
        let ma = a.reduce(0, +) / Double(n), mb = b.reduce(0, +) / Double(n)
        var caa = 0.0, cab = 0.0, cbb = 0.0
        for i in 0..<n {
            caa += (a[i] - ma) * (a[i] - ma)
            cab += (a[i] - ma) * (b[i] - mb)
            cbb += (b[i] - mb) * (b[i] - mb)
        }
        #expect(abs(ma - 5) < 0.02 && abs(mb - 6) < 0.02)
        #expect(relativeDifference([caa, cab, cbb].map { $0 / Double(n) }, [1, 0.95, 1.2]) < 0.02)
    }

    @Test func multivariateNormalRejectsBadCovariances() throws {
        #expect(throws: LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", order: 2)) {
            try MultivariateNormal(mean: [0, 0], covariance: Matrix([[1, 2], [2, 1]]))
        }
        #expect(throws: ArgumentError.self) { try MultivariateNormal(mean: [0, 0], covariance: Matrix([[1, 0.5], [0.4, 1]])) }
        #expect(throws: ArgumentError.self) { try MultivariateNormal(mean: [0], covariance: Matrix([[1, 0], [0, 1]])) }
        #expect(throws: MatrixError.self) { try MultivariateNormal(mean: [.nan], covariance: Matrix([[1]])) }
    }

    @Test func seedArticleDataHasTheArticlesShape() throws {
        let data = try Dataset<Double>.seedArticle(seed: 0)
        #expect(data.train.rows == 7200 && data.test.rows == 800)
        #expect(data.train.featureCount == 1 && data.train.outputCount == 1)
        let x = data.train.features.elements
        #expect(abs(x.reduce(0, +) / 7200 - 5) < 0.05)
        // Ordered split: the test part is the continuation of the same stream.
        let again = try Dataset<Double>.seedArticle(seed: 0)
        #expect(again.test.features == data.test.features)
        #expect(try Dataset<Double>.seedArticle(seed: 1).train.features != data.train.features)
    }

    @Test func splitOrderedAndShuffled() throws {
        let data = try Dataset(features: Matrix(column: (0..<10).map(Double.init)), target: (0..<10).map { Double($0) * 2 })
        let ordered = try data.split(testFraction: 0.3)
        #expect(ordered.train.features.elements == [0, 1, 2, 3, 4, 5, 6])
        #expect(ordered.test.targets.elements == [14, 16, 18])
        let shuffled = try data.split(testFraction: 0.3, shuffleSeed: 5)
        let all = (shuffled.train.features.elements + shuffled.test.features.elements).sorted()
        #expect(all == (0..<10).map(Double.init))
        #expect(shuffled.train.features.elements != ordered.train.features.elements)
        // Rows stay whole: each target is still twice its feature.
        for i in 0..<3 { #expect(shuffled.test.targets[i, 0] == 2 * shuffled.test.features[i, 0]) }
        #expect(throws: ArgumentError(argument: "testFraction", value: "0.0", requirement: "must lie strictly between 0 and 1")) {
            try data.split(testFraction: 0)
        }
        #expect(throws: ArgumentError(argument: "testFraction", value: "1.5", requirement: "must lie strictly between 0 and 1")) {
            try data.split(testFraction: 1.5)
        }
    }

    @Test func datasetValidatesShapesNamesAndValues() throws {
        #expect(throws: DataError.rowCountMismatch(features: 2, targets: 3)) {
            try Dataset(features: Matrix(column: [1, 2]), target: [1, 2, 3])
        }
        #expect(throws: DataError.nameCountMismatch(argument: "featureNames", names: 2, columns: 1)) {
            try Dataset(features: Matrix(column: [1, 2]), target: [1, 2], featureNames: ["a", "b"])
        }
        #expect(throws: MatrixError.nonFinite(argument: "targets", row: 1, column: 0, value: .infinity)) {
            try Dataset(features: Matrix(column: [1, 2]), target: [1, .infinity])
        }
        #expect(throws: DataError.tooFewRows(argument: "features", rows: 0, minimum: 1)) {
            try Dataset(features: Matrix<Double>(rows: 0, columns: 1), target: [])
        }
    }

    @Test func standardizerCentresScalesAndMapsCoefficientsBack() throws {
        let x = try Matrix([[1, 10, 7], [2, 30, 7], [3, 20, 7], [6, 40, 7]])
        let s = Standardizer(fitting: x)
        let z = try s.transform(x)
        for j in 0..<2 {
            let column = z.column(j)
            #expect(abs(column.reduce(0, +)) < 1e-12)
            #expect(abs(column.reduce(0) { $0 + $1 * $1 } / 4 - 1) < 1e-12)
        }
        #expect(s.scale[2] == 1 && z.column(2) == [0, 0, 0, 0])  // constant column: centred, not divided by zero
        // A model in standardized units predicts what its mapped-back version predicts on raw data.
        let scaled = try Parameters(coefficients: Matrix(column: [0.5, -2, 3]), intercept: [1.5])
        let (w, c) = s.toOriginalUnits(coefficients: scaled.coefficients, intercept: scaled.intercept)
        let original = try Parameters(coefficients: w, intercept: c)
        let a = try Objective.hypothesis(z, scaled), b = try Objective.hypothesis(x, original)
        #expect(relativeDifference(a.elements, b.elements) < 1e-14)
        let (w2, c2) = s.toStandardizedUnits(coefficients: w, intercept: c)
        #expect(relativeDifference(w2.elements + c2, scaled.coefficients.elements + scaled.intercept) < 1e-14)
    }
}

@Suite struct SyntheticDataTests {
    @Test func syntheticDataIsReproducibleAndFitsItsRecipe() throws {
        let a = try Dataset<Double>.synthetic(rows: 2000, features: 3, outputs: 2, noise: 0.1, seed: 4)
        #expect(a.features == (try Dataset<Double>.synthetic(rows: 2000, features: 3, outputs: 2, noise: 0.1, seed: 4)).features)
        #expect(a.features != (try Dataset<Double>.synthetic(rows: 2000, features: 3, outputs: 2, noise: 0.1, seed: 5)).features)
        // y = X·W + 1 + N(0, 0.01): the exact fit recovers the intercept and leaves σ ≈ 0.1.
        let solution = try LeastSquares.solve(a)
        for o in 0..<2 {
            #expect(abs(solution.intercept[o] - 1) < 0.01)
            #expect(abs(solution.statistics.residualStandardDeviation![o] - 0.1) < 0.01)
        }
        #expect(throws: ArgumentError(argument: "rows", value: "0", requirement: "must be at least 1")) {
            try Dataset<Double>.synthetic(rows: 0, features: 1)
        }
        #expect(throws: ArgumentError.self) { try Dataset<Double>.synthetic(rows: 5, features: 1, noise: -1) }
    }
}
