import Testing

@testable import MiniBatchGD

/// Different models trained and solved on several threads at once give exactly what they give
/// one after another: no shared mutable state between fits.
@Suite struct ConcurrencyTests {
    struct Job: Sendable {
        let data: Dataset<Double>
        let configuration: GradientDescent
    }

    static let jobs: [Job] = (0..<6).map { index in
        let data = try! syntheticData(
            rows: 3000,
            weights: index % 2 == 0 ? [[1], [-2]] : [[0.5, 1], [2, -1], [1, 1], [0, 3], [1, 2], [-1, 0], [2, 2], [1, -1]],
            intercept: index % 2 == 0 ? [1] : [0, 2], noise: 0.2, seed: UInt64(index))
        let batch: BatchSize = [1, 16, 256, .full, 64, 8][index]
        let shuffle: Shuffle = index % 3 == 0 ? .blocks(seed: 7, rows: 16) : .everyEpoch(seed: UInt64(index))
        return Job(
            data: data,
            configuration: GradientDescent(
                batchSize: batch, epochs: 4, learningRate: 0.02, optimizer: .nesterov(0.3),
                standardize: true, shuffle: shuffle, l2Penalty: 0.01))
    }

    static func run(_ job: Job) throws -> (Parameters, LeastSquares.Solution) {
        var model = LinearRegression()
        try model.fit(job.data, using: job.configuration)
        return (model.parameters!, try LeastSquares.solve(job.data, method: .auto))
    }

    @Test func concurrentFitsEqualSerialFits() async throws {
        let serial = try Self.jobs.map(Self.run)
        for _ in 0..<3 {
            let concurrent = try await withThrowingTaskGroup(of: (Int, Parameters, Parameters).self) { group in
                for (index, job) in Self.jobs.enumerated() {
                    group.addTask {
                        let (parameters, solution) = try Self.run(job)
                        return (index, parameters, solution.parameters)
                    }
                }
                var results = [(Parameters, Parameters)?](repeating: nil, count: Self.jobs.count)
                for try await (index, parameters, solution) in group { results[index] = (parameters, solution) }
                return results.map { $0! }
            }
            for index in Self.jobs.indices {
                #expect(concurrent[index].0 == serial[index].0, "job \(index)")
                // The closed form may use OpenBLAS threads, whose summation order can vary.
                #expect(relativeDifference(concurrent[index].1, serial[index].1.parameters) < 1e-12, "job \(index)")
            }
        }
    }
}
