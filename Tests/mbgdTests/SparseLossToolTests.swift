import Foundation
import Testing

/// `mbgd fit|solve FILE.svm --loss huber|squared-epsilon-insensitive|quantile|epsilon-insensitive`:
/// the exact optimum of sparse rows against the dense solver on the same rows written as a CSV
/// here (by this test's own reading of the libsvm text), statsmodels' Huber answers through a
/// libsvm file, the verdict's report, and the linear programs refused past their dense width.
@Suite struct SparseLossToolTests {
    static let text =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        + "/Examples/data/text.svm"

    /// The libsvm rows written as a dense CSV with columns x1…xp and y (1-based indices).
    static func denseCSV(_ libsvm: String, features p: Int, to path: String) throws -> String {
        var lines = [((1...p).map { "x\($0)" } + ["y"]).joined(separator: ",")]
        for line in try String(contentsOfFile: libsvm, encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: " ")
            var row = [String](repeating: "0", count: p)
            for field in fields.dropFirst() {
                let pair = field.split(separator: ":")
                row[Int(pair[0])! - 1] = String(pair[1])
            }
            lines.append((row + [String(fields[0])]).joined(separator: ","))
        }
        return try write(lines.joined(separator: "\n") + "\n", to: path)
    }

    /// `fit --loss huber text.svm` gives a verdict against Newton's answer on the sparse rows,
    /// which is the dense solver's answer on the same rows as a CSV to 1e-10 (the same δ).
    @Test func fitHuberOnTextGivesAVerdictAgainstTheExactAnswer() throws {
        // A short descent: what is checked here is the exact side and the report's shape.
        let run = try mbgd("fit", Self.text, "--loss", "huber", "--epochs", "40", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let verdict = try #require(json["verdict"] as? String)
        #expect(verdict.contains("from Huber's exact answer after 40 epochs"), "\(verdict)")
        let exact = try #require(json["closedForm"] as? [String: Any])
        #expect(exact["method"] as? String == "newton" && exact["newtonSystem"] as? String == "cholesky")
        #expect(try #require(exact["gradientNorm"] as? Double) < 1e-12)
        let delta = try #require((json["loss"] as? [String: Any])?["delta"] as? Double)
        let sparse = try #require(exact["coefficients"] as? [Double]) + [try #require(exact["intercept"] as? Double)]
        let csv = try Self.denseCSV(Self.text, features: sparse.count - 1, to: try scratchFolder() + "/text.csv")
        let dense = try mbgd("solve", csv, "--target", "y", "--loss", "huber", "--delta", "\(delta)", "--json")
        #expect(dense.status == 0, "\(dense.stderr)")
        let denseJSON = try dense.json
        let answer = try #require(denseJSON["coefficients"] as? [Double]) + [try #require(denseJSON["intercept"] as? Double)]
        #expect(relativeDifference(sparse, answer) < 1e-10)
        #expect(exact["outliers"] as? Int == denseJSON["outliers"] as? Int)
        // The δ chosen by default is the dense fit's (LSQR's residuals and the closed form's agree).
        let denseDelta = try mbgd("solve", csv, "--target", "y", "--loss", "huber", "--json").json["loss"] as? [String: Any]
        #expect(abs(delta - (denseDelta?["delta"] as? Double ?? 0)) < 1e-8 * delta)
        let textReport = try mbgd("fit", Self.text, "--loss", "huber", "--epochs", "40")
        #expect(textReport.stdout.contains("Exact answer: ") && textReport.stdout.contains("Verdict: "), "\(textReport.stdout)")
    }

    /// `solve --loss squared-epsilon-insensitive` on sparse rows is the dense solve of the CSV;
    /// `solve --loss quantile` on them (the interior point on the sparse rows) too.
    @Test func solveOnSparseRowsIsTheDenseSolve() throws {
        let csv = try Self.denseCSV(Self.text, features: 300, to: try scratchFolder() + "/text.csv")
        for options in [["--loss", "squared-epsilon-insensitive", "--epsilon", "0.05"], ["--loss", "quantile", "--quantile", "0.7"]] {
            let sparse = try mbgd(arguments: ["solve", Self.text, "--json"] + options)
            let dense = try mbgd(arguments: ["solve", csv, "--target", "y", "--json"] + options)
            #expect(sparse.status == 0 && dense.status == 0, "\(sparse.stderr) \(dense.stderr)")
            let a = try sparse.json, b = try dense.json
            let objective = { (json: [String: Any]) in json["objective"] as? Double ?? .nan }
            #expect(abs(objective(a) - objective(b)) <= 1e-10 * objective(b), "\(options)")
            #expect(a["converged"] as? Bool == true, "\(options)")
        }
    }

    /// statsmodels' Huber answers (Tests/Fixtures/huber) through a libsvm file of the same rows.
    @Test func statsmodelsAnswersThroughALibSVMFile() throws {
        let problem = try HuberToolTests.Problem("heavy tails")
        let lines = zip(problem.features, problem.target).map { row, y in
            (["\(y)"] + row.enumerated().filter { $0.element != 0 }.map { "\($0.offset + 1):\($0.element)" }).joined(separator: " ")
        }
        let file = try write(lines.joined(separator: "\n") + "\n", to: try scratchFolder() + "/huber.svm")
        let run = try mbgd("solve", file, "--loss", "huber", "--delta", "\(problem.delta)", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        #expect(relativeDifference(try #require(json["coefficients"] as? [Double]), problem.coefficients) < 1e-9)
        #expect(abs(try #require(json["intercept"] as? Double) - problem.intercept) < 1e-9 * max(1, abs(problem.intercept)))
        #expect(json["outliers"] as? Int == problem.outliers && json["converged"] as? Bool == true)
    }

    /// The linear programs are solved on sparse rows of any width: 40 rows reaching feature 5000
    /// give the optimum of the same rows with that feature renumbered 8 (a second file, its
    /// columns dense enough to be written dense), and the descent beside it runs.
    @Test func theLinearProgramsSolveRowsOfAnyWidth() throws {
        func rows(last: Int) -> String {
            (0..<40).map { i in
                let a = Double(i % 7) - 3, b = Double((i * 5) % 11) / 4, c = Double(i % 3)
                let y = 0.5 + 1.5 * a - b + 2 * c + Double((i * 13) % 17) / 8
                return "\(y) 1:\(a) 2:\(b)" + (c != 0 ? " \(last):\(c)" : "")
            }.joined(separator: "\n") + "\n"
        }
        let folder = try scratchFolder()
        let wide = try write(rows(last: 5000), to: folder + "/wide.svm"), narrow = try write(rows(last: 8), to: folder + "/narrow.svm")
        for options in [["--loss", "quantile", "--quantile", "0.3"], ["--loss", "epsilon-insensitive", "--epsilon", "0.2"]] {
            let a = try mbgd(arguments: ["solve", wide, "--json"] + options),
                b = try mbgd(arguments: ["solve", narrow, "--json"] + options)
            #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
            let objective = { (json: [String: Any]) in json["objective"] as? Double ?? .nan }
            #expect(abs(objective(try a.json) - objective(try b.json)) <= 1e-9 * objective(try b.json), "\(options)")
            #expect(try a.json["method"] as? String == "interior-point" && a.json["converged"] as? Bool == true)
            #expect(try a.json["newtonSystem"] as? String == "cholesky" && (a.json["iterations"] as? Int ?? 0) > 0)
        }
        let fit = try mbgd("fit", wide, "--loss", "quantile", "--epochs", "5", "--json")
        #expect(fit.status == 0, "\(fit.stderr)")
        // Three columns hold values: the normal equations are formed, and no slow solve is announced.
        let text = try mbgd("solve", wide, "--loss", "quantile")
        #expect(text.status == 0 && !text.stderr.contains("conjugate gradients"), "\(text.stderr)")
        // 4100 columns holding values: the interior point runs conjugate gradients, and says so first.
        let many = try write(
            (0..<4200).map { i in "\(Double(i % 5)) \(i % 4100 + 1):1 4101:\(Double(i % 3))" }.joined(separator: "\n") + "\n",
            to: folder + "/many.svm")
        let announced = try mbgd("fit", many, "--loss", "epsilon-insensitive", "--epochs", "1", "--no-intercept")
        let note =
            "note: --loss epsilon-insensitive on 4101 columns is solved exactly by an interior point whose steps run conjugate gradients"
        #expect(announced.stderr.contains(note), "\(announced.stderr)")
        // Huber's Newton reads them sparse at any width: past 4096 columns by conjugate gradients.
        let run = try mbgd("solve", wide, "--loss", "huber", "--delta", "1", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try run.json["newtonSystem"] as? String == "conjugate-gradient")
    }
}
