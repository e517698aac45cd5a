/// The update rule of a fit, named and parameterized as PyTorch names them.
///
/// With ``LearningRate/automatic`` the momentum methods may leave their coefficient `nil`: for
/// full-batch descent the trainer then picks the rate and momentum that are optimal for a
/// quadratic with the data's curvature (see ``LearningRateChoice``).
public enum Optimizer: Equatable, Sendable {
    /// Plain gradient descent: θ ← θ − η·g.
    case sgd
    /// Heavy-ball momentum: v ← μ·v + g, θ ← θ − η·v (PyTorch's `SGD(momentum: μ)`).
    case momentum(Double? = nil)
    /// Nesterov momentum: v ← μ·v + g, θ ← θ − η·(g + μ·v) (PyTorch's `SGD(nesterov: true)`).
    case nesterov(Double? = nil)
    /// Adam with PyTorch's defaults.
    case adam(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8)
    /// AdamW: Adam with decoupled weight decay λ on the coefficients (never on the intercepts).
    case adamW(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0.01)
    /// AdaGrad: steps shrink with the accumulated squared gradients.
    case adagrad(epsilon: Double = 1e-10)
    /// RMSprop: steps scaled by a moving average of squared gradients.
    case rmsprop(alpha: Double = 0.99, epsilon: Double = 1e-8)

    /// The name used on the command line and in reports: `sgd`, `momentum`, `nesterov`, `adam`,
    /// `adamw`, `adagrad`, `rmsprop`.
    public var name: String {
        switch self {
        case .sgd: "sgd"
        case .momentum: "momentum"
        case .nesterov: "nesterov"
        case .adam: "adam"
        case .adamW: "adamw"
        case .adagrad: "adagrad"
        case .rmsprop: "rmsprop"
        }
    }

    /// Adam, AdamW, AdaGrad and RMSprop divide by a gradient scale, so their steps are distances
    /// in parameter space rather than multiples of the gradient.
    var isAdaptive: Bool {
        switch self {
        case .sgd, .momentum, .nesterov: false
        default: true
        }
    }

    /// How much of the last updates the rule's step remembers: β for momentum and Nesterov
    /// (`given` when the coefficient is chosen at fit time), β₁ for Adam and AdamW, else 0.
    func memory(given momentum: Double?) -> Double {
        switch self {
        case .momentum, .nesterov: momentum ?? momentumCoefficient ?? 0
        case let .adam(beta1, _, _), let .adamW(beta1, _, _, _): beta1
        case .sgd, .adagrad, .rmsprop: 0
        }
    }

    var isNesterov: Bool { if case .nesterov = self { true } else { false } }

    /// The momentum coefficient given, if any.
    var momentumCoefficient: Double? {
        switch self {
        case let .momentum(mu), let .nesterov(mu): mu
        default: nil
        }
    }

    /// Checks the rule's constants.
    /// - Throws: ``ArgumentError`` naming the constant as `optimizer.beta1` and so on.
    public func validate() throws {
        func check(_ value: Double, _ name: String, _ requirement: String, _ valid: Bool) throws {
            guard value.isFinite, valid else {
                throw ArgumentError(argument: "optimizer.\(name)", value: "\(value)", requirement: requirement)
            }
        }
        switch self {
        case .sgd:
            break
        case let .momentum(mu), let .nesterov(mu):
            if let mu { try check(mu, "momentum", "must lie in [0, 1)", mu >= 0 && mu < 1) }
        case let .adam(beta1, beta2, epsilon):
            try check(beta1, "beta1", "must lie in [0, 1)", beta1 >= 0 && beta1 < 1)
            try check(beta2, "beta2", "must lie in [0, 1)", beta2 >= 0 && beta2 < 1)
            try check(epsilon, "epsilon", "must be positive", epsilon > 0)
        case let .adamW(beta1, beta2, epsilon, weightDecay):
            try check(beta1, "beta1", "must lie in [0, 1)", beta1 >= 0 && beta1 < 1)
            try check(beta2, "beta2", "must lie in [0, 1)", beta2 >= 0 && beta2 < 1)
            try check(epsilon, "epsilon", "must be positive", epsilon > 0)
            try check(weightDecay, "weightDecay", "must be zero or positive", weightDecay >= 0)
        case let .adagrad(epsilon):
            try check(epsilon, "epsilon", "must be positive", epsilon > 0)
        case let .rmsprop(alpha, epsilon):
            try check(alpha, "alpha", "must lie in [0, 1)", alpha >= 0 && alpha < 1)
            try check(epsilon, "epsilon", "must be positive", epsilon > 0)
        }
    }
}

/// Polyak–Ruppert averaging of the iterates (see ``GradientDescent/averaging``).
public enum Averaging: String, Equatable, Sendable, CaseIterable {
    /// Report the last iterate.
    case none
    /// Average every iterate from the first step (scikit-learn's `average=True`).
    case fromStart
    /// Mini-batches only: run until the training cost stops improving (the noise floor of a
    /// constant rate), then average the iterates from there on. Full-batch descent has no noise
    /// to average and reports the last iterate.
    case automatic
}
