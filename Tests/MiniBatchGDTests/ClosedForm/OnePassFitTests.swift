import Foundation
import Testing

@testable import MiniBatchGD

/// The one-pass fit of a stream against the one-shot solve (moments, Cholesky or QR, refined),
/// its Durbin–Watson against the residuals summed by hand.
@Suite struct OnePassFitTests {
    /// `data`'s rows `range` added to `fit` through the stream's entry (row-major pointers).
    private func add(_ data: Dataset<Double>, _ weights: [Double]?, _ range: Range<Int>, to fit: inout LeastSquares.OnePassFit) throws {
        let p = data.featureCount, k = data.outputCount
        try data.features.elements.withUnsafeBufferPointer { x in
            try data.targets.elements.withUnsafeBufferPointer { y in
                if let weights {
                    try weights.withUnsafeBufferPointer { w in
                        try fit.add(
                            count: range.count, features: x.baseAddress! + range.lowerBound * p,
                            targets: y.baseAddress! + range.lowerBound * k,
                            weights: w.baseAddress! + range.lowerBound)
                    }
                } else {
                    try fit.add(
                        count: range.count, features: x.baseAddress! + range.lowerBound * p, targets: y.baseAddress! + range.lowerBound * k,
                        weights: nil)
                }
            }
        }
    }

    private func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool { abs(a - b) <= tolerance * max(abs(b), 1e-300) }

    @Test(arguments: [(true, true), (true, false), (false, true), (false, false)])
    func unevenChunksEqualTheSolveAndTheResidualsByHand(fitIntercept: Bool, weighted: Bool) throws {
        let data = try AccumulatorTests.data(rows: 3000, seed: 5)
        let n = data.rows, p = data.featureCount, k = data.outputCount
        let weights = weighted ? (0..<n).map { [0.5, 1, 2, 0, 4][$0 % 5] } : nil
        let reference = try LeastSquares.solve(data, fitIntercept: fitIntercept, weights: weights)
        var fit = LeastSquares.OnePassFit(featureCount: p, outputCount: k, fitIntercept: fitIntercept)
        let cuts = [0, 1, 2, 700, 2100, 3000]
        for (from, to) in zip(cuts, cuts.dropFirst()) { try add(data, weights, from..<to, to: &fit) }
        var whole = LeastSquares.OnePassFit(featureCount: p, outputCount: k, fitIntercept: fitIntercept)
        try add(data, weights, 0..<n, to: &whole)
        let names = (data.featureNames, data.targetNames)
        let found = try fit.solution(featureNames: names.0, targetNames: names.1, confidenceLevel: 0.95)
        let once = try whole.solution(featureNames: names.0, targetNames: names.1, confidenceLevel: 0.95)
        let s = found.statistics, r = reference.statistics
        #expect(s.observations == r.observations && s.degreesOfFreedom == r.degreesOfFreedom)
        for (a, b) in zip(found.parameters.stacked, reference.parameters.stacked) { #expect(abs(a - b) <= 1e-10 * max(abs(b), 1)) }
        for (a, b) in zip(found.parameters.stacked, once.parameters.stacked) { #expect(abs(a - b) <= 1e-12 * max(abs(b), 1)) }
        for o in 0..<k {
            let rows = zip(found.coefficientTables[o].rows, reference.coefficientTables[o].rows)
            for (a, b) in rows {
                #expect(close(a.standardError!, b.standardError!, 1e-10), "\(a.name): \(a.standardError!) vs \(b.standardError!)")
            }
            #expect(close(1 - s.rSquared[o], 1 - r.rSquared[o], 1e-10))
            #expect(close(s.fStatistics![o], r.fStatistics![o], 1e-10))
            #expect(close(s.aic[o], r.aic[o], 1e-12) && close(s.bic[o], r.bic[o], 1e-12))
            #expect(close(s.durbinWatson[o], r.durbinWatson[o], 1e-10))
            // Σ(eₜ − eₜ₋₁)²/Σeₜ² of eₜ = √wₜ·(yₜ − c − xₜβ), from the reference's coefficients, summed here.
            var previous = 0.0, differences = 0.0, squares = 0.0
            for i in 0..<n {
                var e = data.targets.elements[i * k + o] - reference.parameters.intercept[o]
                for j in 0..<p { e -= data.features.elements[i * p + j] * reference.parameters.coefficients.elements[j * k + o] }
                e *= (weights?[i] ?? 1).squareRoot()
                if i > 0 { differences += (e - previous) * (e - previous) }
                squares += e * e
                previous = e
            }
            #expect(close(s.durbinWatson[o], differences / squares, 1e-10), "\(s.durbinWatson[o]) vs \(differences / squares)")
        }
        #expect(close(found.conditionNumber, reference.conditionNumber, 1e-10))
    }

    /// The public entry: weighted Dataset chunks give what the rows' pointers give, named as the chunks.
    @Test func datasetChunksCarryTheirWeightsAndNames() throws {
        let data = try AccumulatorTests.data(rows: 1000, seed: 9)
        let p = data.featureCount, k = data.outputCount, weights = (0..<1000).map { [1, 2, 0, 0.5][$0 % 4] }
        var byChunks = LeastSquares.OnePassFit(featureCount: p, outputCount: k)
        for (from, to) in [(0, 333), (333, 334), (334, 1000)] {
            let chunk = try Dataset(
                features: Matrix(rows: to - from, columns: p, elements: Array(data.features.elements[from * p..<to * p])),
                targets: Matrix(rows: to - from, columns: k, elements: Array(data.targets.elements[from * k..<to * k])),
                featureNames: ["a", "b", "c"], targetNames: ["u", "v"], weights: Array(weights[from..<to]))
            try byChunks.add(chunk)
        }
        var byPointers = LeastSquares.OnePassFit(featureCount: p, outputCount: k)
        for (from, to) in [(0, 333), (333, 334), (334, 1000)] { try add(data, weights, from..<to, to: &byPointers) }
        let found = try byChunks.solve(confidenceLevel: 0.9)
        let same = try byPointers.solution(featureNames: ["a", "b", "c"], targetNames: ["u", "v"], confidenceLevel: 0.9)
        #expect(found.parameters.stacked == same.parameters.stacked && found.statistics.durbinWatson == same.statistics.durbinWatson)
        #expect(found.featureNames == ["a", "b", "c"] && found.coefficientTables[1].target == "v" && byChunks.observations == 750)
        let reference = try LeastSquares.solve(data, weights: weights, confidenceLevel: 0.9)
        for (a, b) in zip(found.parameters.stacked, reference.parameters.stacked) { #expect(abs(a - b) <= 1e-10 * max(abs(b), 1)) }
        #expect(close(found.statistics.aic[0], reference.statistics.aic[0], 1e-12))
        let narrow = try Dataset(
            features: Matrix(rows: 1, columns: 2, elements: [1, 2]), targets: Matrix(rows: 1, columns: 2, elements: [1, 2]))
        #expect(throws: ArgumentError.self) { try byChunks.add(narrow) }
        #expect(throws: ArgumentError.self) { try byChunks.solve(confidenceLevel: 1) }
        #expect(throws: LinearAlgebraError.self) { try LeastSquares.OnePassFit(featureCount: 3).solve() }
    }
}
