import Foundation
@testable import MiniBatchGD

/// The repository's root: this file is Tests/MiniBatchGDTests/Support/TestSupport.swift.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
/// The committed fixtures (Tests/Fixtures).
let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures").path
/// The repository's example data (Examples/data).
let examples = repositoryRoot.appendingPathComponent("Examples/data").path

/// ‖a − b‖ / ‖b‖ (absolute when b = 0).
func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var difference = 0.0, size = 0.0
    for i in a.indices {
        difference += (a[i] - b[i]) * (a[i] - b[i])
        size += b[i] * b[i]
    }
    return size > 0 ? (difference / size).squareRoot() : difference.squareRoot()
}

func relativeDifference(_ a: Parameters, _ b: Parameters) -> Double {
    relativeDifference(a.stacked, b.stacked)
}

/// A data set drawn around a known line y = X·w + c + noise.
func syntheticData(rows: Int, weights: [[Double]], intercept: [Double], noise: Double, seed: UInt64) throws -> Dataset<Double> {
    var generator = RandomSource(seed: seed)
    let p = weights.count, k = intercept.count
    var x = [Double](), y = [Double]()
    for _ in 0..<rows {
        let row = (0..<p).map { j in 2 * generator.nextGaussian() + Double(j) }
        x.append(contentsOf: row)
        for o in 0..<k {
            var value = intercept[o] + noise * generator.nextGaussian()
            for j in 0..<p { value += row[j] * weights[j][o] }
            y.append(value)
        }
    }
    return try Dataset(
        features: Matrix<Double>(rows: rows, columns: p, elements: x), targets: Matrix<Double>(rows: rows, columns: k, elements: y))
}
