extension ElasticNetCV {
    /// The cross-validation of sparse rows (arguments checked): each fold's training rows taken
    /// out as sparse rows of their own and copied by columns (naive updates).
    static func sparse<Element: BLASScalar>(
        _ data: SparseDataset<Element>, fold: [Int], foldCount K: Int, settings: Settings, pool: WorkerPool
    ) throws -> ElasticNetCV {
        let members = Self.members(fold, count: K)
        let full = try CoordinateDescent.sparseProblem(data, fitIntercept: settings.fitIntercept)
        let (grid, run) = try Self.run(
            full: full, foldCount: K, settings: settings, pool: pool,
            problem: { f in
                try ElasticNetProblem.columns(try Self.training(data, fold: fold, held: f), fitIntercept: settings.fitIntercept)
            },
            heldOut: { f, path in Self.heldOutErrors(data, members: members[f], path: path) })
        return ElasticNetCV(
            grid: grid, run: run, fold: fold, foldCount: K, settings: settings, method: .naive,
            weightTotal: data.weights?.reduce(0, +) ?? Double(data.rows), featureNames: data.featureNames, targetNames: data.targetNames)
    }

    /// The rows not in fold `held`, in order, with their targets and weights.
    static func training<Element: BLASScalar>(_ data: SparseDataset<Element>, fold: [Int], held: Int) throws -> SparseDataset<Element> {
        let kept = fold.indices.filter { fold[$0] != held }, k = data.outputCount
        var rowStarts = [0], columns: [Int32] = [], values: [Element] = [], targets: [Element] = []
        rowStarts.reserveCapacity(kept.count + 1)
        targets.reserveCapacity(kept.count * k)
        for i in kept {
            for position in data.rowStarts[i]..<data.rowStarts[i + 1] {
                columns.append(data.columnIndices[position])
                values.append(data.values[position])
            }
            rowStarts.append(columns.count)
            for o in 0..<k { targets.append(data.targets[i, o]) }
        }
        return try SparseDataset(
            rowStarts: rowStarts, columns: columns, values: values,
            targets: Matrix(uncheckedRows: kept.count, columns: k, elements: targets), featureCount: data.featureCount,
            featureNames: data.featureNames, targetNames: data.targetNames, weights: data.weights.map { w in kept.map { w[$0] } })
    }

    /// Σwᵢ(yᵢ − b − xᵢβ)²/Σwᵢ over the sparse rows `members`, per α and target (α-major): each
    /// row's predictions for every α at once, from its nonzeros' rows of the coefficients.
    static func heldOutErrors<Element: BLASScalar>(_ data: SparseDataset<Element>, members: [Int], path: GridDescent) -> [Double] {
        let p = data.featureCount, k = data.outputCount, width = path.intercepts.count, m = width / k
        let c = coefficientColumns(path, p: p, k: k)
        var prediction = [Double](repeating: 0, count: width), sums = prediction, total = 0.0
        for i in members {
            let w = data.weights?[i] ?? 1
            guard w > 0 else { continue }
            total += w
            for a in 0..<width { prediction[a] = 0 }
            for position in data.rowStarts[i]..<data.rowStarts[i + 1] {
                let value = Double(data.values[position]), row = Int(data.columnIndices[position]) * width
                for a in 0..<width { prediction[a] += value * c[row + a] }
            }
            for a in 0..<m {
                for o in 0..<k {
                    let residual = Double(data.targets[i, o]) - path.intercepts[a * k + o] - prediction[a * k + o]
                    sums[a * k + o] += w * residual * residual
                }
            }
        }
        return sums.map { $0 / total }
    }
}
