internal import CBLAS
import Glibc
import Synchronization

/// OpenBLAS's process-wide thread count, read and set deliberately.
///
/// Small BLAS-2 calls (one mini-batch) lose more to waking threads than they gain, so the
/// trainer runs them on one thread. The count is global to the process, so scopes are counted:
/// the first scope to enter saves the count and sets its own, the last to leave restores it,
/// and fits running at the same time on several threads never leave the setting behind.
public enum BLASThreads {
    /// The number of threads OpenBLAS currently uses (one while any thread has a single-thread
    /// scope open).
    public static var current: Int { Int(openblas_get_num_threads()) }

    /// The count for calls outside single-thread scopes: the live count, or the one that
    /// returns when the last open scope closes.
    static var outsideScopes: Int {
        scopes.withLock { state in Int(state.active > 0 ? state.saved : openblas_get_num_threads()) }
    }

    /// Sets the number of threads OpenBLAS uses for calls outside single-thread scopes (always
    /// one under an address-space limit: see ``addressSpaceLimited``). While a scope is open on
    /// any thread the count is kept for when the last one closes: a fit in progress elsewhere
    /// keeps its one thread, and so its bits.
    public static func set(_ threads: Int) {
        let count = addressSpaceLimited ? 1 : Int32(clamping: Swift.max(1, threads))
        scopes.withLock { state in
            if state.active > 0 { state.saved = count } else { openblas_set_num_threads(count) }
        }
    }

    /// Whether the process runs under a finite address-space or data limit (`ulimit -v`,
    /// `ulimit -d`, `prlimit --as`, `prlimit --data`), in which case OpenBLAS is set to one thread the first time the library calls it.
    ///
    /// OpenBLAS reserves a large buffer for every thread it starts; under a tight limit the
    /// reservation fails and the caller spins at 100 % CPU forever. One thread is slower, but
    /// never hangs. (An `RLIMIT_AS` is rare outside such deliberate limits; memory cgroups, which
    /// containers use, do not limit address space and keep every thread.)
    public static var addressSpaceLimited: Bool { addressSpaceLimit != nil }

    /// The limit in bytes, checked once; OpenBLAS is set to one thread the first time.
    private static let addressSpaceLimit: Int? = {
        guard let limit = MemoryBudget.addressSpaceLimit() else { return nil }
        openblas_set_num_threads(1)
        return limit
    }()

    /// The address-space limit when it leaves too little room for OpenBLAS's working buffer, in
    /// which case OpenBLAS would retry its allocation forever: the library refuses instead.
    /// Probed once by reserving (not touching) what a BLAS call needs at most.
    static let addressSpaceShortfall: Int? = {
        guard let limit = addressSpaceLimit else { return nil }
        let probe = 144 << 20  // OpenBLAS's buffer (128 MiB here, as it mapped it) and its alignment slack
        guard let address = mmap(nil, probe, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
            address != MAP_FAILED
        else { return limit }
        munmap(address, probe)
        return nil
    }()

    /// The OpenBLAS kernel family chosen for this processor (e.g. "Haswell").
    public static var coreName: String { String(cString: openblas_get_corename()) }

    // OpenBLAS's own setting is the global state here; this only counts who is using it.
    private static let scopes = Mutex<(active: Int, saved: Int32)>((0, 0))

    /// Runs `body` with OpenBLAS on one thread, then restores the previous count once no other
    /// single-thread scope is active.
    public static func singleThreaded<R>(_ body: () throws -> R) rethrows -> R {
        scopes.withLock { state in
            if state.active == 0 {
                state.saved = openblas_get_num_threads()
                if state.saved != 1 { openblas_set_num_threads(1) }
            }
            state.active += 1
        }
        defer {
            scopes.withLock { state in
                state.active -= 1
                if state.active == 0, state.saved != 1 { openblas_set_num_threads(state.saved) }
            }
        }
        return try body()
    }
}
