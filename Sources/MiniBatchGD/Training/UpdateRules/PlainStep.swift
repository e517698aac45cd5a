/// Plain gradient descent: θ ← θ − η·g.
struct PlainStep: UpdateRule {
    let count: Int

    @inline(__always)
    mutating func step(_ parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, rate: Double) {
        for i in 0..<count { parameters[i] -= rate * gradient[i] }
    }
}
