import Testing

@testable import MiniBatchGD

/// Intervals at 95 % unless another level is asked for, as statsmodels and R give them.
@Suite struct DefaultConfidenceLevelTests {
    /// y = 1, 3, 2, 5, 4, 6 on x = 1…6: four residual degrees of freedom, so the interval is the
    /// estimate ± t(0.975; 4)·se with t(0.975; 4) = 2.7764451051977987 (scipy.stats.t.ppf).
    @Test func aSolveWithoutALevelGivesNinetyFivePercentIntervals() throws {
        let data = try Dataset(features: Matrix(column: [1, 2, 3, 4, 5, 6]), target: [1, 3, 2, 5, 4, 6])
        let solution = try LeastSquares.solve(data)
        let statistics = solution.statistics
        #expect(LeastSquares.defaultConfidenceLevel == 0.95)
        #expect(statistics.confidenceLevel == 0.95)
        let slope = try #require(solution.coefficientTable.rows.last)
        let se = try #require(slope.standardError)
        let upper = try #require(slope.confidenceInterval).upper
        #expect(abs((upper - solution.coefficients[0, 0]) / se - 2.7764451051977987) < 1e-9)
    }
}
