/// How the sparse descent charges a row's residual r: its share of the cost and the weight of its
/// row in the gradient. The squared loss keeps its own arithmetic (ωr² and ωr, the bits of the
/// sparse descent before other losses); any other loss gives 2ωℓ(r) and ωℓ′(r), the package's
/// losses as their own types (specialized, the bits of their `value` and `derivative`, as the
/// dense fused kernel's), a caller's own through the ``Loss`` protocol.
///
/// The cost is doubled so every sum of it stays "½ of a sum" as the squared loss's: 2·x and ½·x
/// are exact, so ½·Σ2ωℓ is Σωℓ to the bit.
struct SparseResidualMap: Sendable {
    private enum Kind: Sendable {
        case squared
        case huber(HuberLoss)
        case epsilonInsensitive(EpsilonInsensitiveLoss)
        case squaredEpsilonInsensitive(SquaredEpsilonInsensitiveLoss)
        case quantile(QuantileLoss)
        case other(any Loss)
    }
    private let kind: Kind

    /// The squared loss's residuals.
    static let squared = SparseResidualMap(nil)

    /// `loss`'s residuals; nil or ``SquaredLoss``: the squared loss's own arithmetic.
    init(_ loss: (any Loss)?) {
        switch loss {
        case nil, is SquaredLoss: kind = .squared
        case let loss as HuberLoss: kind = .huber(loss)
        case let loss as EpsilonInsensitiveLoss: kind = .epsilonInsensitive(loss)
        case let loss as SquaredEpsilonInsensitiveLoss: kind = .squaredEpsilonInsensitive(loss)
        case let loss as QuantileLoss: kind = .quantile(loss)
        case let loss?: kind = .other(loss)
        }
    }

    /// Whether this is the squared loss (the certified stop's gradient is its).
    var isSquared: Bool {
        if case .squared = kind { return true }
        return false
    }

    /// 2ωℓ(r), whose half summed over rows is the cost (ωr² for the squared loss).
    @inline(__always)
    func doubledCost(_ r: Double, weight: Double) -> Double {
        switch kind {
        case .squared: weight * r * r
        case let .huber(loss): weight * (2 * loss.value(r))
        case let .epsilonInsensitive(loss): weight * (2 * loss.value(r))
        case let .squaredEpsilonInsensitive(loss): weight * (2 * loss.value(r))
        case let .quantile(loss): weight * (2 * loss.value(r))
        case let .other(loss): weight * (2 * loss.value(r))
        }
    }

    /// ωℓ′(r), the row's weight in the gradient (ωr for the squared loss).
    @inline(__always)
    func weightedDerivative(_ r: Double, weight: Double) -> Double {
        switch kind {
        case .squared: weight * r
        case let .huber(loss): weight * loss.derivative(r)
        case let .epsilonInsensitive(loss): weight * loss.derivative(r)
        case let .squaredEpsilonInsensitive(loss): weight * loss.derivative(r)
        case let .quantile(loss): weight * loss.derivative(r)
        case let .other(loss): weight * loss.derivative(r)
        }
    }
}
