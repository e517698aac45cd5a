/// What a race of batch sizes to a gap reports, and the model fitted to it.
extension BatchSizeSweep {
    /// One batch size's race to the gap.
    public struct GapResult: Sendable {
        /// Rows per batch (the row count for ``BatchSize/full``).
        public let batchSize: Int
        /// The learning rate used (after tuning, when tuned).
        public let learningRate: Double
        /// Where the rate came from.
        public let learningRateSource: LearningRateChoice.Source
        /// The factor of the automatic or given rate that tuning picked (nil without tuning).
        public let tunedFactor: Double?
        /// Every rate tuning tried for this batch size, in the order tried (empty without tuning).
        public let tuningTrials: [TuningTrial]
        /// Whether the cost came within the gap in the epoch budget.
        public let reached: Bool
        /// Epochs (fractional), updates, rows seen and training seconds to the gap, when reached.
        public let epochsToGap: Double?
        /// Parameter updates to the gap, when reached.
        public let updatesToGap: Int?
        /// Rows seen to the gap, when reached.
        public let samplesToGap: Int?
        /// Training seconds to the gap, when reached.
        public let secondsToGap: Double?
        /// Rows per training second (gap checks excluded).
        public let samplesPerSecond: Double
        /// The smallest relative gap seen.
        public let bestGap: Double
        /// Epochs run.
        public let epochsRun: Int
    }

    /// One rate tried by tuning: how far it got.
    public struct TuningTrial: Sendable, Equatable {
        /// The factor of the batch size's own automatic (or the given) rate.
        public let factor: Double
        /// The rate tried.
        public let learningRate: Double
        /// Whether the cost came within the gap in the budget.
        public let reached: Bool
        /// Whether the run diverged (its cost grew past the divergence bound).
        public let diverged: Bool
        /// Updates to the gap, when reached.
        public let updatesToGap: Int?
        /// The smallest relative gap seen (infinity when it diverged).
        public let bestGap: Double
    }

    /// A noise scale measured where a run first came within a decade of the optimum.
    public struct NoiseAtGap: Sendable {
        /// The relative gap (10⁻¹, 10⁻², …).
        public let gap: Double
        /// B_simple there.
        public let noiseScale: Double
    }

    /// The fit of McCandlish et al.'s model S = S_min·(1 + B_noise/B), E = E_min·(1 + B/B_noise)
    /// to the measured updates S and samples E of the batch sizes that reached the gap.
    public struct EmpiricalModel: Sendable {
        /// S_min: the fewest updates, with an unlimited batch.
        public let minimumUpdates: Double
        /// E_min: the fewest rows seen, with batches of one.
        public let minimumSamples: Double
        /// B_noise = E_min/S_min: the batch size where both costs are twice their minimum.
        public var noiseScale: Double { minimumSamples / minimumUpdates }
        /// Updates the model predicts at batch size `b`.
        public func updates(batchSize b: Double) -> Double { minimumUpdates * (1 + noiseScale / b) }
        /// Rows seen the model predicts at batch size `b`.
        public func samples(batchSize b: Double) -> Double { minimumSamples * (1 + b / noiseScale) }
    }

    /// Everything a batch-size decision needs.
    public struct GapSweep: Sendable {
        /// The relative gap raced to.
        public let gap: Double
        /// J* = ½·mean(r²) at the closed-form solution; 0 when that is at rounding level (below
        /// 10⁻²⁰ of the zero model's cost: rows fitted exactly), and the gap is then absolute.
        public let optimumCost: Double
        /// One result per batch size, in the order asked for.
        public let results: [GapResult]
        /// B_simple at the starting parameters (zero).
        public let noiseScaleAtStart: Double
        /// B_simple at each decade of the gap, along the smallest batch size's run.
        public let noiseScaleAlongTheWay: [NoiseAtGap]
        /// The critical batch size predicted by the noise scale: B_simple where the smallest
        /// batch size's run reached the gap (or the last decade it reached; at the start when
        /// it reached none).
        public let criticalBatchSize: Double
        /// The model fitted to the measured updates and samples (nil with fewer than two batch
        /// sizes reaching the gap, or a fit without a positive S_min and E_min).
        public let model: EmpiricalModel?
        /// The batch size that reached the gap in the fewest seconds.
        public var fastest: GapResult? {
            results.filter(\.reached).min { $0.secondsToGap! < $1.secondsToGap! }
        }
    }

    /// Weighted least squares of S on 1/B, S = S_min + E_min·(1/B), with weights 1/S² so every
    /// batch size counts by its relative error.
    static func fitModel(_ results: [GapResult]) -> EmpiricalModel? {
        let points = results.compactMap { r in r.updatesToGap.map { (x: 1 / Double(r.batchSize), y: Double($0)) } }
        guard Set(points.map(\.x)).count >= 2 else { return nil }
        var sw = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
        for point in points {
            let w = 1 / (point.y * point.y)
            sw += w
            sx += w * point.x
            sy += w * point.y
            sxx += w * point.x * point.x
            sxy += w * point.x * point.y
        }
        let determinant = sw * sxx - sx * sx
        guard determinant > 0 else { return nil }
        let slope = (sw * sxy - sx * sy) / determinant, intercept = (sy - slope * sx) / sw
        guard intercept > 0, slope > 0 else { return nil }
        return EmpiricalModel(minimumUpdates: intercept, minimumSamples: slope)
    }
}
