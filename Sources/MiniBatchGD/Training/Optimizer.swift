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
    case adam(beta1: Double = Optimizer.defaultBeta1, beta2: Double = Optimizer.defaultBeta2, epsilon: Double = Optimizer.defaultEpsilon)
    /// AdamW: Adam with decoupled weight decay λ on the coefficients (never on the intercepts).
    case adamW(
        beta1: Double = Optimizer.defaultBeta1, beta2: Double = Optimizer.defaultBeta2, epsilon: Double = Optimizer.defaultEpsilon,
        weightDecay: Double = Optimizer.defaultWeightDecay)
    /// AdaGrad: steps shrink with the accumulated squared gradients.
    case adagrad(epsilon: Double = Optimizer.defaultAdagradEpsilon)
    /// RMSprop: steps scaled by a moving average of squared gradients.
    case rmsprop(alpha: Double = Optimizer.defaultAlpha, epsilon: Double = Optimizer.defaultEpsilon)

    /// The coefficient of ``momentum(_:)`` and ``nesterov(_:)`` when none is given and the trainer
    /// does not choose the optimal one (it does for full batches at the automatic rate when the
    /// curvature is known).
    public static let defaultMomentum = 0.9
    /// Adam's and AdamW's β₁ (PyTorch's default).
    public static let defaultBeta1 = 0.9
    /// Adam's and AdamW's β₂ (PyTorch's default).
    public static let defaultBeta2 = 0.999
    /// The ε of Adam, AdamW and RMSprop (PyTorch's default).
    public static let defaultEpsilon = 1e-8
    /// AdaGrad's ε (PyTorch's default).
    public static let defaultAdagradEpsilon = 1e-10
    /// RMSprop's smoothing constant α (PyTorch's default).
    public static let defaultAlpha = 0.99
    /// AdamW's decoupled weight decay λ (PyTorch's default).
    public static let defaultWeightDecay = 0.01

    /// The update rules without their constants, each named as ``name`` names it: what a
    /// command line chooses from.
    public enum Kind: String, Sendable, CaseIterable {
        /// ``Optimizer/sgd``.
        case sgd
        /// ``Optimizer/momentum(_:)``.
        case momentum
        /// ``Optimizer/nesterov(_:)``.
        case nesterov
        /// ``Optimizer/adam(beta1:beta2:epsilon:)``.
        case adam
        /// ``Optimizer/adamW(beta1:beta2:epsilon:weightDecay:)``.
        case adamW = "adamw"
        /// ``Optimizer/adagrad(epsilon:)``.
        case adagrad
        /// ``Optimizer/rmsprop(alpha:epsilon:)``.
        case rmsprop
    }

    /// Which rule this is.
    public var kind: Kind {
        switch self {
        case .sgd: .sgd
        case .momentum: .momentum
        case .nesterov: .nesterov
        case .adam: .adam
        case .adamW: .adamW
        case .adagrad: .adagrad
        case .rmsprop: .rmsprop
        }
    }

    /// The name used on the command line and in reports: the ``kind``'s, `sgd`, `momentum`,
    /// `nesterov`, `adam`, `adamw`, `adagrad` or `rmsprop`.
    public var name: String { kind.rawValue }

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
