// Training throughput per batch size, the closed-form solve and CSV loading, each measured
// against a baseline in the same process and the same iteration, so every figure is also a
// ratio that survives a noisy machine:
// - "% of C": our epoch against the identical loop in C over raw pointers (CBaseline);
// - "% of bandwidth": a read pass over the same matrix divided by our epoch: 100 % means the
//   epoch runs at the speed of reading X once;
// - "% of unshuffled": the in-order epoch divided by the shuffled one.
import Benchmark
import CBaseline
import Foundation
import MiniBatchGD

// Built once, on first use.
let seedData = try! Dataset.seedArticle(seed: 0).train                        // 7200 × 1
let wideData = try! Dataset.synthetic(rows: 100_000, features: 64, seed: 2026)                  // 51 MB
let multiOutputData = try! Dataset.synthetic(rows: 100_000, features: 64, outputs: 8, seed: 2026) // 51 MB + targets
let beyondCacheData = try! Dataset.synthetic(rows: 1_000_000, features: 32, seed: 2026)         // 256 MB

let workloads: [(name: String, data: @Sendable () -> Dataset)] = [
    ("seed 7200x1", { seedData }), ("wide 100000x64", { wideData }),
    ("multi-output 100000x64x8", { multiOutputData }), ("beyond-cache 1000000x32", { beyondCacheData }),
]
let batchSizes: [BatchSize] = [1, 8, 32, 128, 512, 2048, .full]

let samplesPerSecond = BenchmarkMetric.custom("samples/s", polarity: .prefersLarger, useScalingFactor: false)
let percentOfC = BenchmarkMetric.custom("% of C", polarity: .prefersLarger, useScalingFactor: false)
let percentOfBandwidth = BenchmarkMetric.custom("% of bandwidth", polarity: .prefersLarger, useScalingFactor: false)
let percentOfUnshuffled = BenchmarkMetric.custom("% of unshuffled", polarity: .prefersLarger, useScalingFactor: false)
let readsOfX = BenchmarkMetric.custom("time in reads of X (%)", polarity: .prefersSmaller, useScalingFactor: false)
let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)

final class Seconds: @unchecked Sendable { var value = 0.0 }

/// One epoch of ours; returns the seconds of its batch updates (the cost evaluation excluded).
func ourEpoch(_ data: Dataset, _ size: BatchSize, shuffle: Shuffle, benchmark: Benchmark?) -> Double {
    let seconds = Seconds()
    var model = LinearRegression()
    let config = GradientDescent(batchSize: size, epochs: 1, learningRate: 0.001, shuffle: shuffle, recordsBatchCosts: false)
    benchmark?.startMeasurement()
    try! model.fit(data, using: config) { seconds.value = $0.trainingSeconds }
    benchmark?.stopMeasurement()
    blackHole(model)
    return seconds.value
}

/// The C loop on the same data, on one OpenBLAS thread when ours would use one too.
func cEpoch(_ data: Dataset, _ size: BatchSize) -> Double {
    let n = data.rows, p = data.featureCount, k = data.outputCount, b = size == .full ? n : { if case let .rows(r) = size { r } else { n } }()
    var theta = [Double](repeating: 0, count: p * k), bias = [Double](repeating: 0, count: k)
    var r = [Double](repeating: 0, count: b * k), g = [Double](repeating: 0, count: p * k)
    let run = {
        data.features.elements.withUnsafeBufferPointer { x in
            data.targets.elements.withUnsafeBufferPointer { y in
                baseline_epoch(x.baseAddress!, y.baseAddress!, n, p, k, b, &theta, &bias, 0.001, &r, &g)
            }
        }
    }
    return b * p * k < 1 << 16 ? BLASThreads.singleThreaded(run) : run()
}

func readPass(_ data: Dataset) -> Double {
    var sink = 0.0
    let seconds = data.features.elements.withUnsafeBufferPointer { read_pass($0.baseAddress!, $0.count, &sink) }
    blackHole(sink)
    return seconds
}

let benchmarks: @Sendable () -> Void = {
    let tags = ["openblas": "\(BLASThreads.coreName), \(BLASThreads.current) threads"]
    let training = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident, samplesPerSecond, percentOfC, percentOfBandwidth],
        tags: tags, warmupIterations: 1, maxDuration: .seconds(2), maxIterations: 9)

    for (name, data) in workloads {
        for size in batchSizes {
            Benchmark("epoch \(name) batch \(size)", configuration: training) { benchmark in
                let data = data()
                let ours = ourEpoch(data, size, shuffle: .none, benchmark: benchmark)
                let c = cEpoch(data, size)
                let read = readPass(data)
                benchmark.measurement(samplesPerSecond, Int(Double(data.rows) / ours))
                benchmark.measurement(percentOfC, Int((100 * c / ours).rounded()))
                benchmark.measurement(percentOfBandwidth, Int((100 * read / ours).rounded()))
            }
        }
    }

    let shuffled = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal, samplesPerSecond, percentOfUnshuffled],
                                           tags: tags, warmupIterations: 1, maxDuration: .seconds(2), maxIterations: 9)
    for (name, data) in workloads.prefix(2) {
        for size in [32, 128, 512, 2048] as [BatchSize] {
            for (mode, shuffle) in [("rows", Shuffle.everyEpoch(seed: 1)), ("blocks of 32 rows", .blocks(seed: 1, rows: 32))] {
                Benchmark("shuffled (\(mode)) epoch \(name) batch \(size)", configuration: shuffled) { benchmark in
                    let data = data()
                    let inOrder = ourEpoch(data, size, shuffle: .none, benchmark: nil)
                    let shuffledSeconds = ourEpoch(data, size, shuffle: shuffle, benchmark: benchmark)
                    benchmark.measurement(samplesPerSecond, Int(Double(data.rows) / shuffledSeconds))
                    benchmark.measurement(percentOfUnshuffled, Int((100 * inOrder / shuffledSeconds).rounded()))
                }
            }
        }
    }

    let closedForm = Benchmark.Configuration(metrics: [.wallClock, .peakMemoryResident, readsOfX], tags: tags,
                                             warmupIterations: 1, maxDuration: .seconds(3), maxIterations: 5)
    for method in LeastSquares.Method.allCases {
        Benchmark("closed form \(method.rawValue) 1000000x32", configuration: closedForm) { benchmark in
            let data = beyondCacheData
            let read = readPass(data)
            let start = ContinuousClock.now
            benchmark.startMeasurement()
            blackHole(try! LeastSquares.solve(data, method: method))
            benchmark.stopMeasurement()
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            benchmark.measurement(readsOfX, Int((100 * seconds / read).rounded()))
        }
    }

    let csvPath = FileManager.default.temporaryDirectory.appendingPathComponent("mbgd-bench-\(getpid()).csv").path
    Benchmark("load CSV 200000x9", configuration: .init(metrics: [.wallClock, .peakMemoryResident, megabytesPerSecond], tags: tags,
                                                         warmupIterations: 1, maxDuration: .seconds(3), maxIterations: 9,
                                                         setup: {
        var text = "a,b,c,d,e,f,g,h,y\n"
        var generator = RandomSource(seed: 3)
        for _ in 0 ..< 200_000 { text += (0 ..< 9).map { _ in String(generator.nextGaussian()) }.joined(separator: ",") + "\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: csvPath))
    }, teardown: { try? FileManager.default.removeItem(atPath: csvPath) })) { benchmark in
        let size = Double((try! FileManager.default.attributesOfItem(atPath: csvPath)[.size] as! NSNumber).intValue)
        let start = ContinuousClock.now
        benchmark.startMeasurement()
        blackHole(try! CSVReader.read(path: csvPath))
        benchmark.stopMeasurement()
        benchmark.measurement(megabytesPerSecond, Int(size / 1e6 / ((ContinuousClock.now - start) / .seconds(1))))
    }
}
