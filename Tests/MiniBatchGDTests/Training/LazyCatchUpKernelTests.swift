import Testing

@testable import MiniBatchGD

/// The catch-up kernels a plain sparse step runs (``ProximalCatchUp``, ``CumulativeCatchUp``)
/// against ``LazySoftThreshold/catchUp(_:_:)``, the threshold's own per-column code with its
/// checks, on the same state: the same u, applied totals and pulls, bit for bit, for one output
/// and several, with and without per-column factors, and for columns with nothing pending, at
/// zero, or pulled past their threshold. The cumulative kernel with one output keeps no applied
/// totals (a column pulled at T already is pulled by T + q, zero but for rounding): its columns
/// are all behind here, and a second visit is held to rounding, zeros kept.
@Suite struct LazyCatchUpKernelTests {
    static let p = 64

    /// Two equal states: u of mixed signs with exact zeros, each column's applied total either
    /// T (nothing pending) or some earlier sum, and (cumulative) pulls of either sign.
    static func states(outputs k: Int, cumulative: Bool, scaled: Bool, seed: UInt64) -> (SparseState, SparseState) {
        var generator = RandomSource(seed: seed)
        let factors = scaled ? (0..<p).map { _ in Double.random(in: 0.25...4, using: &generator) } : nil
        let u = (0..<p * k).map { slot in slot % 5 == 0 ? 0 : Double.random(in: -0.05...0.05, using: &generator) }
        let applied = (0..<p).map { j in j % 4 == 0 && !(cumulative && k == 1) ? -1 : Double.random(in: 0...0.02, using: &generator) }
        let pulled = (0..<p * k).map { _ in Double.random(in: -0.03...0.03, using: &generator) }
        func state() -> SparseState {
            var state = SparseState(
                features: p, outputs: k, start: nil, fitIntercept: true,
                softThreshold: LazySoftThreshold(features: p, outputs: k, factors: factors, cumulative: cumulative))
            state.u.base.update(from: u, count: p * k)
            state.softThreshold!.add(threshold: 0.003, scale: 0.75)
            state.softThreshold!.add(threshold: 0.011, scale: 0.5)
            let total = state.softThreshold!.total
            for j in 0..<p { state.softThreshold!.applied.base[j] = applied[j] < 0 ? total : applied[j] }
            state.softThreshold!.pulled?.base.update(from: pulled, count: p * k)
            return state
        }
        return (state(), state())
    }

    static func expectSameBits(_ a: SparseState, _ b: SparseState, _ what: String) {
        let (sa, sb) = (a.softThreshold!, b.softThreshold!)
        #expect(a.u.array.map(\.bitPattern) == b.u.array.map(\.bitPattern), "u, \(what)")
        if !(sa.pulled != nil && a.k == 1) {
            #expect(sa.applied.array.map(\.bitPattern) == sb.applied.array.map(\.bitPattern), "applied, \(what)")
        }
        #expect(sa.pulled?.array.map(\.bitPattern) == sb.pulled?.array.map(\.bitPattern), "pulled, \(what)")
    }

    /// A visit of every column (the residuals' pass) is the threshold's catch-up.
    @Test(arguments: [1, 3])
    func aVisitIsTheCatchUp(outputs k: Int) {
        for cumulative in [false, true] {
            for scaled in [false, true] {
                var (reference, ours) = Self.states(outputs: k, cumulative: cumulative, scaled: scaled, seed: UInt64(k))
                let what = "k \(k), cumulative \(cumulative), scaled \(scaled)"
                #expect(
                    reference.softThreshold!.kernel
                        == (cumulative ? (scaled ? .scaledCumulative : .cumulative) : (scaled ? .scaledProximal : .proximal)))
                let moved = reference.u.array
                for j in 0..<Self.p { reference.softThreshold!.catchUp(j, reference.u.base) }
                // Not vacuous: the catch-up moved some coefficients, to zero among others.
                #expect(reference.u.array != moved, "\(what)")
                #expect(reference.u.array.indices.contains { reference.u.array[$0] == 0 && moved[$0] != 0 }, "\(what)")
                let u = ours.u.base
                switch (cumulative, scaled) {
                case (false, false): visitAll(ProximalCatchUp<UnitColumnFactors>(&ours), u)
                case (false, true): visitAll(ProximalCatchUp<ColumnFactorTable>(&ours), u)
                case (true, false): visitAll(CumulativeCatchUp<UnitColumnFactors>(&ours), u)
                case (true, true): visitAll(CumulativeCatchUp<ColumnFactorTable>(&ours), u)
                }
                Self.expectSameBits(reference, ours, what)
            }
        }
    }

    /// The cumulative kernel with one output visits a column again with nothing pending (a
    /// column in two rows of a batch): each coefficient moves by no more than T's rounding, and
    /// the zeros stay zeros.
    @Test func theCumulativeKernelsSecondVisitMovesNothingButRounding() {
        for scaled in [false, true] {
            var (_, ours) = Self.states(outputs: 1, cumulative: true, scaled: scaled, seed: 30)
            // T·fⱼ at its largest (the factors reach 4).
            let total = ours.softThreshold!.total * 4, u = ours.u.base
            let visit: (inout SparseState) -> Void = { state in
                scaled
                    ? self.visitAll(CumulativeCatchUp<ColumnFactorTable>(&state), u)
                    : self.visitAll(CumulativeCatchUp<UnitColumnFactors>(&state), u)
            }
            visit(&ours)
            let once = ours.u.array
            #expect(once.contains(0) && once.contains { $0 != 0 })
            visit(&ours)
            for (j, (first, second)) in zip(once, ours.u.array).enumerated() {
                #expect(abs(second - first) <= 4 * total.ulp, "column \(j), scaled \(scaled)")
                #expect((first == 0) == (second == 0), "column \(j), scaled \(scaled)")
            }
        }
    }

    /// The cumulative pull without branches, against its cases written out: max(0, w − (u + q))
    /// above zero, min(0, w + (u − q)) below, zero kept (its sign too).
    @Test func thePullWithoutBranchesTakesEachSignsCase() {
        let cases: [(w: Double, u: Double, q: Double, pulled: Double)] = [
            (0.5, 0.2, -0.1, 0.4), (0.5, 0.2, 0.4, 0), (-0.5, 0.2, 0.1, -0.4), (-0.5, 0.2, -0.4, 0), (0, 0.2, 0.1, 0),
        ]
        for (w, u, q, pulled) in cases {
            #expect(abs(CumulativeL1Step.pull(w, earned: u, applied: q) - pulled) <= 1e-15, "w \(w), u \(u), q \(q)")
        }
        #expect(CumulativeL1Step.pull(-0.0, earned: 0.2, applied: 0).sign == .minus)
    }

    private func visitAll<Visit: ColumnVisit>(_ visit: Visit, _ u: UnsafeMutablePointer<Double>) {
        for j in 0..<Self.p { visit.visit(j, u) }
    }
}
