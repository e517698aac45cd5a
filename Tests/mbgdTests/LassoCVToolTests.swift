import Foundation
import Testing

/// `mbgd solve --l1 cv`: scikit-learn's LassoCV and ElasticNetCV answers (Tests/Fixtures/lasso-cv,
/// made by its script) through CSV files with a fold column, sparse and dense files agreeing, and
/// the options that make no sense beside it refused by name.
@Suite struct LassoCVToolTests {
    /// One problem of the fixture, its rows dense.
    struct Problem {
        let l1Ratio: Double, fitIntercept: Bool
        let features: [[Double]], target: [Double], weights: [Double]?, folds: [Int], groups: [Double]?
        let alphas: [Double], msePath: [[Double]], alpha: Double, coefficients: [Double], intercept: Double

        init(_ name: String) throws {
            let path =
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
                + "/Fixtures/lasso-cv/problems.json"
            let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            let problems = try #require(root["problems"] as? [[String: Any]])
            let problem = try #require(problems.first { $0["name"] as? String == name })
            l1Ratio = try #require(problem["l1Ratio"] as? Double)
            fitIntercept = try #require(problem["fitIntercept"] as? Bool)
            target = try #require(problem["target"] as? [Double])
            weights = problem["weights"] as? [Double]
            folds = try #require(problem["folds"] as? [Int])
            groups = problem["groups"] as? [Double]
            alphas = try #require(problem["alphas"] as? [Double])
            msePath = try #require(problem["msePath"] as? [[Double]])
            alpha = try #require(problem["alpha"] as? Double)
            coefficients = try #require(problem["coefficients"] as? [Double])
            intercept = try #require(problem["intercept"] as? Double)
            features = try #require(problem["features"] as? [[Double]])
        }

        /// x0…x(p−1), a fold column, y, and w when weighted (numbers as Swift prints them, which
        /// read back to the same Double). The fold column holds the groups where there are some.
        func csv(_ name: String = "cv.csv") throws -> String {
            let p = features[0].count
            var lines = [((0..<p).map { "x\($0)" } + ["fold", "y"] + (weights == nil ? [] : ["w"])).joined(separator: ",")]
            for i in features.indices {
                let fold = groups.map { "\($0[i])" } ?? "\(folds[i])"
                lines.append(
                    (features[i].map { "\($0)" } + [fold, "\(target[i])"] + (weights.map { ["\($0[i])"] } ?? [])).joined(separator: ","))
            }
            return try write(lines.joined(separator: "\n") + "\n", to: scratchFolder() + "/" + name)
        }
    }

    /// The fold column's folds give LassoCV's alphas_, alpha_, mean mse_path_ and coef_, to 1e-6.
    @Test(arguments: ["lasso", "elastic-net-weighted", "lasso-grouped"])
    func foldColumnGivesScikitLearnsAnswer(name: String) throws {
        let problem = try Problem(name)
        var arguments = ["solve", try problem.csv(), "--target", "y", "--l1", "cv", "--fold-column", "fold", "--alphas"]
        arguments.append(problem.alphas.map { "\($0)" }.joined(separator: ","))
        if problem.l1Ratio != 1 { arguments += ["--l1-ratio", "\(problem.l1Ratio)"] }
        if problem.weights != nil { arguments += ["--weights", "w"] }
        if problem.groups != nil { arguments += ["--folds", "4"] }
        let run = try mbgd(arguments: arguments + ["--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        #expect(json["features"] as? [String] == (0..<problem.features[0].count).map { "x\($0)" })
        let regularization = try #require(json["regularization"] as? [String: Any])
        #expect(regularization["penalty"] as? String == (problem.l1Ratio == 1 ? "l1" : "elasticnet"))
        #expect(regularization["criterion"] as? String == "cv")
        #expect(regularization["folds"] as? Int == problem.msePath[0].count)
        let alpha = try #require(regularization["alpha"] as? Double)
        #expect(abs(alpha - problem.alpha) <= 1e-12 * problem.alpha)
        #expect(regularization["glmnetLambda"] as? Double == alpha)
        let means = problem.msePath.map { $0.reduce(0, +) / Double($0.count) }
        #expect(relativeDifference(try #require(regularization["scores"] as? [Double]), means) < 1e-6)
        let foldErrors = try #require(regularization["foldErrors"] as? [[Double]])
        #expect(relativeDifference(Array(foldErrors.joined()), Array(problem.msePath.joined())) < 1e-6)
        let alpha1se = try #require(regularization["alpha1se"] as? Double)
        #expect(alpha1se >= alpha)
        #expect((regularization["standardErrors"] as? [Double])?.count == problem.alphas.count)
        let coefficients = try #require(json["coefficients"] as? [Double])
        #expect(zip(coefficients, problem.coefficients).allSatisfy { abs($0 - $1) <= 1e-6 * Swift.max(1, abs($1)) })
        #expect(abs(try #require(json["intercept"] as? Double) - problem.intercept) <= 1e-6 * Swift.max(1, abs(problem.intercept)))
    }

    /// Seeded folds on a libsvm file (sparse rows, naive updates on each fold's columns) and on the
    /// same rows as CSV (dense, the fold Gram matrices merged): the same folds, so the same answer.
    @Test func sparseAndDenseFilesAgree() throws {
        let problem = try Problem("lasso")
        let folder = try scratchFolder()
        var csv = ["x0,x1,x2,x3,x4,x5,x6,x7,y"], svm: [String] = []
        for (row, y) in zip(problem.features, problem.target) {
            csv.append((row.map { "\($0)" } + ["\(y)"]).joined(separator: ","))
            svm.append((["\(y)"] + row.enumerated().compactMap { $1 == 0 ? nil : "\($0 + 1):\($1)" }).joined(separator: " "))
        }
        let dense = try mbgd(
            arguments: [
                "solve", try write(csv.joined(separator: "\n") + "\n", to: folder + "/d.csv"), "--l1", "cv", "--seed", "9", "--json",
            ])
        let sparse = try mbgd(
            arguments: [
                "solve", try write(svm.joined(separator: "\n") + "\n", to: folder + "/s.svm"), "--l1", "cv", "--seed", "9", "--json",
            ])
        #expect(dense.status == 0 && sparse.status == 0, "\(dense.stderr) \(sparse.stderr)")
        let a = try #require(try dense.json["regularization"] as? [String: Any]),
            b = try #require(try sparse.json["regularization"] as? [String: Any])
        #expect(a["folds"] as? Int == 5)
        #expect(relativeDifference(try #require(a["alphas"] as? [Double]), try #require(b["alphas"] as? [Double])) < 1e-12)
        #expect(relativeDifference(try #require(a["scores"] as? [Double]), try #require(b["scores"] as? [Double])) < 1e-8)
        #expect(a["alpha"] as? Double == b["alpha"] as? Double)
        let other = try mbgd(
            arguments: ["solve", folder + "/d.csv", "--l1", "cv", "--seed", "10", "--json"])
        let c = try #require(try other.json["regularization"] as? [String: Any])
        #expect(c["scores"] as? [Double] != a["scores"] as? [Double], "another seed, other folds")
    }

    /// The text report: both rows, the grid-edge note, and the model saved at the best alpha.
    @Test func reportAndSavedModel() throws {
        let problem = try Problem("lasso")
        let folder = try scratchFolder()
        // Alphas whose smallest is best: the note asks for a wider grid.
        let run = try mbgd(
            arguments: [
                "solve", try problem.csv(), "--target", "y", "--l1", "cv", "--fold-column", "fold", "--alphas", "1,0.3,0.1,0.03",
                "--save-model", folder + "/m.json",
            ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Cross-validated lasso on"))
        #expect(run.stdout.contains("5 folds of 12 rows each, one per value of fold"))
        #expect(run.stdout.contains("  best    0.03            0.03"))
        #expect(run.stdout.contains("  1-SE     0.1             0.1"))
        #expect(run.stdout.contains("the best alpha is the grid's smallest: the minimum may lie beyond it (widen --alphas)"))
        #expect(run.stdout.contains("Model written to \(folder)/m.json (at the best alpha)"))
        let saved = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/m.json"))) as? [String: Any])
        let json = try mbgd(
            arguments: [
                "solve", try problem.csv(), "--target", "y", "--l1", "cv", "--fold-column", "fold", "--alphas", "1,0.3,0.1,0.03", "--json",
            ]
        ).json
        let coefficients = try #require((saved["coefficients"] as? [[Double]])?.first)
        #expect(coefficients == json["coefficients"] as? [Double])
    }

    /// `mbgd fit --l1 auto` takes the α `mbgd solve --l1 cv` chooses with the same seed: the same
    /// grid and choice, and its coordinate-descent reference at that α is the refit solve reports
    /// (the same rows: no test split); with an elastic-net ratio too.
    @Test(arguments: [1.0, 0.5])
    func fitL1AutoTakesTheCrossValidatedChoice(l1Ratio: Double) throws {
        let problem = try Problem("lasso")
        let p = problem.features[0].count
        var lines = [((0..<p).map { "x\($0)" } + ["y"]).joined(separator: ",")]
        for i in problem.features.indices {
            lines.append((problem.features[i].map { "\($0)" } + ["\(problem.target[i])"]).joined(separator: ","))
        }
        let file = try write(lines.joined(separator: "\n") + "\n", to: scratchFolder() + "/auto.csv")
        let ratio = ["--l1-ratio", "\(l1Ratio)"]
        let fit = try mbgd(arguments: ["fit", file, "--target", "y", "--l1", "auto", "--seed", "3", "--epochs", "5", "--json"] + ratio)
        #expect(fit.status == 0, "\(fit.stderr)")
        let solve = try mbgd(arguments: ["solve", file, "--target", "y", "--l1", "cv", "--seed", "3", "--json"] + ratio)
        #expect(solve.status == 0, "\(solve.stderr)")
        let chosen = try #require(fit.json["regularization"] as? [String: Any])
        let path = try #require(solve.json["regularization"] as? [String: Any])
        #expect(chosen["criterion"] as? String == "cv" && chosen["folds"] as? Int == 5)
        #expect(chosen["alphas"] as? [Double] == path["alphas"] as? [Double])
        let alpha = try #require(chosen["alpha"] as? Double)
        #expect(alpha == path["alpha"] as? Double)
        let penalty = try #require(fit.json["penalty"] as? [String: Any])
        #expect(penalty["alpha"] as? Double == alpha && penalty["l1Ratio"] as? Double == l1Ratio)
        let reference = try #require((fit.json["closedForm"] as? [String: Any])?["coefficients"] as? [Double])
        let refit = try #require(solve.json["coefficients"] as? [Double])
        #expect(relativeDifference(reference, refit) < 1e-7)
    }

    @Test func fitL1AutoRefusesBadValues() throws {
        let file = try Problem("lasso").csv()
        for (extra, message) in [
            (["--l1", "cv"], "--l1 = 'cv' is invalid: must be a positive number (the strength A) or 'auto'"),
            (["--l1", "auto", "--l2", "auto"], "drop --l2"), (["--l1", "auto", "--optimizer", "adamw"], "use --optimizer adam"),
            (["--l1", "auto", "--validation-fraction", "0.2"], "drop --validation-fraction"),
        ] {
            let run = try mbgd(arguments: ["fit", file, "--target", "y"] + extra)
            #expect(run.status == 2, "\(extra)")
            #expect(run.stderr.contains(message), "\(extra): \(run.stderr)")
        }
    }

    @Test func conflictingAndBadOptionsAreRefused() throws {
        let problem = try Problem("lasso")
        let csv = try problem.csv()
        let svm = try write("1 1:2\n2 1:1 2:3\n3 2:1\n1 1:1\n", to: try scratchFolder() + "/x.svm")
        let cases: [([String], String)] = [
            (["--l1", "abc"], "--l1 = 'abc' is invalid: must be a positive number (the strength A) or cv (choose it by cross-validation)"),
            (["--folds", "3"], "--folds splits the rows for cross-validation: give --l1 cv"),
            (["--alphas", "1,2"], "--alphas 1,2 lists the strengths a path tries: give --ridge loo, --ridge gcv or --l1 cv"),
            (["--l1", "cv", "--l2", "1"], "--l1 cv: the L2 part of the elastic net is --l1's"),
            (["--l1", "cv", "--folds", "1"], "--folds = 1 is invalid: must be at least 2"),
            (["--l1", "cv", "--fold-column", "fold", "--seed", "2"], "--l1 cv: --fold-column's folds come from the column"),
            (["--l1", "cv", "--ridge", "loo"], "--ridge: the path is of ridge solutions; --l1 fits the lasso or elastic net; drop --l1"),
            (["--l1", "cv", "--l1-ratio", "0"], "--l1 cv --l1-ratio 0 is a ridge"),
            (["--target", "y", "--l1", "cv", "--fold-column", "y"], "--fold-column y is a target"),
            (["--target", "y", "--l1", "cv", "--fold-column", "nope"], "no column named 'nope'"),
            (["--target", "y", "--l1", "cv", "--folds", "61"], "--folds 61 is invalid: must be at most the 60 rows: every fold needs one"),
        ]
        for (options, message) in cases {
            let run = try mbgd(arguments: ["solve", csv] + options)
            #expect(run.status != 0 && run.stderr.contains(message), "\(options): \(run.stderr)")
        }
        let sparse = try mbgd(arguments: ["solve", svm, "--l1", "cv", "--fold-column", "a", "--folds", "2"])
        #expect(sparse.status != 0 && sparse.stderr.contains("--fold-column a: \(svm) is a libsvm file"), "\(sparse.stderr)")
    }
}
