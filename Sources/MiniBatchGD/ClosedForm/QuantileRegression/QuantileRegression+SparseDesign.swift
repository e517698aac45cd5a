extension QuantileRegression {
    /// Sparse rows (weighted, the intercept's weighted 1 stored last at column d − 1): products in
    /// O(nnz); X̃ᵀQX̃ formed from the rows' products (Σnnzᵢ², as the sparse Newton of the
    /// piecewise quadratic losses) and factored by Cholesky, or, past the column limit, never
    /// formed: conjugate gradients (``ConjugateGradient``, shared with that Newton) apply it as
    /// X̃ᵀ(Q(X̃v)), their tolerance tightened as the duality gap closes.
    final class SparseInteriorPointDesign: InteriorPointDesign {
        let rows: SparseNewtonRows
        let work: Workspace
        let system: NewtonSystem
        /// X̃ᵀQX̃ (upper triangle; the vertex's square after the iterations) and its factor, d×d
        /// each, by Cholesky only.
        private let gram, factor: UnsafeMutablePointer<Double>?
        private var solver: ConjugateGradient
        private var rightHandSide: [Double], direction: [Double]
        /// Whether the conjugate gradients' system is weighted by Q (X̃ᵀX̃ at the start), and
        /// their relative tolerance.
        private var weighted = false, tolerance = ConjugateGradient.relativeTolerance
        private(set) var innerIterations = 0

        /// The loosest and tightest inner tolerances, and the factor of the relative gap between.
        static let loosestTolerance = 1e-8, tightestTolerance = 1e-12, toleranceOfGap = 1e-3

        init(_ rows: SparseNewtonRows, _ work: Workspace, system: NewtonSystem) {
            self.rows = rows
            self.work = work
            self.system = system
            let d = rows.columns
            if system == .cholesky {
                gram = .allocate(capacity: d * d)
                factor = .allocate(capacity: d * d)
            } else {
                (gram, factor) = (nil, nil)
            }
            let size = system == .cholesky ? 0 : d
            solver = ConjugateGradient(columns: size)
            rightHandSide = [Double](repeating: 0, count: size)
            direction = rightHandSide
        }

        deinit {
            gram?.deallocate()
            factor?.deallocate()
        }

        var isInexact: Bool { system == .conjugateGradient }
        var formsVertex: Bool { system == .cholesky }
        var square: UnsafeMutablePointer<Double> { gram! }

        func multiply(_ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
            rows.starts.withUnsafeBufferPointer { starts in
                rows.indices.withUnsafeBufferPointer { indices in
                    rows.values.withUnsafeBufferPointer { values in
                        for i in 0..<rows.rows {
                            var sum = 0.0
                            for e in starts[i]..<starts[i + 1] { sum += values[e] * v[Int(indices[e])] }
                            out[i] = sum
                        }
                    }
                }
            }
        }

        func multiplyTransposed(_ u: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
            out.update(repeating: 0, count: rows.columns)
            rows.starts.withUnsafeBufferPointer { starts in
                rows.indices.withUnsafeBufferPointer { indices in
                    rows.values.withUnsafeBufferPointer { values in
                        for i in 0..<rows.rows {
                            let scale = u[i]
                            for e in starts[i]..<starts[i + 1] { out[Int(indices[e])] += values[e] * scale }
                        }
                    }
                }
            }
        }

        /// gram ← Σqᵢx̃ᵢx̃ᵢᵀ (q nil: all 1), its upper triangle, from the rows' products.
        private func formGram(weighted: Bool) {
            guard let gram else { return }
            let d = rows.columns, q = work.q
            gram.update(repeating: 0, count: d * d)
            rows.starts.withUnsafeBufferPointer { starts in
                rows.indices.withUnsafeBufferPointer { indices in
                    rows.values.withUnsafeBufferPointer { values in
                        for i in 0..<rows.rows {
                            let weight = weighted ? q[i] : 1, end = starts[i + 1]
                            for s in starts[i]..<end {
                                // Columns increase within a row: (a, b) with b ≥ a is the upper triangle.
                                let row = gram + Int(indices[s]) * d, scaled = weight * values[s]
                                for t in s..<end { row[Int(indices[t])] += scaled * values[t] }
                            }
                        }
                    }
                }
            }
        }

        /// factor ← the Cholesky factor of gram; false when not positive definite to rounding.
        private func factorGram() throws -> Bool {
            guard let gram, let factor else { return true }
            factor.update(from: gram, count: rows.columns * rows.columns)
            do {
                try LAPACK.choleskyFactor(n: rows.columns, a: factor, lda: rows.columns)
            } catch LinearAlgebraError.notPositiveDefinite {
                return false
            }
            return true
        }

        func prepareUnweighted() throws -> Bool {
            weighted = false
            // Least squares only starts the dual off: any answer will do.
            tolerance = Self.loosestTolerance
            guard let gram, let factor else { return true }
            formGram(weighted: false)
            return try Workspace.hasIndependentColumns(gram: gram, factor: factor, d: rows.columns) && factorGram()
        }

        func prepareWeighted(relativeGap: Double) throws -> Bool {
            weighted = true
            tolerance = Swift.min(Swift.max(Self.toleranceOfGap * relativeGap, Self.tightestTolerance), Self.loosestTolerance)
            formGram(weighted: true)
            return try factorGram()
        }

        func solve() throws {
            let d = rows.columns
            if let factor {
                work.dy.update(from: work.rhs, count: d)
                try LAPACK.choleskySolve(n: d, nrhs: 1, factor: factor, lda: d, b: work.dy, ldb: 1)
                return
            }
            for j in 0..<d { rightHandSide[j] = work.rhs[j] }
            let q = work.q, weighted = weighted
            innerIterations += try solver.solve(
                rows, rightHandSide: rightHandSide, tolerance: tolerance, relativeRidge: 0, rowWeight: { weighted ? q[$0] : 1 },
                into: &direction)
            for j in 0..<d { work.dy[j] = direction[j] }
        }

        func absoluteProducts(_ i: Int, _ theta: UnsafePointer<Double>) -> Double {
            var size = 0.0
            for e in rows.starts[i]..<rows.starts[i + 1] { size += abs(rows.values[e] * theta[Int(rows.indices[e])]) }
            return size
        }

        func copyRow(_ i: Int, into out: UnsafeMutablePointer<Double>) {
            out.update(repeating: 0, count: rows.columns)
            for e in rows.starts[i]..<rows.starts[i + 1] { out[Int(rows.indices[e])] = rows.values[e] }
        }
    }
}
