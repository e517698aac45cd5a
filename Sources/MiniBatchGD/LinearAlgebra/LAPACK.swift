internal import CBLAS

/// Row-major wrappers over the LAPACKE routines of the closed-form solve.
///
/// Every `info` is checked and turned into a ``LinearAlgebraError``: an `assert` would vanish
/// in release builds and leave a wrong answer behind.
enum LAPACK {
    private static let rowMajor = Int32(LAPACK_ROW_MAJOR)
    private static func char(_ c: Unicode.Scalar) -> CChar { CChar(UInt8(ascii: c)) }

    private static func check(_ info: Int32, _ routine: String) throws {
        if info < 0 { throw LinearAlgebraError.lapackFailure(routine: routine, info: Int(info)) }
    }

    /// 1-norm of the symmetric `n×n` matrix whose upper triangle is stored in `a`.
    static func symmetricOneNorm(n: Int, a: UnsafePointer<Double>, lda: Int) -> Double {
        LAPACKE_dlansy(rowMajor, char("1"), char("U"), Int32(n), a, Int32(lda))
    }

    /// Cholesky factor U (AᵀA = UᵀU) in the upper triangle of `a`.
    /// - Throws: ``LinearAlgebraError/notPositiveDefinite(routine:order:)`` when a pivot fails.
    static func choleskyFactor(n: Int, a: UnsafeMutablePointer<Double>, lda: Int) throws {
        let info = LAPACKE_dpotrf(rowMajor, char("U"), Int32(n), a, Int32(lda))
        try check(info, "dpotrf")
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", order: Int(info)) }
    }

    /// Reciprocal 1-norm condition estimate of an SPD matrix from its Cholesky factor.
    static func choleskyReciprocalCondition(n: Int, factor: UnsafePointer<Double>, lda: Int, oneNorm: Double) throws -> Double {
        var rcond = 0.0
        try check(LAPACKE_dpocon(rowMajor, char("U"), Int32(n), factor, Int32(lda), oneNorm, &rcond), "dpocon")
        return rcond
    }

    /// Solves A·X = B in place of `b` (`n×nrhs`) given the Cholesky factor of A.
    static func choleskySolve(
        n: Int, nrhs: Int, factor: UnsafePointer<Double>, lda: Int,
        b: UnsafeMutablePointer<Double>, ldb: Int
    ) throws {
        try check(LAPACKE_dpotrs(rowMajor, char("U"), Int32(n), Int32(nrhs), factor, Int32(lda), b, Int32(ldb)), "dpotrs")
    }

    /// Solves A·X = B in place of `b` (`n×nrhs`) by LU with partial pivoting (`dgesv`); `a`
    /// is overwritten by its factors and `pivots` receives `n` row swaps.
    /// - Returns: false when A is exactly singular (a zero pivot), `b` then unchanged in meaning.
    static func luSolve(
        n: Int, nrhs: Int, a: UnsafeMutablePointer<Double>, lda: Int, pivots: UnsafeMutablePointer<Int32>,
        b: UnsafeMutablePointer<Double>, ldb: Int
    ) throws -> Bool {
        let info = LAPACKE_dgesv(rowMajor, Int32(n), Int32(nrhs), a, Int32(lda), pivots, b, Int32(ldb))
        try check(info, "dgesv")
        return info == 0
    }

    /// Overwrites the Cholesky factor in `a` by the upper triangle of A⁻¹.
    static func choleskyInverse(n: Int, a: UnsafeMutablePointer<Double>, lda: Int) throws {
        let info = LAPACKE_dpotri(rowMajor, char("U"), Int32(n), a, Int32(lda))
        try check(info, "dpotri")
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(routine: "dpotri", order: Int(info)) }
    }

    /// Householder QR of the column-major `m×n` matrix in `a` (`dgeqrt`): R in the upper
    /// triangle, the reflectors below it, and their block reflectors' triangular factors in `t`
    /// (`blockColumns × min(m, n)`, leading dimension `blockColumns`); `work` holds
    /// `blockColumns × n` values. Column-major, so LAPACKE does not transpose a copy of every
    /// block. Each panel of `blockColumns` columns is applied to the rest by level-3 BLAS, where
    /// `dgeqrf` factors a matrix narrower than its crossover (128 columns) one column at a time.
    static func qrFactorColumnMajor(
        m: Int, n: Int, blockColumns: Int, a: UnsafeMutablePointer<Double>, lda: Int, t: UnsafeMutablePointer<Double>,
        work: UnsafeMutablePointer<Double>
    ) throws {
        try check(
            LAPACKE_dgeqrt_work(
                Int32(LAPACK_COL_MAJOR), Int32(m), Int32(n), Int32(blockColumns), a, Int32(lda), t, Int32(blockColumns), work),
            "dgeqrt")
    }

    /// Solves U·X = B in place of `b` (`n×nrhs`, row-major) for the upper-triangular U in `a`.
    /// - Returns: `false` when U has an exactly zero diagonal element.
    static func upperTriangularSolve(n: Int, nrhs: Int, a: UnsafePointer<Double>, lda: Int, b: UnsafeMutablePointer<Double>, ldb: Int)
        throws
        -> Bool
    {
        let info = LAPACKE_dtrtrs(rowMajor, char("U"), char("N"), char("N"), Int32(n), Int32(nrhs), a, Int32(lda), b, Int32(ldb))
        try check(info, "dtrtrs")
        return info == 0
    }

    /// Reciprocal 1-norm condition estimate of the upper-triangular `n×n` matrix in `a`.
    static func triangularReciprocalCondition(n: Int, a: UnsafePointer<Double>, lda: Int) throws -> Double {
        var rcond = 0.0
        try check(LAPACKE_dtrcon(rowMajor, char("1"), char("U"), char("N"), Int32(n), a, Int32(lda), &rcond), "dtrcon")
        return rcond
    }

    /// Minimum-norm least squares by SVD (`dgelsd`); singular values below
    /// `rcond × s₁` count as zero. `b` must have `max(m, n)` rows.
    /// - Returns: the numerical rank; `singularValues` receives min(m, n) values.
    static func svdLeastSquares(
        m: Int, n: Int, nrhs: Int, a: UnsafeMutablePointer<Double>, lda: Int,
        b: UnsafeMutablePointer<Double>, ldb: Int,
        singularValues: UnsafeMutablePointer<Double>, rcond: Double
    ) throws -> Int {
        var rank: Int32 = 0
        let info = LAPACKE_dgelsd(
            rowMajor, Int32(m), Int32(n), Int32(nrhs), a, Int32(lda), b, Int32(ldb),
            singularValues, rcond, &rank)
        try check(info, "dgelsd")
        if info > 0 { throw LinearAlgebraError.noConvergence(routine: "dgelsd", info: Int(info)) }
        return Int(rank)
    }

    /// Eigenvalues, ascending, of the symmetric `n×n` matrix whose upper triangle is in `a`
    /// (`dsyev`, values only; `a` is overwritten).
    /// - Throws: ``LinearAlgebraError/noConvergence(routine:info:)`` when the QR iteration fails.
    static func symmetricEigenvalues(n: Int, a: UnsafeMutablePointer<Double>, lda: Int, into w: UnsafeMutablePointer<Double>) throws {
        let info = LAPACKE_dsyev(rowMajor, char("N"), char("U"), Int32(n), a, Int32(lda), w)
        try check(info, "dsyev")
        if info > 0 { throw LinearAlgebraError.noConvergence(routine: "dsyev", info: Int(info)) }
    }

    /// Eigenvalues (ascending, into `w`) and eigenvectors of a symmetric matrix, row-major:
    /// column j of `a` becomes the eigenvector of `w[j]`.
    static func symmetricEigensystem(n: Int, a: UnsafeMutablePointer<Double>, lda: Int, into w: UnsafeMutablePointer<Double>) throws {
        let info = LAPACKE_dsyev(rowMajor, char("V"), char("U"), Int32(n), a, Int32(lda), w)
        try check(info, "dsyev")
        if info > 0 { throw LinearAlgebraError.noConvergence(routine: "dsyev", info: Int(info)) }
    }

    /// Eigenvalues (ascending, into `w`) and eigenvectors of a symmetric matrix by divide and
    /// conquer (`dsyevd`), row-major: column j of `a` becomes the eigenvector of `w[j]`. Faster
    /// than `dsyev` for the whole system, and as accurate.
    static func symmetricEigensystemDivideAndConquer(
        n: Int, a: UnsafeMutablePointer<Double>, lda: Int, into w: UnsafeMutablePointer<Double>
    )
        throws
    {
        let info = LAPACKE_dsyevd(rowMajor, char("V"), char("U"), Int32(n), a, Int32(lda), w)
        try check(info, "dsyevd")
        if info > 0 { throw LinearAlgebraError.noConvergence(routine: "dsyevd", info: Int(info)) }
    }

    /// The thin SVD A = U·diag(s)·Vᵀ of the row-major `m×n` matrix in `a` (`dgesdd`, divide and
    /// conquer; `a` is overwritten): the min(m, n) singular values, largest first, into `s`, U
    /// (`m×min(m, n)`) into `u` and Vᵀ (`min(m, n)×n`) into `vt`.
    static func singularValueDecomposition(
        m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int, s: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Double>,
        ldu: Int, vt: UnsafeMutablePointer<Double>, ldvt: Int
    ) throws {
        let info = LAPACKE_dgesdd(rowMajor, char("S"), Int32(m), Int32(n), a, Int32(lda), s, u, Int32(ldu), vt, Int32(ldvt))
        try check(info, "dgesdd")
        if info > 0 { throw LinearAlgebraError.noConvergence(routine: "dgesdd", info: Int(info)) }
    }
}
