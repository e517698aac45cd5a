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
    /// `solve --loss quantile` on them (written dense for the interior point) too.
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

    /// The linear programs are refused past the dense width, before any descent, naming the way out.
    @Test func theLinearProgramsAreRefusedPastTheirDenseWidth() throws {
        let wide = try write("1 1:2 5000:1\n0 2:1\n3 1:1 7:2\n2 3:1\n", to: try scratchFolder() + "/wide.svm")
        for arguments in [["fit", wide, "--loss", "quantile"], ["solve", wide, "--loss", "epsilon-insensitive"]] {
            let run = try mbgd(arguments: arguments)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.stderr.contains("has 5000 features") && run.stderr.contains("up to 4096 features"), "\(run.stderr)")
            #expect(run.stderr.contains("--loss huber or squared-epsilon-insensitive"), "\(run.stderr)")
        }
        // Huber's Newton reads them sparse at any width: past 4096 columns by conjugate gradients.
        let run = try mbgd("solve", wide, "--loss", "huber", "--delta", "1", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try run.json["newtonSystem"] as? String == "conjugate-gradient")
    }
}
