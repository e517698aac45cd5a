extension Parameters {
    /// Each target's column from its own solution of a path: target o's coefficients and
    /// intercept from `path[indices[o]]`. The paths (``RidgePath``, ``ElasticNetCV``,
    /// ``SparseRidgeCV``) choose an α per target, and a model holds every target at its own.
    package static func perTarget(of path: [Parameters], at indices: [Int]) -> Parameters {
        let k = indices.count, p = path.first?.coefficients.rows ?? 0
        var coefficients = Matrix<Double>.zeros(p, k), intercept = [Double](repeating: 0, count: k)
        for o in 0..<k {
            let chosen = path[indices[o]]
            for j in 0..<p { coefficients.elements[j * k + o] = chosen.coefficients.elements[j * k + o] }
            intercept[o] = chosen.intercept[o]
        }
        return Parameters(unchecked: coefficients, intercept)
    }
}
