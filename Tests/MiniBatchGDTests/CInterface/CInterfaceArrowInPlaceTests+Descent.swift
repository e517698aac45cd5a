import CMiniBatchGD
import Foundation
import Testing

@testable import MiniBatchGD
@testable import MiniBatchGDC

/// A descent, a fit-and-compare, the accumulator and online learning on an Arrow table read in
/// place give the bits of the same calls on the rows' row-major copy (``ArrowRows/copied()``):
/// each batch, run or chunk is gathered from the columns into scratch laid out as the copy is,
/// so only where the values sit differs.
@Suite struct CInterfaceArrowInPlaceDescentTests {
    typealias Table = CInterfaceArrowInPlaceTests

    /// Every number a run reports, as bit patterns.
    static func bits(_ parameters: Parameters, _ run: TrainingRun) -> [UInt64] {
        let history = run.history
        let values =
            parameters.coefficients.elements + parameters.intercept + history.epochCosts + history.batchCosts + history.learningRates
            + history.validationCosts + history.certifiedDistances
        return values.map(\.bitPattern) + [UInt64(history.epochsRun), UInt64(history.averagingStartEpoch ?? 0)]
    }

    /// The descents compared: each optimizer, batches of 1, 32, 100, 5000 (shared between
    /// threads: 5000 rows are more than two chunks at 30 features) and all rows, every way of
    /// shuffling, standardized or not, on 1 and 3 threads, a warm start.
    static let configurations: [(String, GradientDescent)] = [
        ("sgd b1 auto rate", GradientDescent(batchSize: .stochastic, epochs: 2, threads: 1)),
        ("momentum b32 raw 3 threads", GradientDescent(batchSize: 32, epochs: 2, optimizer: .momentum(), standardize: false, threads: 3)),
        (
            "adam b32 blocks",
            GradientDescent(batchSize: 32, epochs: 3, optimizer: .adam(), shuffle: .blocks(seed: 3, rows: 100), threads: 1)
        ),
        ("sgd full 3 threads", GradientDescent(batchSize: .full, epochs: 4, threads: 3)),
        ("sgd full 1 thread raw", GradientDescent(batchSize: .full, epochs: 4, standardize: false, threads: 1)),
        ("sgd b5000 shuffled 3 threads", GradientDescent(batchSize: 5000, epochs: 3, threads: 3)),
        ("sgd b5000 in order 3 threads", GradientDescent(batchSize: 5000, epochs: 3, shuffle: .none, threads: 3)),
        (
            "adam b5000 blocks 3 threads",
            GradientDescent(batchSize: 5000, epochs: 3, optimizer: .adam(), shuffle: .blocks(seed: 1, rows: 700), threads: 3)
        ),
        (
            "momentum b100 in order fixed rate",
            GradientDescent(batchSize: 100, epochs: 2, learningRate: .fixed(0.002), optimizer: .momentum(), shuffle: .none)
        ),
    ]

    /// The tables: float64, float32 (Float rows) and mixed columns, 9000 rows × 30 features.
    static func withTables(weighted: Bool, _ body: (String, DataStorage) throws -> Void) throws {
        let p = 30
        let layouts: [(String, [String], Int)] = [
            ("float64", Array(repeating: "g", count: p + 1), 1),
            ("float32", Array(repeating: "f", count: p + 2), 2),
            ("mixed", (0..<p + 1).map { $0 % 3 == 0 ? "f" : "g" }, 1),
        ]
        for (label, formats, k) in layouts {
            let export = Table.table(rows: 9000, formats: formats, targets: k, weighted: weighted)
            var handle: OpaquePointer?
            try #require(export.create(Table.options(targets: k, weighted: weighted), &handle) == 0, "\(lastError)")
            defer { withExtendedLifetime(export) { mbgd_data_free(handle) } }
            try body(label, try DataHandle.from(handle).storage)
        }
    }

    static func compareDescents<Element: BLASScalar>(_ rows: ArrowRows<Element>, label: String) throws {
        let copy = try rows.copied()
        for (name, configuration) in configurations {
            var inPlace = LinearRegression(), copied = LinearRegression()
            let a = try inPlace.fit(rows, using: configuration), b = try copied.fit(copy, using: configuration)
            #expect(bits(inPlace.parameters!, a) == bits(copied.parameters!, b), "\(label) \(name)")
            #expect(a.history.epochsRun > 0 && inPlace.parameters!.isFinite, "\(label) \(name)")
            // A warm start from there: the cost of predicting 0 is read from the targets.
            var warm = configuration
            warm.warmStart = true
            let c = try inPlace.fit(rows, using: warm), d = try copied.fit(copy, using: warm)
            #expect(bits(inPlace.parameters!, c) == bits(copied.parameters!, d), "\(label) \(name) warm")
        }
    }

    @Test(arguments: [false, true])
    func descentsInPlaceGiveTheCopysBits(weighted: Bool) throws {
        try Self.withTables(weighted: weighted) { label, storage in
            switch storage {
            case let .arrow64(rows): try Self.compareDescents(rows, label: "\(label) weighted \(weighted)")
            case let .arrow32(rows): try Self.compareDescents(rows, label: "\(label) weighted \(weighted)")
            default: Issue.record("an Arrow table must be read in place")
            }
        }
    }

    static func compareTheRest<Element: BLASScalar>(_ rows: ArrowRows<Element>, label: String) throws {
        let copy = try rows.copied()
        // Fit-and-compare: the descent and its exact reference.
        do {
            for threads in [1, 3] {
                let configuration = GradientDescent(batchSize: 64, epochs: 3, threads: threads)
                var inPlace = LinearRegression(), copied = LinearRegression()
                let a = try inPlace.fitAndCompare(rows, using: configuration), b = try copied.fitAndCompare(copy, using: configuration)
                #expect(bits(a.gradientDescent, a.run) == bits(b.gradientDescent, b.run), "\(label) compare threads \(threads)")
                #expect(
                    [a.referenceCost, a.gradientDescentCost, a.parameterRelativeDifference].map(\.bitPattern)
                        == [b.referenceCost, b.gradientDescentCost, b.parameterRelativeDifference].map(\.bitPattern),
                    "\(label) compare threads \(threads)")
            }
        }
        // The accumulator, over two chunks (the second reuses the first's shift).
        let (first, second) = try rows.split(testFraction: 0.3, shuffleSeed: nil)
        let firstCopy = try first.copied(), secondCopy = try second.copied()
        for fitIntercept in [true, false] {
            var inPlace = LeastSquares.Accumulator(
                featureCount: rows.featureCount, outputCount: rows.outputCount, fitIntercept: fitIntercept)
            var copied = LeastSquares.Accumulator(
                featureCount: rows.featureCount, outputCount: rows.outputCount, fitIntercept: fitIntercept)
            try first.withRows { try inPlace.add(rows: $0) }
            try second.withRows { try inPlace.add(rows: $0) }
            try copied.add(firstCopy)
            try copied.add(secondCopy)
            let a = try inPlace.solve(), b = try copied.solve()
            #expect(a.rows == 9000 && b.rows == 9000)
            #expect(
                (a.parameters.coefficients.elements + a.parameters.intercept + a.residualSumOfSquares).map(\.bitPattern)
                    == (b.parameters.coefficients.elements + b.parameters.intercept + b.residualSumOfSquares).map(\.bitPattern),
                "\(label) accumulator intercept \(fitIntercept)")
        }
        // Online partial fits, chunk by chunk, as Double rows (Float columns widened exactly).
        for configuration in [
            GradientDescent(batchSize: 1, averaging: .none), GradientDescent(batchSize: 32, optimizer: .adam(), averaging: .fromStart),
        ] {
            let inPlace = try OnlineTrainer(features: rows.featureCount, outputs: rows.outputCount, configuration: configuration)
            let copied = try OnlineTrainer(features: rows.featureCount, outputs: rows.outputCount, configuration: configuration)
            var losses: [[Double]] = [[], []]
            for (part, partCopy) in [(first, firstCopy), (second, secondCopy)] {
                let columns = RowColumns<Double>(features: part.columns.features, targets: part.columns.targets)
                losses[0].append(try inPlace.partialFit(rows: Rows(count: part.rows, columns: columns), weights: part.weights))
                losses[1].append(try copied.partialFit(partCopy.converted(to: Double.self)))
            }
            #expect(losses[0].map(\.bitPattern) == losses[1].map(\.bitPattern), "\(label) online losses")
            #expect(
                inPlace.parameters.stacked.map(\.bitPattern) == copied.parameters.stacked.map(\.bitPattern), "\(label) online parameters")
        }
    }

    @Test(arguments: [false, true])
    func fitAndCompareAccumulatorAndOnlineInPlaceGiveTheCopysBits(weighted: Bool) throws {
        try Self.withTables(weighted: weighted) { label, storage in
            switch storage {
            // OpenBLAS on one thread throughout: the accumulator's factorization and the reference
            // solve round differently with its thread count, which tests running meanwhile change.
            case let .arrow64(rows):
                try BLASThreads.singleThreaded { try Self.compareTheRest(rows, label: "\(label) weighted \(weighted)") }
            case let .arrow32(rows):
                try BLASThreads.singleThreaded { try Self.compareTheRest(rows, label: "\(label) weighted \(weighted)") }
            default: Issue.record("an Arrow table must be read in place")
            }
        }
    }

    /// Through the C interface: the accumulator and an online trainer (its plan and a partial fit) fed an Arrow handle give
    /// the bits of the same calls fed a dense handle of the copy's rows.
    @Test func theCInterfacesAccumulatorAndOnlineCallsReadTheTableInPlace() throws {
        let handles = Handles()
        try Table.withTableAndDenseCopy(rows: 600, formats: ["g", "f", "g", "g"], handles: handles) { table, dense in
            var fitted: [[Double]] = [], losses: [Double] = []
            for data in [table, dense] {
                var accumulator: OpaquePointer?
                try #require(mbgd_accumulator_create(MBGD_ABI_VERSION, 3, 1, 1, &accumulator) == 0, "\(lastError)")
                defer { mbgd_accumulator_free(accumulator) }
                try #require(mbgd_accumulator_add(accumulator, data) == 0, "\(lastError)")
                let model = try handles.model()
                try #require(mbgd_accumulator_solve(accumulator, model) == 0, "\(lastError)")
                fitted.append(try parameters(model, features: 3))
                var online: OpaquePointer?
                try #require(mbgd_online_create(MBGD_ABI_VERSION, "{\"batchSize\": 8}", 3, 1, 1, &online) == 0, "\(lastError)")
                defer { mbgd_online_free(online) }
                // The plan from the rows (standardization, automatic rate), then a pass over them.
                try #require(mbgd_online_plan(online, data) == 0, "\(lastError)")
                var loss = 0.0
                try #require(mbgd_online_partial_fit(online, data, &loss) == 0, "\(lastError)")
                losses.append(loss)
                var coefficients = [Double](repeating: 0, count: 3), intercept = [0.0]
                try #require(mbgd_online_parameters(online, &coefficients, 3, &intercept, 1) == 0, "\(lastError)")
                fitted.append(coefficients + intercept)
            }
            #expect(fitted[0].map(\.bitPattern) == fitted[2].map(\.bitPattern))
            #expect(fitted[1].map(\.bitPattern) == fitted[3].map(\.bitPattern))
            #expect(losses[0].bitPattern == losses[1].bitPattern && losses[0] > 0)
        }
    }
}
