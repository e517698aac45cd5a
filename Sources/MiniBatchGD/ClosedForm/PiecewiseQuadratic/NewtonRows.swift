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

/// n×d row-major values (cost O(d) a row, O(d²) an outer product). The loops read through raw
/// pointers (the same sums in the same order): through the arrays' subscripts an unoptimized
/// build spent 11 s on the Hessians of a 1000 × 300 Huber solve.
struct DenseNewtonRows: NewtonRows {
    let x: [Double]
    let rows: Int, columns: Int

    @inline(__always)
    func dot(_ i: Int, _ z: [Double]) -> Double {
        guard columns > 0 else { return 0 }
        return x.withUnsafeBufferPointer { xs in
            z.withUnsafeBufferPointer { zs in
                let row = xs.baseAddress! + i * columns
                var sum = 0.0
                for j in 0..<columns { sum += row[j] * zs[j] }
                return sum
            }
        }
    }

    @inline(__always)
    func add(_ i: Int, scaled scale: Double, into vector: inout [Double]) -> Double {
        guard columns > 0 else { return 0 }
        return x.withUnsafeBufferPointer { xs in
            vector.withUnsafeMutableBufferPointer { v in
                let row = xs.baseAddress! + i * columns
                var floor = 0.0
                for j in 0..<columns {
                    v[j] += scale * row[j]
                    floor += abs(scale * row[j])
                }
                return floor
            }
        }
    }

    @inline(__always)
    func addOuterProduct(_ i: Int, scaled scale: Double, into matrix: inout [Double]) {
        let d = columns
        guard d > 0 else { return }
        x.withUnsafeBufferPointer { xs in
            matrix.withUnsafeMutableBufferPointer { m in
                let row = xs.baseAddress! + i * d, h = m.baseAddress!
                for a in 0..<d {
                    let scaled = scale * row[a]
                    for b in a..<d { h[a * d + b] += scaled * row[b] }
                }
            }
        }
    }

    @inline(__always)
    func addSquares(_ i: Int, scaled scale: Double, into diagonal: inout [Double]) {
        guard columns > 0 else { return }
        x.withUnsafeBufferPointer { xs in
            diagonal.withUnsafeMutableBufferPointer { g in
                let row = xs.baseAddress! + i * columns
                for j in 0..<columns { g[j] += scale * row[j] * row[j] }
            }
        }
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
