/// The element types a ``Matrix`` and a ``Dataset`` store: `Float` and `Double`.
///
/// Each conformance (`Double+BLASScalar.swift`, `Float+BLASScalar.swift`) says how its values
/// become `Double` (in place, or widened into scratch) and which C kernel reads them, so code
/// written once over `Element: BLASScalar` is specialized by the compiler into the same direct
/// calls a hand-written version makes, with no test of the type at run time.
///
/// Whatever the element type, the package's arithmetic that sums over rows is `Double`:
/// `Float` data are read as `Float` (half the bytes of a memory-bound pass) and widened, exactly,
/// inside the kernels; parameters, gradients, costs and the closed form stay `Double`. A sum
/// accumulated in `Float` errs by up to n·2⁻²⁴ of its terms' size: 6 % over a million rows.
public protocol BLASScalar: BinaryFloatingPoint, BitwiseCopyable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible
where Self.RawSignificand: FixedWidthInteger {
    /// The precision's name, as in a `.npy` dtype and the command line's `--precision`.
    static var precision: Precision { get }

    /// Whether values of this type are read as `Double` where they lie (`Double`), or are first
    /// widened into scratch memory (`Float`): code sizes its scratch by it.
    static var isReadInPlaceAsDouble: Bool { get }

    /// Writes `count` values from `source` into `destination` as `Double`: exact, since every
    /// `Float` is a `Double`; a plain copy for `Double`.
    static func widen(_ source: UnsafePointer<Self>, count: Int, into destination: UnsafeMutablePointer<Double>)

    /// `body` with `rows` rows of `columns` values at `source` (`stride` values from one row to the
    /// next) as `Double`, and their stride: the values where they lie for `Double`; for `Float`,
    /// widened into `scratch` (room for `rows·columns` values) with stride `columns`.
    static func withDoubles<Result>(
        _ source: UnsafePointer<Self>, rows: Int, columns: Int, stride: Int, scratch: UnsafeMutablePointer<Double>,
        _ body: (UnsafePointer<Double>, Int) throws -> Result
    ) rethrows -> Result

    /// The package's fused training kernel (`Sources/CKernels`) for rows stored as this type, in
    /// vector-width variant `variant`: see `VectorWidth.fusedSingleOutput`. Not for use outside
    /// the package.
    static func _fusedSingleOutput(
        variant: UInt32, rows: Int, p: Int, x: UnsafePointer<Self>, ldx: Int, y: UnsafePointer<Self>, ldy: Int,
        rowWeights: UnsafePointer<Double>?, coefficients: UnsafePointer<Double>, intercept: Double, alpha: Double, accumulate: Bool,
        weightGradient: UnsafeMutablePointer<Double>, offsetGradient: UnsafeMutablePointer<Double>, readAhead: Int
    ) -> Double

    /// The package's fused kernel for the losses other than squares (`Sources/CKernels/fused_loss.h`)
    /// for rows stored as this type: see `VectorWidth.fusedLoss`. Not for use outside the package.
    static func _fusedLoss(
        variant: UInt32, loss: UInt32, parameter: Double, rows: Int, p: Int, x: UnsafePointer<Self>, ldx: Int, y: UnsafePointer<Self>,
        ldy: Int, rowWeights: UnsafePointer<Double>?, coefficients: UnsafePointer<Double>, intercept: Double, alpha: Double,
        accumulate: Bool, weightGradient: UnsafeMutablePointer<Double>, offsetGradient: UnsafeMutablePointer<Double>, readAhead: Int
    ) -> Double

    /// The package's double-double refinement kernel (`Sources/CKernels`) for rows stored as this
    /// type: see `VectorWidth.dot2Gradient`. Not for use outside the package.
    static func _dot2Gradient(
        variant: UInt32, rows: Int, p: Int, x: UnsafePointer<Self>, ldx: Int, y: UnsafePointer<Self>, ldy: Int,
        rowWeights: UnsafePointer<Double>?, coefficients: UnsafePointer<Double>, intercept: Double, high: UnsafeMutablePointer<Double>,
        low: UnsafeMutablePointer<Double>
    )
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
