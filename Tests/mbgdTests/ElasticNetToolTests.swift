import Foundation
import Testing

/// `mbgd solve --l1`: scikit-learn's ElasticNet answers (Tests/Fixtures/elastic-net, made by its
/// script) from CSV and libsvm files, and the options that make no sense beside it refused.
@Suite struct ElasticNetToolTests {
    /// One problem of the fixture: its rows, penalty and scikit-learn's answer.
    struct Problem {
        let alpha: Double, l1Ratio: Double, fitIntercept: Bool, penaltyUnits: String
        let features: [[Double]], target: [Double], weights: [Double]?
        let coefficients: [Double], intercept: Double, zeros: [Int]

        init(_ name: String) throws {
            let path =
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
                + "/Fixtures/elastic-net/problems.json"
            let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            let problems = try #require(root["problems"] as? [[String: Any]])
            let problem = try #require(problems.first { $0["name"] as? String == name })
            alpha = try #require(problem["alpha"] as? Double)
            l1Ratio = try #require(problem["l1Ratio"] as? Double)
            fitIntercept = try #require(problem["fitIntercept"] as? Bool)
            penaltyUnits = try #require(problem["penaltyUnits"] as? String)
            target = try #require(problem["target"] as? [Double])
            weights = problem["weights"] as? [Double]
            coefficients = try #require(problem["coefficients"] as? [Double])
            intercept = try #require(problem["intercept"] as? Double)
            zeros = try #require(problem["zeros"] as? [Int])
            if let dense = problem["features"] as? [[Double]] {
                features = dense
            } else {
                // The sparse problems' rows written out.
                let sparse = try #require(problem["sparse"] as? [String: Any])
                let starts = try #require(sparse["rowStarts"] as? [Int]), columns = try #require(sparse["columns"] as? [Int])
                let values = try #require(sparse["values"] as? [Double]), p = try #require(problem["featureCount"] as? Int)
                features = (0..<starts.count - 1).map { i in
                    var row = [Double](repeating: 0, count: p)
                    for e in starts[i]..<starts[i + 1] { row[columns[e]] = values[e] }
                    return row
                }
            }
        }

        /// The rows as CSV: x0…x(p−1), y, and w when weighted (each number as Swift prints it,
        /// which reads back to the same Double).
        func csv() throws -> String {
            let p = features[0].count
            var lines = [((0..<p).map { "x\($0)" } + ["y"] + (weights == nil ? [] : ["w"])).joined(separator: ",")]
            for i in target.indices {
                lines.append(
                    (features[i].map { "\($0)" } + ["\(target[i])"] + (weights.map { ["\($0[i])"] } ?? [])).joined(separator: ","))
            }
            return try write(lines.joined(separator: "\n") + "\n", to: scratchFolder() + "/net.csv")
        }

        /// The rows as libsvm (1-based), zeros left out.
        func libsvm() throws -> String {
            let lines = target.indices.map { i in
                (["\(target[i])"] + features[i].enumerated().filter { $0.element != 0 }.map { "\($0.offset + 1):\($0.element)" })
                    .joined(separator: " ")
            }
            return try write(lines.joined(separator: "\n") + "\n", to: scratchFolder() + "/net.svm")
        }

        var options: [String] {
            ["--l1", "\(alpha)", "--l1-ratio", "\(l1Ratio)", "--penalize", penaltyUnits] + (fitIntercept ? [] : ["--no-intercept"])
        }

        /// The tool's answer against scikit-learn's: coefficients to 1e-8 of their size, the same
        /// exact zeros, a certified gap.
        func check(_ run: ToolRun) throws {
            #expect(run.status == 0, "\(run.stderr)")
            let json = try run.json
            let found = try #require(json["coefficients"] as? [Double])
            #expect(relativeDifference(found, coefficients) < 1e-8)
            if fitIntercept { #expect(abs(try #require(json["intercept"] as? Double) - intercept) <= 1e-8 * max(1, abs(intercept))) }
            #expect(found.indices.filter { found[$0] == 0 } == zeros)
            #expect(json["zeroCoefficients"] as? Int == zeros.count)
            #expect(json["converged"] as? Bool == true && json["method"] as? String == "coordinateDescent")
            let gap = try #require(json["dualityGap"] as? Double), tolerance = try #require(json["gapTolerance"] as? Double)
            #expect(gap >= 0 && gap <= tolerance)
            let penalty = try #require(json["penalty"] as? [String: Any])
            #expect(penalty["alpha"] as? Double == alpha && penalty["l1Ratio"] as? Double == l1Ratio)
            #expect(penalty["penalize"] as? String == penaltyUnits)
        }
    }

    @Test(arguments: ["lasso", "elastic net", "no intercept", "correlated lasso", "scales standardized"])
    func csvFilesGiveScikitLearnsAnswer(name: String) throws {
        let problem = try Problem(name)
        try problem.check(try mbgd(arguments: ["solve", try problem.csv(), "--target", "y", "--json"] + problem.options))
    }

    @Test func rowWeightsAreSampleWeights() throws {
        let problem = try Problem("scales standardized weighted")
        try problem.check(try mbgd(arguments: ["solve", try problem.csv(), "--target", "y", "--weights", "w", "--json"] + problem.options))
    }

    @Test func libsvmFilesAreSolvedSparse() throws {
        let problem = try Problem("sparse")
        let run = try mbgd(arguments: ["solve", try problem.libsvm(), "--json"] + problem.options)
        try problem.check(run)
        #expect(try run.json["updates"] as? String == "naive")
        // The text report says the certificate and counts the zeros.
        let text = try mbgd(arguments: ["solve", try problem.libsvm()] + problem.options)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("certified: duality gap "))
        #expect(text.stdout.contains("\(problem.zeros.count) of \(problem.features[0].count) coefficients are exactly zero"))
    }

    @Test func optionsThatMeanNothingBesideL1AreRefused() throws {
        let file = try Problem("lasso").csv()
        for (extra, message) in [
            (["--l1", "0"], "--l1 0 is ordinary least squares"),
            (["--l1", "-1"], "--l1 = -1.0 is invalid"),
            (["--l1", "0.1", "--l1-ratio", "1.5"], "--l1-ratio = 1.5 is invalid"),
            (["--l1-ratio", "0.5"], "give --l1 A"),
            (["--penalize", "standardized"], "give --l1 A"),
            (["--l1", "0.1", "--l2", "1"], "drop --l2"),
            (["--l1", "0.1", "--covariance", "hc3"], "drop --covariance"),
            (["--l1", "0.1", "--method", "qr"], "drop --method"),
            (["--l1", "0.1", "--no-refine"], "drop --no-refine"),
            (["--l1", "0.1", "--confidence", "0.9"], "drop --confidence"),
        ] {
            let run = try mbgd(arguments: ["solve", file, "--target", "y"] + extra)
            #expect(run.status == 2, "\(extra)")
            #expect(run.stderr.contains(message), "\(extra): \(run.stderr)")
        }
    }

    /// `mbgd fit --l1` at full batch descends by proximal gradient steps to scikit-learn's answer,
    /// exact zeros included, and says so against coordinate descent's.
    @Test(arguments: ["lasso", "correlated lasso"]) func fullBatchDescentReachesScikitLearnsAnswer(name: String) throws {
        let problem = try Problem(name)
        let run = try mbgd(
            arguments: [
                "fit", try problem.csv(), "--target", "y", "--l1", "\(problem.alpha)", "--batch-size", "full", "--epochs", "30000",
                "--no-early-stopping", "--json",
            ])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let found = try #require(json["coefficients"] as? [Double])
        #expect(relativeDifference(found, problem.coefficients) < 1e-7)
        #expect(found.indices.filter { found[$0] == 0 } == problem.zeros)
        #expect(json["zeroCoefficients"] as? Int == problem.zeros.count)
        #expect((json["verdict"] as? String)?.hasPrefix("converged") == true)
        #expect((json["verdict"] as? String)?.contains("with the same exact zeros") == true)
    }

    /// `mbgd fit --l1 --optimizer adagrad|nesterov` thresholds in the rule's metric: at full batch
    /// it reaches scikit-learn's answer with its exact zeros, and the report says the threshold.
    @Test(arguments: [("adagrad", "0.5", "(√v̂ + ε)"), ("nesterov", "0.3", "/(1 − μ)")])
    func otherRulesThresholdInTheirMetric(optimizer: String, rate: String, said: String) throws {
        let problem = try Problem("lasso")
        let arguments =
            [
                "fit", try problem.csv(), "--target", "y", "--l1", "\(problem.alpha)", "--batch-size", "full", "--epochs", "30000",
                "--learning-rate", rate, "--optimizer", optimizer, "--no-early-stopping",
            ] + (optimizer == "nesterov" ? ["--momentum", "0.5"] : [])
        let run = try mbgd(arguments: arguments + ["--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let found = try #require(try run.json["coefficients"] as? [Double])
        #expect(relativeDifference(found, problem.coefficients) < 1e-7)
        #expect(found.indices.filter { found[$0] == 0 } == problem.zeros)
        let text = try mbgd(arguments: arguments)
        #expect(text.status == 0 && text.stdout.contains(said), "\(text.stdout)")
    }

    /// `--penalize standardized` (glmnet's units): the full-batch descent reaches the fixture's
    /// standardized-units answer (scikit-learn on pre-scaled columns, scaled back), zeros included.
    @Test(arguments: ["scales standardized", "scales standardized weighted"])
    func fullBatchDescentReachesTheStandardizedAnswer(name: String) throws {
        let problem = try Problem(name)
        let run = try mbgd(
            arguments: [
                "fit", try problem.csv(), "--target", "y", "--l1", "\(problem.alpha)", "--l1-ratio", "\(problem.l1Ratio)", "--penalize",
                "standardized", "--batch-size", "full", "--epochs", "30000", "--no-early-stopping", "--json",
            ] + (problem.weights == nil ? [] : ["--weights", "w"]) + (problem.fitIntercept ? [] : ["--no-intercept"]))
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let found = try #require(json["coefficients"] as? [Double])
        #expect(relativeDifference(found, problem.coefficients) < 1e-7, "\(found) \(problem.coefficients)")
        #expect(found.indices.filter { found[$0] == 0 } == problem.zeros)
        #expect((json["penalty"] as? [String: Any])?["penalize"] as? String == "standardized")
        #expect((json["verdict"] as? String)?.hasPrefix("converged") == true, "\(json["verdict"] ?? "")")
    }

    @Test func fitRefusesWhatItCannotDescendOn() throws {
        let file = try Problem("lasso").csv()
        for (extra, message) in [
            (["--l1", "0"], "--l1 0 is no penalty"),
            (["--l1", "0.1", "--l1-ratio", "0"], "--l1-ratio = 0.0 is invalid"),
            (["--l1-ratio", "0.5"], "give --l1 A"),
            (["--l1", "0.1", "--l2", "1"], "drop --l2"),
            (["--l1", "0.1", "--reduction", "sum"], "drop --reduction sum"),
            (["--l1", "0.1", "--optimizer", "adamw"], "use --optimizer adam"),
            (["--penalize", "standardized"], "give --l1 A"),
            (["--l1", "0.1", "--penalize", "standardized", "--no-standardize"], "drop --no-standardize"),
            (["--l1", "auto", "--penalize", "standardized"], "drop --penalize standardized"),
            (["--l1-method", "cumulative"], "give --l1 A"),
            (["--l1", "0.1", "--l1-method", "truncated"], "--l1-method"),
            (["--l1", "0.1", "--l1-method", "cumulative", "--optimizer", "adagrad"], "--l1-method cumulative needs --optimizer sgd"),
        ] {
            let run = try mbgd(arguments: ["fit", file, "--target", "y"] + extra)
            #expect(run.status == 2, "\(extra)")
            #expect(run.stderr.contains(message), "\(extra): \(run.stderr)")
        }
        // On sparse rows --l1 A descends (SparseToolTests); --penalize standardized stays on dense rows.
        let sparse = try mbgd(arguments: ["fit", try Problem("sparse").libsvm(), "--l1", "0.1", "--penalize", "standardized"])
        #expect(sparse.status == 2 && sparse.stderr.contains("mbgd solve"), "\(sparse.stderr)")
    }

    /// `--l1-method cumulative`, dense rows and sparse: the report says how the penalty was
    /// applied, and `--json`'s `penalty` names the method (the prox by default).
    @Test func theL1MethodIsNamedInTheReport() throws {
        let problem = try Problem("lasso")
        for (file, dense) in [(try problem.csv(), true), (try Problem("sparse").libsvm(), false)] {
            let target = dense ? ["--target", "y"] : []
            let base = ["fit", file] + target + ["--l1", "0.05", "--batch-size", "1", "--epochs", "3"]
            let cumulative = try mbgd(arguments: base + ["--l1-method", "cumulative", "--json"])
            #expect(cumulative.status == 0, "\(cumulative.stderr)")
            #expect((try cumulative.json["penalty"] as? [String: Any])?["method"] as? String == "cumulative")
            let prox = try mbgd(arguments: base + ["--json"])
            #expect((try prox.json["penalty"] as? [String: Any])?["method"] as? String == "prox")
            let text = try mbgd(arguments: base + ["--l1-method", "cumulative"])
            #expect(text.stdout.contains("Tsuruoka et al.'s cumulative penalty"), "\(text.stdout)")
        }
    }
}
