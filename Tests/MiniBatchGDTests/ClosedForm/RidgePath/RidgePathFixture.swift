import Foundation

@testable import MiniBatchGD

/// The problems of Tests/Fixtures/ridge-path/problems.json: scikit-learn 1.9's
/// `RidgeCV(alphas=grid, store_cv_results=True)` on each, with numpy's GCV, effective degrees of
/// freedom and one-standard-error choices, and `Ridge`'s coefficients at every alpha, written by
/// make_fixture.py beside it.
struct RidgePathFixture: Decodable {
    struct Target: Decodable {
        let alpha: Double
        let bestScore: Double
        /// Per alpha, every row's wᵢ·(LOO error)²: `cv_results_[:, o, j]`.
        let looErrors: [[Double]]
        let loo: [Double]
        let looStandardError: [Double]
        let alpha1seLoo: Double
        let gcv: [Double]
        let gcvStandardError: [Double]
        let alphaGcv: Double
        let alpha1seGcv: Double
        /// Per alpha, `Ridge(alpha).coef_`.
        let coefficients: [[Double]]
        let intercepts: [Double]
    }

    struct Problem: Decodable {
        let name: String
        let fitIntercept: Bool
        let rows: Int
        let featureCount: Int
        let targetCount: Int
        let features: [[Double]]
        let targets: [[Double]]
        let weights: [Double]?
        let alphas: [Double]
        let effectiveDegreesOfFreedom: [Double]
        let perTarget: [Target]

        func dataset() throws -> Dataset<Double> {
            try Dataset(features: Matrix(rows: features), targets: Matrix(rows: targets), weights: weights)
        }
    }

    let problems: [Problem]

    static let shared: RidgePathFixture = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: fixtures + "/ridge-path/problems.json"))
        return try! JSONDecoder().decode(RidgePathFixture.self, from: data)
    }()

    static func problem(_ name: String) -> Problem { shared.problems.first { $0.name == name }! }
}

/// max |a − b| / max(|b|, floor) over the pairs.
func ridgeRelativeError(_ a: [Double], _ b: [Double], floor: Double = 1e-300) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) / Swift.max(abs($1), floor) }.max() ?? 0
}
