import Foundation
import Testing

@testable import MiniBatchGD

/// Sparse predictions against the dense product of the same rows written out (BLAS) and
/// against each row's sum taken by hand in entry order, for `Double` and `Float` values, one
/// and three targets, and enough rows to be shared among threads in chunks.
@Suite struct SparsePredictionTests {
    /// `rows` random rows of `features` columns, about `perRow` entries each (some rows empty).
    static func rows(_ rows: Int, features: Int, perRow: Int, seed: UInt64) -> [[Int: Double]] {
        var random = RandomSource(seed: seed)
        return (0..<rows).map { _ in
            var row: [Int: Double] = [:]
            for _ in 0..<random.uncheckedInt(below: 2 * perRow + 1) {
                row[random.uncheckedInt(below: features)] = Double(random.next() % 2001) / 1000 - 1
            }
            return row
        }
    }

    @Test(arguments: [1, 3])
    func sparsePredictionsAreEachRowsSumAndTheDenseProduct(outputs: Int) throws {
        // Above the chunk size and the entry count under which one thread predicts.
        let n = 3 * LinearRegression.sparsePredictionChunkRows + 5, p = 300
        let rows = Self.rows(n, features: p, perRow: 12, seed: 3)
        var random = RandomSource(seed: 4)
        let coefficients = try Matrix(
            rows: p, columns: outputs, elements: (0..<p * outputs).map { _ in Double(random.next() % 1001) / 100 - 5 })
        let intercept = (0..<outputs).map { Double($0) - 0.5 }
        let model = try LinearRegression(parameters: Parameters(coefficients: coefficients, intercept: intercept))
        let double = try SparseDataset<Double>(rows: rows, targets: Array(repeating: 0, count: n), featureCount: p)
        let float = try SparseDataset<Float>(
            rows: rows.map { $0.mapValues { Float($0) } }, targets: Array(repeating: 0, count: n), featureCount: p)
        #expect(double.nonzeros >= LinearRegression.sparsePredictionParallelEntries)
        func byHand<Element: BLASScalar>(_ data: SparseDataset<Element>) -> [Double] {
            var sums: [Double] = []
            for i in 0..<n {
                for o in 0..<outputs {
                    var sum = intercept[o]
                    for position in data.rowStarts[i]..<data.rowStarts[i + 1] {
                        sum += Double(data.values[position]) * coefficients[Int(data.columnIndices[position]), o]
                    }
                    sums.append(sum)
                }
            }
            return sums
        }
        let doublePredictions = try model.predict(double), floatPredictions = try model.predict(float)
        #expect(doublePredictions.rows == n && doublePredictions.columns == outputs && floatPredictions.rows == n)
        #expect(doublePredictions.elements.map(\.bitPattern) == byHand(double).map(\.bitPattern))
        #expect(floatPredictions.elements.map(\.bitPattern) == byHand(float).map(\.bitPattern))
        // The dense rows through BLAS: another order of sums, so equal to rounding.
        let dense = try model.predict(try double.densified().features)
        let scale = dense.elements.map(abs).max()!
        #expect(zip(doublePredictions.elements, dense.elements).allSatisfy { abs($0 - $1) <= 1e-12 * scale })
        let denseFloat = try model.predict(try float.densified().features)
        #expect(zip(floatPredictions.elements, denseFloat.elements).allSatisfy { abs($0 - $1) <= 1e-12 * scale })
    }
}
