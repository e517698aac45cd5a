internal import CBLAS

extension Float: BLASScalar {
    /// ``Precision/float32``.
    public static var precision: Precision { .float32 }

    /// `cblas_sgemv`, row-major.
    @inline(__always)
    public static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, incX: Int, beta: Float, y: UnsafeMutablePointer<Float>, incY: Int
    ) {
        cblas_sgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda), x, Int32(incX), beta, y,
            Int32(incY))
    }

    /// `cblas_sgemm`, row-major.
    @inline(__always)
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `cblas_sdot`.
    @inline(__always)
    public static func dot(_ n: Int, _ x: UnsafePointer<Float>, _ incX: Int, _ y: UnsafePointer<Float>, _ incY: Int) -> Float {
        cblas_sdot(Int32(n), x, Int32(incX), y, Int32(incY))
    }
}
