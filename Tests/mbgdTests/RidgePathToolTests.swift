import Foundation
import Testing

/// `mbgd solve --ridge loo|gcv`: scikit-learn's RidgeCV answers (Tests/Fixtures/ridge-path, made
/// by its script) through CSV files, and the options that make no sense beside it refused.
@Suite struct RidgePathToolTests {
    /// One problem of the fixture: its rows, alphas and scikit-learn's choices.
    struct Problem {
        let fitIntercept: Bool
        let features: [[Double]], targets: [[Double]], weights: [Double]?
        let alphas: [Double], degrees: [Double]
        let perTarget: [[String: Any]]

        init(_ name: String) throws {
            let path =
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
                + "/Fixtures/ridge-path/problems.json"
            let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            let problems = try #require(root["problems"] as? [[String: Any]])
            let problem = try #require(problems.first { $0["name"] as? String == name })
            fitIntercept = try #require(problem["fitIntercept"] as? Bool)
            features = try #require(problem["features"] as? [[Double]])
            targets = try #require(problem["targets"] as? [[Double]])
            weights = problem["weights"] as? [Double]
            alphas = try #require(problem["alphas"] as? [Double])
            degrees = try #require(problem["effectiveDegreesOfFreedom"] as? [Double])
            perTarget = try #require(problem["perTarget"] as? [[String: Any]])
        }

        var targetNames: [String] { targets[0].count == 1 ? ["y"] : (0..<targets[0].count).map { "y\($0)" } }

        /// The rows as CSV: x0…x(p−1), the targets, and w when weighted (each number as Swift
        /// prints it, which reads back to the same Double).
        func csv() throws -> String {
            let p = features[0].count
            var lines = [((0..<p).map { "x\($0)" } + targetNames + (weights == nil ? [] : ["w"])).joined(separator: ",")]
            for i in features.indices {
                lines.append(
                    (features[i].map { "\($0)" } + targets[i].map { "\($0)" } + (weights.map { ["\($0[i])"] } ?? [])).joined(separator: ",")
                )
            }
            return try write(lines.joined(separator: "\n") + "\n", to: scratchFolder() + "/ridge.csv")
        }

        func run(_ criterion: String) throws -> ToolRun {
            try mbgd(
                arguments: ["solve", try csv()] + targetNames.flatMap { ["--target", $0] } + (weights == nil ? [] : ["--weights", "w"])
                    + (fitIntercept ? [] : ["--no-intercept"])
                    + ["--ridge", criterion, "--alphas", alphas.map { "\($0)" }.joined(separator: ","), "--json"])
        }
    }

    static func numbers(_ value: Any?, target o: Int, of k: Int) throws -> [Double] {
        k == 1 ? try #require(value as? [Double]) : try #require((value as? [[Double]])?[o])
    }

    static func number(_ value: Any?, target o: Int, of k: Int) throws -> Double {
        k == 1 ? try #require(value as? Double) : try #require((value as? [Double])?[o])
    }

    /// Leave-one-out: RidgeCV's alpha_, best_score_ and per-alpha means, the coefficients of Ridge
    /// at the chosen alpha, numpy's tr H and 1-SE choice, to 1e-8; GCV likewise against numpy's.
    @Test(arguments: ["tall", "no intercept", "wide", "correlated", "weighted", "two targets"])
    func csvFilesGiveRidgeCVsAnswer(name: String) throws {
        let problem = try Problem(name)
        let k = problem.perTarget.count, p = problem.features[0].count
        for criterion in ["loo", "gcv"] {
            let run = try problem.run(criterion)
            #expect(run.status == 0, "\(run.stderr)")
            let json = try run.json
            let regularization = try #require(json["regularization"] as? [String: Any])
            #expect(regularization["penalty"] as? String == "l2" && regularization["criterion"] as? String == criterion)
            #expect(regularization["alphas"] as? [Double] == problem.alphas)
            let degrees = try #require(regularization["effectiveDegreesOfFreedom"] as? [Double])
            #expect(relativeDifference(degrees, problem.degrees) < 1e-8)
            for o in 0..<k {
                let expected = problem.perTarget[o]
                let alpha = try Self.number(regularization["alpha"], target: o, of: k)
                let scores = try Self.numbers(regularization["scores"], target: o, of: k)
                let alpha1se = try Self.number(regularization["alpha1se"], target: o, of: k)
                if criterion == "loo" {
                    #expect(alpha == expected["alpha"] as? Double, "\(name): alpha_")
                    let best = try #require(expected["bestScore"] as? Double)
                    #expect(abs(try Self.number(regularization["score"], target: o, of: k) + best) <= 1e-8 * abs(best))
                    #expect(relativeDifference(scores, try #require(expected["loo"] as? [Double])) < 1e-8)
                    #expect(alpha1se == expected["alpha1seLoo"] as? Double)
                } else {
                    #expect(alpha == expected["alphaGcv"] as? Double, "\(name): GCV alpha")
                    #expect(relativeDifference(scores, try #require(expected["gcv"] as? [Double])) < 1e-8)
                    #expect(alpha1se == expected["alpha1seGcv"] as? Double)
                }
                // The coefficients reported are Ridge's at the chosen alpha.
                let index = try #require(problem.alphas.firstIndex(of: alpha))
                let reference = try #require((expected["coefficients"] as? [[Double]])?[index])
                let found =
                    k == 1
                    ? try #require(json["coefficients"] as? [Double])
                    : try #require((json["coefficients"] as? [[Double]])?[o])
                #expect(found.count == p && relativeDifference(found, reference) < 1e-8, "\(name) \(criterion)")
            }
        }
    }

    /// The text report names the choice, its 1-SE neighbour, the degrees of freedom and the coefficients.
    @Test func theReportSaysTheChoice() throws {
        let problem = try Problem("tall")
        let run = try mbgd(arguments: ["solve", try problem.csv(), "--target", "y", "--ridge", "loo"])
        #expect(run.status == 0, "\(run.stderr)")
        let alpha = try #require(problem.perTarget[0]["alpha"] as? Double)
        #expect(run.stdout.contains("100 alphas from "))
        #expect(run.stdout.contains("Criterion: exact leave-one-out"))
        #expect(run.stdout.split(separator: "\n").contains { $0.hasPrefix("  best ") })
        #expect(run.stdout.contains("Coefficients (original units):"))
        // With the fixture's grid, the best row shows RidgeCV's alpha.
        let grid = try mbgd(
            arguments: [
                "solve", try problem.csv(), "--target", "y", "--ridge", "loo", "--alphas",
                problem.alphas.map { "\($0)" }.joined(separator: ","),
            ])
        let best = try #require(grid.stdout.split(separator: "\n").first { $0.hasPrefix("  best ") })
        #expect(best.split(separator: " ")[1] == "\(Int(alpha))" || best.contains(String(format: "%.7g", alpha)), "\(best)")
    }

    /// `mbgd fit --l2 auto` takes the α `mbgd solve --ridge loo` chooses on the same rows, in the
    /// descent's units (standardized or not, mean or sum): its closed-form reference, a Cholesky
    /// ridge at the λ the α was turned into, equals the path's eigendecomposition solution at that
    /// α, so the strength reached the descent unchanged; with weights too.
    @Test(arguments: [("tall", [String]()), ("tall", ["--no-standardize"]), ("weighted", ["--reduction", "sum"])])
    func fitL2AutoTakesTheLeaveOneOutChoice(name: String, options: [String]) throws {
        let problem = try Problem(name)
        let file = try problem.csv()
        let rows = ["--target", "y"] + (problem.weights == nil ? [] : ["--weights", "w"])
        let standardized = !options.contains("--no-standardize")
        let fit = try mbgd(arguments: ["fit", file] + rows + options + ["--l2", "auto", "--epochs", "5", "--json"])
        #expect(fit.status == 0, "\(fit.stderr)")
        let solve = try mbgd(
            arguments: ["solve", file] + rows + ["--ridge", "loo", "--json"] + (standardized ? ["--penalize", "standardized"] : []))
        #expect(solve.status == 0, "\(solve.stderr)")
        let chosen = try #require(fit.json["regularization"] as? [String: Any])
        let path = try #require(solve.json["regularization"] as? [String: Any])
        #expect(chosen["criterion"] as? String == "loo" && chosen["penalize"] as? String == (standardized ? "standardized" : "original"))
        let alpha = try #require(chosen["alpha"] as? Double)
        #expect(alpha == path["alpha"] as? Double)
        #expect(chosen["alphas"] as? [Double] == path["alphas"] as? [Double])
        let lambda = try #require(chosen["l2"] as? Double)
        let total = problem.weights?.reduce(0, +) ?? Double(problem.features.count)
        let expected = options.contains("sum") ? alpha : alpha / total
        #expect(abs(lambda - expected) <= 1e-15 * expected)
        let reference = try #require(fit.json["closedForm"] as? [String: Any])
        let referenceCoefficients = try #require(reference["coefficients"] as? [Double])
        let pathCoefficients = try #require(solve.json["coefficients"] as? [Double])
        #expect(relativeDifference(referenceCoefficients, pathCoefficients) < 1e-9)
        let training = try #require(fit.json["training"] as? [String: Any])
        #expect(training["standardized"] as? Bool == standardized)
    }

    @Test func fitL2AutoRefusesWhatItCannotRun() throws {
        let file = try Problem("tall").csv()
        for (extra, message) in [
            (["--l2", "none"], "--l2 must be a number λ ≥ 0 or 'auto', got 'none'"),
            (["--l2", "auto", "--l1", "0.1"], "drop --l2"),
            (["--l2", "auto", "--loss", "huber"], "drop --l2"),
            (["--l2", "auto", "--validation-fraction", "0.2"], "--l2 auto chooses the strength on the training rows"),
        ] {
            let run = try mbgd(arguments: ["fit", file, "--target", "y"] + extra)
            #expect(run.status == 2, "\(extra)")
            #expect(run.stderr.contains(message), "\(extra): \(run.stderr)")
        }
        let sparse = try write("1 1:0.5 2:1\n2 1:1.5\n3 2:2\n4 1:1 2:1\n", to: scratchFolder() + "/rows.svm")
        let run = try mbgd(arguments: ["fit", sparse, "--l2", "auto"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--l2 auto: \(sparse) holds sparse rows"), "\(run.stderr)")
    }

    /// `mbgd solve FILE.svm --ridge cv`: the library's SparseRidgeCV (itself checked against dense
    /// ridge solves of every fold) through a libsvm file, the choice's coefficients those of the
    /// dense ridge at that alpha (a second algorithm), dense files sent to --ridge loo.
    @Test func sparseFilesAreCrossValidated() throws {
        var lines = [String](), rows = [[Double]](), targets = [Double]()
        for i in 0..<60 {
            let row = (0..<6).map { j in (i * 7 + j * 3) % 5 == 0 ? 0 : Double((i * 13 + j * 29) % 17) / 4 - 2 }
            let y = 1 + row.enumerated().reduce(0.0) { $0 + Double($1.offset % 3 - 1) * $1.element } + Double(i % 7) / 10
            rows.append(row)
            targets.append(y)
            lines.append(
                "\(y) " + row.enumerated().compactMap { $0.element == 0 ? nil : "\($0.offset + 1):\($0.element)" }.joined(separator: " "))
        }
        let file = try write(lines.joined(separator: "\n") + "\n", to: scratchFolder() + "/rows.svm")
        let run = try mbgd(arguments: [
            "solve", file, "--ridge", "cv", "--folds", "4", "--seed", "2", "--alphas", "30,3,0.3,0.03", "--json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let regularization = try #require(run.json["regularization"] as? [String: Any])
        #expect(regularization["criterion"] as? String == "cv" && regularization["folds"] as? Int == 4)
        #expect(regularization["alphas"] as? [Double] == [30, 3, 0.3, 0.03])
        let alpha = try #require(regularization["alpha"] as? Double)
        let scores = try #require(regularization["scores"] as? [Double])
        #expect(alpha == [30, 3, 0.3, 0.03][scores.indices.min { scores[$0] < scores[$1] }!])
        // The dense ridge at the chosen alpha, through a CSV of the same rows.
        let csv = try write(
            (["x1,x2,x3,x4,x5,x6,y"] + rows.indices.map { i in (rows[i].map { "\($0)" } + ["\(targets[i])"]).joined(separator: ",") })
                .joined(separator: "\n") + "\n", to: scratchFolder() + "/rows.csv")
        let dense = try mbgd(arguments: ["solve", csv, "--target", "y", "--l2", "\(alpha)", "--json"])
        #expect(dense.status == 0, "\(dense.stderr)")
        let found = try #require(run.json["coefficients"] as? [Double]), expected = try #require(dense.json["coefficients"] as? [Double])
        #expect(relativeDifference(found, expected) < 1e-8)
        let text = try mbgd(arguments: ["solve", file, "--ridge", "cv", "--folds", "4", "--alphas", "30,3,0.3,0.03"])
        #expect(text.stdout.contains("Cross-validated ridge on \(file): 60 rows × 6 features"))
        #expect(text.stdout.contains("Folds: 4 folds of 15 rows, shuffled by seed 0"))
        let refused = try mbgd(arguments: ["solve", csv, "--target", "y", "--ridge", "cv"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("holds dense rows, for which --ridge loo gives the exact leave-one-out error"), "\(refused.stderr)")
        let column = try mbgd(arguments: ["solve", file, "--ridge", "cv", "--fold-column", "x1"])
        #expect(column.status == 2 && column.stderr.contains("give --folds K"))
        for (option, value) in [("--plot", "plots"), ("--confidence", "0.9"), ("--covariance", "hc3")] {
            let run = try mbgd(arguments: ["solve", file, "--ridge", "cv", option, value])
            #expect(run.status == 2 && run.stderr.contains("--ridge cv: ") && run.stderr.contains("drop \(option)"), "\(run.stderr)")
        }
    }

    @Test func optionsThatMeanNothingBesideRidgeAreRefused() throws {
        let file = try Problem("tall").csv()
        for (extra, message) in [
            (["--alphas", "1,2"], "give --ridge loo, --ridge gcv or --l1 cv"),
            (["--ridge", "loo", "--alphas", "1,0"], "--alphas = 0 is invalid"),
            (["--ridge", "loo", "--alphas", "1,x"], "--alphas = 'x' is invalid"),
            (["--ridge", "loo", "--alphas", "-1"], "--alphas = -1 is invalid"),
            (["--ridge", "aic"], "--ridge"),
            (["--ridge", "loo", "--l2", "1"], "drop --l2"),
            (["--ridge", "gcv", "--l1", "0.1"], "drop --l1"),
            (["--ridge", "loo", "--method", "qr"], "drop --method"),
            (["--ridge", "loo", "--covariance", "hc3"], "drop --covariance"),
            (["--plot", "p.svg"], "give --ridge loo, --ridge gcv or --l1 cv, or use mbgd path"),
            (["--ridge", "loo", "--no-refine"], "drop --no-refine"),
            (["--penalize", "standardized"], "give --l1 A or --ridge loo|gcv"),
        ] {
            let run = try mbgd(arguments: ["solve", file, "--target", "y"] + extra)
            #expect(run.status == 2, "\(extra)")
            #expect(run.stderr.contains(message), "\(extra): \(run.stderr)")
        }
    }

    @Test func sparseFilesAreRefusedWithTheReason() throws {
        let file = try write("1 1:0.5 2:1\n2 1:1.5\n3 2:2\n4 1:1 2:1\n", to: scratchFolder() + "/rows.svm")
        let run = try mbgd(arguments: ["solve", file, "--ridge", "loo"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("holds sparse rows, and the path needs the dense Gram matrix"), "\(run.stderr)")
        #expect(run.stderr.contains("--l2 A for one ridge solved by LSQR"))
    }
}
