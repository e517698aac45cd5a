/// Train until the mean cost ½·mean(r²) is within a relative `gap` of a known optimum:
/// (J − J*)/J* ≤ gap (absolute when J* = 0).
struct GapTarget {
    let optimumCost: Double
    let gap: Double

    func relativeGap(cost: Double) -> Double {
        optimumCost > 0 ? (cost - optimumCost) / optimumCost : cost - optimumCost
    }
}

/// What the gap checks of one fit saw.
struct GapProgress {
    struct Decade {
        let gap: Double
        let updates: Int, samples: Int
        let seconds: Double
        let noiseScale: Double
    }

    var reached = false
    /// Rows seen over the rows per epoch, when reached.
    var epochs = 0.0
    var updates = 0, samples = 0
    /// Training seconds (gap checks excluded), to the gap when reached, else of the whole fit.
    var seconds = 0.0
    var bestGap = Double.infinity
    var checks = 0
    /// The first time the gap fell below 10⁻¹, 10⁻², … down to the target.
    var decades: [Decade] = []
    var nextDecade: Double? = 0.1
}
