import ArgumentParser
import MiniBatchGD

/// What `mbgd solve --ridge` chooses the strength by: the exact ridge path's criteria for dense
/// rows (``RidgePath/Criterion``), or k-fold cross-validation for sparse rows (``SparseRidgeCV``).
enum RidgeCriterion: String, CaseIterable, ExpressibleByArgument {
    /// Exact leave-one-out (scikit-learn's RidgeCV).
    case loo
    /// Generalized cross-validation.
    case gcv
    /// k-fold cross-validation of sparse rows, LSQR warm-started down the grid.
    case cv

    /// The exact path's criterion; nil for ``cv``.
    var pathCriterion: RidgePath.Criterion? { RidgePath.Criterion(rawValue: rawValue) }
}
