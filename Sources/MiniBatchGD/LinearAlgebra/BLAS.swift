internal import CBLAS

#if canImport(Glibc)
    import Glibc
#endif

/// Thin row-major wrappers over the CBLAS routines the package uses (`gemv`, `gemm` and `dot`
/// through ``BLASScalar``'s `Double` conformance, the one place each is mapped).
///
/// They take raw pointers and leading dimensions, allocate nothing, and check nothing:
/// callers validate shapes once, outside hot loops.
enum BLAS {
    /// Checks that every dimension fits the 32-bit integers of CBLAS and LAPACKE, so that the
    /// `Int32(_:)` conversions below never trap: the public entry points call this once.
    /// - Throws: ``MatrixError/tooLargeForBLAS(operation:dimension:)``.
    static func checkDimensions(_ operation: String, _ dimensions: Int...) throws {
        // Every public entry point passes here first: the place to make OpenBLAS safe to call.
        if let limit = BLASThreads.addressSpaceShortfall {
            throw LinearAlgebraError.addressSpaceTooSmall(operation: operation, limitBytes: limit)
        }
        if let large = dimensions.first(where: { $0 > Int(Int32.max) }) {
            throw MatrixError.tooLargeForBLAS(operation: operation, dimension: large)
        }
    }

    /// y ← α·op(A)·x + β·y, with A an `m×n` row-major matrix (leading dimension `lda`).
    @inline(__always)
    static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, incX: Int = 1, beta: Double, y: UnsafeMutablePointer<Double>, incY: Int = 1
    ) {
        cblas_dgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda), x, Int32(incX), beta, y,
            Int32(incY))
    }

    /// C ← α·op(A)·op(B) + β·C, all row-major; C is `m×n`, the inner dimension is `k`.
    @inline(__always)
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// A ← α·x·yᵀ + A, with A `m×n` row-major.
    static func ger(
        m: Int, n: Int, alpha: Double, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
        a: UnsafeMutablePointer<Double>, lda: Int
    ) {
        cblas_dger(CblasRowMajor, Int32(m), Int32(n), alpha, x, 1, y, 1, a, Int32(lda))
    }

    /// xᵀy over `n` elements.
    @inline(__always)
    static func dot(_ n: Int, _ x: UnsafePointer<Double>, _ incX: Int = 1, _ y: UnsafePointer<Double>, _ incY: Int = 1) -> Double {
        cblas_ddot(Int32(n), x, Int32(incX), y, Int32(incY))
    }

    /// y ← α·x + y over `n` elements.
    @inline(__always)
    static func axpy(_ n: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(Int32(n), alpha, x, 1, y, 1)
    }
}
