extension SparseState {
    /// Adds the parameters and the lazy average to a checkpoint.
    func saveState(to archive: inout CheckpointArchive) {
        softThreshold?.saveState(to: &archive)
        archive.set("sparse.u", u.array)
        archive.set("sparse.c", c.array)
        archive.set("sparse.coefficientSums", coefficientSums.array)
        archive.set("sparse.interceptSums", interceptSums.array)
        archive.set("sparse.flushedAt", flushedAt.array)
        archive.set("sparse.scales", [a, scaleSum])
        archive.set("sparse.averaging", integers: [averaging ? 1 : 0, averagedSteps])
        softThreshold?.average?.saveState(to: &archive)
    }

    /// Restores what ``saveState(to:)`` saved.
    mutating func restoreState(from archive: CheckpointArchive) throws {
        for (key, buffer) in [
            ("sparse.u", u), ("sparse.c", c), ("sparse.coefficientSums", coefficientSums), ("sparse.interceptSums", interceptSums),
            ("sparse.flushedAt", flushedAt),
        ] {
            try buffer.restore(key, from: archive)
        }
        try softThreshold?.restoreState(from: archive)
        let scales = try archive.doubles("sparse.scales", count: 2)
        (a, scaleSum) = (scales[0], scales[1])
        let averages = try archive.integers("sparse.averaging", count: 2)
        (averaging, averagedSteps) = (averages[0] != 0, averages[1])
        if averaging, softThreshold != nil {
            if softThreshold!.average == nil {
                softThreshold!.average = ThresholdedAverage(features: p, outputs: k, sums: coefficientSums)
            }
            try softThreshold!.average!.restoreState(from: archive)
        }
    }
}
