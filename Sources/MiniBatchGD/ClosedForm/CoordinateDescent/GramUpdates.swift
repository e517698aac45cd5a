/// Covariance updates (glmnet's): the correlations gⱼ = cⱼ − (Hβ)ⱼ kept through H, the weighted
/// Gram matrix of the centred columns over Σw, and c, their weighted products with the centred
/// targets over Σw. Moving βⱼ by δ adds δ times H's column j to Hβ: O(p), whatever n.
final class GramUpdates: CoordinateUpdates {
    let p: Int
    let curvature: [Double]
    let targetSquares: [Double]
    /// The targets k: c holds one column each.
    private let k: Int
    /// H (p×p, symmetric: row j is column j).
    private let gram: UnsafeMutablePointer<Double>
    /// c (p×k, row-major).
    private let cross: UnsafeMutablePointer<Double>
    /// Hβ for the current target and coefficients.
    private let product: UnsafeMutablePointer<Double>
    /// The current target's column of c.
    private let moment: UnsafeMutablePointer<Double>
    /// The target being solved.
    private var currentTarget = 0

    /// - Parameters:
    ///   - gram: H, p×p.
    ///   - cross: c, p×k.
    ///   - curvature: Hⱼⱼ, or 0 for a column held at zero.
    ///   - targetSquares: Σωỹ² per target.
    init(gram: [Double], cross: [Double], curvature: [Double], targetSquares: [Double]) {
        let p = curvature.count
        self.p = p
        k = targetSquares.count
        self.curvature = curvature
        self.targetSquares = targetSquares
        self.gram = .allocate(capacity: p * p)
        self.gram.initialize(from: gram, count: p * p)
        self.cross = .allocate(capacity: p * k)
        self.cross.initialize(from: cross, count: p * k)
        product = .allocate(capacity: p)
        product.initialize(repeating: 0, count: p)
        moment = .allocate(capacity: p)
        moment.initialize(repeating: 0, count: p)
    }

    deinit { for pointer in [gram, cross, product, moment] { pointer.deallocate() } }

    func begin(target: Int, coefficients: UnsafePointer<Double>) {
        currentTarget = target
        for j in 0..<p { moment[j] = cross[j * k + target] }
        multiply(coefficients)
    }

    /// Hβ afresh into `product`, over the nonzero coefficients only.
    private func multiply(_ coefficients: UnsafePointer<Double>) {
        product.update(repeating: 0, count: p)
        for j in 0..<p where coefficients[j] != 0 {
            let b = coefficients[j], column = gram + j * p
            for i in 0..<p { product[i] += b * column[i] }
        }
    }

    @inline(__always)
    func correlation(_ j: Int) -> Double { moment[j] - product[j] }

    @inline(__always)
    func move(_ j: Int, by delta: Double) {
        let column = gram + j * p
        for i in 0..<p { product[i] += delta * column[i] }
    }

    func correlations(coefficients: UnsafePointer<Double>, into output: UnsafeMutablePointer<Double>) {
        multiply(coefficients)
        for j in 0..<p { output[j] = moment[j] - product[j] }
    }

    /// Σωỹ² − 2cᵀβ + βᵀHβ: a difference, accurate to about ε·Σωỹ² (the gap needs it only
    /// far from the optimum, and the reported objective is recomputed from the rows).
    func residualSquares(coefficients: UnsafePointer<Double>) -> Double {
        var total = 0.0, linear = 0.0
        for j in 0..<p {
            linear += moment[j] * coefficients[j]
            total += coefficients[j] * product[j]
        }
        return Swift.max(0, targetSquares[currentTarget] - 2 * linear + total)
    }
}
