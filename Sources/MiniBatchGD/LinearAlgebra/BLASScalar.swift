/// The element types a ``Matrix`` and a ``Dataset`` store: `Float` and `Double`.
///
/// Each conformance (one file per type) maps the BLAS routines to their `cblas_s*` or
/// `cblas_d*` symbol, so code written once over `Element: BLASScalar` is specialized by the
/// compiler into the same direct calls a hand-written `Double` version makes.
///
/// Whatever the element type, the package's arithmetic that sums over rows is `Double`:
/// `Float` data are read as `Float` (half the bytes of a memory-bound pass) and widened, exactly,
/// inside the kernels; parameters, gradients, costs and the closed form stay `Double`. A sum
/// accumulated in `Float` errs by up to n·2⁻²⁴ of its terms' size: 6 % over a million rows.
public protocol BLASScalar: BinaryFloatingPoint, BitwiseCopyable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible
where Self.RawSignificand: FixedWidthInteger {
    /// The precision's name, as in a `.npy` dtype and the command line's `--precision`.
    static var precision: Precision { get }

    /// y ← α·op(A)·x + β·y, with A an `m×n` row-major matrix (leading dimension `lda`):
    /// `cblas_sgemv` or `cblas_dgemv`.
    static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        x: UnsafePointer<Self>, incX: Int, beta: Self, y: UnsafeMutablePointer<Self>, incY: Int
    )

    /// C ← α·op(A)·op(B) + β·C, all row-major, C `m×n`, inner dimension `k`: `cblas_sgemm` or
    /// `cblas_dgemm`.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
    )

    /// xᵀy over `n` elements with strides `incX` and `incY`: `cblas_sdot` or `cblas_ddot`.
    static func dot(_ n: Int, _ x: UnsafePointer<Self>, _ incX: Int, _ y: UnsafePointer<Self>, _ incY: Int) -> Self
}

/// The floating-point formats data can be stored and trained in.
public enum Precision: String, Sendable, CaseIterable, Codable {
    /// IEEE 754 binary32 (`Float`, numpy's `float32`): about 7 significant digits.
    case float32
    /// IEEE 754 binary64 (`Double`, numpy's `float64`): about 16 significant digits.
    case float64

    /// Bytes per element.
    public var bytes: Int { self == .float32 ? 4 : 8 }
}

extension BLASScalar {
    /// `pointer` as a pointer to `Double`: valid only when `Self` is `Double` (callers switch on
    /// ``precision``, which the compiler folds once the code is specialized).
    @inline(__always)
    static func asDouble(_ pointer: UnsafePointer<Self>) -> UnsafePointer<Double> {
        UnsafeRawPointer(pointer).assumingMemoryBound(to: Double.self)
    }

    /// `pointer` as a pointer to `Float`: valid only when `Self` is `Float`.
    @inline(__always)
    static func asFloat(_ pointer: UnsafePointer<Self>) -> UnsafePointer<Float> {
        UnsafeRawPointer(pointer).assumingMemoryBound(to: Float.self)
    }

    /// Writes `count` elements from `source` into `destination` as `Double` (exact: every `Float`
    /// is a `Double`); a plain copy for `Double`.
    @inline(__always)
    static func widen(_ source: UnsafePointer<Self>, count: Int, into destination: UnsafeMutablePointer<Double>) {
        if precision == .float64 {
            destination.update(from: asDouble(source), count: count)
        } else {
            for index in 0..<count { destination[index] = Double(source[index]) }
        }
    }
}
