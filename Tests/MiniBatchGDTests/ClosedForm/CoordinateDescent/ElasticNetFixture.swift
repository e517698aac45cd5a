import Foundation

@testable import MiniBatchGD

/// The problems of Tests/Fixtures/elastic-net/problems.json, solved by scikit-learn 1.9's
/// coordinate descent (tol 1e-12) and checked there for their optimality conditions, by
/// make_fixture.py beside it.
struct ElasticNetFixture: Decodable {
    struct SparseRows: Decodable {
        let rowStarts: [Int]
        let columns: [Int32]
        let values: [Double]
    }

    struct Problem: Decodable {
        let name: String
        let alpha: Double
        let l1Ratio: Double
        let fitIntercept: Bool
        let penaltyUnits: String
        let rows: Int
        let featureCount: Int
        let target: [Double]
        let weights: [Double]?
        let features: [[Double]]?
        let sparse: SparseRows?
        let coefficients: [Double]
        let intercept: Double
        let zeros: [Int]

        var units: LeastSquares.PenaltyUnits { LeastSquares.PenaltyUnits(rawValue: penaltyUnits)! }

        /// The rows dense (the sparse problems' written out).
        var denseFeatures: [[Double]] {
            if let features { return features }
            let sparse = sparse!
            var rows = [[Double]](repeating: [Double](repeating: 0, count: featureCount), count: self.rows)
            for i in 0..<self.rows {
                for position in sparse.rowStarts[i]..<sparse.rowStarts[i + 1] {
                    rows[i][Int(sparse.columns[position])] = sparse.values[position]
                }
            }
            return rows
        }

        func dense() throws -> Dataset<Double> { try Dataset(features: denseFeatures, targets: target, weights: weights) }

        func sparseData() throws -> SparseDataset<Double> {
            if let sparse {
                return try SparseDataset(
                    rowStarts: sparse.rowStarts, columns: sparse.columns, values: sparse.values, targets: target,
                    featureCount: featureCount, weights: weights)
            }
            return SparseDataset(try dense())
        }
    }

    struct Path: Decodable {
        let features: [[Double]]
        let target: [Double]
        let l1Ratio: Double
        let count: Int
        let smallestRatio: Double
        let alphas: [Double]
        let coefficients: [[Double]]
        let intercepts: [Double]
    }

    let problems: [Problem]
    let path: Path

    static let shared: ElasticNetFixture = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: fixtures + "/elastic-net/problems.json"))
        return try! JSONDecoder().decode(ElasticNetFixture.self, from: data)
    }()

    static func problem(_ name: String) -> Problem { shared.problems.first { $0.name == name }! }
}

/// The optimality (KKT) conditions of the elastic net, checked from the rows alone: with
/// r = y − b − Xβ and gⱼ = Σωᵢxᵢⱼrᵢ − A(1 − R)dⱼ²βⱼ, |gⱼ| ≤ A·R·dⱼ where βⱼ = 0 and gⱼ = A·R·dⱼ·sign(βⱼ)
/// elsewhere, and Σωᵢrᵢ = 0 with an intercept. Returns the largest violation, over `scale`.
func elasticNetConditionViolation(
    features: [[Double]], target: [Double], weights: [Double]?, coefficients beta: [Double], intercept b: Double, alpha: Double,
    l1Ratio: Double, penaltyScale d: [Double], fitIntercept: Bool
) -> Double {
    let n = target.count, p = beta.count
    let w = weights ?? [Double](repeating: 1, count: n), total = w.reduce(0, +)
    var g = [Double](repeating: 0, count: p), residualSum = 0.0
    for i in 0..<n {
        var r = target[i] - b
        for j in 0..<p { r -= features[i][j] * beta[j] }
        residualSum += w[i] / total * r
        for j in 0..<p { g[j] += w[i] / total * features[i][j] * r }
    }
    var worst = fitIntercept ? abs(residualSum) : 0
    for j in 0..<p {
        let gj = g[j] - alpha * (1 - l1Ratio) * d[j] * d[j] * beta[j], bound = alpha * l1Ratio * d[j]
        let violation = beta[j] == 0 ? Swift.max(0, abs(gj) - bound) : abs(gj - bound * (beta[j] > 0 ? 1 : -1))
        worst = Swift.max(worst, violation)
    }
    return worst
}

/// The columns' weighted standard deviations, divisor Σw (1 for a constant column): the
/// standardized penalty's units, computed here in two plain passes.
func weightedDeviations(_ features: [[Double]], weights: [Double]?) -> [Double] {
    let n = features.count, p = features[0].count
    let w = weights ?? [Double](repeating: 1, count: n), total = w.reduce(0, +)
    return (0..<p).map { j in
        let mean = (0..<n).reduce(0.0) { $0 + w[$1] * features[$1][j] } / total
        let sd = ((0..<n).reduce(0.0) { $0 + w[$1] * (features[$1][j] - mean) * (features[$1][j] - mean) } / total).squareRoot()
        return sd > 1e-12 * Swift.max(abs(mean), .leastNormalMagnitude) ? sd : 1
    }
}
