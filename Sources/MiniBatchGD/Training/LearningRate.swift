/// The initial step size η₀: a number, or ``automatic`` (chosen from the data's curvature).
///
/// A number literal works where a `LearningRate` is expected: `learningRate: 0.05`.
public enum LearningRate: Equatable, Sendable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// Chosen by the trainer from the curvature of the cost (see ``LearningRateChoice``).
    case automatic
    /// This step size.
    case fixed(Double)

    /// `learningRate: 0.05` means ``fixed(_:)`` of 0.05.
    public init(floatLiteral value: Double) { self = .fixed(value) }
    /// `learningRate: 1` means ``fixed(_:)`` of 1.
    public init(integerLiteral value: Int) { self = .fixed(Double(value)) }

    /// `auto` or the number.
    public var description: String {
        switch self {
        case .automatic: "auto"
        case let .fixed(value): "\(value)"
        }
    }
}
