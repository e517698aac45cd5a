/// The sparse fit's passes over every row (the costs of each epoch, the certified stop's
/// gradient) and its cancellation: on this process's threads (``SparseSharedWork``), or, for rows
/// spread over ranks, along the ranks in the one-process order (``SparseRanks``), so that both
/// give the same bits.
struct SparseWholePasses<Element: BLASScalar> {
    let shared: SparseSharedWork<Element>
    let ranks: SparseRanks<Element>?
    /// ω of every row (every rank's).
    let rowWeights: UnsafePointer<Double>?
    let residualMap: SparseResidualMap

    /// The rows of a chunk of the one-process passes (set by the whole data's mean row).
    private var chunkRows: Int { shared.batchChunkRows }

    /// ½Σωᵢ‖rᵢ‖² at the state's parameters, in one sum from the first row to the last (the
    /// start's cost): `train`, this process's rows.
    func halfSquaresInOneSum(_ state: SparseState, _ train: SparseRowsView<Element>) -> Double {
        guard let ranks else { return state.halfSquares(train, rowWeights: rowWeights) }
        state.softThreshold?.catchUpAll(state.u.base, features: state.p)
        return ranks.halfSquares(
            coefficients: state.u.base, scale: state.a, intercept: state.c.base, rowWeights: rowWeights, chunkRows: ranks.rows,
            residualMap: residualMap)
    }

    /// ½Σωᵢ‖rᵢ‖² at the state's parameters, by chunks (an epoch's cost).
    func halfSquares(_ state: SparseState) -> Double {
        guard let ranks else { return state.halfSquares(shared) }
        state.softThreshold?.catchUpAll(state.u.base, features: state.p)
        return ranks.halfSquares(
            coefficients: state.u.base, scale: state.a, intercept: state.c.base, rowWeights: rowWeights, chunkRows: chunkRows,
            residualMap: residualMap)
    }

    /// ½Σωᵢ‖rᵢ‖² at `parameters` (original units), by chunks.
    func halfSquares(at parameters: Parameters) -> Double {
        ranks?.halfSquares(at: parameters, rowWeights: rowWeights, chunkRows: chunkRows, residualMap: residualMap)
            ?? shared.halfSquares(at: parameters)
    }

    /// ½Σωᵢ‖rᵢ‖² and the gradient in descent coordinates at `parameters`, by chunks.
    func halfSquaresAndGradient(
        at parameters: Parameters, inverseScale: UnsafePointer<Double>, fitIntercept: Bool, into gradient: UnsafeMutablePointer<Double>
    ) -> Double {
        guard let ranks else {
            return shared.halfSquaresAndGradient(at: parameters, inverseScale: inverseScale, fitIntercept: fitIntercept, into: gradient)
        }
        return ranks.halfSquaresAndGradient(
            at: parameters, inverseScale: inverseScale, fitIntercept: fitIntercept, rowWeights: rowWeights, chunkRows: chunkRows,
            into: gradient)
    }

    /// Whether to stop for a cancellation: over ranks, when any rank was asked (one exchange),
    /// so that every rank stops at the same batch.
    func isCancelled() -> Bool {
        guard let ranks else { return Cancellation.isRequested }
        return ranks.communicator.maximum(Cancellation.isRequested ? 1 : 0) > 0
    }
}
