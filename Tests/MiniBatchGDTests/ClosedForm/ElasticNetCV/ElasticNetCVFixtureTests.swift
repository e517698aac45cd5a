import Foundation
import Testing

@testable import MiniBatchGD

/// ElasticNetCV against scikit-learn 1.9's LassoCV and ElasticNetCV on the committed fixture, with
/// the same folds, by every route: covariance updates (fold Gram matrices merged from the folds'
/// moments), naive updates on dense rows, and sparse rows.
@Suite struct ElasticNetCVFixtureTests {
    enum Route: String, CaseIterable { case covariance, naive, sparse }

    static let names = LassoCVFixture.shared.problems.map(\.name)

    static func crossValidate(_ problem: LassoCVFixture.Problem, _ route: Route, folds: ElasticNetCV.Folds? = nil) throws -> ElasticNetCV {
        let folds = folds ?? .labels(problem.folds.map(Double.init))
        let count = problem.count ?? CoordinateDescent.defaultPathCount
        switch route {
        case .covariance, .naive:
            return try ElasticNetCV(
                try problem.dense(), folds: folds, l1Ratio: problem.l1Ratio, alphas: problem.givenAlphas, count: count,
                smallestRatio: problem.smallestRatio, fitIntercept: problem.fitIntercept,
                method: route == .covariance ? .covariance : .naive)
        case .sparse:
            return try ElasticNetCV(
                try problem.sparseData(), folds: folds, l1Ratio: problem.l1Ratio, alphas: problem.givenAlphas, count: count,
                smallestRatio: problem.smallestRatio, fitIntercept: problem.fitIntercept)
        }
    }

    static func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / Swift.max(abs(b), 1e-300) }

    /// alphas_, mse_path_, alpha_ and the refit's coef_ and intercept_, to 1e-6.
    @Test(arguments: names, Route.allCases)
    func matchesScikitLearn(name: String, route: Route) throws {
        let problem = LassoCVFixture.problem(name)
        let cv = try Self.crossValidate(problem, route)
        #expect(cv.method == (route == .covariance ? .covariance : .naive))
        #expect(cv.converged)
        #expect(cv.foldCount == problem.msePath[0].count)
        #expect(cv.alphas.count == problem.alphas.count)
        for (a, b) in zip(cv.alphas, problem.alphas) { #expect(Self.relative(a, b) <= 1e-12, "\(name) \(route): alpha \(a) vs \(b)") }
        let target = cv.targets[0]
        var worst = 0.0
        for (ours, theirs) in zip(target.foldErrors, problem.msePath) {
            #expect(ours.count == theirs.count)
            for (a, b) in zip(ours, theirs) { worst = Swift.max(worst, Self.relative(a, b)) }
        }
        #expect(worst <= 1e-6, "\(name) \(route): mse_path_ off by \(worst) (relative)")
        #expect(
            Self.relative(target.choice.alpha, problem.alpha) <= 1e-12,
            "\(name) \(route): alpha_ \(target.choice.alpha) vs \(problem.alpha)")
        let beta = cv.chosenParameters.coefficients.column(0)
        let scale = Swift.max(1, problem.coefficients.map(abs).max()!)
        let off = zip(beta, problem.coefficients).map { abs($0 - $1) }.max()!
        #expect(off <= 1e-6 * scale, "\(name) \(route): coef_ off by \(off)")
        #expect(abs(cv.chosenParameters.intercept[0] - problem.intercept) <= 1e-6 * Swift.max(1, abs(problem.intercept)))
    }

    /// The mean and standard error per alpha, recomputed from the fold errors by hand: the plain
    /// mean of the K folds, and the sample deviation (divisor K − 1) over √K.
    @Test(arguments: names)
    func scoresAreTheFoldsMeanAndStandardError(name: String) throws {
        let problem = LassoCVFixture.problem(name)
        let target = try Self.crossValidate(problem, .covariance).targets[0]
        let K = Double(problem.msePath[0].count)
        for (a, folds) in problem.msePath.enumerated() {
            let mean = folds.reduce(0, +) / K
            let deviation = (folds.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (K - 1)).squareRoot()
            #expect(Self.relative(target.scores[a], mean) <= 1e-6)
            #expect(abs(target.standardErrors[a] - deviation / K.squareRoot()) <= 1e-6 * mean)
        }
        // The 1-SE choice: within one standard error of the best, and no larger alpha is.
        let choice = target.choice
        let bound = target.scores[choice.index] + target.standardErrors[choice.index]
        #expect(choice.oneStandardErrorAlpha >= choice.alpha)
        #expect(target.scores[choice.oneStandardErrorIndex] <= bound)
        // The alphas are largest first: every index before the 1-SE one is a larger alpha.
        for a in 0..<choice.oneStandardErrorIndex {
            #expect(target.scores[a] > bound, "\(name): alpha \(problem.alphas[a]) is within one SE")
        }
    }

    /// GroupKFold(n_splits=4)'s folds, from the groups alone, as scikit-learn deals them.
    @Test func groupedFoldsAreGroupKFolds() throws {
        let problem = LassoCVFixture.problem("lasso-grouped")
        let folds = try ElasticNetCV.Folds.groups(problem.groups!, count: 4).assignment(rows: problem.rows)
        #expect(folds == problem.folds)
        let cv = try Self.crossValidate(problem, .covariance, folds: .groups(problem.groups!, count: 4))
        #expect(Self.relative(cv.targets[0].choice.alpha, problem.alpha) <= 1e-12)
        // Every group in one fold.
        var foldOfGroup: [Double: Int] = [:]
        for (group, fold) in zip(problem.groups!, cv.foldOfRow) { #expect(foldOfGroup.updateValue(fold, forKey: group) ?? fold == fold) }
    }

    /// The default grid starts at alpha_max: the refit there is all zeros, and the path on every
    /// row at each alpha is the single solve at that alpha.
    @Test func fullPathIsTheSolveAtEachAlpha() throws {
        let problem = LassoCVFixture.problem("elastic-net-weighted")
        let cv = try Self.crossValidate(problem, .covariance)
        #expect(cv.parameters[0].coefficients.elements.allSatisfy { $0 == 0 })
        #expect(cv.targets[0].nonzeroCoefficients[0] == 0)
        for index in [3, cv.alphas.count - 1] {
            let single = try CoordinateDescent.solve(try problem.dense(), alpha: cv.alphas[index], l1Ratio: problem.l1Ratio)
            let off = zip(single.coefficients.elements, cv.parameters[index].coefficients.elements).map { abs($0 - $1) }.max()!
            #expect(off <= 1e-8)
            #expect(cv.targets[0].nonzeroCoefficients[index] == single.targets[0].activeSet.count)
            #expect(cv.targets[0].dualityGaps[index] <= 1e-12 * 100)
        }
    }
}
