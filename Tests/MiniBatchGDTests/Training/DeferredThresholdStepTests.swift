import Testing

@testable import MiniBatchGD

/// The plain sparse step with an L1 part leaves its own threshold on the batch's columns to
/// their next catch-up (one clamp a touch), and a batch touching most columns catches every
/// column up in order: both against the eager descent written out here on β itself (every
/// coefficient thresholded, or pulled, right after every update), to rounding, with the same
/// exact zeros; for one output and three, with and without per-column factors, with and
/// without an L2 shrink, at batch 1, 5 and 48 (the lazy and the every-column catch-up).
@Suite struct DeferredThresholdStepTests {
    static let p = 40, n = 48

    /// CSR rows of 2 to 8 entries at random columns (values in ±2) and n×k targets.
    struct Rows {
        var starts = [0], columns: [Int32] = [], values: [Double] = [], targets: [Double] = []
    }

    static func rows(outputs k: Int, seed: UInt64) -> Rows {
        var generator = RandomSource(seed: seed), rows = Rows()
        for _ in 0..<n {
            let count = 2 + Int(generator.nextUniform() * 7)
            let columns = Set((0..<count).map { _ in Int(generator.nextUniform() * Double(p)) }).sorted()
            for j in columns {
                rows.columns.append(Int32(j))
                rows.values.append(generator.nextUniform() * 4 - 2)
            }
            rows.starts.append(rows.columns.count)
            for o in 0..<k { rows.targets.append(Double(o) - 0.5 + (generator.nextUniform() * 2 - 1)) }
        }
        return rows
    }

    /// The eager descent on β (p×k) and c, as the dense prox and Tsuruoka et al.'s penalty
    /// define it: the residuals at β, β ← ρβ, the gradient step, then every coefficient
    /// soft-thresholded by τ·fⱼ or pulled toward zero by its earned total less its pulls (the
    /// totals shrinking with β).
    struct Eager {
        let k: Int, cumulative: Bool, factors: [Double]
        var beta: [Double], c: [Double], earned = 0.0, pulls: [Double]

        init(outputs k: Int, cumulative: Bool, factors: [Double]) {
            (self.k, self.cumulative, self.factors) = (k, cumulative, factors)
            beta = [Double](repeating: 0, count: p * k)
            c = [Double](repeating: 0, count: k)
            pulls = beta
        }

        mutating func step(_ rows: Rows, batch: Range<Int>, rate: Double, penalty: Double, threshold: Double) {
            let alpha = 1 / Double(batch.count)
            var residuals: [Double] = []
            for i in batch {
                for o in 0..<k {
                    var r = c[o] - rows.targets[i * k + o]
                    for e in rows.starts[i]..<rows.starts[i + 1] { r += rows.values[e] * beta[Int(rows.columns[e]) * k + o] }
                    residuals.append(r)
                }
            }
            let shrink = 1 - rate * penalty
            for slot in beta.indices {
                beta[slot] *= shrink
                pulls[slot] *= shrink
            }
            earned *= shrink
            for (t, i) in batch.enumerated() {
                for e in rows.starts[i]..<rows.starts[i + 1] {
                    let j = Int(rows.columns[e])
                    for o in 0..<k { beta[j * k + o] -= rate * alpha * residuals[t * k + o] * rows.values[e] * factors[j] }
                }
            }
            earned += threshold
            for slot in beta.indices {
                let w = beta[slot], f = factors[slot / k]
                if !cumulative {
                    beta[slot] = w > threshold * f ? w - threshold * f : (w < -threshold * f ? w + threshold * f : 0)
                    continue
                }
                let t = earned * f, q = pulls[slot]
                let z = w > 0 ? Swift.max(0, w - (t + q)) : (w < 0 ? Swift.min(0, w + (t - q)) : w)
                pulls[slot] += z - w
                beta[slot] = z
            }
            for o in 0..<k {
                for t in 0..<batch.count { c[o] -= rate * alpha * residuals[t * k + o] }
            }
        }
    }

    @Test(arguments: [1, 3])
    func theDeferredStepIsTheEagerOne(outputs k: Int) throws {
        let rows = Self.rows(outputs: k, seed: 40 + UInt64(k))
        let data = try SparseDataset(
            rowStarts: rows.starts, columns: rows.columns, values: rows.values,
            targets: Matrix(uncheckedRows: Self.n, columns: k, elements: rows.targets), featureCount: Self.p)
        var generator = RandomSource(seed: 9)
        let scaledFactors = (0..<Self.p).map { _ in 0.5 + generator.nextUniform() }
        let (rate, threshold) = (0.05, 0.004)
        var zerosSeen = 0
        let touched = Set(rows.columns.map { Int($0) })
        for cumulative in [false, true] {
            for scaled in [false, true] {
                for penalty in [0.0, 0.3] {
                    // Batch 1 (lazy), 5 lazy and in column order, the whole data in column order.
                    for (batch, everyColumn) in [(1, false), (5, false), (5, true), (48, true)] {
                        let factors = scaled ? scaledFactors : [Double](repeating: 1, count: Self.p)
                        var lazy = LazySoftThreshold(features: Self.p, outputs: k, factors: scaled ? factors : nil, cumulative: cumulative)
                        lazy.everyColumnEntries = everyColumn ? 1 : .max
                        var state = SparseState(features: Self.p, outputs: k, start: nil, fitIntercept: true, softThreshold: lazy)
                        var eager = Eager(outputs: k, cumulative: cumulative, factors: factors)
                        let order = Buffer(Array(0..<Self.n)), inverseSquares = Buffer(factors)
                        let residuals = Buffer<Double>(repeating: 0, count: Self.n * k)
                        for _ in 0..<4 {
                            for start in stride(from: 0, to: Self.n, by: batch) {
                                let range = start..<Swift.min(Self.n, start + batch)
                                eager.step(rows, batch: range, rate: rate, penalty: penalty, threshold: threshold)
                                data.withView { view in
                                    _ = state.step(
                                        view, rows: order.base + start, count: range.count, rate: rate, penalty: penalty,
                                        threshold: threshold, reduction: .mean, inverseSquares: scaled ? inverseSquares.base : nil,
                                        rowWeights: nil, fitIntercept: true, residuals: residuals.base)
                                }
                            }
                        }
                        let fitted = state.parameters(fitIntercept: true)
                        let what =
                            "k \(k), cumulative \(cumulative), scaled \(scaled), L2 \(penalty), batch \(batch), every column \(everyColumn)"
                        #expect(
                            relativeDifference(fitted.coefficients.elements + fitted.intercept, eager.beta + eager.c) <= 1e-12, "\(what)")
                        let zeros = eager.beta.indices.filter { eager.beta[$0] == 0 }
                        #expect(fitted.coefficients.elements.indices.filter { fitted.coefficients.elements[$0] == 0 } == zeros, "\(what)")
                        zerosSeen += zeros.filter { touched.contains($0 / k) }.count
                    }
                }
            }
        }
        // Not vacuous: the thresholds took coefficients of columns the rows touch to zero.
        #expect(zerosSeen > 50)
    }
}
