import CKernels

/// A loss the fused C kernel computes in place (`Sources/CKernels/fused_loss.h`): one of the
/// package's own losses other than squares, as the kernel's loss code and parameter. A loss of
/// any other type (a user's own ``Loss``) has none and trains through the generic kernel, which
/// calls its ``Loss/value(_:)`` and ``Loss/derivative(_:)`` once per residual.
struct FusedLoss: Equatable, Sendable {
    /// The kernel's loss code.
    let code: MBGDLoss
    /// δ, ε, ε or τ.
    let parameter: Double

    /// `loss` as the kernel computes it; nil for the squared loss (its own kernel) and for types
    /// outside the package.
    init?(_ loss: any Loss) {
        switch loss {
        case let huber as HuberLoss: (code, parameter) = (MBGDLossHuber, huber.delta)
        case let tube as EpsilonInsensitiveLoss: (code, parameter) = (MBGDLossEpsilonInsensitive, tube.epsilon)
        case let tube as SquaredEpsilonInsensitiveLoss: (code, parameter) = (MBGDLossSquaredEpsilonInsensitive, tube.epsilon)
        case let quantile as QuantileLoss: (code, parameter) = (MBGDLossQuantile, quantile.quantile)
        default: return nil
        }
    }
}

extension LinearKernel {
    /// ``applyLoss(_:rows:k:_:rowWeights:)`` with the package's losses as their own types, so the
    /// per-residual loop is specialized and inlined; any other loss through its protocol.
    static func applyAnyLoss(_ loss: any Loss, rows: Int, k: Int, _ r: UnsafeMutablePointer<Double>, rowWeights w: UnsafePointer<Double>?)
        -> Double
    {
        switch loss {
        case let loss as HuberLoss: applyLoss(loss, rows: rows, k: k, r, rowWeights: w)
        case let loss as EpsilonInsensitiveLoss: applyLoss(loss, rows: rows, k: k, r, rowWeights: w)
        case let loss as SquaredEpsilonInsensitiveLoss: applyLoss(loss, rows: rows, k: k, r, rowWeights: w)
        case let loss as QuantileLoss: applyLoss(loss, rows: rows, k: k, r, rowWeights: w)
        default: applyLoss(loss, rows: rows, k: k, r, rowWeights: w)
        }
    }

    /// ``addLoss(_:rows:k:_:rowWeights:into:)`` with the package's losses as their own types (the
    /// whole-data cost of every epoch), any other loss through its protocol.
    static func addAnyLoss(
        _ loss: any Loss, rows: Int, k: Int, _ r: UnsafePointer<Double>, rowWeights w: UnsafePointer<Double>?,
        into sums: UnsafeMutablePointer<Double>
    ) {
        switch loss {
        case let loss as HuberLoss: addLoss(loss, rows: rows, k: k, r, rowWeights: w, into: sums)
        case let loss as EpsilonInsensitiveLoss: addLoss(loss, rows: rows, k: k, r, rowWeights: w, into: sums)
        case let loss as SquaredEpsilonInsensitiveLoss: addLoss(loss, rows: rows, k: k, r, rowWeights: w, into: sums)
        case let loss as QuantileLoss: addLoss(loss, rows: rows, k: k, r, rowWeights: w, into: sums)
        default: addLoss(loss, rows: rows, k: k, r, rowWeights: w, into: sums)
        }
    }
}
