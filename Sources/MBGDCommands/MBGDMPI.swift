import ArgumentParser
import Foundation
import MiniBatchGD

/// `mbgd-mpi`: `fit` and `solve` with the rows of one `.npy` file spread over the ranks of an
/// MPI job, with the same options, reports and `--json` as `mbgd`. Rank 0 prints and writes;
/// the other ranks are silent unless they fail on their own.
package struct MBGDMPI: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "mbgd-mpi",
        abstract: "mbgd fit and mbgd solve on the ranks of an MPI job: each rank reads its own share of the rows of one .npy file.",
        discussion: """
            Launch with mpirun: every rank maps the same float64 .npy (mbgd convert makes one from a CSV) and \
            reads only its share of the rows. The closed form merges the ranks' moments or QR factors; gradient \
            descent is synchronous and data-parallel (each batch is every rank's share of it, the gradients are \
            summed, every rank takes the same step), so the parameters are the same bits on every rank. Without \
            mpirun it runs as one rank.

            Examples:
              mpirun -np 4 mbgd-mpi solve data.npy --target y --json
              mpirun -np 4 mbgd-mpi fit data.npy --target y --batch-size full --optimizer nesterov

            Every rank must read the same file: before any rank reads its rows, the ranks compare their copies' \
            size, shape, element type, chosen columns, header and 16 sampled blocks, and stop when they differ.

            Sparse rows (a libsvm file, or an .npz with --targets) are solved exactly across the ranks: \
            mbgd-mpi solve FILE.svm [--l2 L] runs LSQR with each rank holding its share of the rows (each parses \
            the file and keeps its share; the width is the largest index over the ranks, or --n-features), one \
            p-vector summed over the ranks an iteration. mbgd-mpi fit FILE.svm descends with each rank holding its \
            share: each batch's rows are gathered from the ranks (one exchange a batch) and every rank takes mbgd \
            fit's step, so the fit is mbgd fit's bits on any number of ranks (--checkpoint, --resume, --test-fraction \
            and --validation-fraction refused on sparse rows).

            fit --checkpoint PATH saves as mbgd fit does, rank 0 writing one file that holds every rank's state; \
            --resume PATH continues it on as many ranks. SIGTERM to the ranks (a scheduler's preemption) stops \
            every rank after the same batch, saves there, and ends each rank with status 130.

            Exit status: as mbgd's. A rank that fails on its own (its copy of the file missing or cut short, \
            a NaN in its share) prints its message with its rank and ends the whole job.
            """,
        subcommands: [Fit.self, Solve.self, Exchange.self]
    )

    package init() {}

    /// Parses and runs a subcommand on this rank, then ends the process: `finalize` (MPI's
    /// orderly end) on success or a usage error that every rank met alike, `abort` (the whole
    /// job) on any other failure, so that no rank is left waiting for one that stopped.
    package static func main(communicator: any Communicator, finalize: () -> Void, abort: (Int32) -> Never) -> Never {
        // Before the ranks other than 0 are silenced, so that each can say so.
        ensureOpenFiles(tool: "mbgd-mpi")
        let errors = communicator.rank == 0 ? FileHandle.standardError : silenceThisRank()
        MappedFileGuard.descriptor = errors.fileDescriptor
        func report(_ message: String) { Terminal.writeError(Terminal.clean(message) + "\n", to: errors.fileDescriptor) }
        // Past `ulimit -f` a write fails with EFBIG, reported, instead of SIGXFSZ ending the rank silently.
        signal(SIGXFSZ, SIG_IGN)
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // Every rank parsed the same arguments: rank 0 speaks, all end alike.
            let ending = Ending(error, root: Self.self)
            if communicator.rank == 0 {
                if ending.status == 0 { print(ending.message) } else { report(ending.message) }
            }
            finalize()
            Foundation.exit(ending.status)
        }
        // Without checkpoints, no signal handlers: mpirun ends the job on Ctrl-C by signalling
        // every rank, which then ends at once and silently. A fit that saves checkpoints stops at
        // a batch every rank agrees on and saves there first (SIGTERM to each rank, as a
        // scheduler sends it; mpirun itself passes SIGTERM on and allows a second before SIGKILL).
        if (command as? Fit)?.checkpoints.checkpointing != nil { Interruption.install() }
        do {
            try Cluster.$communicator.withValue(communicator) {
                try openDataFile(of: command, communicator)
                try command.run()
            }
            try MBGD.finishStandardOutput()
        } catch {
            let ending = Ending(error, root: Self.self)
            switch error {
            case DistributedError.failed:
                // This rank's own failure, which only it can tell.
                report(ending.message)
            case let error as CLIError where error.isInterruption:
                // Every rank stopped at the same batch (they agree on it), the state saved: an
                // orderly end of every rank, each with status 130, rank 0 saying where the state is.
                if communicator.rank == 0 { report(ending.message) }
                finalize()
                Foundation.exit(ending.status)
            case DistributedError.failedElsewhere:
                // The failing rank reports and ends the job; give it the time to.
                sleep(2)
            default:
                // Met by every rank alike, as a rule: rank 0 reports it and ends the job. A rank
                // still running after that had an error of its own, which only it can tell.
                if communicator.rank == 0 {
                    report(ending.message)
                } else {
                    sleep(2)
                    report(
                        Ending(DistributedError.failed(rank: communicator.rank, ranks: communicator.size, error: error), root: Self.self)
                            .message)
                }
            }
            abort(ending.status)
        }
        finalize()
        Foundation.exit(0)
    }

    /// Opens the data file of `fit` or `solve` (to learn its element type) on every rank together,
    /// before the command's first exchange: a rank that cannot open its copy (missing on its node,
    /// unreadable) reports that itself, with its rank, and every rank stops.
    private static func openDataFile(of command: any ParsableCommand, _ communicator: any Communicator) throws {
        guard let data = (command as? Fit)?.data ?? (command as? Solve)?.data else { return }
        _ = try communicator.agree { try data.resolvedPrecision() }
    }

    /// Sends this rank's standard output and error to /dev/null (its reports would repeat rank 0's)
    /// and returns the original standard error, for a failure of its own.
    private static func silenceThisRank() -> FileHandle {
        let original = dup(STDERR_FILENO)
        let null = open("/dev/null", O_WRONLY)
        if null >= 0 {
            dup2(null, STDOUT_FILENO)
            dup2(null, STDERR_FILENO)
            close(null)
        }
        return original >= 0 ? FileHandle(fileDescriptor: original) : FileHandle.standardError
    }
}
