/// The rows a piecewise quadratic Newton step reads, each x̃ᵢ with its 1 for the intercept last
/// when one is fitted: a dense copy (``DenseNewtonRows``) or a sparse one (``SparseNewtonRows``),
/// so the sums of both run over the same entries in the same order.
protocol NewtonRows {
    /// n.
    var rows: Int { get }
    /// d: the features, and 1 more with an intercept.
    var columns: Int { get }
    /// x̃ᵢ·z.
    func dot(_ i: Int, _ z: [Double]) -> Double
    /// vector += scale·x̃ᵢ; returns Σⱼ|scale·x̃ᵢⱼ| (the rounding floor's share).
    func add(_ i: Int, scaled scale: Double, into vector: inout [Double]) -> Double
    /// The upper triangle of the d×d `matrix` += scale·x̃ᵢx̃ᵢᵀ.
    func addOuterProduct(_ i: Int, scaled scale: Double, into matrix: inout [Double])
    /// diagonal += scale·x̃ᵢ², entry by entry.
    func addSquares(_ i: Int, scaled scale: Double, into diagonal: inout [Double])
}

/// n×d row-major values (cost O(d) a row, O(d²) an outer product).
struct DenseNewtonRows: NewtonRows {
    let x: [Double]
    let rows: Int, columns: Int

    @inline(__always)
    func dot(_ i: Int, _ z: [Double]) -> Double {
        var sum = 0.0
        let start = i * columns
        for j in 0..<columns { sum += x[start + j] * z[j] }
        return sum
    }

    @inline(__always)
    func add(_ i: Int, scaled scale: Double, into vector: inout [Double]) -> Double {
        var floor = 0.0
        let start = i * columns
        for j in 0..<columns {
            vector[j] += scale * x[start + j]
            floor += abs(scale * x[start + j])
        }
        return floor
    }

    @inline(__always)
    func addOuterProduct(_ i: Int, scaled scale: Double, into matrix: inout [Double]) {
        let d = columns, start = i * d
        for a in 0..<d { for b in a..<d { matrix[a * d + b] += scale * x[start + a] * x[start + b] } }
    }

    @inline(__always)
    func addSquares(_ i: Int, scaled scale: Double, into diagonal: inout [Double]) {
        let start = i * columns
        for j in 0..<columns { diagonal[j] += scale * x[start + j] * x[start + j] }
    }
}

/// Compressed rows (columns strictly increasing within a row, the intercept's 1 stored as the
/// last entry at column d − 1): O(nnzᵢ) a row and O(nnzᵢ²) an outer product, so a Gram matrix
/// costs Σnnzᵢ², not n·d².
struct SparseNewtonRows: NewtonRows {
    let starts: [Int]
    let indices: [Int32]
    let values: [Double]
    let rows: Int, columns: Int

    @inline(__always)
    func dot(_ i: Int, _ z: [Double]) -> Double {
        var sum = 0.0
        for e in starts[i]..<starts[i + 1] { sum += values[e] * z[Int(indices[e])] }
        return sum
    }

    @inline(__always)
    func add(_ i: Int, scaled scale: Double, into vector: inout [Double]) -> Double {
        var floor = 0.0
        for e in starts[i]..<starts[i + 1] {
            vector[Int(indices[e])] += scale * values[e]
            floor += abs(scale * values[e])
        }
        return floor
    }

    @inline(__always)
    func addOuterProduct(_ i: Int, scaled scale: Double, into matrix: inout [Double]) {
        let d = columns, end = starts[i + 1]
        for s in starts[i]..<end {
            let a = Int(indices[s]), scaled = scale * values[s]
            // Columns increase within a row: (a, b) with b ≥ a is the upper triangle.
            for t in s..<end { matrix[a * d + Int(indices[t])] += scaled * values[t] }
        }
    }

    @inline(__always)
    func addSquares(_ i: Int, scaled scale: Double, into diagonal: inout [Double]) {
        for e in starts[i]..<starts[i + 1] { diagonal[Int(indices[e])] += scale * values[e] * values[e] }
    }
}
