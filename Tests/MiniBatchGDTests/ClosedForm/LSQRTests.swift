import Foundation
import Testing

@testable import MiniBatchGD

/// LSQR on sparse rows against the dense closed form (refined) of the same rows written dense.
@Suite struct LSQRTests {
    /// n×p rows at about `density`, uneven column scales (1e-3 to 1e3), a few columns never used.
    static func data(rows n: Int, features p: Int, density: Double, seed: UInt64, weighted: Bool = false) throws -> SparseDataset<Double> {
        var generator = RandomSource(seed: seed)
        let scales = (0..<p).map { j in j % 7 == 6 ? 0 : pow(10, Double(j % 7) - 3) }
        let truth = (0..<p).map { _ in generator.nextUniform() * 4 - 2 }
        var rows: [[Int: Double]] = [], targets: [Double] = []
        for _ in 0..<n {
            var row: [Int: Double] = [:]
            for j in 0..<p where scales[j] > 0 && generator.nextUniform() < density {
                row[j] = (generator.nextUniform() * 2 - 1) * scales[j]
            }
            let signal = row.reduce(0.0) { $0 + $1.value * truth[$1.key] / scales[$1.key] }
            rows.append(row)
            targets.append(1.5 + signal + 0.1 * (generator.nextUniform() - 0.5))
        }
        let weights = weighted ? (0..<n).map { Double(1 + $0 % 5) * 0.5 } : nil
        return try SparseDataset(rows: rows, targets: targets, featureCount: p, weights: weights)
    }

    @Test(arguments: [false, true])
    func theAnswerIsTheDenseClosedFormsWithAndWithoutIntercept(fitIntercept: Bool) throws {
        let data = try Self.data(rows: 400, features: 30, density: 0.2, seed: 5)
        let sparse = try LSQR.solve(data, fitIntercept: fitIntercept)
        let dense = try LeastSquares.solve(try data.densified(), fitIntercept: fitIntercept, rankTolerance: 1e-10)
        // Unused columns: LSQR's minimum-norm answer gives 0, as does the dense solve's.
        #expect(relativeDifference(sparse.parameters, dense.parameters) <= 1e-9)
        #expect(sparse.targets[0].stop == .leastSquares)
        #expect(sparse.targets[0].relativeGradient <= 1e-9)
        #expect(
            abs(sparse.targets[0].residualSumOfSquares - dense.statistics.residualSumOfSquares[0]) <= 1e-9
                * dense.statistics.residualSumOfSquares[0])
    }

    @Test(arguments: [LeastSquares.PenaltyUnits.original, .standardized])
    func aRidgeIsTheDenseRidgeAndItsBoundCoversTheTrueError(units: LeastSquares.PenaltyUnits) throws {
        let data = try Self.data(rows: 300, features: 25, density: 0.3, seed: 9, weighted: true)
        for ridge in [1e-4, 0.5, 20.0] {
            let sparse = try LSQR.solve(data, ridge: ridge, penaltyUnits: units)
            let dense = try LeastSquares.solve(try data.densified(), ridge: ridge, penaltyUnits: units)
            let error = zip(sparse.parameters.coefficients.elements, dense.parameters.coefficients.elements).reduce(0.0) {
                $0 + ($1.0 - $1.1) * ($1.0 - $1.1)
            }.squareRoot()
            let bound = try #require(sparse.parameterErrorBound)
            // The default tolerance (on the gradient) leaves an error the bound covers (loosely
            // for a small ridge: it is the gradient over λ); a tight one reaches the dense answer.
            let tight = try LSQR.solve(data, ridge: ridge, penaltyUnits: units, tolerance: 1e-15)
            #expect(relativeDifference(tight.parameters, dense.parameters) <= 1e-9, "ridge \(ridge)")
            // The dense answer is itself within rounding of the optimum: the bound must cover the
            // gap, give or take that rounding.
            #expect(error <= bound + 1e-12 * (1 + dense.parameters.coefficients.elements.map(abs).max()!), "ridge \(ridge)")
        }
    }

    /// A column that is the same in every row is the intercept again: it is recognised as
    /// constant (its deviation computed about the mean, not as Σx² − (Σx)²/n, which leaves
    /// rounding noise), left unscaled, and given no weight; the rest is the solve without it.
    /// (0.7 is not a binary fraction: with 3.25 the one-pass formula cancels exactly and passes.)
    @Test func aConstantColumnGetsNoWeightAndChangesNothingElse() throws {
        let data = try Self.data(rows: 300, features: 10, density: 0.3, seed: 17)
        var rows: [[Int: Double]] = [], targets: [Double] = []
        for i in 0..<data.rows {
            var row: [Int: Double] = [10: 0.7]
            for position in data.rowStarts[i]..<data.rowStarts[i + 1] { row[Int(data.columnIndices[position])] = data.values[position] }
            rows.append(row)
            targets.append(data.targets[i, 0])
        }
        let withConstant = try SparseDataset<Double>(rows: rows, targets: targets, featureCount: 11)
        let solution = try LSQR.solve(withConstant)
        let without = try LSQR.solve(data)
        #expect(abs(solution.parameters.coefficients[10, 0]) < 1e-8)
        #expect(
            relativeDifference(Array(solution.parameters.coefficients.elements.prefix(10)), without.parameters.coefficients.elements) < 1e-9
        )
        #expect(abs(solution.parameters.intercept[0] - without.parameters.intercept[0]) < 1e-8 * (1 + abs(without.parameters.intercept[0])))
    }

    @Test func floatRowsGiveTheAnswerOfTheirValuesWidened() throws {
        let data = try Self.data(rows: 200, features: 12, density: 0.4, seed: 3)
        let narrow = try SparseDataset<Float>(
            rowStarts: data.rowStarts, columns: Array(data.columnIndices), values: data.values.map { Float($0) },
            targets: data.targets.elements.map { Float($0) }, featureCount: data.featureCount)
        let widened = try SparseDataset<Double>(
            rowStarts: data.rowStarts, columns: Array(data.columnIndices), values: narrow.values.map { Double($0) },
            targets: narrow.targets.elements.map { Double($0) }, featureCount: data.featureCount)
        #expect(try LSQR.solve(narrow).parameters == LSQR.solve(widened).parameters)
    }

    @Test func theIterationLimitIsSaidAndTheGradientIsTheTrueOne() throws {
        let data = try Self.data(rows: 300, features: 40, density: 0.2, seed: 11)
        let short = try LSQR.solve(data, iterationLimit: 3)
        #expect(short.targets[0].stop == .iterationLimit && short.targets[0].iterations == 3)
        #expect(short.targets[0].gradientNorm > 1e-6)
        #expect(short.parameterErrorBound == nil)
    }

    @Test func zeroTargetsGiveZeroWithoutIterating() throws {
        let data = try SparseDataset<Double>(rows: [[0: 1], [1: 2], [0: 3, 1: 1]], targets: [0, 0, 0])
        let solution = try LSQR.solve(data)
        #expect(solution.parameters.coefficients.elements == [0, 0] && solution.parameters.intercept == [0])
        #expect(solution.targets[0].stop == .zeroData && solution.targets[0].iterations == 0)
    }

    /// Values whose squares would leave Double's range are refused by column, before any
    /// arithmetic, by the solve and by the descent (as dense rows are).
    @Test func valuesBeyondDoublesRangeForSquaresAreRefusedByColumn() throws {
        let huge = try SparseDataset<Double>(rows: [[0: 1], [1: 1e200], [0: 2, 1: 3]], targets: [1, 2, 3])
        let tiny = try SparseDataset<Double>(rows: [[0: 1], [1: 1e-200], [0: 2]], targets: [1, 2, 3])
        for data in [huge, tiny] {
            #expect(throws: DataError.self) { try LSQR.solve(data) }
            var model = LinearRegression()
            #expect(throws: DataError.self) { try model.fit(data, using: GradientDescent(epochs: 1)) }
        }
        #expect(throws: DataError.scaleOutOfRange(argument: "feature", column: "x2", largest: 1e200)) { try LSQR.solve(huge) }
        let target = try SparseDataset<Double>(rows: [[0: 1], [0: 2]], targets: [1e300, 1])
        #expect(throws: DataError.scaleOutOfRange(argument: "target", column: "y", largest: 1e300)) { try LSQR.solve(target) }
    }

    /// A cancelled task's solve stops within sixteen iterations with `CancellationError`.
    @Test func aCancelledSolveStops() async throws {
        let data = try Self.data(rows: 400, features: 60, density: 0.2, seed: 13)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try LSQR.solve(data, tolerance: 1e-15)
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try LSQR.solve(data, iterationLimit: 15).targets[0].iterations == 15)
    }

    /// A warm start (the solution at a nearby ridge) reaches the dense ridge's answer, as a cold
    /// start does, in fewer iterations; a start at the answer itself stops at once; a start of
    /// the wrong shape or with a NaN is refused.
    @Test func aWarmStartReachesTheSameOptimumSooner() throws {
        let data = try Self.data(rows: 300, features: 25, density: 0.3, seed: 4, weighted: true)
        let dense = try LeastSquares.solve(try data.densified(), ridge: 0.5)
        let near = try LSQR.solve(data, ridge: 0.6, tolerance: 1e-14)
        let cold = try LSQR.solve(data, ridge: 0.5, tolerance: 1e-14)
        let warm = try LSQR.solve(data, ridge: 0.5, tolerance: 1e-14, start: near.parameters)
        #expect(relativeDifference(warm.parameters, dense.parameters) <= 1e-9)
        #expect(relativeDifference(cold.parameters, dense.parameters) <= 1e-9)
        #expect(
            warm.targets[0].iterations < cold.targets[0].iterations, "\(warm.targets[0].iterations) against \(cold.targets[0].iterations)")
        let again = try LSQR.solve(data, ridge: 0.5, tolerance: 1e-8, start: warm.parameters)
        #expect(again.targets[0].iterations <= 1)
        #expect(relativeDifference(again.parameters, dense.parameters) <= 1e-9)
        var wrong = near.parameters
        wrong.coefficients.elements[3] = .nan
        #expect(throws: ArgumentError.self) { try LSQR.solve(data, ridge: 0.5, start: wrong) }
        let short = Parameters(unchecked: Matrix<Double>.zeros(24, 1), [0])
        #expect(throws: ArgumentError.self) { try LSQR.solve(data, ridge: 0.5, start: short) }
    }

    @Test func badArgumentsAreRefused() throws {
        let data = try SparseDataset<Double>(rows: [[0: 1], [1: 2]], targets: [1, 2])
        #expect(throws: ArgumentError.self) { try LSQR.solve(data, ridge: -1) }
        #expect(throws: ArgumentError.self) { try LSQR.solve(data, tolerance: 0) }
        #expect(throws: ArgumentError.self) { try LSQR.solve(data, iterationLimit: 0) }
    }

    /// Rare, small columns under a ridge: each column of the operator is scaled with its ridge
    /// row included, so the ridge entries stay at most 1 and LSQR needs a few dozen iterations
    /// (148 when only the data part was scaled), with the dense ridge's answer.
    @Test func aRidgeOnSmallColumnsConvergesInFewIterations() throws {
        var generator = RandomSource(seed: 5)
        let coefficients = (0..<300).map { _ in generator.nextGaussian() }
        var rows: [[Int: Double]] = [], targets: [Double] = []
        for _ in 0..<2000 {
            var row: [Int: Double] = [:]
            while row.count < 10 {
                let j = Int(generator.nextUniform() * 300) % 300
                row[j] = generator.nextGaussian() * (j >= 150 ? 1e-3 : 1)
            }
            rows.append(row)
            targets.append(1 + row.reduce(0) { $0 + $1.value * coefficients[$1.key] } + 0.1 * generator.nextGaussian())
        }
        let data = try SparseDataset(rows: rows, targets: targets, featureCount: 300)
        let sparse = try LSQR.solve(data, ridge: 1, tolerance: 1e-14)
        let dense = try LeastSquares.solve(try data.densified(), ridge: 1)
        #expect(sparse.targets[0].iterations <= 40)
        #expect(relativeDifference(sparse.parameters, dense.parameters) <= 1e-9)
    }

}
