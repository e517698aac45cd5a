/// A multivariate normal distribution N(μ, Σ), sampled through the Cholesky factor of Σ.
public struct MultivariateNormal: Sendable {
    /// The mean vector μ.
    public let mean: [Double]
    /// The covariance matrix Σ.
    public let covariance: Matrix<Double>
    /// Upper Cholesky factor U with Σ = UᵀU, so a row z of standard normals maps to μ + zU.
    private let factor: Matrix<Double>

    /// - Parameters:
    ///   - mean: the mean vector, of length d ≥ 1.
    ///   - covariance: a symmetric positive-definite d×d matrix.
    /// - Throws: ``ArgumentError`` for a shape or
    ///   symmetry problem, ``MatrixError/nonFinite(argument:row:column:value:)`` for NaN or
    ///   infinity, and ``LinearAlgebraError/notPositiveDefinite(routine:order:)`` when Σ is not
    ///   positive definite.
    public init(mean: [Double], covariance: Matrix<Double>) throws {
        let d = mean.count
        guard d >= 1 else { throw ArgumentError(argument: "mean", value: "[]", requirement: "needs at least one component") }
        guard covariance.rows == d, covariance.columns == d else {
            throw ArgumentError(
                argument: "covariance", value: "\(covariance.rows)×\(covariance.columns)",
                requirement: "must be \(d)×\(d) to match the mean")
        }
        try Matrix(column: mean).validateFinite(argument: "mean")
        try covariance.validateFinite(argument: "covariance")
        for i in 0..<d {
            for j in i + 1..<d
            where abs(covariance[i, j] - covariance[j, i]) > 1e-12 * max(abs(covariance[i, j]), abs(covariance[j, i]), 1e-300) {
                throw ArgumentError(
                    argument: "covariance", value: "[\(i), \(j)] = \(covariance[i, j]) but [\(j), \(i)] = \(covariance[j, i])",
                    requirement: "must be symmetric")
            }
        }
        var factor = covariance
        try factor.withUnsafeMutablePointer { try LAPACK.choleskyFactor(n: d, a: $0, lda: d) }
        for i in 0..<d { for j in 0..<i { factor[i, j] = 0 } }
        self.mean = mean
        self.covariance = covariance
        self.factor = factor
    }

    /// `count` independent draws, one per row of a `count × d` matrix.
    /// - Complexity: O(count × d²), one `dgemm`.
    public func sample(count: Int, using generator: inout RandomSource) throws -> Matrix<Double> {
        guard count >= 0 else { throw ArgumentError(argument: "count", value: "\(count)", requirement: "must be non-negative") }
        let d = mean.count
        try MemoryBudget.require(MemoryBudget.doubles(3, count, d), for: "\(count) samples")  // normals, means, result
        var normals = Matrix<Double>.zeros(count, d)
        for index in 0..<count * d { normals.elements[index] = generator.nextGaussian() }
        var result = Matrix(uncheckedRows: count, columns: d, elements: Array((0..<count).map { _ in mean }.joined()))
        guard count > 0 else { return result }
        normals.withUnsafePointer { z in
            factor.withUnsafePointer { u in
                result.withUnsafeMutablePointer { x in
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: count, n: d, k: d, alpha: 1,
                        a: z, lda: d, b: u, ldb: d, beta: 1, c: x, ldc: d)
                }
            }
        }
        return result
    }
}
