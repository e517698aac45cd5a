/// The lazy Polyak–Ruppert average of a sparse descent: without an L1 part through the running
/// sum of the scale (``SparseState``), with one through the ``ThresholdedAverage``, whose flush
/// of a column must come before anything moves its u (a step's update, a catch-up of its
/// thresholds, a rescaling).
extension SparseState {
    /// Averages the current iterate and every step's from now on (their mean replaces the last
    /// iterate), as the dense rules' averaging does.
    mutating func startAveraging() {
        averaging = true
        averagedSteps = 1
        coefficientSums.base.update(repeating: 0, count: p * k)
        interceptSums.base.update(from: c.base, count: k)
        // The current iterate a·u, flushed into the sums lazily as every other step's.
        scaleSum = a
        flushedAt.base.update(repeating: 0, count: p)
        if softThreshold != nil {
            if softThreshold!.average == nil {
                softThreshold!.average = ThresholdedAverage(features: p, outputs: k, sums: coefficientSums)
            }
            let total = softThreshold!.total
            softThreshold!.average!.reset(total: total)
            softThreshold!.average!.record(scale: a, total: total)
        }
    }

    /// Moves the iterate to the average so far and averages afresh from there (a rate halving's
    /// restart, as the dense rules' ``UpdateRule/restartAveraging(_:)``).
    mutating func restartAveraging() {
        guard let average = averagedParameters(fitIntercept: true) else { return }
        // The thresholds' sums restated for a = 1 and nothing pending, before u is replaced.
        let (coefficients, features) = (u.base, p)
        softThreshold?.settle(coefficients, features: features, scale: a)
        u.base.update(from: average.coefficients.elements, count: p * k)
        c.base.update(from: average.intercept, count: k)
        a = 1
        startAveraging()
    }

    /// The mean of the averaged steps' parameters (flushing every coefficient's sum), or nil
    /// before averaging has begun.
    func averagedParameters(fitIntercept: Bool) -> Parameters? {
        guard averaging, averagedSteps > 0 else { return nil }
        flushAll()
        let count = Double(averagedSteps)
        return Parameters(
            unchecked: Matrix(uncheckedRows: p, columns: k, elements: (0..<p * k).map { coefficientSums.base[$0] / count }),
            fitIntercept ? (0..<k).map { interceptSums.base[$0] / count } : [Double](repeating: 0, count: k))
    }

    /// Adds coefficient j's share of the averaged steps since its last flush.
    @inline(__always)
    func flush(_ j: Int) {
        // Read in place: a copy of the threshold would retain its buffers at every column.
        if softThreshold?.average != nil {
            softThreshold!.flushAverage(j, u.base)
            return
        }
        let span = scaleSum - flushedAt.base[j]
        guard span != 0 else { return }
        for o in 0..<k { coefficientSums.base[j * k + o] += u.base[j * k + o] * span }
        flushedAt.base[j] = scaleSum
    }

    /// Flushes every coefficient's sum (when averaging).
    func flushAll() {
        guard averaging else { return }
        for j in 0..<p { flush(j) }
    }

    /// β ← factor·β, as the scale a.
    mutating func shrink(by factor: Double) {
        a *= factor
        if a == 0 {
            // The shrink took every coefficient to zero exactly.
            flushAll()
            let (coefficients, features) = (u.base, p)
            softThreshold?.settle(coefficients, features: features, scale: 0)
            u.base.update(repeating: 0, count: p * k)
            a = 1
            restartThresholdedHistory()
        }
    }

    /// A step's end: its iterate joins the average, and a scale near the bottom of Double's
    /// range is folded into u before it loses digits.
    mutating func finishStep() {
        if averaging {
            if softThreshold != nil {
                // The step's iterate joins the history its columns' flushes sum over; a full
                // history is emptied first (every column flushed).
                if softThreshold!.average!.isFull {
                    flushAll()
                    restartThresholdedHistory()
                }
                let total = softThreshold!.total
                softThreshold!.average!.record(scale: a, total: total)
            } else {
                // The step's iterate a·u joins every coefficient's sum through A.
                scaleSum += a
            }
            for o in 0..<k { interceptSums.base[o] += c.base[o] }
            averagedSteps += 1
        }
        if abs(a) < 0x1p-500 {
            flushAll()
            let (coefficients, features) = (u.base, p)
            softThreshold?.settle(coefficients, features: features, scale: a)
            for j in 0..<p * k { u.base[j] *= a }
            a = 1
            restartThresholdedHistory()
        }
    }

    /// Empties the thresholded average's history (every column flushed before), which a
    /// rescaling of u or of the thresholds' sums would leave in other units.
    private mutating func restartThresholdedHistory() {
        guard averaging, softThreshold != nil else { return }
        let total = softThreshold!.total
        softThreshold!.average!.reset(total: total)
    }
}
