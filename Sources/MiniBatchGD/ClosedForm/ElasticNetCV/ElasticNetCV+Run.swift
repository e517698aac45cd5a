extension ElasticNetCV {
    /// The arguments every fold's path shares, checked.
    struct Settings {
        let l1Ratio: Double
        /// Given alphas, largest first, or nil for the grid.
        let alphas: [Double]?
        let count: Int
        let smallestRatio: Double
        let fitIntercept: Bool
        let tolerance: Double
        let maximumSweeps: Int
    }

    /// What the folds and the path on every row produced.
    struct Run {
        /// The path on every row.
        let full: GridDescent
        /// Per fold, the held-out error per α and target (α-major, m·k values).
        let foldErrors: [[Double]]
        /// Per target, whether every solution reached its tolerance.
        let converged: [Bool]
    }

    /// The grid, then the K fold paths and their held-out errors and the path on every row, as
    /// K + 1 independent tasks on `pool` (each on one thread: the same bits on any count).
    /// - Parameters:
    ///   - full: the problem of every row.
    ///   - problem: the problem of fold f's training rows.
    ///   - heldOut: fold f's held-out error per α and target, for its path.
    static func run(
        full: ElasticNetProblem, foldCount: Int, settings: Settings, pool: WorkerPool, problem: @escaping (Int) throws -> ElasticNetProblem,
        heldOut: @escaping (Int, GridDescent) -> [Double]
    ) throws -> (grid: [Double], run: Run) {
        let grid: [Double]
        if let alphas = settings.alphas {
            grid = alphas
        } else {
            let top = full.alphaMax(l1Ratio: settings.l1Ratio, penaltyUnits: .original)
            guard top > 0 else {
                throw ArgumentError(
                    argument: "alphas", value: "nil",
                    requirement:
                        "must be given: alpha_max is 0 for these rows (the targets are constant or orthogonal to every column), so every alpha gives zeros and no grid descends from it"
                )
            }
            grid = CoordinateDescent.logarithmicGrid(from: top, ratio: settings.smallestRatio, count: settings.count)
        }
        let p = full.p, k = full.k, m = grid.count
        // The path on every row, and one fold's path per thread, are kept at once.
        try MemoryBudget.require(
            MemoryBudget.doubles(1 + pool.threads, m, p, k), for: "the coefficients of \(1 + pool.threads) paths of \(m) alphas")
        let K = foldCount
        let results = pool.map(chunks: K + 1) { task -> Result<(GridDescent, [Double]), any Error> in
            Result {
                if task == K { return (full.descend(grid: grid, settings: settings), []) }
                let path = try problem(task).descend(grid: grid, settings: settings)
                return (path, heldOut(task, path))
            }
        }
        var foldErrors: [[Double]] = [], converged = [Bool](repeating: true, count: k)
        for result in results {
            let (path, errors) = try result.get()
            for o in 0..<k { converged[o] = converged[o] && path.converged[o] }
            foldErrors.append(errors)
        }
        let fullPath = try results[K].get().0
        foldErrors.removeLast()
        return (grid, Run(full: fullPath, foldErrors: foldErrors, converged: converged))
    }
}

/// A path's coefficients, intercepts and gaps alone, without each solution's objective
/// recomputed from the rows (a pass over them per α, which the folds do not need).
struct GridDescent {
    /// α a's p×k coefficients (row-major) at a·p·k.
    var coefficients: [Double]
    /// α a's k intercepts at a·k.
    var intercepts: [Double]
    /// α a's k duality gaps at a·k.
    var gaps: [Double]
    /// Per target, whether every α reached its tolerance.
    var converged: [Bool]
}

extension ElasticNetProblem {
    /// The path down `grid` (largest first) from zeros, each α from the last, per target.
    func descend(grid: [Double], settings: ElasticNetCV.Settings) -> GridDescent {
        let m = grid.count
        var path = GridDescent(
            coefficients: [Double](repeating: 0, count: m * p * k), intercepts: [Double](repeating: 0, count: m * k),
            gaps: [Double](repeating: 0, count: m * k), converged: [Bool](repeating: true, count: k))
        let d = scale(.original)
        let beta = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, p))
        let work = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, 2 * p))
        let active = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(1, p))
        defer {
            beta.deallocate()
            work.deallocate()
            active.deallocate()
        }
        for o in 0..<k {
            beta.initialize(repeating: 0, count: p)
            for (a, alpha) in grid.enumerated() {
                let outcome = d.withUnsafeBufferPointer {
                    CoordinateDescent.descend(
                        updates, target: o, beta: beta, scale: $0.baseAddress!, l1: alpha * settings.l1Ratio,
                        l2: alpha * (1 - settings.l1Ratio), tolerance: settings.tolerance, maximumSweeps: settings.maximumSweeps,
                        work: work, active: active)
                }
                path.converged[o] = path.converged[o] && outcome.converged
                path.gaps[a * k + o] = outcome.gap
                var intercept = targetMean[o]
                for j in 0..<p {
                    path.coefficients[a * p * k + j * k + o] = beta[j]
                    intercept -= featureMean[j] * beta[j]
                }
                path.intercepts[a * k + o] = fitIntercept ? intercept : 0
            }
        }
        return path
    }
}
