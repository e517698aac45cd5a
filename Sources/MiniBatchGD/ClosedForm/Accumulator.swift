extension LeastSquares {
    /// An updatable exact least-squares fit, like R's `biglm`: add rows in chunks (from a file
    /// read piece by piece, a stream, or each thread's share), merge accumulators in any order (or
    /// every rank's of a job, ``merged(over:)``), and solve at any point. Memory is O((p + k)²) whatever the number of rows.
    ///
    /// It keeps the triangular factor R of [1, X − a, Y − b] by tall-skinny Householder QR
    /// (blocks of rows stacked under the R so far), so X is read once and the answer loses digits
    /// as κ, not κ² as the normal equations do. The shifts a and b are the first chunk's column
    /// means: they keep a column with a large mean from costing digits, and an intercept absorbs
    /// them exactly (without an intercept there is no shift).
    ///
    /// ```swift
    /// var accumulator = LeastSquares.Accumulator(featureCount: 3)
    /// for chunk in chunks { try accumulator.add(chunk) }
    /// let fit = try accumulator.solve()   // fit.parameters, fit.residualSumOfSquares
    /// ```
    public struct Accumulator: Sendable {
        /// Features per row.
        public let featureCount: Int
        /// Targets per row.
        public let outputCount: Int
        /// Whether an intercept is fitted.
        public let fitIntercept: Bool
        /// Rows added so far.
        public private(set) var rows = 0
        /// Column shifts of [X, Y] (the first chunk's means), or nil before the first chunk.
        private(set) var shift: [Double]?
        private(set) var factor: TallSkinnyQR

        /// An empty accumulator for rows of `featureCount` features and `outputCount` targets.
        public init(featureCount: Int, outputCount: Int = 1, fitIntercept: Bool = true) {
            self.featureCount = featureCount
            self.outputCount = outputCount
            self.fitIntercept = fitIntercept
            let width = (fitIntercept ? 1 : 0) + featureCount + outputCount
            factor = TallSkinnyQR(width: width, blockRows: Swift.max(4 * width, (1 << 16) / Swift.max(width, 1)))
        }

        /// The result of ``solve()``.
        public struct Fit: Sendable {
            /// Coefficients (p×k) and intercepts.
            public let parameters: Parameters
            /// Σ residual² per target.
            public let residualSumOfSquares: [Double]
            /// Rows the fit is over.
            public let rows: Int
        }

        /// Adds the rows of `chunk`.
        /// - Throws: ``ArgumentError`` for a chunk of another width,
        ///   ``MatrixError/nonFinite(argument:row:column:value:)`` for a NaN or infinity.
        /// - Complexity: O(rows · (p + k)²).
        @_specialize(where Element == Double)
        @_specialize(where Element == Float)
        public mutating func add<Element: BLASScalar>(_ chunk: Dataset<Element>) throws {
            guard chunk.featureCount == featureCount, chunk.outputCount == outputCount else {
                throw ArgumentError(
                    argument: "chunk", value: "\(chunk.featureCount) features and \(chunk.outputCount) targets",
                    requirement: "must have \(featureCount) features and \(outputCount) targets, as the accumulator")
            }
            try chunk.features.validateFinite(argument: "features")
            try chunk.targets.validateFinite(argument: "targets")
            let p = featureCount, k = outputCount, offset = fitIntercept ? 1 : 0
            if shift == nil {
                var means = [Double](repeating: 0, count: p + k)
                if fitIntercept, chunk.rows > 0 {
                    for i in 0..<chunk.rows {
                        for j in 0..<p { means[j] += Double(chunk.features.elements[i * p + j]) }
                        for o in 0..<k { means[p + o] += Double(chunk.targets.elements[i * k + o]) }
                    }
                    means = means.map { $0 / Double(chunk.rows) }
                }
                shift = means
            }
            let a = shift!
            var start = 0
            while start < chunk.rows {
                let count = Swift.min(factor.blockRows, chunk.rows - start)
                let first = start
                try factor.add(count: count) { buffer, leading in
                    for i in 0..<count {
                        let row = first + i
                        if offset == 1 { buffer[i] = 1 }
                        for j in 0..<p { buffer[(offset + j) * leading + i] = Double(chunk.features.elements[row * p + j]) - a[j] }
                        for o in 0..<k { buffer[(offset + p + o) * leading + i] = Double(chunk.targets.elements[row * k + o]) - a[p + o] }
                    }
                }
                start += count
            }
            rows += chunk.rows
        }

        /// ``add(_:)`` of rows read in place from columns (an Arrow table's, through the C
        /// interface, its values checked finite): each block gathered as `Double` and put in
        /// the factor as ``add(_:)`` puts a row-major copy's, the same values in the same order
        /// (the same bits); row weights are not read, as ``add(_:)`` does not read a data set's.
        package mutating func add<Element: BLASScalar>(rows chunk: Rows<Element>) throws {
            guard chunk.featureCount == featureCount, chunk.outputCount == outputCount else {
                throw ArgumentError(
                    argument: "chunk", value: "\(chunk.featureCount) features and \(chunk.outputCount) targets",
                    requirement: "must have \(featureCount) features and \(outputCount) targets, as the accumulator")
            }
            let p = featureCount, k = outputCount, offset = fitIntercept ? 1 : 0, n = chunk.count
            let room = Swift.max(1, Swift.min(factor.blockRows, n))
            let x = UnsafeMutablePointer<Double>.allocate(capacity: room * p), t = UnsafeMutablePointer<Double>.allocate(capacity: room * k)
            defer {
                x.deallocate()
                t.deallocate()
            }
            if shift == nil {
                var means = [Double](repeating: 0, count: p + k)
                if fitIntercept, n > 0 {
                    var start = 0
                    while start < n {
                        let count = Swift.min(room, n - start)
                        chunk.copyFeatures(from: start, rows: count, into: x)
                        chunk.copyTargets(from: start, rows: count, into: t)
                        for i in 0..<count {
                            for j in 0..<p { means[j] += x[i * p + j] }
                            for o in 0..<k { means[p + o] += t[i * k + o] }
                        }
                        start += count
                    }
                    means = means.map { $0 / Double(n) }
                }
                shift = means
            }
            let a = shift!
            var start = 0
            while start < n {
                let count = Swift.min(factor.blockRows, n - start)
                chunk.copyFeatures(from: start, rows: count, into: x)
                chunk.copyTargets(from: start, rows: count, into: t)
                try factor.add(count: count) { buffer, leading in
                    for i in 0..<count {
                        if offset == 1 { buffer[i] = 1 }
                        for j in 0..<p { buffer[(offset + j) * leading + i] = x[i * p + j] - a[j] }
                        for o in 0..<k { buffer[(offset + p + o) * leading + i] = t[i * k + o] - a[p + o] }
                    }
                }
                start += count
            }
            rows += n
        }

        /// Adds `count` rows of row-major `features` (count × p) and `targets` (count × k), each
        /// row times √wᵢ when `weights` are given (weighted least squares: the intercept's column
        /// becomes √wᵢ too, so the shift stays exact). The values are taken as checked (finite,
        /// weights ≥ 0): a reader that parses them checks them where it can name the line.
        /// Allocates nothing after the first call.
        package mutating func add(
            count: Int, features: UnsafePointer<Double>, targets: UnsafePointer<Double>, weights: UnsafePointer<Double>?
        ) throws {
            let p = featureCount, k = outputCount, offset = fitIntercept ? 1 : 0
            if shift == nil {
                // Any shift is exact with an intercept; the first rows' means keep large means from costing digits.
                var means = [Double](repeating: 0, count: p + k)
                if fitIntercept, count > 0 {
                    for i in 0..<count {
                        for j in 0..<p { means[j] += features[i * p + j] }
                        for o in 0..<k { means[p + o] += targets[i * k + o] }
                    }
                    for j in 0..<(p + k) { means[j] /= Double(count) }
                }
                shift = means
            }
            guard let a = shift else { return }
            var start = 0
            while start < count {
                let block = Swift.min(factor.blockRows, count - start)
                let first = start
                try a.withUnsafeBufferPointer { a in
                    try factor.add(count: block) { buffer, leading in
                        for i in 0..<block {
                            let row = first + i
                            let root = weights.map { $0[row].squareRoot() } ?? 1
                            if offset == 1 { buffer[i] = root }
                            for j in 0..<p { buffer[(offset + j) * leading + i] = root * (features[row * p + j] - a[j]) }
                            for o in 0..<k { buffer[(offset + p + o) * leading + i] = root * (targets[row * k + o] - a[p + o]) }
                        }
                    }
                }
                start += block
            }
            rows += count
        }

        /// Adds every row another accumulator has seen.
        /// - Throws: ``ArgumentError`` when the shapes or the intercept setting differ.
        public mutating func merge(_ other: Accumulator) throws {
            guard other.featureCount == featureCount, other.outputCount == outputCount, other.fitIntercept == fitIntercept else {
                throw ArgumentError(
                    argument: "other", value: "\(other.featureCount) features, \(other.outputCount) targets",
                    requirement: "must match this accumulator's shape and intercept setting")
            }
            guard let theirs = other.shift else { return }
            guard let ours = shift else {
                self = other
                return
            }
            // [1, X − a′] = [1, X − a]·T with T adding (a − a′)ⱼ times the ones column to column j:
            // only R's first row changes, by (a − a′)ⱼ·R₀₀.
            var moved = other.factor
            if fitIntercept {
                let width = factor.width
                moved.transformFirstRow { r in
                    for j in 1..<width { r[j] += (theirs[j - 1] - ours[j - 1]) * r[0] }
                }
            }
            try factor.merge(moved)
            rows += other.rows
        }

        /// The accumulator of every rank's rows, the same on every rank: each rank's state (rows,
        /// shift, R) is gathered and merged in rank order (``merge(_:)``). Every rank of
        /// `communicator` calls it together, with accumulators of one shape; a rank that saw no
        /// rows contributes nothing.
        /// - Throws: ``ArgumentError`` when the ranks' shapes or intercept settings differ (on every rank).
        /// - Complexity: O(K·(p + k)³) on each rank, one exchange of K·((p + k)² + p + k + 3) values.
        public func merged(over communicator: any Communicator) throws -> Accumulator {
            let width = factor.width, p = featureCount, k = outputCount
            let shape = [Double(p), Double(k), fitIntercept ? 1 : 0]
            let state = shape + [Double(rows), shift == nil ? 0 : 1] + (shift ?? Array(repeating: 0, count: p + k))
            // Every rank must send as many values: a rank of another shape is found before its R is read.
            let shapes = communicator.gather(shape)
            guard shapes.allSatisfy({ $0 == shape }) else {
                throw ArgumentError(
                    argument: "communicator", value: "ranks with accumulators of shapes \(shapes.map { $0.map { Int($0) } })",
                    requirement: "every rank's accumulator must have the same features, targets and intercept setting")
            }
            var result = Accumulator(featureCount: p, outputCount: k, fitIntercept: fitIntercept)
            for part in communicator.gather(state + factor.upperTriangle) where part[4] == 1 {
                var piece = Accumulator(featureCount: p, outputCount: k, fitIntercept: fitIntercept)
                piece.rows = Int(part[3])
                piece.shift = Array(part[5..<5 + p + k])
                try piece.factor.add(triangle: Array(part[(5 + p + k)...].prefix(width * width)))
                try result.merge(piece)
            }
            return result
        }

        /// Σwᵢ(yᵢ − c − xᵢᵀw)² of every row added, per target, at `parameters` (in the data's
        /// units): ‖R·v‖² with R the accumulated factor of the shifted [1, X, Y] and v the
        /// parameters in its coordinates (the target's column −1), so no row is read again.
        package func residualSumOfSquares(at parameters: Parameters) -> [Double] {
            let p = featureCount, k = outputCount, offset = fitIntercept ? 1 : 0, q = offset + p, width = q + k
            guard let a = shift else { return Array(repeating: 0, count: k) }
            let full = factor.upperTriangle
            return (0..<k).map { o in
                var v = [Double](repeating: 0, count: width)
                var shiftedIntercept = fitIntercept ? parameters.intercept[o] - a[p + o] : 0
                for j in 0..<p {
                    let w = parameters.coefficients.elements[j * k + o]
                    v[offset + j] = w
                    if fitIntercept { shiftedIntercept += a[j] * w }
                }
                if fitIntercept { v[0] = shiftedIntercept }
                v[q + o] = -1
                var sum = 0.0
                for i in 0..<width {
                    var u = 0.0
                    for j in i..<width { u += full[i * width + j] * v[j] }
                    sum += u * u
                }
                return sum
            }
        }

        /// The least-squares fit of the rows so far.
        /// - Throws: ``LinearAlgebraError/rankDeficient(method:rank:columns:conditionEstimate:)``
        ///   when the rows do not determine the coefficients (too few, or dependent columns).
        public func solve() throws -> Fit {
            let p = featureCount, k = outputCount, offset = fitIntercept ? 1 : 0, q = offset + p, width = q + k
            guard let a = shift, rows >= q else {
                throw LinearAlgebraError.rankDeficient(method: "qr", rank: Swift.min(rows, q), columns: q, conditionEstimate: .infinity)
            }
            let full = factor.upperTriangle
            var r = [Double](repeating: 0, count: q * q), beta = [Double](repeating: 0, count: q * k)
            for i in 0..<q {
                for j in i..<q { r[i * q + j] = full[i * width + j] }
                for o in 0..<k { beta[i * k + o] = full[i * width + q + o] }
            }
            let reciprocal =
                (0..<q).contains { r[$0 * q + $0] == 0 }
                ? 0 : try r.withUnsafeBufferPointer { try LAPACK.triangularReciprocalCondition(n: q, a: $0.baseAddress!, lda: q) }
            guard reciprocal > Double(Swift.max(rows, q)) * .ulpOfOne else {
                throw LinearAlgebraError.rankDeficient(
                    method: "qr", rank: q - 1, columns: q, conditionEstimate: reciprocal > 0 ? 1 / reciprocal : .infinity)
            }
            _ = try r.withUnsafeBufferPointer { rb in
                try beta.withUnsafeMutableBufferPointer { b in
                    try LAPACK.upperTriangularSolve(n: q, nrhs: k, a: rb.baseAddress!, lda: q, b: b.baseAddress!, ldb: k)
                }
            }
            var coefficients = Matrix<Double>.zeros(p, k), intercept = [Double](repeating: 0, count: k)
            var rss = [Double](repeating: 0, count: k)
            for o in 0..<k {
                // y − b = β₀ + (X − a)·W, so c = b + β₀ − aᵀW.
                var c = fitIntercept ? a[p + o] + beta[o] : 0
                for j in 0..<p {
                    let w = beta[(offset + j) * k + o]
                    coefficients.elements[j * k + o] = w
                    if fitIntercept { c -= a[j] * w }
                }
                intercept[o] = c
                // The residual's norm is what R leaves below the coefficients' rows in column o.
                for i in q...(q + o) { rss[o] += full[i * width + q + o] * full[i * width + q + o] }
            }
            return Fit(parameters: Parameters(unchecked: coefficients, intercept), residualSumOfSquares: rss, rows: rows)
        }
    }
}
