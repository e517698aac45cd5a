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
