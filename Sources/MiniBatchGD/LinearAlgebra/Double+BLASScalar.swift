import CKernels

extension Double: BLASScalar {
    /// ``Precision/float64``.
    public static var precision: Precision { .float64 }

    /// True: `Double` values are read where they lie.
    public static var isReadInPlaceAsDouble: Bool { true }

    /// A plain copy.
    @inline(__always)
    public static func widen(_ source: UnsafePointer<Double>, count: Int, into destination: UnsafeMutablePointer<Double>) {
        destination.update(from: source, count: count)
    }

    /// `body(source, stride)`: the values where they lie; `scratch` is not touched.
    @inline(__always)
    public static func withDoubles<Result>(
        _ source: UnsafePointer<Double>, rows: Int, columns: Int, stride: Int, scratch: UnsafeMutablePointer<Double>,
        _ body: (UnsafePointer<Double>, Int) throws -> Result
    ) rethrows -> Result {
        try body(source, stride)
    }

    /// `mbgd_fused_f64`.
    @inline(__always)
    public static func _fusedSingleOutput(
        variant: UInt32, rows: Int, p: Int, x: UnsafePointer<Double>, ldx: Int, y: UnsafePointer<Double>, ldy: Int,
        rowWeights: UnsafePointer<Double>?, coefficients: UnsafePointer<Double>, intercept: Double, alpha: Double, accumulate: Bool,
        weightGradient: UnsafeMutablePointer<Double>, offsetGradient: UnsafeMutablePointer<Double>, readAhead: Int
    ) -> Double {
        mbgd_fused_f64(
            MBGDKernelVariant(rawValue: variant), rows, p, x, ldx, y, ldy, rowWeights, coefficients, intercept, alpha, accumulate ? 1 : 0,
            weightGradient, offsetGradient, readAhead)
    }

    /// `mbgd_fused_loss_f64`.
    @inline(__always)
    public static func _fusedLoss(
        variant: UInt32, loss: UInt32, parameter: Double, rows: Int, p: Int, x: UnsafePointer<Double>, ldx: Int, y: UnsafePointer<Double>,
        ldy: Int, rowWeights: UnsafePointer<Double>?, coefficients: UnsafePointer<Double>, intercept: Double, alpha: Double,
        accumulate: Bool, weightGradient: UnsafeMutablePointer<Double>, offsetGradient: UnsafeMutablePointer<Double>, readAhead: Int
    ) -> Double {
        mbgd_fused_loss_f64(
            MBGDKernelVariant(rawValue: variant), MBGDLoss(rawValue: loss), parameter, rows, p, x, ldx, y, ldy, rowWeights, coefficients,
            intercept, alpha, accumulate ? 1 : 0, weightGradient, offsetGradient, readAhead)
    }

    /// `mbgd_dot2_gradient`.
    @inline(__always)
    public static func _dot2Gradient(
        variant: UInt32, rows: Int, p: Int, x: UnsafePointer<Double>, ldx: Int, y: UnsafePointer<Double>, ldy: Int,
        rowWeights: UnsafePointer<Double>?, coefficients: UnsafePointer<Double>, intercept: Double, high: UnsafeMutablePointer<Double>,
        low: UnsafeMutablePointer<Double>
    ) {
        mbgd_dot2_gradient(MBGDKernelVariant(rawValue: variant), rows, p, x, ldx, y, ldy, rowWeights, coefficients, intercept, high, low)
    }
}
