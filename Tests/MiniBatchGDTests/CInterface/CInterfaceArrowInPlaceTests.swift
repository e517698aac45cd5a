import CMiniBatchGD
import Foundation
import Testing

@testable import MiniBatchGD
@testable import MiniBatchGDC

/// An Arrow table's columns read in place give the bits of the same rows copied row-major (the
/// copy ``ColumnTable`` makes, which the handle held before): every pass of the solve gathers
/// its blocks from the columns exactly, so only where the values sit differs.
@Suite struct CInterfaceArrowInPlaceTests {
    typealias Export = CInterfaceArrowTests.Export

    /// Columns of n rows: p features of distinct scales, the targets a plane of them plus a
    /// deterministic wobble, and positive weights; `formats` gives each feature's and target's
    /// Arrow format (Float columns hold the values rounded to Float).
    static func table(rows n: Int, formats: [String], targets k: Int, weighted: Bool) -> Export {
        let p = formats.count - k
        var columns: [(name: String, format: String, values: [Double])] = []
        for j in 0..<p {
            // A frequency of its own per column, so no column is a combination of others.
            let values = (0..<n).map { i in sin(Double(i) * 0.0137 * Double(j + 1) + Double(j)) * Double(j + 1) + 0.25 * Double(j) }
            columns.append(("x\(j)", formats[j], values))
        }
        for o in 0..<k {
            let values = (0..<n).map { i in
                (0..<p).reduce(Double(o) - 0.5) { $0 + Double($1 % 5 - 2) * columns[$1].values[i] } + 0.1 * cos(Double(i * (o + 3)))
            }
            columns.append(("y\(o)", formats[p + o], values))
        }
        if weighted { columns.append(("w", "g", (0..<n).map { 0.5 + Double($0 % 7) / 4 })) }
        return Export(columns)
    }

    /// The options naming the table's targets (and weights).
    static func options(targets k: Int, weighted: Bool) -> String {
        let targets = (0..<k).map { "\"y\($0)\"" }.joined(separator: ", ")
        return "{\"target\": [\(targets)]\(weighted ? ", \"weights\": \"w\"" : "")}"
    }

    /// Every number a solve reports, as bit patterns.
    static func bits(_ solution: LeastSquares.Solution) -> [UInt64] {
        var values = solution.coefficients.elements + solution.intercept + [solution.conditionNumber]
        values += solution.statistics.residualSumOfSquares + solution.statistics.rSquared
        values += (solution.statistics.covariances ?? []).flatMap(\.elements)
        for table in solution.coefficientTables {
            values += table.rows.flatMap { [$0.standardError ?? -1, $0.tValue ?? -1, $0.errorBound ?? -1] }
        }
        return values.map(\.bitPattern) + [UInt64(solution.refinementIterations), UInt64(solution.rank)]
    }

    /// Solves and evaluations on `source` in place and on its row-major copy, with OpenBLAS on
    /// one thread throughout: the factorizations run on OpenBLAS's own threads, whose count other
    /// tests running meanwhile may change, and which round differently with it.
    static func compare<Element: BLASScalar>(_ source: ArrowRows<Element>, label: String) throws {
        try BLASThreads.singleThreaded { try compareOnOneBLASThread(source, label: label) }
    }

    static func compareOnOneBLASThread<Element: BLASScalar>(_ source: ArrowRows<Element>, label: String) throws {
        let copy = try source.copied()
        let cases: [(LeastSquares.Method, LeastSquares.CovarianceType)] = [
            (.cholesky, .nonrobust), (.qr, .hc3), (.svd, .hc1), (.auto, .hc2),
        ]
        for (method, covariance) in cases {
            for threads in [1, 3] {
                let inPlace = try LeastSquares.solve(source, method: method, covariance: covariance, threads: threads)
                let copied = try LeastSquares.solve(copy, method: method, covariance: covariance, threads: threads)
                #expect(bits(inPlace) == bits(copied), "\(label) \(method) \(covariance) threads \(threads)")
                var model = LinearRegression()
                try model.fit(copy, method: method)
                let a = try model.evaluate(source, threads: threads), b = try model.evaluate(copy, threads: threads)
                #expect(
                    a.outputs.map(\.meanSquaredError.bitPattern) == b.outputs.map(\.meanSquaredError.bitPattern)
                        && a.outputs.map(\.r2.bitPattern) == b.outputs.map(\.r2.bitPattern)
                        && a.outputs.map(\.meanAbsoluteError.bitPattern) == b.outputs.map(\.meanAbsoluteError.bitPattern),
                    "\(label) evaluate threads \(threads)")
            }
        }
    }

    /// 9000 rows × 30 features: past the 2¹⁸ values that start the solve's threads, and three
    /// of the refinement's 4096-row chunks, the last one short.
    @Test(arguments: [false, true])
    func solvesAndEvaluationsInPlaceGiveTheCopysBits(weighted: Bool) throws {
        let p = 30
        let layouts: [(String, [String], Int)] = [
            ("float64", Array(repeating: "g", count: p + 1), 1),
            ("float32", Array(repeating: "f", count: p + 2), 2),
            ("mixed", (0..<p + 2).map { $0 % 3 == 0 ? "f" : "g" }, 2),
        ]
        for (label, formats, k) in layouts {
            let export = Self.table(rows: 9000, formats: formats, targets: k, weighted: weighted)
            var handle: OpaquePointer?
            try #require(export.create(Self.options(targets: k, weighted: weighted), &handle) == 0, "\(lastError)")
            defer { withExtendedLifetime(export) { mbgd_data_free(handle) } }
            switch try DataHandle.from(handle).storage {
            case let .arrow64(rows):
                #expect(label != "float32")
                #expect((rows.weights != nil) == weighted)
                try Self.compare(rows, label: label)
            case let .arrow32(rows):
                #expect(label == "float32")
                try Self.compare(rows, label: label)
            default:
                Issue.record("an Arrow table must be read in place")
            }
        }
    }

    /// A split's parts read the columns from their first row: the same rows as the copy's.
    @Test func splitPartsReadTheirOwnRows() throws {
        let export = Self.table(rows: 50, formats: ["g", "f", "g"], targets: 1, weighted: true)
        var handle: OpaquePointer?
        try #require(export.create(Self.options(targets: 1, weighted: true), &handle) == 0, "\(lastError)")
        defer { withExtendedLifetime(export) { mbgd_data_free(handle) } }
        guard case let .arrow64(rows) = try DataHandle.from(handle).storage else {
            Issue.record("a table with float64 columns must give Double rows")
            return
        }
        let whole = try rows.copied(), (train, test) = try rows.split(testFraction: 0.2, shuffleSeed: 7)
        let trainCopy = try train.copied(), testCopy = try test.copied()
        #expect(train.rows == 40 && test.rows == 10)
        #expect(trainCopy.features.elements + testCopy.features.elements == whole.features.elements)
        #expect(trainCopy.targets.elements + testCopy.targets.elements == whole.targets.elements)
        #expect((trainCopy.weights ?? []) + (testCopy.weights ?? []) == whole.weights)
        // A sample reads its rows from the columns as a copy's would.
        #expect(try rows.sample(rows: 7).features.elements == whole.sample(rows: 7).features.elements)
    }

    /// An Arrow handle of `n` unweighted rows over `formats` (the last column the target), and a
    /// dense handle (kept by `handles`) of the row-major copy of its float64 rows, for `body`.
    static func withTableAndDenseCopy<Result>(
        rows n: Int, formats: [String], handles: Handles, _ body: (_ table: OpaquePointer?, _ dense: OpaquePointer) throws -> Result
    ) throws -> Result {
        let export = table(rows: n, formats: formats, targets: 1, weighted: false)
        var table: OpaquePointer?
        try #require(export.create(options(targets: 1, weighted: false), &table) == 0, "\(lastError)")
        defer { withExtendedLifetime(export) { mbgd_data_free(table) } }
        var rows: ArrowRows<Double>?
        if case let .arrow64(inPlace) = try DataHandle.from(table).storage { rows = inPlace }
        let copy = try #require(rows, "a table with float64 columns must give Double rows").copied()
        let dense = try copy.features.withUnsafePointer { x in
            try copy.targets.withUnsafePointer { y in try handles.dense(x, y, rows: n, features: formats.count - 1) }
        }
        return try body(table, dense)
    }

    /// A descent on an Arrow handle (reading the table in place) gives the bits of the same
    /// descent on a dense handle of the same rows.
    @Test func aDescentOnATableIsTheDenseHandlesDescent() throws {
        let handles = Handles()
        try Self.withTableAndDenseCopy(rows: 400, formats: ["g", "f", "g", "g"], handles: handles) { table, dense in
            let options = "{\"batchSize\": 32, \"epochs\": 3, \"seed\": 5}"
            var fitted: [[Double]] = []
            for data in [table, dense] {
                let model = try handles.model()
                try #require(mbgd_model_fit(model, data, options, nil, nil) == 0, "\(lastError)")
                fitted.append(try parameters(model, features: 3))
            }
            #expect(fitted[0].map(\.bitPattern) == fitted[1].map(\.bitPattern))
        }
    }
}
