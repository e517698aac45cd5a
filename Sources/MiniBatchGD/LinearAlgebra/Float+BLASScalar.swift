import CKernels

extension Float: BLASScalar {
    /// ``Precision/float32``.
    public static var precision: Precision { .float32 }

    /// False: `Float` values are widened into scratch memory to be read as `Double`.
    public static var isReadInPlaceAsDouble: Bool { false }

    /// Each value widened, exactly.
    @inline(__always)
    public static func widen(_ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutablePointer<Double>) {
        for index in 0..<count { destination[index] = Double(source[index]) }
    }

    /// `body(scratch, columns)` with the rows widened into `scratch` first.
    @inline(__always)
    public static func withDoubles<Result>(
        _ source: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int, scratch: UnsafeMutablePointer<Double>,
        _ body: (UnsafePointer<Double>, Int) throws -> Result
    ) rethrows -> Result {
        if stride == columns {
            widen(source, count: rows * columns, into: scratch)
        } else {
            for i in 0..<rows { widen(source + i * stride, count: columns, into: scratch + i * columns) }
        }
        return try body(scratch, columns)
    }

    /// `mbgd_fused_f32`: each value widened to `Double` as it is read.
    @inline(__always)
    public static func _fusedSingleOutput(
        variant: UInt32, rows: Int, p: Int, x: UnsafePointer<Float>, ldx: Int, y: UnsafePointer<Float>, ldy: Int,
        rowWeights: UnsafePointer<Double>?, coefficients: UnsafePointer<Double>, intercept: Double, alpha: Double, accumulate: Bool,
        weightGradient: UnsafeMutablePointer<Double>, offsetGradient: UnsafeMutablePointer<Double>, readAhead: Int
    ) -> Double {
        mbgd_fused_f32(
            MBGDKernelVariant(rawValue: variant), rows, p, x, ldx, y, ldy, rowWeights, coefficients, intercept, alpha, accumulate ? 1 : 0,
            weightGradient, offsetGradient, readAhead)
    }

    /// `mbgd_fused_loss_f32`: each value widened to `Double` as it is read.
    @inline(__always)
    public static func _fusedLoss(
        variant: UInt32, loss: UInt32, parameter: Double, rows: Int, p: Int, x: UnsafePointer<Float>, ldx: Int, y: UnsafePointer<Float>,
        ldy: Int, rowWeights: UnsafePointer<Double>?, coefficients: UnsafePointer<Double>, intercept: Double, alpha: Double,
        accumulate: Bool, weightGradient: UnsafeMutablePointer<Double>, offsetGradient: UnsafeMutablePointer<Double>, readAhead: Int
    ) -> Double {
        mbgd_fused_loss_f32(
            MBGDKernelVariant(rawValue: variant), MBGDLoss(rawValue: loss), parameter, rows, p, x, ldx, y, ldy, rowWeights, coefficients,
            intercept, alpha, accumulate ? 1 : 0, weightGradient, offsetGradient, readAhead)
    }

    /// `mbgd_dot2_gradient_f32`: each value widened to `Double` as it is read.
    @inline(__always)
    public static func _dot2Gradient(
        variant: UInt32, rows: Int, p: Int, x: UnsafePointer<Float>, ldx: Int, y: UnsafePointer<Float>, ldy: Int,
        rowWeights: UnsafePointer<Double>?, coefficients: UnsafePointer<Double>, intercept: Double, high: UnsafeMutablePointer<Double>,
        low: UnsafeMutablePointer<Double>
    ) {
        mbgd_dot2_gradient_f32(
            MBGDKernelVariant(rawValue: variant), rows, p, x, ldx, y, ldy, rowWeights, coefficients, intercept, high, low)
    }
}
