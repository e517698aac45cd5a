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

extension LeastSquares.Solution {
    /// One figure of every coefficient from the coefficient tables, in ``coefficients``' row-major
    /// p×k order (the intercepts' rows left out), or of target `o`'s only; nil where undefined.
    func coefficientFigures(_ figure: (CoefficientTable.Row) -> Double?, target o: Int? = nil) -> [Double]? {
        let columns = coefficientTables.map { $0.rows.filter { !$0.isIntercept }.map(figure) }
        let values = o.map { columns[$0] } ?? (0..<coefficients.rows).flatMap { j in columns.map { $0[j] } }
        let defined = values.compactMap { $0 }
        return defined.count == values.count ? defined : nil
    }

    /// One figure of every intercept, one per target; nil where undefined or without an intercept.
    func interceptFigures(_ figure: (CoefficientTable.Row) -> Double?) -> [Double]? {
        let values = coefficientTables.compactMap { $0.intercept.flatMap(figure) }
        return values.count == coefficientTables.count ? values : nil
    }
}
