import Foundation

/// How the learning rate changes over training, per epoch or per update.
///
/// The rate of epoch t (counting from 1), update s of S in all (counting from 0), is:
/// - ``constant``: η₀;
/// - ``inverseScaling(power:)``: η₀ / t^power per epoch, the Robbins–Monro decay that lets
///   stochastic and mini-batch descent settle instead of jittering around the optimum;
/// - ``stepDecay(factor:every:)``: η₀ · factor^⌊(t − 1) / every⌋;
/// - ``cosine``: η₀ · ½(1 + cos(π·s/S)) per update, from η₀ down to 0 at the last update of the
///   epoch budget (after any warm-up, which it then spans instead of S);
/// - ``reduceOnPlateau(factor:patience:threshold:)``: η₀ times `factor` for every time the
///   training cost has not improved by `threshold` (relative) for `patience` epochs, as PyTorch's
///   `ReduceLROnPlateau`.
///
/// A linear warm-up (``GradientDescent/warmupSteps``) multiplies any of them by (s + 1)/W over
/// the first W updates.
public enum LearningRateSchedule: Equatable, Sendable {
    /// η₀ throughout.
    case constant
    /// η₀ / t^power in epoch t.
    case inverseScaling(power: Double = LearningRateSchedule.defaultPower)
    /// η₀ · factor^⌊(t − 1) / every⌋ in epoch t.
    case stepDecay(factor: Double = LearningRateSchedule.defaultStepFactor, every: Int = LearningRateSchedule.defaultStepEvery)
    /// η₀ · ½(1 + cos(π·s/S)) at update s of S.
    case cosine
    /// η₀ times `factor` each time the cost stalls for `patience` epochs.
    case reduceOnPlateau(
        factor: Double = LearningRateSchedule.defaultPlateauFactor, patience: Int = LearningRateSchedule.defaultPlateauPatience,
        threshold: Double = LearningRateSchedule.defaultPlateauThreshold)

    /// The power of ``inverseScaling(power:)``: 1, the Robbins–Monro η₀/t.
    public static let defaultPower = 1.0
    /// The factor of ``stepDecay(factor:every:)``: the rate halves at each step.
    public static let defaultStepFactor = 0.5
    /// The epochs between the steps of ``stepDecay(factor:every:)``.
    public static let defaultStepEvery = 10
    /// The factor of ``reduceOnPlateau(factor:patience:threshold:)`` (PyTorch's default).
    public static let defaultPlateauFactor = 0.1
    /// The patience of ``reduceOnPlateau(factor:patience:threshold:)``, in epochs (PyTorch's default).
    public static let defaultPlateauPatience = 10
    /// The relative improvement that counts for ``reduceOnPlateau(factor:patience:threshold:)``
    /// (PyTorch's default).
    public static let defaultPlateauThreshold = 1e-4

    /// The schedules without their constants, each named as ``name`` names it: what a command
    /// line chooses from.
    public enum Kind: String, Sendable, CaseIterable {
        /// ``LearningRateSchedule/constant``.
        case constant
        /// ``LearningRateSchedule/inverseScaling(power:)``.
        case inverseScaling = "inverse-scaling"
        /// ``LearningRateSchedule/stepDecay(factor:every:)``.
        case step
        /// ``LearningRateSchedule/cosine``.
        case cosine
        /// ``LearningRateSchedule/reduceOnPlateau(factor:patience:threshold:)``.
        case plateau
    }

    /// Which schedule this is.
    public var kind: Kind {
        switch self {
        case .constant: .constant
        case .inverseScaling: .inverseScaling
        case .stepDecay: .step
        case .cosine: .cosine
        case .reduceOnPlateau: .plateau
        }
    }

    /// The learning rate of epoch `epoch` (1-based) when the initial rate is `initial`, for the
    /// schedules that change per epoch only (``cosine`` and ``reduceOnPlateau(factor:patience:threshold:)``
    /// need the update count and the cost history: they return `initial` here).
    public func rate(initial: Double, epoch: Int) -> Double {
        switch self {
        case .constant, .cosine, .reduceOnPlateau:
            return initial
        case let .inverseScaling(power):
            return initial / pow(Double(epoch), power)
        case let .stepDecay(factor, every):
            return initial * pow(factor, Double((epoch - 1) / every))
        }
    }

    /// The name used on the command line and in reports: the ``kind``'s.
    public var name: String { kind.rawValue }

    /// Checks the schedule's constants.
    /// - Throws: ``ArgumentError`` naming the constant as `schedule.factor` and so on.
    public func validate() throws {
        switch self {
        case .constant, .cosine:
            break
        case let .inverseScaling(power):
            guard power.isFinite, power > 0 else {
                throw ArgumentError(argument: "schedule.power", value: "\(power)", requirement: "must be a positive number")
            }
        case let .stepDecay(factor, every):
            guard factor.isFinite, factor > 0, factor <= 1 else {
                throw ArgumentError(argument: "schedule.factor", value: "\(factor)", requirement: "must lie in (0, 1]")
            }
            guard every >= 1 else {
                throw ArgumentError(argument: "schedule.every", value: "\(every)", requirement: "must be at least 1 epoch")
            }
        case let .reduceOnPlateau(factor, patience, threshold):
            guard factor.isFinite, factor > 0, factor < 1 else {
                throw ArgumentError(argument: "schedule.factor", value: "\(factor)", requirement: "must lie in (0, 1)")
            }
            guard patience >= 1 else {
                throw ArgumentError(argument: "schedule.patience", value: "\(patience)", requirement: "must be at least 1 epoch")
            }
            guard threshold.isFinite, threshold >= 0 else {
                throw ArgumentError(argument: "schedule.threshold", value: "\(threshold)", requirement: "must be zero or positive")
            }
        }
    }
}

/// A schedule in motion: the initial rate, the warm-up, the update budget and the plateau state.
struct RateSchedule {
    let schedule: LearningRateSchedule
    let initial: Double
    let warmupSteps: Int
    let totalSteps: Int
    /// Whether the rate must be recomputed at every update (cosine, or during a warm-up).
    let changesWithinEpochs: Bool
    private var plateauScale = 1.0
    private var plateauBest = Double.infinity
    private var plateauEpochs = 0
    /// 2⁻ʰ after h halvings of an averaged fit (see ``halve()``).
    private(set) var halvingScale = 1.0

    init(_ schedule: LearningRateSchedule, initial: Double, warmupSteps: Int, totalSteps: Int) {
        self.schedule = schedule
        self.initial = initial
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        changesWithinEpochs = schedule == .cosine || warmupSteps > 0
    }

    /// The rate of update `step` (0-based over the whole fit) in epoch `epoch` (1-based).
    @inline(__always)
    func rate(epoch: Int, step: Int) -> Double {
        var rate: Double
        switch schedule {
        case .cosine:
            let span = Swift.max(totalSteps - warmupSteps, 1)
            let progress = Swift.min(Swift.max(Double(step - warmupSteps) / Double(span), 0), 1)
            rate = initial * 0.5 * (1 + cos(Double.pi * progress))
        case .reduceOnPlateau:
            rate = initial * plateauScale
        default:
            rate = schedule.rate(initial: initial, epoch: epoch)
        }
        if step < warmupSteps { rate *= Double(step + 1) / Double(warmupSteps) }
        return rate * halvingScale
    }

    /// Halves every rate from now on: the average of a constant-rate fit settles at an offset
    /// from the optimum that shrinks with the rate.
    mutating func halve() { halvingScale *= 0.5 }

    /// Whether the schedule anneals the rate by itself (step, cosine, plateau): its last iterate
    /// is its best, and averaging the early iterates in would only add their offset.
    var anneals: Bool {
        switch schedule {
        case .constant, .inverseScaling: false
        case .stepDecay, .cosine, .reduceOnPlateau: true
        }
    }

    /// Feeds the epoch's training cost to a plateau schedule.
    mutating func observe(cost: Double) {
        guard case let .reduceOnPlateau(factor, patience, threshold) = schedule else { return }
        if cost < plateauBest * (1 - threshold) {
            plateauBest = cost
            plateauEpochs = 0
        } else {
            plateauEpochs += 1
            if plateauEpochs > patience {
                plateauScale *= factor
                plateauEpochs = 0
            }
        }
    }

    func saveState(to archive: inout CheckpointArchive) {
        archive.set("schedule.scales", [plateauScale, plateauBest, halvingScale])
        archive.set("schedule.plateauEpochs", plateauEpochs)
    }

    mutating func restoreState(from archive: CheckpointArchive) throws {
        let scales = try archive.doubles("schedule.scales", count: 3)
        (plateauScale, plateauBest, halvingScale) = (scales[0], scales[1], scales[2])
        plateauEpochs = try archive.integer("schedule.plateauEpochs")
    }
}
