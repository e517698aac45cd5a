import Foundation
import Testing

@testable import MiniBatchGD

/// The ridge path against scikit-learn 1.9's RidgeCV on the committed fixture: the chosen alpha,
/// `best_score_`, every row's leave-one-out term (`cv_results_`), the coefficients of `Ridge` at
/// every alpha, and numpy's GCV, degrees of freedom and one-standard-error choices, to 1e-8.
@Suite struct RidgePathFixtureTests {
    static let names = RidgePathFixture.shared.problems.map(\.name)

    @Test(arguments: names)
    func matchesRidgeCV(name: String) throws {
        let problem = RidgePathFixture.problem(name)
        let path = try RidgePath(
            try problem.dataset(), alphas: problem.alphas, fitIntercept: problem.fitIntercept, keepLeaveOneOutErrors: true)
        #expect(path.decomposition == (problem.rows >= problem.featureCount ? .eigen : .svd))
        #expect(path.alphas == problem.alphas)
        #expect(ridgeRelativeError(path.effectiveDegreesOfFreedom, problem.effectiveDegreesOfFreedom) < 1e-8, "\(name): df")
        for (o, expected) in problem.perTarget.enumerated() {
            let target = path.targets[o]
            let loo = target.choice(.loo)
            #expect(loo.alpha == expected.alpha, "\(name) target \(o): alpha_")
            #expect(abs(-loo.score - expected.bestScore) <= 1e-8 * abs(expected.bestScore), "\(name) target \(o): best_score_")
            #expect(ridgeRelativeError(target.leaveOneOut, expected.loo) < 1e-8, "\(name) target \(o): LOO means")
            // Every row's term: to 1e-8 of the largest at that alpha (a row of weight 0 has 0).
            let kept = try #require(target.leaveOneOutSquaredErrors)
            for a in problem.alphas.indices {
                let scale = expected.looErrors[a].max()!
                let worst = zip(kept[a], expected.looErrors[a]).map { abs($0 - $1) }.max()!
                #expect(worst <= 1e-8 * scale, "\(name) target \(o) alpha \(problem.alphas[a]): cv_results_ off by \(worst / scale)")
            }
            #expect(ridgeRelativeError(target.leaveOneOutStandardError, expected.looStandardError) < 1e-7, "\(name): LOO SE")
            #expect(loo.oneStandardErrorAlpha == expected.alpha1seLoo, "\(name) target \(o): 1-SE alpha (LOO)")
            let gcv = target.choice(.gcv)
            #expect(ridgeRelativeError(target.gcv, expected.gcv) < 1e-8, "\(name) target \(o): GCV")
            #expect(ridgeRelativeError(target.gcvStandardError, expected.gcvStandardError) < 1e-7, "\(name): GCV SE")
            #expect(gcv.alpha == expected.alphaGcv && gcv.oneStandardErrorAlpha == expected.alpha1seGcv, "\(name) target \(o): GCV choices")
            for a in problem.alphas.indices {
                let found = path.parameters[a]
                let column = (0..<problem.featureCount).map { found.coefficients.elements[$0 * problem.targetCount + o] }
                let size = expected.coefficients[a].map(abs).max()!
                let worst = zip(column, expected.coefficients[a]).map { abs($0 - $1) }.max()!
                #expect(worst <= 1e-8 * size, "\(name) target \(o) alpha \(problem.alphas[a]): coefficients off by \(worst / size)")
                let b = expected.intercepts[a]
                #expect(abs(found.intercept[o] - b) <= 1e-8 * Swift.max(1, abs(b)), "\(name) target \(o): intercept")
            }
            // The model at the chosen alpha is RidgeCV's coef_.
            let chosen = path.chosenParameters(.loo)
            let index = problem.alphas.firstIndex(of: expected.alpha)!
            #expect(chosen.intercept[o] == path.parameters[index].intercept[o])
        }
    }
}
