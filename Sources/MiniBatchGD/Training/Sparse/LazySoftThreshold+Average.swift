extension LazySoftThreshold {
    /// Adds column j's coefficients' share of the averaged steps since its last flush, u as it
    /// stands (caught up to `applied[j]`, the thresholds since pending).
    @inline(__always)
    func flushAverage(_ j: Int, _ u: UnsafePointer<Double>) {
        guard let average else { return }
        let first = average.flushedAt.base[j], last = average.count
        guard first != last else { return }
        average.flushedAt.base[j] = last
        let t0 = applied.base[j], f = factors?.base[j] ?? 1
        let totals = average.totals.base, scaleSums = average.scaleSums.base, weightedSums = average.weightedSums.base
        for o in 0..<k {
            let slot = j * k + o, w = u[slot]
            if w == 0 { continue }
            let q = slotScales?.base[slot] ?? 1
            // r: the magnitude left at T₀; step s's value max(0, r − ((Tₛ − T₀)·f)·q), as the catch-up computes it.
            let r = pulled.map { (abs(w) - (w > 0 ? $0.base[slot] : -$0.base[slot])) - f * t0 } ?? abs(w)
            guard r > 0 else { continue }
            @inline(__always) func positive(_ s: Int) -> Bool { r > ((totals[s] - t0) * f) * q }
            var end = last
            if !positive(last) {
                // The last step with a value left: positive(first) holds or stands for none left.
                var low = first, high = last
                while high - low > 1 {
                    let middle = low + (high - low) / 2
                    if positive(middle) { low = middle } else { high = middle }
                }
                end = low
            }
            guard end > first else { continue }
            let span = scaleSums[end] - scaleSums[first]
            let pulls = (weightedSums[end] - weightedSums[first]) - (t0 - average.base) * span
            let sum = r * span - (f * q) * pulls
            average.sums.base[slot] += w > 0 ? sum : -sum
        }
    }
}
