/// Exact rational arithmetic for reference solutions of small integer designs. Overflow traps
/// (it is a test helper: a trap means the design is too big for it, never a wrong number).
struct Rational: Equatable, Comparable {
    let numerator: Int
    let denominator: Int

    init(_ numerator: Int, _ denominator: Int = 1) {
        precondition(denominator != 0)
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? abs(a) : gcd(b, a % b) }
        let divisor = Swift.max(gcd(numerator, denominator), 1) * (denominator < 0 ? -1 : 1)
        self.numerator = numerator / divisor
        self.denominator = denominator / divisor
    }

    static func + (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator)
    }
    static func - (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.denominator - b.numerator * a.denominator, a.denominator * b.denominator)
    }
    static func * (a: Rational, b: Rational) -> Rational { Rational(a.numerator * b.numerator, a.denominator * b.denominator) }
    static func / (a: Rational, b: Rational) -> Rational { Rational(a.numerator * b.denominator, a.denominator * b.numerator) }
    static func < (a: Rational, b: Rational) -> Bool { a.numerator * b.denominator < b.numerator * a.denominator }
    var double: Double { Double(numerator) / Double(denominator) }

    /// Solves A·X = B exactly by Gauss–Jordan elimination (A square and nonsingular).
    static func solve(_ a: [[Rational]], _ b: [[Rational]]) -> [[Rational]] {
        var a = a, b = b
        let n = a.count
        for column in 0..<n {
            let pivot = (column..<n).first { a[$0][column] != Rational(0) }!
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            let inverse = Rational(1) / a[column][column]
            a[column] = a[column].map { $0 * inverse }
            b[column] = b[column].map { $0 * inverse }
            for row in 0..<n where row != column && a[row][column] != Rational(0) {
                let factor = a[row][column]
                a[row] = zip(a[row], a[column]).map { $0 - factor * $1 }
                b[row] = zip(b[row], b[column]).map { $0 - factor * $1 }
            }
        }
        return b
    }
}

/// Ordinary least squares of integer data in exact arithmetic, with the statistics R reports.
struct ExactLeastSquares {
    let coefficients: [Rational]  // intercept first when fitted
    let inverseGram: [[Rational]]
    let residualSumOfSquares: Rational
    let totalSumOfSquares: Rational
    let degreesOfFreedom: Int

    init(x: [[Int]], y: [Int], intercept: Bool) {
        let rows = x.map { row in (intercept ? [Rational(1)] : []) + row.map { Rational($0) } }
        let m = rows[0].count, n = rows.count
        var gram = [[Rational]](repeating: [Rational](repeating: Rational(0), count: m), count: m)
        var moment = [[Rational]](repeating: [Rational(0)], count: m)
        for (row, target) in zip(rows, y) {
            for i in 0..<m {
                moment[i][0] = moment[i][0] + row[i] * Rational(target)
                for j in 0..<m { gram[i][j] = gram[i][j] + row[i] * row[j] }
            }
        }
        coefficients = Rational.solve(gram, moment).map { $0[0] }
        let identity = (0..<m).map { i in (0..<m).map { Rational($0 == i ? 1 : 0) } }
        inverseGram = Rational.solve(gram, identity)
        var rss = Rational(0), tss = Rational(0)
        let mean = intercept ? Rational(y.reduce(0, +), n) : Rational(0)
        for (row, target) in zip(rows, y) {
            var fitted = Rational(0)
            for i in 0..<m { fitted = fitted + row[i] * coefficients[i] }
            rss = rss + (Rational(target) - fitted) * (Rational(target) - fitted)
            tss = tss + (Rational(target) - mean) * (Rational(target) - mean)
        }
        residualSumOfSquares = rss
        totalSumOfSquares = tss
        degreesOfFreedom = n - m
    }
}
