import PropertyBased
import Testing

@testable import MiniBatchGD

/// Invariants that must hold for any data: checked on generated designs.
@Suite struct PropertyTests {
    /// n×p features and one target from `seed`, y = X·w + 1 + noise.
    static func design(seed: Int, rows: Int, features: Int) throws -> Dataset<Double> {
        var generator = RandomSource(seed: UInt64(seed))
        let x = (0..<rows * features).map { _ in generator.nextGaussian() * 3 + 1 }
        let w = (0..<features).map { _ in generator.nextGaussian() }
        let y = (0..<rows).map { i in 1 + (0..<features).reduce(0.0) { $0 + x[i * features + $1] * w[$1] } + 0.5 * generator.nextGaussian()
        }
        return try Dataset(features: Matrix<Double>(rows: rows, columns: features, elements: x), target: y)
    }

    @Test func permutingRowsDoesNotChangeTheClosedForm() async {
        await propertyCheck(input: Gen.int(in: 0...100_000), Gen.int(in: 8...60), Gen.int(in: 1...4)) { seed, rows, features in
            let data = try Self.design(seed: seed, rows: rows, features: features)
            var order = Array(0..<rows)
            var generator = RandomSource(seed: UInt64(seed) &+ 1)
            generator.shuffle(&order)
            let permuted = try data.gathering(order)
            for method in [LeastSquares.Method.auto, .qr, .svd] {
                let a = try LeastSquares.solve(data, method: method), b = try LeastSquares.solve(permuted, method: method)
                #expect(relativeDifference(a.parameters, b.parameters) < 1e-10, "\(method)")
            }
        }
    }

    @Test func scalingAFeatureScalesItsCoefficientInversely() async {
        await propertyCheck(input: Gen.int(in: 0...100_000), Gen.int(in: 8...60), Gen.double(in: 1e-3...1e3)) { seed, rows, factor in
            let data = try Self.design(seed: seed, rows: rows, features: 3)
            var scaled = data.features
            for i in 0..<rows { scaled[i, 1] *= factor }
            let a = try LeastSquares.solve(data)
            let b = try LeastSquares.solve(Dataset(features: scaled, targets: data.targets))
            #expect(abs(b.coefficients[1, 0] * factor - a.coefficients[1, 0]) <= 1e-9 * abs(a.coefficients[1, 0]) + 1e-12)
            #expect(abs(b.coefficients[0, 0] - a.coefficients[0, 0]) <= 1e-9 * abs(a.coefficients[0, 0]) + 1e-12)
            #expect(abs(b.intercept[0] - a.intercept[0]) <= 1e-9 * abs(a.intercept[0]) + 1e-12)
        }
    }

    @Test func aDuplicatedColumnIsDetectedAsRankDeficient() async {
        await propertyCheck(input: Gen.int(in: 0...100_000), Gen.int(in: 8...60), Gen.int(in: 1...3)) { seed, rows, features in
            let data = try Self.design(seed: seed, rows: rows, features: features)
            let column = seed % features
            let widened = try Matrix(
                rows: rows, columns: features + 1, elements: (0..<rows).flatMap { data.features.row($0) + [data.features[$0, column]] })
            let duplicated = try Dataset(features: widened, targets: data.targets)
            #expect(throws: LinearAlgebraError.self) { try LeastSquares.solve(duplicated, method: .cholesky) }
            #expect(throws: LinearAlgebraError.self) { try LeastSquares.solve(duplicated, method: .qr) }
            let svd = try LeastSquares.solve(duplicated, method: .auto)
            #expect(svd.method == .svd && svd.rank == features)
        }
    }

    @Test func aBatchOfAllRowsIsBatchGradientDescent() async {
        await propertyCheck(input: Gen.int(in: 0...100_000), Gen.int(in: 2...80), Gen.int(in: 1...3)) { seed, rows, features in
            let data = try Self.design(seed: seed, rows: rows, features: features)
            var a = LinearRegression(), b = LinearRegression()
            try a.fit(data, using: GradientDescent(batchSize: .rows(rows), epochs: 3, learningRate: 0.01, shuffle: .everyEpoch(seed: 5)))
            try b.fit(data, using: GradientDescent(batchSize: .full, epochs: 3, learningRate: 0.01, shuffle: .none))
            #expect(a.parameters == b.parameters)
        }
    }

    @Test func everyRowIsVisitedOncePerEpochForAnySizes() async {
        await propertyCheck(input: Gen.int(in: 1...600), Gen.int(in: 1...600), Gen.int(in: 1...64)) { rows, batch, block in
            let batch = min(batch, rows)
            var seen = [Int](repeating: 0, count: rows)
            for range in Batches(rowCount: rows, size: batch) { for row in range { seen[row] += 1 } }
            #expect(seen.allSatisfy { $0 == 1 })
            // Shuffled rows: a permutation. Shuffled blocks: runs covering every row once.
            var order = Array(0..<rows)
            var generator = RandomSource(seed: UInt64(rows * 7 + batch))
            generator.shuffle(&order)
            #expect(order.sorted() == Array(0..<rows))
            var cursor = BlockCursor(rows: rows, blockRows: block)
            var blocks = Array(0..<cursor.blocks)
            generator.shuffle(&blocks)
            seen = [Int](repeating: 0, count: rows)
            blocks.withUnsafeBufferPointer { blockOrder in
                for range in Batches(rowCount: rows, size: batch) {
                    cursor.take(range.count, order: blockOrder.baseAddress!) { start, count in
                        for row in start..<start + count { seen[row] += 1 }
                    }
                }
            }
            #expect(seen.allSatisfy { $0 == 1 })
        }
    }
}
