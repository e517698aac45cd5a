/// Where a run of libsvm lines writes its rows, and how much room it has: one row per line at
/// most, one entry per `:` at most (both counted in the same bytes before parsing).
///
/// Row r's end is written at `rowEnds[r]`, counted in entries from `columns` and `values`.
struct LIBSVMStorage<Element: BLASScalar>: @unchecked Sendable {
    let rowEnds: UnsafeMutablePointer<Int>
    let targets: UnsafeMutablePointer<Element>
    let columns: UnsafeMutablePointer<Int32>
    let values: UnsafeMutablePointer<Element>
    /// Rows and entries that fit.
    let rowCapacity: Int
    let entryCapacity: Int
}
