import Testing

@testable import MiniBatchGD

@Suite struct MatrixTests {
    @Test func rowMajorLayoutAndAccess() throws {
        let m = try Matrix([[1, 2, 3], [4, 5, 6]])
        #expect(m.rows == 2 && m.columns == 3)
        #expect(m.elements == [1, 2, 3, 4, 5, 6])
        #expect(m[1, 0] == 4)
        #expect(m.row(1) == [4, 5, 6])
        #expect(m.column(2) == [3, 6])
        #expect(m.transposed == (try Matrix([[1, 4], [2, 5], [3, 6]])))
    }

    @Test func badShapesThrow() {
        #expect(throws: MatrixError.raggedRows(row: 1, expected: 2, actual: 1)) { try Matrix([[1, 2], [3]]) }
        #expect(throws: MatrixError.elementCount(rows: 2, columns: 2, count: 3)) {
            try Matrix<Double>(rows: 2, columns: 2, elements: [1, 2, 3])
        }
        #expect(throws: MatrixError.negativeDimension(rows: -1, columns: 2)) { try Matrix<Double>(rows: -1, columns: 2) }
        #expect(throws: MatrixError.rowRangeOutOfBounds(lower: 1, upper: 4, rows: 3)) {
            try Matrix<Double>(rows: 3, columns: 1).rows(1..<4)
        }
    }

    @Test func rowViewsShareStorage() throws {
        let m = try Matrix([[1, 2], [3, 4], [5, 6], [7, 8]])
        let view = try m.rows(1..<3)
        #expect(view.rows == 2 && view.columns == 2)
        #expect(view[1, 1] == 6)
        #expect(view.copy() == (try Matrix([[3, 4], [5, 6]])))
        // The view points into the matrix's own buffer: same address, no copy.
        let base = m.elements.withUnsafeBufferPointer { $0.baseAddress! }
        view.withUnsafePointer { #expect($0 == base + 2) }
    }

    @Test func gatheringRows() throws {
        let m = try Matrix([[1, 2], [3, 4], [5, 6]])
        #expect(try m.gatheringRows([2, 0]) == (try Matrix([[5, 6], [1, 2]])))
        #expect(throws: MatrixError.self) { try m.gatheringRows([3]) }
    }

    @Test func nonFiniteValuesAreLocated() throws {
        let m = try Matrix([[1, 2], [3, .nan]])
        do {
            try m.validateFinite(argument: "features")
            Issue.record("a NaN passed validation")
        } catch let MatrixError.nonFinite(argument, row, column, value) {
            #expect(argument == "features" && row == 1 && column == 1 && value.isNaN)
        }
        #expect(throws: MatrixError.nonFinite(argument: "targets", row: 0, column: 0, value: .infinity)) {
            try Matrix<Double>(column: [.infinity]).validateFinite(argument: "targets")
        }
    }
}

@Suite struct EdgeCaseTests {
    @Test func emptyMatricesAreHandledWithoutCrashing() throws {
        try Matrix<Double>(rows: 0, columns: 3).validateFinite(argument: "x")
        try Matrix<Double>(rows: 2, columns: 0).validateFinite(argument: "x")
        let noFeatures = try Parameters(coefficients: Matrix<Double>(rows: 0, columns: 1), intercept: [1])
        #expect(throws: MatrixError.self) { try Objective.hypothesis(Matrix<Double>(rows: 2, columns: 0), noFeatures) }
        #expect(throws: ArgumentError.self) {
            try RegressionMetrics(predictions: Matrix<Double>(rows: 2, columns: 0), targets: Matrix<Double>(rows: 2, columns: 0))
        }
    }

    @Test func singleThreadedScopeRunsOpenBLASOnOneThread() throws {
        BLASThreads.singleThreaded {
            #expect(BLASThreads.current == 1)
            BLASThreads.singleThreaded { #expect(BLASThreads.current == 1) }
            #expect(BLASThreads.current == 1)
        }
        // A count set while a scope is open (a fit running on another thread) waits for the
        // last scope to close (when that is depends on the tests running beside this one).
        let before = BLASThreads.outsideScopes
        defer { BLASThreads.set(before) }
        BLASThreads.singleThreaded {
            BLASThreads.set(2)
            #expect(BLASThreads.current == 1)
        }
        #expect(!BLASThreads.coreName.isEmpty)
    }
}

@Suite struct BLASLimitTests {
    @Test func dimensionsBeyondThirtyTwoBitsThrowInsteadOfTrapping() throws {
        let beyond = Int(Int32.max) + 1
        #expect(throws: MatrixError.tooLargeForBLAS(operation: "hypothesis", dimension: beyond)) {
            try Objective.hypothesis(Matrix<Double>(rows: 0, columns: beyond), Parameters.zeros(features: 1, outputs: 1))
        }
        #expect(throws: MatrixError.tooLargeForBLAS(operation: "x", dimension: beyond)) { try BLAS.checkDimensions("x", 3, beyond) }
        try BLAS.checkDimensions("x", Int(Int32.max), 1)
    }
}

@Suite struct MemoryLimitRefusalTests {
    @Test func sizesBeyondMemoryAreRefusedBeforeAllocating() throws {
        #expect(throws: MatrixError.self) { try Matrix<Double>(rows: Int.max, columns: 2) }
        do {
            _ = try Matrix<Double>(rows: 1 << 40, columns: 1)
            Issue.record("8 TiB were allocated")
        } catch let MatrixError.tooLarge(operation, needed, _) {
            #expect(operation == "a 1099511627776×1 matrix" && needed == 8 << 40)
        }
        #expect(throws: MatrixError.self) { try Dataset<Double>.synthetic(rows: 1 << 40, features: 1000) }
        var generator = RandomSource(seed: 1)
        let normal = try MultivariateNormal(mean: [0, 0], covariance: Matrix([[1, 0], [0, 1]]))
        #expect(throws: MatrixError.self) { try normal.sample(count: 1 << 50, using: &generator) }
        let message = MatrixError.tooLarge(operation: "x", neededBytes: 3 << 30, availableBytes: 1 << 30).description
        #expect(message == "x needs about 3.0 GiB of memory and 1.0 GiB is available")
    }
}
