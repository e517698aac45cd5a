/// A fixed number of elements owned by an object: allocated and initialized once, freed in
/// `deinit`.
///
/// The trainer's scratch and the update rules' state live in these, so nothing is freed by
/// hand and an early exit (a thrown divergence, a cancellation) cannot leak. The elements sit at
/// a stable address for the buffer's lifetime, so hot loops work on ``base`` directly.
final class Buffer<Element: BitwiseCopyable> {
    /// The first element; valid while the buffer is alive.
    let base: UnsafeMutablePointer<Element>
    /// The number of elements.
    let count: Int

    /// `count` copies of `value` (at least one slot is allocated, so `base` is never dangling).
    init(repeating value: Element, count: Int) {
        self.count = count
        base = .allocate(capacity: Swift.max(count, 1))
        base.initialize(repeating: value, count: Swift.max(count, 1))
    }

    /// A copy of `values`.
    convenience init(_ values: [Element]) where Element: ExpressibleByIntegerLiteral {
        self.init(repeating: 0, count: values.count)
        for (index, value) in values.enumerated() { base[index] = value }
    }

    deinit { base.deallocate() }

    /// The elements as an array.
    var array: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }
}

/// `count` slots of at least `width` doubles each, for threads that each fill their own slots:
/// every slot starts on a cache line (64 bytes) and fills whole lines, so two threads storing
/// into neighbouring slots never share a line (which would pass it back and forth between their
/// cores on every store: it cost a third of a Float epoch's speed on two threads).
final class SlotBuffer {
    /// The doubles from one slot's start to the next's: `width` rounded up to 8.
    let stride: Int
    private let owner: Buffer<Double>
    private let base: UnsafeMutablePointer<Double>

    init(count: Int, width: Int) {
        stride = (width + 7) / 8 * 8
        owner = Buffer(repeating: 0, count: Swift.max(1, count) * stride + 8)
        let misalignment = Int(bitPattern: owner.base) % 64
        base = owner.base + (misalignment == 0 ? 0 : (64 - misalignment) / MemoryLayout<Double>.stride)
    }

    /// The first double of slot `index`.
    @inline(__always)
    subscript(index: Int) -> UnsafeMutablePointer<Double> { base + index * stride }
}
