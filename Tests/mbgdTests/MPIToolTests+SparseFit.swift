import Foundation
import Testing

/// `mbgd-mpi fit` on sparse rows: each rank keeps its share, every batch is gathered from the
/// ranks and every rank takes `mbgd fit`'s step, so the parameters and the epochs' costs are
/// `mbgd fit`'s bits on any number of ranks (the reference is LSQR over the ranks).
extension MPIToolTests {
    /// The repository's libsvm example: 1000 text-like rows × 300 features.
    static var textSVM: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
            + "/Examples/data/text.svm"
    }

    /// The fields a fit's bits show in: coefficients, intercept and the epochs' costs (JSON
    /// numbers are written in their shortest round-trip form, so equal numbers read back are
    /// equal bits).
    static func bits(_ run: ToolRun) throws -> [Double] {
        let json = try run.json
        let history = try #require(json["history"] as? [String: Any])
        return numbers(json["coefficients"]) + numbers(json["intercept"]) + numbers(history["epochCosts"])
    }

    /// The LSQR reference's gap to the descent, the same to LSQR's tolerance over the ranks.
    static func gap(_ run: ToolRun) throws -> Double {
        let closedForm = try #require(try run.json["closedForm"] as? [String: Any])
        return try #require(closedForm["relativeDifference"] as? Double)
    }

    @Test func sparseDescentOnOneToThreeRanksIsTheOneProcessFitBitForBit() throws {
        let folder = try scratchFolder()
        let npz = folder + "/text.npz", y = folder + "/y.npy"
        let converted = try mbgd("convert", Self.textSVM, npz, "--targets", y)
        #expect(converted.status == 0, "\(converted.stderr)")
        let rules: [[String]] = [
            ["--optimizer", "sgd", "--batch-size", "1", "--learning-rate", "0.05", "--no-standardize"],
            ["--optimizer", "sgd", "--batch-size", "8", "--l2", "0.1"],
            ["--optimizer", "adagrad", "--batch-size", "8"],
            ["--optimizer", "adagrad", "--batch-size", "1", "--no-standardize"],
            ["--batch-size", "full"],
        ]
        var answers: [[Double]] = []
        for rule in rules {
            let options = ["--epochs", "3", "--seed", "7", "--json"] + rule
            let single = try mbgd(arguments: ["fit", Self.textSVM] + options)
            #expect(single.status == 0, "\(single.stderr)")
            let expected = try Self.bits(single)
            answers.append(expected)
            for ranks in 1...3 {
                let shared = try Self.mpirun(ranks, ["fit", Self.textSVM] + options)
                #expect(shared.status == 0, "\(shared.stderr)")
                #expect(try Self.bits(shared) == expected, "\(rule) on \(ranks) ranks")
                #expect(abs(try Self.gap(shared) - Self.gap(single)) <= 1e-6 * Swift.max(try Self.gap(single), 1e-3))
                let distributed = try #require(try shared.json["distributed"] as? [String: Any])
                let shares = try #require(distributed["rowsPerRank"] as? [Int])
                // Each rank holds its share: 1000 rows over the ranks, none holding them all past one rank.
                #expect(shares.count == ranks && shares.reduce(0, +) == 1000 && (ranks == 1 || shares.max()! < 1000))
                #expect(distributed["parametersIdenticalOnAllRanks"] as? Bool == true)
            }
        }
        // The rules reach different points, so the comparison above tells them apart.
        #expect(Set(answers.map { $0.prefix(300).map(\.bitPattern) }).count == rules.count)
        // The same matrix as an .npz with its targets' .npy: the libsvm file's bits.
        let npzRun = try Self.mpirun(2, ["fit", npz, "--targets", y, "--epochs", "3", "--seed", "7", "--json"] + rules[1])
        #expect(npzRun.status == 0, "\(npzRun.stderr)")
        #expect(try Self.bits(npzRun) == answers[1])
    }

    /// Four ranks on three rows (batch 1 and 2, shuffled): `mbgd fit`'s bits; checkpoints between
    /// one process and ranks; held-out rows, not spread over the ranks yet, refused by their flags.
    @Test func sparseDescentOnMoreRanksThanRowsAndItsRefusals() throws {
        let folder = try scratchFolder()
        let tiny = try write("1.5 1:2 3:-1\n-0.5 2:1.5\n2 1:0.5 2:-1 3:3\n", to: folder + "/tiny.svm")
        for batch in ["1", "2"] {
            let options = ["--epochs", "5", "--seed", "3", "--batch-size", batch, "--learning-rate", "0.05", "--json"]
            let single = try mbgd(arguments: ["fit", tiny] + options)
            #expect(single.status == 0, "\(single.stderr)")
            let shared = try Self.mpirun(4, ["fit", tiny] + options)
            #expect(shared.status == 0, "\(shared.stderr)")
            #expect(try Self.bits(shared) == Self.bits(single), "batch \(batch)")
        }
        // A checkpoint is one process's (every rank holds the state alike): saved at the end of
        // epoch 2 of 3 by two ranks and resumed in one process, or saved by one process and
        // resumed on three ranks, the fit is the uninterrupted one's.
        let short = ["fit", Self.textSVM, "--epochs", "3", "--seed", "7", "--batch-size", "8", "--optimizer", "adagrad", "--json"]
        let whole = try mbgd(arguments: short)
        #expect(whole.status == 0, "\(whole.stderr)")
        for (saving, resuming) in [(2, nil), (nil, 3)] as [(Int?, Int?)] {
            let path = folder + "/state-\(saving ?? 1)"
            let save = short + ["--checkpoint", path, "--checkpoint-every", "1"]
            let saved = try saving.map { try Self.mpirun($0, save) } ?? mbgd(arguments: save)
            #expect(saved.status == 0, "\(saved.stderr)")
            let resume = short + ["--resume", path]
            let resumed = try resuming.map { try Self.mpirun($0, resume) } ?? mbgd(arguments: resume)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(try Self.bits(resumed) == Self.bits(whole), "saved on \(saving ?? 1) ranks, resumed on \(resuming ?? 1)")
        }
        let held = try Self.mpirun(2, ["fit", tiny, "--test-fraction", "0.3"])
        #expect(held.status == 2 && held.stderr.contains("drop --test-fraction"), "\(held.stderr)")
        let lasso = try Self.mpirun(2, ["fit", tiny, "--l1", "0.1"])
        #expect(lasso.status == 2 && lasso.stderr.contains("--l1 compares with an exact answer computed in one process"), "\(lasso.stderr)")
    }
}
