/// The column indices or the values of a ``SparseDataset``: an array in memory, or a run of a
/// file read where it lies (an uncompressed scipy `.npz`, mapped in place by
/// ``SparseDataset/load(npz:targets:featureCount:)``).
///
/// It reads as an array does (subscripts, iteration, `Array(entries)` for a copy) and compares
/// equal to an array of the same elements. A mapped run keeps the file mapped while any copy of
/// it lives. Its elements are loaded without assuming alignment: scipy's writer leaves each
/// array at an odd byte offset in the archive, and a load that assumed `Int32` or `Double`
/// alignment there would be undefined (on x86-64 and arm64 the unaligned load is the same
/// instruction).
public struct SparseEntries<Scalar: BitwiseCopyable & Sendable & Equatable>: RandomAccessCollection, Sendable,
    ExpressibleByArrayLiteral, CustomStringConvertible
{
    /// The elements when held in memory (empty when mapped).
    private let owned: [Scalar]
    /// The elements when read in place from a mapped file.
    private let run: MappedRun?

    /// A run of `count` elements of a mapping, from `base` (any alignment), kept mapped by `mapping`.
    struct MappedRun: @unchecked Sendable {
        let mapping: FileMapping
        let base: UnsafeRawPointer
        let count: Int
    }

    /// The elements of `array`, held in memory.
    public init(_ array: [Scalar]) {
        owned = array
        run = nil
    }

    /// The elements of an array literal.
    public init(arrayLiteral elements: Scalar...) { self.init(elements) }

    /// `count` elements at byte `offset` of `mapping`, which the caller checked to lie inside it.
    init(mapping: FileMapping, offset: Int, count: Int) {
        owned = []
        run = MappedRun(mapping: mapping, base: mapping.base + offset, count: count)
    }

    /// Whether the elements are read in place from a mapped file rather than held in memory.
    public var isMapped: Bool { run != nil }

    /// 0.
    public var startIndex: Int { 0 }
    /// The number of elements.
    public var endIndex: Int { run?.count ?? owned.count }

    /// The element at `position`, which must be in `0..<count`.
    public subscript(position: Int) -> Scalar {
        guard let run else { return owned[position] }
        precondition(position >= 0 && position < run.count, "SparseEntries index out of range")
        return run.base.loadUnaligned(fromByteOffset: position &* MemoryLayout<Scalar>.stride, as: Scalar.self)
    }

    /// The elements as an array literal would print them: `[0, 3, 1]`.
    public var description: String { Array(self).description }

    /// `body` with a pointer to the elements that reads without bounds checks, valid only inside it.
    func withPointer<Result>(_ body: (EntryPointer<Scalar>) throws -> Result) rethrows -> Result {
        if let run { return try withExtendedLifetime(run.mapping) { try body(EntryPointer(run.base)) } }
        return try owned.withUnsafeBytes { bytes in
            // An empty array may have no base address: any valid pointer does, nothing is read.
            try body(EntryPointer(bytes.baseAddress ?? UnsafeRawPointer(bitPattern: MemoryLayout<Scalar>.alignment)!))
        }
    }

    /// Whether `a` and `b` hold the same elements in the same order.
    public static func == (a: SparseEntries, b: SparseEntries) -> Bool { a.elementsEqual(b) }
    /// Whether `a` holds the elements of `b`, in its order.
    public static func == (a: SparseEntries, b: [Scalar]) -> Bool { a.elementsEqual(b) }
    /// Whether `b` holds the elements of `a`, in its order.
    public static func == (a: [Scalar], b: SparseEntries) -> Bool { a.elementsEqual(b) }
}

extension SparseEntries: Equatable {}

/// Elements at a raw address of any alignment, read by index with no bounds check: what the
/// sparse loops read through (``SparseRowsView``), from an array or a mapped file alike.
struct EntryPointer<Scalar: BitwiseCopyable> {
    let base: UnsafeRawPointer

    init(_ base: UnsafeRawPointer) { self.base = base }

    @inline(__always)
    subscript(_ i: Int) -> Scalar { base.loadUnaligned(fromByteOffset: i &* MemoryLayout<Scalar>.stride, as: Scalar.self) }
}
