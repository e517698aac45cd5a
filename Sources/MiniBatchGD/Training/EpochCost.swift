/// How a fit reports each epoch's training cost (``History/epochCosts``).
public enum EpochCost: String, Equatable, Sendable, CaseIterable {
    /// The cost over every training row at the epoch's end, at the parameters reported (the
    /// average when averaging): one more pass over the rows each epoch.
    case full
    /// The running cost: each batch's cost as the step took it, on its residuals before its
    /// update, weighted by the batch's rows (Σ over the epoch's batches of their ½Σωᵢℓ(rᵢ),
    /// reduced as the full cost is), what a PyTorch training loop prints and Vowpal Wabbit calls
    /// the progressive (average) loss. It costs no pass: the step has the residuals. It is of the
    /// iterates as they moved through the epoch, not of the end's parameters nor of an average,
    /// and without the penalty, as the full cost is. The certified stop needs a gradient over
    /// every row and is refused with it; the plateau rule watches the running cost (or the held-out
    /// cost), and the fit's final full cost is computed once, at its end (``History/finalCost``).
    case running
}
