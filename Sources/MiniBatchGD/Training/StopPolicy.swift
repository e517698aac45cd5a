/// Everything that decides, after an epoch, whether a fit goes on and how: divergence, the
/// certificate, the rate halvings of an automatic average, the plateau (which starts the
/// averaging of a mini-batch fit, or stops the fit), one state machine fed once an epoch.
///
/// The epoch loop applies what it decides in a fixed order: restart the average and halve the
/// rate, then start the average, then stop. A gap target is checked between stretches of
/// batches, inside the epoch, and stops the fit there (``StopReason/gapReached``).
struct StopPolicy {
    /// An epoch cost above this (or not finite) is divergence.
    private(set) var divergenceBound: Double
    private let certificateTolerance: Double?
    private let averagesAutomatically: Bool
    private let monitorsValidation: Bool
    /// A fit that another test stops (the certificate, a gap target) keeps going past a plateau.
    private let stopsElsewhere: Bool
    private var plateau: StopRule
    private var halving: RateHalving
    private var averaging = false

    /// What to do after an epoch, in this order.
    struct Decision: Equatable {
        /// Restart the average at the current parameters and halve the rate.
        var restartAveragingAndHalveRate = false
        /// Start averaging at the current parameters.
        var startAveraging = false
        /// Stop, for this reason.
        var stop: StopReason?
    }

    /// - Parameters:
    ///   - plateau: the early-stopping plateau test (its patience sets the halving windows').
    ///   - halving: the automatic average's rate halvings.
    ///   - certificateTolerance: the certified stop's tolerance, when certifying.
    ///   - averagesAutomatically: a plateau starts the average (an automatic average of a
    ///     mini-batch fit on a constant schedule).
    ///   - monitorsValidation: the plateau is the held-out rows' (the user's own stopping rule).
    ///   - hasGapTarget: a gap target stops the fit.
    ///   - divergenceBound: the largest epoch cost that is not divergence.
    init(
        plateau: StopRule, halving: RateHalving, certificateTolerance: Double?, averagesAutomatically: Bool, monitorsValidation: Bool,
        hasGapTarget: Bool, divergenceBound: Double
    ) {
        self.plateau = plateau
        self.halving = halving
        self.certificateTolerance = certificateTolerance
        self.averagesAutomatically = averagesAutomatically
        self.monitorsValidation = monitorsValidation
        stopsElsewhere = certificateTolerance != nil || hasGapTarget
        self.divergenceBound = divergenceBound
    }

    /// Whether an epoch's cost is divergence: not finite, or above ``divergenceBound``.
    func diverged(cost: Double) -> Bool { !(cost.isFinite && cost <= divergenceBound) }

    /// Feeds one epoch: `monitored` the cost the plateau watches (the held-out rows' when there
    /// are some), `certifiedDistance` the certificate's bound when certifying.
    mutating func afterEpoch(_ epoch: Int, monitored: Double, certifiedDistance: Double?) -> Decision {
        var decision = Decision()
        if let certifiedDistance, let certificateTolerance, certifiedDistance <= certificateTolerance {
            decision.stop = .parametersCertified
            return decision
        }
        if averagesAutomatically, averaging, let certifiedDistance, halving.stalled(epoch: epoch, distance: certifiedDistance) {
            decision.restartAveragingAndHalveRate = true
            plateau.reset()
        }
        // A plateau starts the averaging of a mini-batch fit. It stops the fit only without a
        // certificate: a slowly converging fit (ill-conditioned, or averaging) improves its cost
        // by a little at a time, and the certificate knows better when it is done.
        guard plateau.plateaued(monitored) else { return decision }
        // Held-out rows are the user's own stopping rule: their plateau stops (unless a tolerance
        // of 0 asked for no stop on a cost).
        if monitorsValidation, plateau.stopsOnPlateau {
            decision.stop = .validationCostConverged
        } else if averagesAutomatically, !averaging {
            decision.startAveraging = true
            averaging = true
            halving.start(epoch: epoch)
            plateau.reset()
        } else if stopsElsewhere || !plateau.stopsOnPlateau {
            plateau.reset()
        } else {
            decision.stop = .trainingCostConverged
        }
        return decision
    }

    /// Saves the policy's state: the divergence bound too, which a resumed fit cannot measure
    /// again (it was set by the starting parameters).
    func saveState(to archive: inout CheckpointArchive) {
        archive.set("policy.divergenceBound", divergenceBound)
        archive.set("policy.averaging", averaging)
        plateau.saveState(to: &archive, prefix: "policy.plateau.")
        halving.saveState(to: &archive, prefix: "policy.halving.")
    }

    mutating func restoreState(from archive: CheckpointArchive) throws {
        divergenceBound = try archive.double("policy.divergenceBound")
        averaging = try archive.bool("policy.averaging")
        try plateau.restoreState(from: archive, prefix: "policy.plateau.")
        try halving.restoreState(from: archive, prefix: "policy.halving.")
    }
}
