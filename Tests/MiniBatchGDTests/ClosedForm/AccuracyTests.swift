import Foundation
import Testing

@testable import MiniBatchGD

/// The closed form on hard designs against exact rational solutions
/// (Tests/Fixtures/accuracy/, made by make_accuracy_fixtures.py with Python's fractions).
@Suite struct AccuracyTests {
    struct Design: Decodable {
        let name: String
        let fitIntercept: Bool
        let features: [[String]]
        let target: [String]
        let intercept: String?
        let coefficients: [String]
    }

    static let designs: [Design] = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: fixtures + "/accuracy/designs.json"))
        return try! JSONDecoder().decode([Design].self, from: data)
    }()

    /// Correct significant digits of `value` against `exact` (17 when equal).
    static func correctDigits(_ value: Double, _ exact: Double) -> Double {
        let error = abs(value - exact)
        guard error > 0 else { return 17 }
        return min(17, -log10(error / max(abs(exact), .leastNormalMagnitude)))
    }

    /// With refinement (the default): at least 13 correct digits wherever κ ≤ 1e8 (every design
    /// here comes out as the Double nearest the exact solution), the error bounds cover the
    /// actual errors, and auto is never more than 0.3 digits behind the best method.
    @Test(arguments: designs.map(\.name))
    func refinementReachesTheExactSolution(name: String) throws {
        let design = Self.designs.first { $0.name == name }!
        let data = try Dataset(features: Matrix(design.features.map { $0.map { Double($0)! } }), target: design.target.map { Double($0)! })
        let exact = (design.intercept.map { [Double($0)!] } ?? []) + design.coefficients.map { Double($0)! }
        var worst: [LeastSquares.Method: Double] = [:]
        for method in LeastSquares.Method.allCases {
            guard let solution = try? LeastSquares.solve(data, method: method, fitIntercept: design.fitIntercept) else {
                #expect(method == .cholesky, "\(method) refused \(name)")
                continue
            }
            let found = (design.fitIntercept ? [solution.intercept[0]] : []) + solution.coefficients.column(0)
            // The table's rows are the intercept (when fitted) and the coefficients, as `found`.
            let allBounds = try #require(solution.coefficientTable.errorBounds, "\(name) \(method) was not refined")
            let digits = zip(found, exact).map { Self.correctDigits($0, $1) }
            worst[method] = digits.min()!
            if solution.conditionNumber <= 1e8 {
                #expect(digits.min()! >= 13, "\(name) \(method): \(digits) at κ = \(solution.conditionNumber)")
            }
            for (value, (truth, bound)) in zip(found, zip(exact, allBounds)) {
                #expect(abs(value - truth) <= bound, "\(name) \(method): error \(abs(value - truth)) above its bound \(bound)")
            }
        }
        let best = worst.values.max()!
        #expect(worst[.auto]! >= best - 0.3, "\(name): auto \(worst[.auto]!) digits, best \(best)")
    }

    /// Without refinement each method keeps what its factorization allows.
    @Test(arguments: designs.map(\.name))
    func methodsKeepTheDigitsTheConditionAllows(name: String) throws {
        let design = Self.designs.first { $0.name == name }!
        let rows = design.features.map { $0.map { Double($0)! } }
        let data = try Dataset(features: Matrix(rows), target: design.target.map { Double($0)! })
        let exact = (design.intercept.map { [Double($0)!] } ?? []) + design.coefficients.map { Double($0)! }
        var minimum: [LeastSquares.Method: Double] = [:]
        var report = "\(name):"
        for method in [LeastSquares.Method.qr, .svd, .auto, .cholesky] {
            guard let solution = try? LeastSquares.solve(data, method: method, fitIntercept: design.fitIntercept, refine: false) else {
                #expect(method == .cholesky, "\(method) refused \(name)")
                report += "  cholesky refused (ill-conditioned)"
                continue
            }
            let found = (design.fitIntercept ? [solution.intercept[0]] : []) + solution.coefficients.column(0)
            let digits = zip(found, exact).map { Self.correctDigits($0, $1) }
            minimum[method] = digits.min()!
            report +=
                "  \(method.rawValue) (κ \(String(format: "%.1e", solution.conditionNumber))) "
                + digits.map { String(format: "%.1f", $0) }.joined(separator: "/")
            // Least squares loses up to about 2·log10 κ digits (κ of the equilibrated design),
            // from about 15.5 less a couple of digits of accumulated rounding.
            let floor = max(1, 13.5 - 2 * log10(max(solution.conditionNumber, 1)))
            #expect(digits.min()! >= floor, "\(name) \(method): \(digits) against a floor of \(floor) at κ = \(solution.conditionNumber)")
            if method == .auto {
                #expect(solution.fallbackReasons.isEmpty == (solution.method == .cholesky), "\(name): auto must say why it fell back")
            }
        }
        print(report)
        // Beyond 13 digits both are at rounding level and the comparison is noise.
        #expect(minimum[.auto]! >= min(minimum[.qr]!, 13) - 0.3, "\(name): auto keeps fewer digits than QR")
    }

    @Test func tallExactFitOfAMillionRows() throws {
        // y = 1/2 + 3·a − 1/4·b + 2·c exactly (small dyadic values), so the exact solution is known.
        let n = 1_000_000
        var x = [Double](), y = [Double]()
        x.reserveCapacity(3 * n)
        y.reserveCapacity(n)
        for k in 0..<n {
            let a = Double(k % 11) / 2, b = Double((k * 3) % 7), c = Double(k % 1024) / 16
            x += [a, b, c]
            y.append(0.5 + 3 * a - 0.25 * b + 2 * c)
        }
        let data = try Dataset(features: Matrix<Double>(rows: n, columns: 3, elements: x), target: y)
        for method in LeastSquares.Method.allCases {
            let solution = try LeastSquares.solve(data, method: method)
            let digits = zip(solution.parameters.stacked, [0.5, 3, -0.25, 2]).map { Self.correctDigits($0, $1) }
            #expect(digits.min()! >= 11, "\(method): \(digits)")
        }
    }
}
