internal import CBLAS
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Thin row-major wrappers over the CBLAS routines the package uses (`gemv`, `gemm` and `dot`
/// through ``BLASScalar``'s `Double` conformance, the one place each is mapped).
///
/// They take raw pointers and leading dimensions, allocate nothing, and check nothing:
/// callers validate shapes once, outside hot loops.
enum BLAS {
    /// Checks that every dimension fits the 32-bit integers of CBLAS and LAPACKE, so that the
    /// `Int32(_:)` conversions below never trap: the public entry points call this once.
    /// - Throws: ``MatrixError/tooLargeForBLAS(operation:dimension:)``.
    static func checkDimensions(_ operation: String, _ dimensions: Int...) throws {
        // Every public entry point passes here first: the place to make OpenBLAS safe to call.
        if let limit = BLASThreads.addressSpaceShortfall {
            throw LinearAlgebraError.addressSpaceTooSmall(operation: operation, limitBytes: limit)
        }
        if let large = dimensions.first(where: { $0 > Int(Int32.max) }) {
            throw MatrixError.tooLargeForBLAS(operation: operation, dimension: large)
        }
    }

    /// y ← α·op(A)·x + β·y, with A an `m×n` row-major matrix (leading dimension `lda`).
    @inline(__always)
    static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, incX: Int = 1, beta: Double, y: UnsafeMutablePointer<Double>, incY: Int = 1
    ) {
        Double.gemv(transpose: transpose, m: m, n: n, alpha: alpha, a: a, lda: lda, x: x, incX: incX, beta: beta, y: y, incY: incY)
    }

    /// C ← α·op(A)·op(B) + β·C, all row-major; C is `m×n`, the inner dimension is `k`.
    @inline(__always)
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        Double.gemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta,
            c: c, ldc: ldc)
    }

    /// A ← α·x·yᵀ + A, with A `m×n` row-major.
    static func ger(
        m: Int, n: Int, alpha: Double, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
        a: UnsafeMutablePointer<Double>, lda: Int
    ) {
        cblas_dger(CblasRowMajor, Int32(m), Int32(n), alpha, x, 1, y, 1, a, Int32(lda))
    }

    /// xᵀy over `n` elements.
    @inline(__always)
    static func dot(_ n: Int, _ x: UnsafePointer<Double>, _ incX: Int = 1, _ y: UnsafePointer<Double>, _ incY: Int = 1) -> Double {
        Double.dot(n, x, incX, y, incY)
    }

    /// y ← α·x + y over `n` elements.
    @inline(__always)
    static func axpy(_ n: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(Int32(n), alpha, x, 1, y, 1)
    }
}

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
