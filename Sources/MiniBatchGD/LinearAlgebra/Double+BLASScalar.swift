internal import CBLAS

extension Double: BLASScalar {
    /// ``Precision/float64``.
    public static var precision: Precision { .float64 }

    /// `cblas_dgemv`, row-major.
    @inline(__always)
    public static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, incX: Int, beta: Double, y: UnsafeMutablePointer<Double>, incY: Int
    ) {
        cblas_dgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda), x, Int32(incX), beta, y,
            Int32(incY))
    }

    /// `cblas_dgemm`, row-major.
    @inline(__always)
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `cblas_ddot`.
    @inline(__always)
    public static func dot(_ n: Int, _ x: UnsafePointer<Double>, _ incX: Int, _ y: UnsafePointer<Double>, _ incY: Int) -> Double {
        cblas_ddot(Int32(n), x, Int32(incX), y, Int32(incY))
    }
}
