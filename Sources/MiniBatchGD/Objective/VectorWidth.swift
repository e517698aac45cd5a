import CKernels

/// The instruction sets the fused kernels are compiled for (`Sources/CKernels`), widest last,
/// and the widest one's source compiled for the baseline, which the tests run everywhere.
///
/// One binary carries every variant, each compiled with its own target attribute, and a fit
/// takes the widest this CPU runs (``best``): the package sets no `-march` flag, which a
/// dependency cannot. Variants differ in the order of their additions (and AVX2 and AVX-512
/// fuse multiply-adds), so their results agree to rounding, not bit for bit; within a process
/// every thread runs the same variant, so thread counts still give the same bits.
enum VectorWidth: Sendable {
    /// The architecture's baseline (SSE2 on x86-64, NEON on arm64).
    case portable
    /// AVX2 with FMA: four doubles a register.
    case avx2
    /// AVX-512F: eight doubles a register.
    case avx512
    /// The AVX-512 variant's source compiled for the baseline: never ``best``, but every CPU runs
    /// it, so the eight-lane code (its chunks and tails) is tested on CPUs without AVX-512.
    case portableEightLanes

    /// The instruction sets, widest last.
    static let instructionSets: [VectorWidth] = [.portable, .avx2, .avx512]

    /// Every variant the tests run where supported: the instruction sets and the eight-lane source
    /// on the baseline.
    static let tested: [VectorWidth] = instructionSets + [.portableEightLanes]

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
        case .portableEightLanes: MBGDKernelPortableEightLanes
        }
    }

    /// Bytes ahead of its reads that the fused kernel asks for rows of a pass over `bytes` bytes:
    /// ``streamingReadAhead`` when the rows cannot stay in the last-level cache between passes
    /// (more than half of it), 0 when they can and the requests would only cost instructions.
    static func readAhead(passingOver bytes: Int, cacheBytes: Int? = Cores.lastLevelCacheBytes) -> Int {
        bytes > (cacheBytes ?? 32 << 20) / 2 ? streamingReadAhead : 0
    }

    /// How far ahead rows streamed from memory are asked for: about a microsecond of reading.
    /// Measured on the AMD EPYC (AVX2), 2026-11-30: 2, 4, 8 and 16 KiB all did as well, within
    /// the noise.
    static let streamingReadAhead = 4096

    /// mₑ ← rate·mₑ/(√vₑ + ε) for e < `count`: the adaptive rules' changes on sparse rows
    /// (``LazyRule``). Every variant gives the bits of that expression in Swift.
    @inline(__always)
    func adaptiveChanges(
        count: Int, numerators m: UnsafeMutablePointer<Double>, squares v: UnsafePointer<Double>, rate: Double, epsilon: Double
    ) {
        mbgd_adaptive_changes(variant, count, m, v, rate, epsilon)
    }

    /// The ridge path's per-row terms of one target over `rows` rows (``RidgePath``'s score pass):
    /// from the rows' projections q (rows×r), centred targets t, weights (nil: 1),
    /// d = 1/(λⱼ + αₐ) and b = cⱼ/(λⱼ + αₐ) (both r×m) and the intercept's leverage c, writes
    /// wᵢrᵢₐ²/(1 − wᵢ(hᵢₐ + c))² into `leaveOneOut` and wᵢrᵢₐ² into `squares` (rows×m, zeros
    /// for rows of weight ≤ 0), adds their sums over the rows to the m-wide sums, and returns the
    /// rows of positive weight. hᵢₐ and the fitted values are one chain of multiply-adds each in
    /// j order: every variant gives the same bits.
    @inline(__always)
    func ridgeTerms(
        rows: Int, r: Int, m: Int, projections q: UnsafePointer<Double>, targets t: UnsafePointer<Double>,
        weights w: UnsafePointer<Double>?, inverse d: UnsafePointer<Double>, scaled b: UnsafePointer<Double>, interceptLeverage c: Double,
        leaveOneOut: UnsafeMutablePointer<Double>, squares: UnsafeMutablePointer<Double>, leaveOneOutSums: UnsafeMutablePointer<Double>,
        residualSums: UnsafeMutablePointer<Double>
    ) -> Int {
        mbgd_ridge_terms(variant, rows, r, m, q, t, w, d, b, c, leaveOneOut, squares, leaveOneOutSums, residualSums)
    }

    /// One fused pass over `rows` rows of one output: r = x·w + c − y, g ← α·Σωr·x and
    /// g_c ← α·Σωr (added to g and g_c when `accumulate`), returning ½Σωr², ω the rows' weights or
    /// 1 when `rowWeights` is nil. X and Y may be `Double` or `Float`; the arithmetic is `Double`,
    /// and the same steps for both (Float rows give the bits of the same values as Double rows).
    /// `readAhead`: bytes ahead of its reads the kernel asks for rows (``readAhead(passingOver:cacheBytes:)``);
    /// it changes the speed, never the result.
    @inline(__always)
    func fusedSingleOutput<Element: BLASScalar>(
        rows: Int, p: Int, x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int, rowWeights: UnsafePointer<Double>?,
        coefficients w: UnsafePointer<Double>, intercept: Double, alpha: Double, accumulate: Bool,
        weightGradient g: UnsafeMutablePointer<Double>, offsetGradient gc: UnsafeMutablePointer<Double>, readAhead: Int = 0
    ) -> Double {
        // One C entry point per element type, chosen by its conformance (Double+BLASScalar.swift).
        Element._fusedSingleOutput(
            variant: variant.rawValue, rows: rows, p: p, x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: rowWeights, coefficients: w,
            intercept: intercept,
            alpha: alpha, accumulate: accumulate, weightGradient: g, offsetGradient: gc, readAhead: readAhead)
    }

    /// One fused pass over `rows` rows of one output for `loss` (Huber, epsilon-insensitive, squared
    /// epsilon-insensitive or quantile): r = x·w + c − y, g ← α·Σωℓ′(r)·x and g_c ← α·Σωℓ′(r)
    /// (added to g and g_c when `accumulate`), returning Σωℓ(r); arguments as
    /// ``fusedSingleOutput(rows:p:x:ldx:y:ldy:rowWeights:coefficients:intercept:alpha:accumulate:weightGradient:offsetGradient:readAhead:)``.
    /// Unlike that kernel, every variant gives the same bits (the same additions in the same
    /// order, no fused multiply-adds), and ℓ, ℓ′ of each residual are the loss type's own bits.
    @inline(__always)
    func fusedLoss<Element: BLASScalar>(
        _ loss: FusedLoss, rows: Int, p: Int, x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int,
        rowWeights: UnsafePointer<Double>?, coefficients w: UnsafePointer<Double>, intercept: Double, alpha: Double, accumulate: Bool,
        weightGradient g: UnsafeMutablePointer<Double>, offsetGradient gc: UnsafeMutablePointer<Double>, readAhead: Int = 0
    ) -> Double {
        Element._fusedLoss(
            variant: variant.rawValue, loss: loss.code.rawValue, parameter: loss.parameter, rows: rows, p: p, x: x, ldx: ldx, y: y,
            ldy: ldy,
            rowWeights: rowWeights, coefficients: w, intercept: intercept, alpha: alpha, accumulate: accumulate, weightGradient: g,
            offsetGradient: gc, readAhead: readAhead)
    }

    /// Over `rows` rows with rᵢ = yᵢ − c − xᵢ·w, adds Σωᵢrᵢ to the unevaluated double-double sum
    /// `high[0] + low[0]` and Σωᵢrᵢxᵢⱼ to `high[1 + j] + low[1 + j]` (Ogita, Rump and Oishi's Dot2;
    /// rows of weight 0 skipped, ω = 1 when `rowWeights` is nil). Every variant gives the same bits.
    @inline(__always)
    func dot2Gradient<Element: BLASScalar>(
        rows: Int, p: Int, x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int, rowWeights: UnsafePointer<Double>?,
        coefficients w: UnsafePointer<Double>, intercept c: Double, high: UnsafeMutablePointer<Double>, low: UnsafeMutablePointer<Double>
    ) {
        Element._dot2Gradient(
            variant: variant.rawValue, rows: rows, p: p, x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: rowWeights, coefficients: w,
            intercept: c,
            high: high, low: low)
    }
}
