import ArgumentParser
import Foundation
import MiniBatchGD

/// `mbgd-mpi exchange`: how long the job's ranks take to sum a vector, the one exchange a
/// data-parallel update makes, for the sizes a fit would send (the parameters plus three).
struct Exchange: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the sum over the ranks that every update of a data-parallel fit makes (median of many).",
        discussion: """
            A fit with p features and k targets sends (p + 1)·k + 3 doubles per update. Compare the median \
            with the time a rank takes for its share of a batch to choose ranks and batch size (see the README, \
            "Several machines").

            Example:
              mpirun -np 8 mbgd-mpi exchange --doubles 36 --doubles 516 --json
            """)

    @Option(parsing: .unconditionalSingleValue, help: "Doubles per exchange (repeat for several sizes).") var doubles: [Int] = [36]
    @Option(parsing: .unconditional, help: "Exchanges timed per size, after as many untimed.") var repeats = 2000
    @Flag(help: "Print one JSON object on stdout and nothing else.") var json = false

    func validate() throws {
        if doubles.contains(where: { $0 < 1 || $0 > 1 << 27 }) { throw ValidationError("--doubles must lie in 1...134217728") }
        guard (1...10_000_000).contains(repeats) else { throw ValidationError("--repeats must lie in 1...10000000") }
    }

    func run() throws {
        guard let communicator = Cluster.communicator else {
            throw CLIError.badArgument("exchange runs under mbgd-mpi")
        }
        var results: [(count: Int, median: Double, low: Double, high: Double)] = []
        for count in doubles {
            var values = [Double](repeating: 1, count: count), seconds = [Double](repeating: 0, count: repeats)
            values.withUnsafeMutableBufferPointer { buffer in
                for _ in 0..<repeats { communicator.sum(buffer) }
                for index in 0..<repeats {
                    let start = ContinuousClock.now
                    communicator.sum(buffer)
                    seconds[index] = (ContinuousClock.now - start) / .seconds(1)
                }
            }
            // Every rank's median, then the slowest rank's: an update waits for the last one.
            seconds.sort()
            var slowest = [seconds[repeats / 2], seconds[repeats / 10], seconds[repeats - 1 - repeats / 10]]
            slowest.withUnsafeMutableBufferPointer { communicator.maximum($0) }
            results.append((count, slowest[0], slowest[1], slowest[2]))
        }
        if json {
            print(
                JSON.object([
                    ("ranks", .integer(communicator.size)),
                    (
                        "exchanges",
                        .array(
                            results.map {
                                .object([
                                    ("doubles", .integer($0.count)), ("medianSeconds", .number($0.median)),
                                    ("p10Seconds", .number($0.low)), ("p90Seconds", .number($0.high)),
                                ])
                            })
                    ),
                ]).text)
        } else {
            print(
                "Sum over \(Format.count(communicator.size, "rank")), \(repeats) times each (the slowest rank's figures):"
            )
            for result in results {
                print(
                    "  \(result.count) doubles: median \(Format.number(result.median * 1e6, digits: 3)) µs (10–90 %: \(Format.number(result.low * 1e6, digits: 3))–\(Format.number(result.high * 1e6, digits: 3)) µs)"
                )
            }
        }
    }
}
