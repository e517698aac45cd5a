/// The cost and gradient of a set of rows (a batch, a block, a shard) at given parameters: the
/// only caller of the ``LinearKernel`` functions during training.
///
/// It knows nothing of update rules or of which rows form a batch: callers hand it contiguous
/// runs of rows and a caller-owned gradient vector, so a thread, an MPI rank or a memory-mapped
/// file can each evaluate their own rows and sum the results.
///
/// Parameters and gradients are flat vectors in the coordinates descent runs in: the p×k
/// coefficients (row-major) followed by the k intercepts. Standardization is folded into the
/// arithmetic instead of into a copy of X: with z = (x − μ)/σ, the model zᵀθ + b equals
/// xᵀW + c for W = θ/σ and c = b − μᵀW, and the gradient in z-coordinates is
/// (Xᵀr − μ·1ᵀr)/σ. Each evaluation therefore runs its kernel on the original rows plus O(p·k)
/// work, and X is never copied.
///
/// Row weights ωᵢ (weighted least squares) make the cost ½Σωᵢ‖rᵢ‖² and its gradient Σωᵢ·rᵢ·xᵢ:
/// callers pass the weights of each run of rows beside its X and Y, nil when unweighted.
///
/// Use: ``prepare(_:)`` once per set of parameters, ``addRows(x:y:rowWeights:count:alpha:into:accumulate:)``
/// for each run of rows, ``finish(_:)`` once on the summed gradient.
final class BatchGradient {
    let p: Int, k: Int
    /// p·k + k: the length of a parameter or gradient vector.
    let parameterCount: Int
    let fitIntercept: Bool
    /// Whether batches of the fit's size use the fused single-pass kernel.
    let fused: Bool
    /// The fused kernel's variant for 8 features or more (fewer run a scalar loop in Swift).
    let vectorWidth: VectorWidth
    /// Bytes ahead of its reads the fused kernel asks for rows (0 for rows that stay in cache).
    let readAhead: Int
    /// Rows per cache-sized block of a large batch (about 256 KiB of X).
    let blockRows: Int
    /// Rows per block of a whole-data evaluation (fits the residual scratch).
    let evaluationRows: Int
    let standardizes: Bool
    /// A loss other than the squared one (nil: the squared loss, whose kernels are fused).
    let loss: (any Loss)?
    /// `loss` as the fused loss kernel computes it (nil: squares, or a loss of the caller's own type,
    /// which goes through the generic kernel).
    let fusedLoss: FusedLoss?
    // Owners of the scratch memory, and raw views of it: the per-batch calls touch raw
    // pointers only, so the batch loop does no reference counting.
    private let owners: [Buffer<Double>]
    private let mean: UnsafeMutablePointer<Double>, inverseScale: UnsafeMutablePointer<Double>
    private let rawParameters: UnsafeMutablePointer<Double>
    private let residual: UnsafeMutablePointer<Double>
    private let costPerOutput: UnsafeMutablePointer<Double>
    /// Float rows widened for the BLAS path, a block at a time (`evaluationRows` rows of X and of Y).
    private let wideX: UnsafeMutablePointer<Double>, wideY: UnsafeMutablePointer<Double>
    /// ``evaluationRows`` rows gathered from columns (made with `columnar`).
    private let gathered: UnsafeMutablePointer<Double>?
    /// Original-unit coefficients W and intercepts c of the last ``prepare(_:)``.
    private var coefficients: UnsafePointer<Double>
    private var intercept: UnsafePointer<Double>

    /// - Parameters:
    ///   - standardizer: the map to descent coordinates, or nil to descend in original units.
    ///   - batchRows: the largest run of rows one batch hands in.
    ///   - evaluationLimit: the row count of whole-data evaluations (sizes the residual scratch).
    ///   - rowsOf: the rows' element type (`Float` rows need room to be widened for BLAS).
    ///   - loss: a loss other than the squared one, through the generic kernel; nil for squares.
    ///   - readAhead: bytes ahead of its reads the fused kernel asks for rows
    ///     (``VectorWidth/readAhead(passingOver:cacheBytes:)`` of the data an epoch passes over).
    init(
        features p: Int, outputs k: Int, fitIntercept: Bool, standardizer: Standardizer?, kernel: Kernel,
        batchRows: Int, evaluationLimit: Int, rowsOf element: (some BLASScalar).Type = Double.self, loss: (any Loss)? = nil,
        vectorWidth: VectorWidth = .best, readAhead: Int = 0, columnar: Bool = false
    ) {
        self.vectorWidth = vectorWidth
        self.readAhead = readAhead
        self.p = p
        self.k = k
        parameterCount = p * k + k
        self.fitIntercept = fitIntercept
        self.loss = loss
        fusedLoss = loss.flatMap(FusedLoss.init)
        fused = (loss == nil || fusedLoss != nil) && kernel.usesFused(features: p, outputs: k, batchRows: batchRows)
        blockRows = Swift.max(16, (256 * 1024) / (8 * (p + k)))
        evaluationRows = Swift.max(Swift.min(batchRows, blockRows), Swift.min(evaluationLimit, 4096))
        standardizes = standardizer != nil
        let owners =
            [
                Buffer(repeating: 0, count: evaluationRows * k), Buffer(repeating: 0, count: k),
                Buffer(standardizer?.mean ?? []), Buffer(standardizer?.scale.map { 1 / $0 } ?? []),
                Buffer(repeating: 0, count: parameterCount),
                Buffer(repeating: 0, count: element.isReadInPlaceAsDouble ? 0 : evaluationRows * p),
                Buffer(repeating: 0, count: element.isReadInPlaceAsDouble ? 0 : evaluationRows * k),
            ]
            // Rows of the rows' own type (a Double holds a Float) gathered from columns: made
            // only for them, so that rows with strides allocate (and align) what they always have.
            + (columnar ? [Buffer(repeating: 0, count: evaluationRows * (p + k))] : [])
        self.owners = owners
        residual = owners[0].base
        costPerOutput = owners[1].base
        mean = owners[2].base
        inverseScale = owners[3].base
        rawParameters = owners[4].base
        wideX = owners[5].base
        wideY = owners[6].base
        gathered = columnar ? owners[7].base : nil
        coefficients = UnsafePointer(rawParameters)
        intercept = UnsafePointer(rawParameters + p * k)
    }

    /// Takes the parameters θ (descent coordinates) that the next evaluations use.
    @inline(__always)
    func prepare(_ parameters: UnsafePointer<Double>) {
        guard standardizes else {
            coefficients = parameters
            intercept = parameters + p * k
            return
        }
        let raw = rawParameters, c = raw + p * k
        for o in 0..<k { c[o] = parameters[p * k + o] }
        for j in 0..<p {
            let inverse = inverseScale[j], m = mean[j]
            for o in 0..<k {
                let value = parameters[j * k + o] * inverse
                raw[j * k + o] = value
                c[o] -= m * value
            }
        }
        coefficients = UnsafePointer(raw)
        intercept = UnsafePointer(c)
    }

    /// Adds α·(gradient of ½Σωᵢ‖rᵢ‖² over `count` rows) to `gradient` (or stores it, when
    /// `accumulate` is false), in original-unit coordinates until ``finish(_:)``; returns
    /// ½Σωᵢ‖rᵢ‖² (ω = 1 when `rowWeights` is nil). Row i's features are at `x + i·ldx`, its
    /// targets at `y + i·ldy`. With a ``loss``, the gradient and cost are Σωᵢℓ(rᵢ)'s: in the fused
    /// loss kernel for the package's losses, through the generic kernel for a caller's own.
    /// The BLAS path works in blocks of ``blockRows`` rows so each block is still in cache when
    /// its gradient reads it back: X is read from memory once.
    @inline(__always)
    func addRows<Element: BLASScalar>(
        x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int, rowWeights: UnsafePointer<Double>?, count rows: Int,
        alpha: Double, into gradient: UnsafeMutablePointer<Double>, accumulate: Bool
    ) -> Double {
        if fused {
            if let fusedLoss {
                return vectorWidth.fusedLoss(
                    fusedLoss, rows: rows, p: p, x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: rowWeights, coefficients: coefficients,
                    intercept: intercept[0], alpha: alpha, accumulate: accumulate, weightGradient: gradient, offsetGradient: gradient + p,
                    readAhead: readAhead)
            }
            if p >= 8 {
                return vectorWidth.fusedSingleOutput(
                    rows: rows, p: p, x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: rowWeights, coefficients: coefficients,
                    intercept: intercept[0],
                    alpha: alpha, accumulate: accumulate, weightGradient: gradient, offsetGradient: gradient + p, readAhead: readAhead)
            }
            if let rowWeights {
                return addRowsFused(
                    x: x, ldx: ldx, y: y, ldy: ldy, RowWeights(base: rowWeights), count: rows, alpha: alpha, into: gradient,
                    accumulate: accumulate)
            }
            return addRowsFused(
                x: x, ldx: ldx, y: y, ldy: ldy, Unweighted(), count: rows, alpha: alpha, into: gradient, accumulate: accumulate)
        }
        return addRowsByBLAS(
            x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: rowWeights, count: rows, alpha: alpha, into: gradient, accumulate: accumulate)
    }

    @inline(__always)
    private func addRowsFused<Element: BLASScalar, Weighting: RowWeighting>(
        x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int, _ rowWeights: Weighting, count rows: Int,
        alpha: Double, into gradient: UnsafeMutablePointer<Double>, accumulate: Bool
    ) -> Double {
        let weightGradient = gradient, offsetGradient = gradient + p * k
        return LinearKernel.fusedSingleOutput(
            rows: rows, p: p, x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: rowWeights, coefficients: coefficients, intercept: intercept[0],
            alpha: alpha, accumulate: accumulate, weightGradient: weightGradient, offsetGradient: offsetGradient)
    }

    /// ``addRows(x:ldx:y:ldy:rowWeights:count:alpha:into:accumulate:)`` by two BLAS-2 calls per cache-sized block:
    /// kept out of line so the fused path stays small enough to inline into the batch loop.
    @inline(never)
    private func addRowsByBLAS<Element: BLASScalar>(
        x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int, rowWeights: UnsafePointer<Double>?, count rows: Int,
        alpha: Double, into gradient: UnsafeMutablePointer<Double>, accumulate: Bool
    ) -> Double {
        let weightGradient = gradient, offsetGradient = gradient + p * k
        var halfSquares = 0.0
        var start = 0
        let r = residual
        while start < rows {
            let count = Swift.min(Swift.min(blockRows, evaluationRows), rows - start)
            let (x, ldx, y, ldy) = asDouble(x: x + start * ldx, ldx: ldx, y: y + start * ldy, ldy: ldy, rows: count)
            LinearKernel.residual(
                rows: count, p: p, k: k, x: x, ldx: ldx, y: y, ldy: ldy, coefficients: coefficients, intercept: intercept, into: r)
            if let loss {
                halfSquares += LinearKernel.applyAnyLoss(loss, rows: count, k: k, r, rowWeights: rowWeights.map { $0 + start })
            } else if let rowWeights {
                halfSquares += LinearKernel.weightedHalfSquaredNorm(rows: count, k: k, r, rowWeights: rowWeights + start)
                LinearKernel.weightResiduals(rows: count, k: k, r, rowWeights: rowWeights + start)
            } else {
                halfSquares += LinearKernel.halfSquaredNorm(count * k, r)
            }
            LinearKernel.gradient(
                rows: count, p: p, k: k, x: x, ldx: ldx, residual: r, alpha: alpha,
                beta: start == 0 && !accumulate ? 0 : 1, weightGradient: weightGradient, offsetGradient: offsetGradient)
            start += count
        }
        return halfSquares
    }

    /// `rows` rows of X and Y as `Double` with their strides: in place for `Double` rows, else
    /// widened into the scratch (at most ``evaluationRows`` rows).
    @inline(__always)
    private func asDouble<Element: BLASScalar>(
        x: UnsafePointer<Element>, ldx: Int, y: UnsafePointer<Element>, ldy: Int, rows: Int
    ) -> (UnsafePointer<Double>, Int, UnsafePointer<Double>, Int) {
        precondition(Element.isReadInPlaceAsDouble || rows <= evaluationRows, "more Float rows than the widening scratch holds")
        // The pointers stay valid after the call: they are the rows themselves or this object's scratch.
        return Rows(count: rows, featureCount: p, outputCount: k, x: x, xStride: ldx, y: y, yStride: ldy)
            .withDoubleRows(from: 0, rows: rows, scratchX: wideX, scratchY: wideY) { ($0, $1, $2, $3) }
    }

    /// Turns a summed gradient with respect to (W, c) into the gradient with respect to the
    /// descent coordinates, with a zero intercept gradient for a model without intercept.
    @inline(__always)
    func finish(_ gradient: UnsafeMutablePointer<Double>) {
        let offsetGradient = gradient + p * k
        if standardizes {
            for j in 0..<p {
                let inverse = inverseScale[j], m = mean[j]
                for o in 0..<k { gradient[j * k + o] = (gradient[j * k + o] - m * offsetGradient[o]) * inverse }
            }
        }
        if !fitIntercept { offsetGradient.update(repeating: 0, count: k) }
    }

    /// ½Σωᵢ‖rᵢ‖² over `data`'s rows at the prepared parameters, summed over outputs (one BLAS-2 pass
    /// per block through the residual scratch).
    // Called from the worker pool's chunks, where the optimizer left it generic: made for both
    // element types here so the whole-data passes never run the generic body.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    func halfSquaredResiduals<Element: BLASScalar>(_ data: Rows<Element>, rowWeights: UnsafePointer<Double>?) -> Double {
        costPerOutput.update(repeating: 0, count: k)
        var start = 0
        if data.isColumnar {
            // A block of evaluationRows rows per call: the kernel's own blocks, so the same sums.
            while start < data.count {
                let count = Swift.min(evaluationRows, data.count - start)
                withGathered(data, from: start, rows: count) { x, ldx, y, ldy in
                    let (x, ldx, y, ldy) = asDouble(x: x, ldx: ldx, y: y, ldy: ldy, rows: count)
                    LinearKernel.halfSquaredResiduals(
                        rows: count, p: p, k: k, x: x, ldx: ldx, y: y, ldy: ldy, coefficients: coefficients, intercept: intercept,
                        rowWeights: rowWeights.map { $0 + start }, loss: loss, scratch: residual, scratchRows: evaluationRows,
                        into: costPerOutput)
                }
                start += count
            }
        } else {
            repeat {
                // Double rows in one call (its own blocks); Float rows a widened block at a time.
                let count = Element.isReadInPlaceAsDouble ? data.count : Swift.min(evaluationRows, data.count - start)
                let (x, ldx, y, ldy) = asDouble(
                    x: data.x + start * data.xStride, ldx: data.xStride, y: data.y + start * data.yStride, ldy: data.yStride, rows: count)
                LinearKernel.halfSquaredResiduals(
                    rows: count, p: p, k: k, x: x, ldx: ldx, y: y, ldy: ldy, coefficients: coefficients, intercept: intercept,
                    rowWeights: rowWeights.map { $0 + start }, loss: loss, scratch: residual, scratchRows: evaluationRows,
                    into: costPerOutput)
                start += count
            } while start < data.count
        }
        var total = 0.0
        for o in 0..<k { total += costPerOutput[o] }
        return total
    }

    /// ½Σωᵢ‖rᵢ‖² and the finished gradient (scaled by `alpha`) over all of `data`'s rows, in blocks.
    // Called from the worker pool's chunks, where the optimizer left it generic: made for both
    // element types here so the whole-data passes never run the generic body.
    @_specialize(where Element == Double)
    @_specialize(where Element == Float)
    func halfSquaresAndGradient<Element: BLASScalar>(
        _ data: Rows<Element>, rowWeights: UnsafePointer<Double>?, alpha: Double, into gradient: UnsafeMutablePointer<Double>
    ) -> Double {
        var halfSquares = 0.0, start = 0
        let rows = data.count
        gradient.update(repeating: 0, count: parameterCount)
        while start < rows {
            let count = Swift.min(evaluationRows, rows - start)
            halfSquares += withGathered(data, from: start, rows: count) { x, ldx, y, ldy in
                addRows(
                    x: x, ldx: ldx, y: y, ldy: ldy, rowWeights: rowWeights.map { $0 + start }, count: count, alpha: alpha, into: gradient,
                    accumulate: true)
            }
            start += count
        }
        finish(gradient)
        return halfSquares
    }

    /// `body` with rows `start..<start + count` (at most ``evaluationRows``) of `data` in their own
    /// type: in place with their strides, or gathered from columns (made with `columnar`; strides p and k).
    @inline(__always)
    private func withGathered<Element: BLASScalar, Result>(
        _ data: Rows<Element>, from start: Int, rows count: Int,
        _ body: (UnsafePointer<Element>, Int, UnsafePointer<Element>, Int) -> Result
    ) -> Result {
        precondition(!data.isColumnar || (gathered != nil && count <= evaluationRows), "columnar rows without room to gather them")
        // Rows with strides are read in place: the scratch passed is never written.
        let room = UnsafeMutableRawPointer(gathered ?? residual).assumingMemoryBound(to: Element.self)
        return data.withBlock(from: start, rows: count, scratchX: room, scratchY: room + count * p, body)
    }
}
