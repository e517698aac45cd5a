/// The cost of the update step alone, for the benchmarks (the batch gradient excluded).
@_spi(Benchmarking)
public enum UpdateRuleTiming {
    /// Seconds taken by `steps` updates of `parameters` values with `optimizer`'s rule (momentum
    /// 0.9 for the momentum methods, no averaging), on a fixed small gradient.
    public static func seconds(_ optimizer: Optimizer, parameters count: Int, steps: Int) -> Double {
        struct Timer: UpdateRuleVisitor {
            let count: Int, steps: Int
            func visit<Rule: UpdateRule>(_ rule: Rule) throws(Never) -> Double {
                var rule = rule
                let theta = Buffer<Double>(repeating: 1, count: count), gradient = Buffer<Double>(repeating: 0, count: count)
                for i in 0..<count { gradient.base[i] = 1e-3 * Double(i % 7 - 3) }
                let start = ContinuousClock.now
                for _ in 0..<steps { rule.step(theta.base, gradient: gradient.base, rate: 1e-3) }
                let seconds = (ContinuousClock.now - start) / .seconds(1)
                // Keep the result alive so the loop cannot be removed.
                if theta.base[0].isNaN { print(theta.base[0]) }
                return seconds
            }
        }
        return optimizer.withRule(count: count, decayedCount: count - 1, momentum: 0.9, Timer(count: count, steps: steps))
    }
}
