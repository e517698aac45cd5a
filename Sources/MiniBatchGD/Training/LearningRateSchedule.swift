import Foundation

/// How the learning rate changes from epoch to epoch.
///
/// The rate of epoch t (counting from 1) is:
/// - ``constant``: η₀;
/// - ``inverseScaling(power:)``: η₀ / t^power, the classic Robbins–Monro decay that lets
///   stochastic and mini-batch descent settle instead of jittering around the optimum;
/// - ``stepDecay(factor:every:)``: η₀ · factor^⌊(t − 1) / every⌋.
public enum LearningRateSchedule: Equatable, Sendable {
    case constant
    case inverseScaling(power: Double)
    case stepDecay(factor: Double, every: Int)

    /// The learning rate of epoch `epoch` (1-based) when the initial rate is `initial`.
    public func rate(initial: Double, epoch: Int) -> Double {
        switch self {
        case .constant:
            return initial
        case let .inverseScaling(power):
            return initial / pow(Double(epoch), power)
        case let .stepDecay(factor, every):
            return initial * pow(factor, Double((epoch - 1) / every))
        }
    }

    func validate() throws {
        switch self {
        case .constant:
            break
        case let .inverseScaling(power):
            guard power.isFinite, power > 0 else {
                throw TrainingError.invalidArgument(argument: "schedule.power", value: "\(power)", requirement: "must be a positive number")
            }
        case let .stepDecay(factor, every):
            guard factor.isFinite, factor > 0, factor <= 1 else {
                throw TrainingError.invalidArgument(argument: "schedule.factor", value: "\(factor)", requirement: "must lie in (0, 1]")
            }
            guard every >= 1 else {
                throw TrainingError.invalidArgument(argument: "schedule.every", value: "\(every)", requirement: "must be at least 1 epoch")
            }
        }
    }
}
