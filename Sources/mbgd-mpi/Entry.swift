import MBGDCommands
import MiniBatchGDMPI

/// `mbgd-mpi`: joins the MPI job (or starts one of one rank) and runs the command.
@main
enum Entry {
    static func main() {
        let world = MPICommunicator()
        MBGDMPI.main(communicator: world, finalize: world.finalize, abort: world.abort(status:))
    }
}
