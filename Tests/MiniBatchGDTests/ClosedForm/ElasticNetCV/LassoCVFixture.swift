import Foundation

@testable import MiniBatchGD

/// The problems of Tests/Fixtures/lasso-cv/problems.json: scikit-learn 1.9's LassoCV and
/// ElasticNetCV (tol 1e-12) with cv=PredefinedSplit(folds), by make_fixture.py beside it.
struct LassoCVFixture: Decodable {
    struct SparseRows: Decodable {
        let rowStarts: [Int]
        let columns: [Int32]
        let values: [Double]
    }

    struct Problem: Decodable {
        let name: String
        let l1Ratio: Double
        let fitIntercept: Bool
        let rows: Int
        let featureCount: Int
        let target: [Double]
        let weights: [Double]?
        let folds: [Int]
        let groups: [Double]?
        let count: Int?
        let smallestRatio: Double
        let givenAlphas: [Double]?
        let alphas: [Double]
        /// mse_path_: per alpha, per fold.
        let msePath: [[Double]]
        let alpha: Double
        let coefficients: [Double]
        let intercept: Double
        let features: [[Double]]?
        let sparse: SparseRows?

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

    let problems: [Problem]

    static let shared: LassoCVFixture = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: fixtures + "/lasso-cv/problems.json"))
        return try! JSONDecoder().decode(LassoCVFixture.self, from: data)
    }()

    static func problem(_ name: String) -> Problem { shared.problems.first { $0.name == name }! }
}
