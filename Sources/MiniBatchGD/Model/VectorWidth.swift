import CKernels

/// The instruction sets the fused kernels are compiled for (`Sources/CKernels`), widest last.
///
/// One binary carries every variant, each compiled with its own target attribute, and a fit
/// takes the widest this CPU runs (``best``): the package sets no `-march` flag, which a
/// dependency cannot. Variants differ in the order of their additions (and AVX2 and AVX-512
/// fuse multiply-adds), so their results agree to rounding, not bit for bit; within a process
/// every thread runs the same variant, so thread counts still give the same bits.
enum VectorWidth: CaseIterable, Sendable {
    /// The architecture's baseline (SSE2 on x86-64, NEON on arm64).
    case portable
    /// AVX2 with FMA: four doubles a register.
    case avx2
    /// AVX-512F: eight doubles a register.
    case avx512

    /// The widest variant this CPU (and operating system) runs, found once per process.
    static let best: VectorWidth = {
        switch mbgd_kernel_best() {
        case MBGDKernelAVX512: .avx512
        case MBGDKernelAVX2: .avx2
        default: .portable
        }
    }()

    var isSupported: Bool { mbgd_kernel_supported(variant) != 0 }

    var variant: MBGDKernelVariant {
        switch self {
        case .portable: MBGDKernelPortable
        case .avx2: MBGDKernelAVX2
        case .avx512: MBGDKernelAVX512
        }
    }

    /// One fused pass over `rows` rows of one output: r = x·w + c − y, g ← α·Σωr·x and
    /// g_c ← α·Σωr (added to g and g_c when `accumulate`), returning ½Σωr², ω the rows' weights or
    /// 1 when `rowWeights` is nil. X and Y may be `Double` or `Float`; the arithmetic is `Double`.
    @inline(__always)
    func fusedSingleOutput<Element: FusedElement>(
        rows: Int, p: Int, x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int, rowWeights: UnsafePointer<Double>?,
        weights w: UnsafePointer<Double>, offset: Double, alpha: Double, accumulate: Bool,
        weightGradient g: UnsafeMutablePointer<Double>, offsetGradient gc: UnsafeMutablePointer<Double>
    ) -> Double {
        Element.fused(
            variant, rows, p, x, ldx, y, ldy, rowWeights, w, offset, alpha, accumulate ? 1 : 0, g, gc)
    }

    /// Over `rows` rows with rᵢ = yᵢ − c − xᵢ·w, adds Σωᵢrᵢ to the unevaluated double-double sum
    /// `high[0] + low[0]` and Σωᵢrᵢxᵢⱼ to `high[1 + j] + low[1 + j]` (Ogita, Rump and Oishi's Dot2;
    /// rows of weight 0 skipped, ω = 1 when `rowWeights` is nil). Every variant gives the same bits.
    @inline(__always)
    func dot2Gradient(
        rows: Int, p: Int, x: UnsafePointer<Double>, ldx: Int, y: UnsafePointer<Double>, ldy: Int, rowWeights: UnsafePointer<Double>?,
        weights w: UnsafePointer<Double>, intercept c: Double, high: UnsafeMutablePointer<Double>, low: UnsafeMutablePointer<Double>
    ) {
        mbgd_dot2_gradient(variant, rows, p, x, ldx, y, ldy, rowWeights, w, c, high, low)
    }
}

/// An element type the C fused kernels read: one C entry point each.
protocol FusedElement {
    static func fused(
        _ variant: MBGDKernelVariant, _ rows: Int, _ p: Int, _ x: UnsafePointer<Self>, _ ldx: Int, _ y: UnsafePointer<Self>, _ ldy: Int,
        _ omega: UnsafePointer<Double>?, _ w: UnsafePointer<Double>, _ offset: Double, _ alpha: Double, _ accumulate: Int32,
        _ g: UnsafeMutablePointer<Double>, _ gc: UnsafeMutablePointer<Double>
    ) -> Double
}

extension Double: FusedElement {
    @inline(__always)
    static func fused(
        _ variant: MBGDKernelVariant, _ rows: Int, _ p: Int, _ x: UnsafePointer<Double>, _ ldx: Int, _ y: UnsafePointer<Double>,
        _ ldy: Int, _ omega: UnsafePointer<Double>?, _ w: UnsafePointer<Double>, _ offset: Double, _ alpha: Double,
        _ accumulate: Int32, _ g: UnsafeMutablePointer<Double>, _ gc: UnsafeMutablePointer<Double>
    ) -> Double {
        mbgd_fused_f64(variant, rows, p, x, ldx, y, ldy, omega, w, offset, alpha, accumulate, g, gc)
    }
}

extension Float: FusedElement {
    @inline(__always)
    static func fused(
        _ variant: MBGDKernelVariant, _ rows: Int, _ p: Int, _ x: UnsafePointer<Float>, _ ldx: Int, _ y: UnsafePointer<Float>,
        _ ldy: Int, _ omega: UnsafePointer<Double>?, _ w: UnsafePointer<Double>, _ offset: Double, _ alpha: Double,
        _ accumulate: Int32, _ g: UnsafeMutablePointer<Double>, _ gc: UnsafeMutablePointer<Double>
    ) -> Double {
        mbgd_fused_f32(variant, rows, p, x, ldx, y, ldy, omega, w, offset, alpha, accumulate, g, gc)
    }
}
