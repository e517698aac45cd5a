/// The arithmetic of a linear model on one block of rows, over raw pointers.
///
/// Everything that computes a hypothesis, a residual, a cost or a gradient (the public
/// ``Objective`` functions, the trainer's inner loop, the closed form's statistics) goes
/// through these few functions, so there is one code path to test. Nothing here allocates.
///
/// Shapes: X is `rows×p` (leading dimension `ldx`, p unless X is a run of columns of a wider
/// row, as in a mapped file), Y is `rows×k` (leading dimension `ldy`), R is `rows×k` (dense), W
/// is `p×k`, c has `k` entries. One output (`k == 1`) uses `dgemv`; several use `dgemm`.
enum LinearKernel {
    /// R ← X·W + 1·cᵀ − Y (the residual of the hypothesis; W the `coefficients`, c the `intercept`),
    /// or X·W + 1·cᵀ when `y` is nil.
    @inline(__always)
    static func residual(
        rows: Int, p: Int, k: Int, x: UnsafePointer<Double>, ldx: Int? = nil, y: UnsafePointer<Double>?, ldy: Int? = nil,
        coefficients: UnsafePointer<Double>, intercept: UnsafePointer<Double>,
        into r: UnsafeMutablePointer<Double>
    ) {
        let ldx = ldx ?? p, ldy = ldy ?? k
        // Seed R with c − y so one BLAS call with β = 1 finishes the job.
        if k == 1 {
            let c = intercept[0]
            if let y { for i in 0..<rows { r[i] = c - y[i * ldy] } } else { r.update(repeating: c, count: rows) }
            BLAS.gemv(transpose: false, m: rows, n: p, alpha: 1, a: x, lda: ldx, x: coefficients, beta: 1, y: r)
        } else {
            for i in 0..<rows {
                let row = i * k, source = i * ldy
                for o in 0..<k { r[row + o] = intercept[o] - (y?[source + o] ?? 0) }
            }
            BLAS.gemm(
                transposeA: false, transposeB: false, m: rows, n: k, k: p, alpha: 1,
                a: x, lda: ldx, b: coefficients, ldb: k, beta: 1, c: r, ldc: k)
        }
    }

    /// ½‖R‖² over `count` residuals.
    @inline(__always)
    static func halfSquaredNorm(_ count: Int, _ r: UnsafePointer<Double>) -> Double {
        0.5 * BLAS.dot(count, r, 1, r, 1)
    }

    /// ½·Σᵢ wᵢ‖rᵢ‖² over `rows` rows of k residuals.
    @inline(__always)
    static func weightedHalfSquaredNorm(rows: Int, k: Int, _ r: UnsafePointer<Double>, rowWeights w: UnsafePointer<Double>) -> Double {
        var sum = 0.0
        if k == 1 {
            for i in 0..<rows { sum += w[i] * r[i] * r[i] }
        } else {
            for i in 0..<rows {
                var row = 0.0
                for o in 0..<k { row += r[i * k + o] * r[i * k + o] }
                sum += w[i] * row
            }
        }
        return 0.5 * sum
    }

    /// rᵢ ← wᵢ·rᵢ for each of `rows` rows of k residuals: the residual whose gradient
    /// (``gradient(rows:p:k:x:residual:alpha:beta:weightGradient:offsetGradient:)``) is that of ½·Σwᵢ‖rᵢ‖².
    @inline(__always)
    static func weightResiduals(rows: Int, k: Int, _ r: UnsafeMutablePointer<Double>, rowWeights w: UnsafePointer<Double>) {
        if k == 1 {
            for i in 0..<rows { r[i] *= w[i] }
        } else {
            for i in 0..<rows { for o in 0..<k { r[i * k + o] *= w[i] } }
        }
    }

    /// G ← β·G + α·XᵀR and g_c ← β·g_c + α·1ᵀR (the gradient of ½‖R‖² with respect to W and c).
    @inline(__always)
    static func gradient(
        rows: Int, p: Int, k: Int, x: UnsafePointer<Double>, ldx: Int? = nil, residual r: UnsafePointer<Double>,
        alpha: Double, beta: Double,
        weightGradient g: UnsafeMutablePointer<Double>, offsetGradient gc: UnsafeMutablePointer<Double>
    ) {
        let ldx = ldx ?? p
        if k == 1 {
            BLAS.gemv(transpose: true, m: rows, n: p, alpha: alpha, a: x, lda: ldx, x: r, beta: beta, y: g)
            var sum = 0.0
            for i in 0..<rows { sum += r[i] }
            gc[0] = beta * gc[0] + alpha * sum
        } else {
            BLAS.gemm(
                transposeA: true, transposeB: false, m: p, n: k, k: rows, alpha: alpha,
                a: x, lda: ldx, b: r, ldb: k, beta: beta, c: g, ldc: k)
            for o in 0..<k { gc[o] *= beta }
            for i in 0..<rows {
                let row = i * k
                for o in 0..<k { gc[o] += alpha * r[row + o] }
            }
        }
    }

    /// Σᵢ ωᵢ·Σₒ ℓ(rᵢₒ) over `rows` rows of k residuals, each rᵢₒ then replaced by ωᵢ·ℓ′(rᵢₒ): the
    /// residual whose ``gradient(rows:p:k:x:ldx:residual:alpha:beta:weightGradient:offsetGradient:)``
    /// is the loss's (ω = 1 when `weights` is nil). A loss other than the squared one, called once
    /// per residual.
    static func applyLoss<L: Loss>(_ loss: L, rows: Int, k: Int, _ r: UnsafeMutablePointer<Double>, rowWeights w: UnsafePointer<Double>?)
        -> Double
    {
        var sum = 0.0
        for i in 0..<rows {
            let omega = w?[i] ?? 1
            for o in 0..<k {
                let residual = r[i * k + o]
                sum += omega * loss.value(residual)
                r[i * k + o] = omega * loss.derivative(residual)
            }
        }
        return sum
    }

    /// Adds Σᵢ ωᵢ·ℓ(rᵢₒ) per output over `rows` rows of k residuals into `sums` (ω = 1 when
    /// `weights` is nil).
    static func addLoss<L: Loss>(
        _ loss: L, rows: Int, k: Int, _ r: UnsafePointer<Double>, rowWeights w: UnsafePointer<Double>?,
        into sums: UnsafeMutablePointer<Double>
    ) {
        for o in 0..<k {
            var sum = 0.0
            for i in 0..<rows { sum += (w?[i] ?? 1) * loss.value(r[i * k + o]) }
            sums[o] += sum
        }
    }

    /// ½‖X·W + 1·cᵀ − Y‖² per output over all rows (½·Σᵢ wᵢ·rᵢₒ² with row weights; Σᵢ wᵢ·ℓ(rᵢₒ)
    /// with a `loss`), computed in blocks of `scratchRows` rows through `scratch` (at least
    /// `scratchRows × k` elements), added into `sums` (k entries).
    static func halfSquaredResiduals(
        rows: Int, p: Int, k: Int, x: UnsafePointer<Double>, ldx: Int, y: UnsafePointer<Double>, ldy: Int,
        coefficients: UnsafePointer<Double>, intercept: UnsafePointer<Double>, rowWeights: UnsafePointer<Double>? = nil,
        loss: (any Loss)? = nil, scratch: UnsafeMutablePointer<Double>, scratchRows: Int,
        into sums: UnsafeMutablePointer<Double>
    ) {
        var start = 0
        while start < rows {
            let count = min(scratchRows, rows - start)
            residual(
                rows: count, p: p, k: k, x: x + start * ldx, ldx: ldx, y: y + start * ldy, ldy: ldy, coefficients: coefficients,
                intercept: intercept, into: scratch)
            if let loss {
                addAnyLoss(loss, rows: count, k: k, scratch, rowWeights: rowWeights.map { $0 + start }, into: sums)
            } else if let rowWeights {
                let w = rowWeights + start
                for o in 0..<k {
                    var sum = 0.0
                    for i in 0..<count { sum += w[i] * scratch[i * k + o] * scratch[i * k + o] }
                    sums[o] += 0.5 * sum
                }
            } else if k == 1 {
                sums[0] += halfSquaredNorm(count, scratch)
            } else {
                for o in 0..<k { sums[o] += 0.5 * BLAS.dot(count, scratch + o, k, scratch + o, k) }
            }
            start += count
        }
    }

    /// One pass over the rows for a single output: r = x·w + c − y, then g ← α·Σ ωr·x and
    /// g_c ← α·Σ ωr (added to g and g_c instead when `accumulate`), returning ½Σωr², with ω the
    /// rows' weights (1 for ``Unweighted``, where the multiplications fold away). For few features this beats two BLAS-2 calls, whose fixed
    /// cost per call dominates a small batch; ``Kernel/automatic`` chooses it there. Eight
    /// features or more go to the vector variants in C instead (``VectorWidth``).
    @inline(__always)
    static func fusedSingleOutput<Element: BLASScalar, Weighting: RowWeighting>(
        rows: Int, p: Int, x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int, rowWeights omega: Weighting,
        coefficients w: UnsafePointer<Double>, intercept offset: Double, alpha: Double, accumulate: Bool = false,
        weightGradient g: UnsafeMutablePointer<Double>, offsetGradient gc: UnsafeMutablePointer<Double>
    ) -> Double {
        let keep = accumulate ? 1.0 : 0.0
        var squares = 0.0, sum = 0.0
        if p == 1 {
            let w0 = w[0]
            var g0 = 0.0
            for i in 0..<rows {
                let xi = Double(x[i * ldx]), r = offset + xi * w0 - Double(y[i * ldy]), weighted = omega[i] * r
                squares += weighted * r
                sum += weighted
                g0 += weighted * xi
            }
            g[0] = keep * g[0] + alpha * g0
        } else {
            if !accumulate { g.update(repeating: 0, count: p) }
            for i in 0..<rows {
                let row = x + i * ldx
                var h = offset
                for j in 0..<p { h += Double(row[j]) * w[j] }
                let r = h - Double(y[i * ldy]), weighted = omega[i] * r
                squares += weighted * r
                sum += weighted
                let scaled = alpha * weighted
                for j in 0..<p { g[j] += scaled * Double(row[j]) }
            }
        }
        gc[0] = keep * gc[0] + alpha * sum
        return 0.5 * squares
    }
}

/// The weights of a run of rows, as the fused kernels read them: ``Unweighted`` (every row 1, a
/// constant the compiler folds away) or ``RowWeights`` (one value per row from memory).
protocol RowWeighting {
    subscript(_ row: Int) -> Double { get }
}

/// Every row weighs 1.
struct Unweighted: RowWeighting {
    @inline(__always) subscript(_ row: Int) -> Double { 1 }
}

/// Row i weighs `base[i]`.
struct RowWeights: RowWeighting {
    let base: UnsafePointer<Double>
    @inline(__always) subscript(_ row: Int) -> Double { base[row] }
}
