import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `mbgd path`: scikit-learn's paths (Tests/Fixtures/regularization-path, made by its script)
/// through a CSV file, sparse rows, the refusals, and the plots of `path` and `solve --ridge`.
@Suite struct PathToolTests {
    /// The fixture, read afresh by each use (a [String: Any] cannot be a shared static).
    static var fixture: [String: Any] {
        let path =
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
            + "/Fixtures/regularization-path/paths.json"
        return (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))) as? [String: Any] ?? [:]
    }

    /// The fixture's rows as CSV (x0…x4, y, w), each number as Swift prints it (which reads back
    /// to the same Double).
    static func csv() throws -> String {
        let x = try #require(fixture["features"] as? [[Double]]), y = try #require(fixture["target"] as? [Double])
        let w = try #require(fixture["weights"] as? [Double])
        var lines = ["x0,x1,x2,x3,x4,y,w"]
        for i in x.indices { lines.append((x[i] + [y[i], w[i]]).map { "\($0)" }.joined(separator: ",")) }
        return try write(lines.joined(separator: "\n") + "\n", to: scratchFolder() + "/path.csv")
    }

    /// The same rows as a libsvm file (every value stored, the label the target).
    static func libsvm() throws -> String {
        let x = try #require(fixture["features"] as? [[Double]]), y = try #require(fixture["target"] as? [Double])
        let lines = x.indices.map { i in (["\(y[i])"] + x[i].enumerated().map { "\($0 + 1):\($1)" }).joined(separator: " ") }
        return try write(lines.joined(separator: "\n") + "\n", to: scratchFolder() + "/path.svm")
    }

    static func path(_ name: String) throws -> (alphas: [Double], rows: [[String: Any]], whole: [String: Any]) {
        let whole = try #require(fixture[name] as? [String: Any])
        return (try #require(whole["alphas"] as? [Double]), try #require(whole["path"] as? [[String: Any]]), whole)
    }

    /// The ridge path: Ridge's coefficients and intercepts, R², tr H, RidgeCV's leave-one-out
    /// means and alpha_, and GCV, to 1e-8, with and without weights.
    @Test(arguments: ["l2", "l2 weighted"])
    func theRidgePathIsScikitLearns(name: String) throws {
        let (alphas, expected, whole) = try Self.path(name)
        let run = try mbgd(
            arguments: ["path", try Self.csv(), "--target", "y", "--features", "x0,x1,x2,x3,x4", "--penalty", "l2", "--json"]
                + ["--alphas", alphas.map { "\($0)" }.joined(separator: ",")] + (name == "l2" ? [] : ["--weights", "w"]))
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        #expect(json["alphas"] as? [Double] == alphas && json["penalty"] as? String == "l2")
        let coefficients = try #require(json["coefficients"] as? [[Double]]), intercepts = try #require(json["intercepts"] as? [Double])
        for (a, row) in expected.enumerated() {
            #expect(relativeDifference(coefficients[a], try #require(row["coefficients"] as? [Double])) < 1e-8, "\(name) \(a)")
            let intercept = try #require(row["intercept"] as? Double)
            #expect(abs(intercepts[a] - intercept) < 1e-8 * abs(intercept))
        }
        for (key, column) in [("effectiveDegreesOfFreedom", "df"), ("r2", "r2"), ("looScores", "loo"), ("gcvScores", "gcv")] {
            let found = try #require(json[key] as? [Double]), reference = try expected.map { try #require($0[column] as? Double) }
            #expect(relativeDifference(found, reference) < 1e-8, "\(name) \(key): \(found) vs \(reference)")
        }
        #expect(json["alphaLoo"] as? Double == whole["alphaLoo"] as? Double)
        // The glmnet lambdas are α/Σw (α/n without weights).
        let lambdas = try #require(json["glmnetLambdas"] as? [Double])
        let total = name == "l2" ? 40.0 : try #require(Self.fixture["weights"] as? [Double]).reduce(0, +)
        #expect(relativeDifference(lambdas, alphas.map { $0 / total }) < 1e-15)
    }

    /// The lasso on the default grid (enet_path's alphas from alpha_max down to 1e-3 times it)
    /// and the elastic net on given alphas: the alphas to 1e-12, the coefficients to 1e-7 of their
    /// size, the exact zeros, R²; the sparse file gives the dense file's path.
    @Test(arguments: ["l1", "elasticnet"])
    func theLassoAndElasticNetPathsAreEnetPaths(name: String) throws {
        let (alphas, expected, _) = try Self.path(name)
        var arguments = ["--penalty", name, "--json"]
        if name == "elasticnet" { arguments += ["--l1-ratio", "0.5", "--alphas", alphas.map { "\($0)" }.joined(separator: ",")] }
        let dense = try mbgd(arguments: ["path", try Self.csv(), "--target", "y", "--features", "x0,x1,x2,x3,x4"] + arguments)
        #expect(dense.status == 0, "\(dense.stderr)")
        let sparse = try mbgd(arguments: ["path", try Self.libsvm()] + arguments)
        #expect(sparse.status == 0, "\(sparse.stderr)")
        for run in [dense, sparse] {
            let json = try run.json
            let found = try #require(json["alphas"] as? [Double])
            #expect(found.count == alphas.count && relativeDifference(found, alphas) < 1e-12)
            let coefficients = try #require(json["coefficients"] as? [[Double]])
            let nonzero = try #require(json["nonzeroCoefficients"] as? [Double]), r2 = try #require(json["r2"] as? [Double])
            #expect(json["converged"] as? [Bool] == Array(repeating: true, count: alphas.count))
            for (a, row) in expected.enumerated() {
                let reference = try #require(row["coefficients"] as? [Double])
                let scale = Swift.max(reference.map(abs).max()!, 1e-3)
                #expect(zip(coefficients[a], reference).allSatisfy { abs($0 - $1) <= 1e-7 * scale }, "\(name) \(a): \(coefficients[a])")
                #expect(Int(nonzero[a]) == row["nonzero"] as? Int, "\(name) \(a)")
                #expect(abs(r2[a] - (try #require(row["r2"] as? Double))) < 1e-9, "\(name) \(a)")
            }
        }
    }

    /// The text report: one row per alpha with the marks of the chosen alphas, and the choices' line.
    @Test func theReportHasARowPerAlpha() throws {
        let (alphas, _, whole) = try Self.path("l2")
        let run = try mbgd(
            "path", try Self.csv(), "--target", "y", "--features", "x0,x1,x2,x3,x4", "--penalty", "l2", "--alphas",
            alphas.map { "\($0)" }.joined(separator: ","))
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        let header = try #require(lines.firstIndex { $0.contains("glmnet lambda") && $0.contains("LOO MSE") && $0.contains("GCV") })
        let rows = lines[(header + 1)...].prefix { $0.hasPrefix("  ") }
        #expect(rows.count == alphas.count)
        let chosen = try #require(rows.first { $0.contains("LOO") && !$0.contains("LOO 1-SE") || $0.hasSuffix("LOO") })
        #expect(Double(chosen.split(separator: " ")[0]) == whole["alphaLoo"] as? Double, "\(chosen)")
        #expect(run.stdout.contains("Chosen: LOO α = "))
        // The default lasso grid: 100 rows.
        let lasso = try mbgd("path", try Self.csv(), "--target", "y", "--features", "x0,x1,x2,x3,x4", "--penalty", "l1")
        #expect(lasso.status == 0, "\(lasso.stderr)")
        #expect(lasso.stdout.contains("100 alphas from alpha_max"))
    }

    @Test func badUsesAreRefusedWithTheWayOut() throws {
        let file = try Self.csv()
        for (arguments, status, message) in [
            (["--penalty", "l2", "--l1-ratio", "0.5"], 2, "--l1-ratio 0.5 is the L1 share of --penalty elasticnet"),
            (["--penalty", "elasticnet", "--l1-ratio", "0"], 2, "--l1-ratio = 0.0 is invalid"),
            (["--penalty", "l1", "--alphas", "1,0"], 2, "--alphas = 0 is invalid"),
            (["--penalty", "lasso"], 2, "--penalty"),
            (["--penalty", "l2", "--target", "x4"], 2, "mbgd path draws the path of one target, and 2 were given"),
        ] {
            let run = try mbgd(arguments: ["path", file, "--target", "y"] + arguments)
            #expect(run.status == Int32(status), "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
        let sparse = try mbgd("path", try Self.libsvm(), "--penalty", "l2")
        #expect(sparse.status == 2 && sparse.stderr.contains("--penalty l2:") && sparse.stderr.contains("--penalty l1 or elasticnet"))
    }

    /// The two plots of a ridge path: valid SVG; the coefficient paths named in the legend, the
    /// best and 1-SE alphas drawn as vertical lines where the x axis puts them; the criterion
    /// with one error bar per alpha.
    @Test func theRidgePathsPlotsMarkTheChosenAlphas() throws {
        let folder = try scratchFolder()
        let (alphas, _, _) = try Self.path("l2")
        let run = try mbgd(
            "solve", try Self.csv(), "--target", "y", "--features", "x0,x1,x2,x3,x4", "--ridge", "loo", "--alphas",
            alphas.map { "\($0)" }.joined(separator: ","), "--json", "--plot", folder + "/ridge.svg")
        #expect(run.status == 0, "\(run.stderr)")
        let regularization = try #require(try run.json["regularization"] as? [String: Any])
        let best = try #require(regularization["alpha"] as? Double), oneSE = try #require(regularization["alpha1se"] as? Double)
        let panels = try SVGPanel.read(folder + "/ridge.svg")
        #expect(panels.count == 2)
        let document = try Self.elements(folder + "/ridge.svg")
        // Per panel, its reference lines' x positions (the document's panels in order).
        #expect(document.references.count == 2)
        for (panel, references) in zip(panels, document.references) {
            #expect(references.count == 2)
            for (alpha, x) in zip([best, oneSE], references) {
                let expected = try #require(SVGPanel.logPosition(alpha, ticks: panel.xTicks))
                #expect(abs(x - expected) < 0.6, "\(panel.title): alpha \(alpha) at \(x), expected \(expected)")
            }
            #expect(panel.legendTexts.contains { $0.hasPrefix("best α = ") } && panel.legendTexts.contains { $0.hasPrefix("1-SE α = ") })
        }
        #expect(panels[0].title == "Ridge coefficient paths" && panels[0].polylines.count == 5)
        #expect(Set(["x0", "x1", "x2", "x3", "x4"]).isSubset(of: Set(panels[0].legendTexts)))
        #expect(panels[1].title.contains("LOO MSE") && document.errorBars == alphas.count)
    }

    /// `solve --l1 cv --plot`: glmnet's `plot(fit)` and `plot(cv.fit)`, the refitted lasso
    /// coefficients and the mean held-out error with one error bar per alpha, the best and 1-SE
    /// alphas of --json drawn where the x axis puts them.
    @Test func theLassoCrossValidationPlotsMarkTheChosenAlphas() throws {
        let folder = try scratchFolder()
        let run = try mbgd(
            "solve", try Self.csv(), "--target", "y", "--features", "x0,x1,x2,x3,x4", "--l1", "cv", "--folds", "4", "--seed", "3",
            "--json", "--plot", folder + "/cv.svg")
        #expect(run.status == 0, "\(run.stderr)")
        let regularization = try #require(try run.json["regularization"] as? [String: Any])
        let best = try #require(regularization["alpha"] as? Double), oneSE = try #require(regularization["alpha1se"] as? Double)
        let alphas = try #require(regularization["alphas"] as? [Double])
        let panels = try SVGPanel.read(folder + "/cv.svg"), document = try Self.elements(folder + "/cv.svg")
        #expect(panels.count == 2 && document.references.count == 2)
        for (panel, references) in zip(panels, document.references) {
            for (alpha, x) in zip([best, oneSE], references) {
                let expected = try #require(SVGPanel.logPosition(alpha, ticks: panel.xTicks))
                #expect(abs(x - expected) < 0.6, "\(panel.title): alpha \(alpha) at \(x), expected \(expected)")
            }
        }
        #expect(panels[0].title == "Lasso coefficient paths" && panels[0].polylines.count == 5)
        #expect(panels[1].title.contains("CV MSE") && document.errorBars == alphas.count)
        let text = try mbgd("solve", try Self.csv(), "--target", "y", "--l1", "cv", "--plot", folder + "/plots")
        #expect(text.stdout.contains("Plots: \(folder)/plots/coefficient-paths.svg, \(folder)/plots/criterion.svg"), "\(text.stdout)")
    }

    /// Two targets, each with its own alpha: a pair of plots per target, named by it.
    @Test func eachTargetHasItsPlots() throws {
        let problem = try RidgePathToolTests.Problem("two targets")
        let folder = try scratchFolder()
        let run = try mbgd(
            arguments: ["solve", try problem.csv(), "--target", "y0", "--target", "y1", "--ridge", "loo", "--plot", folder + "/plots"])
        #expect(run.status == 0, "\(run.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/plots").sorted()
        #expect(files == ["coefficient-paths-y0.svg", "coefficient-paths-y1.svg", "criterion-y0.svg", "criterion-y1.svg"])
        let panel = try #require(try SVGPanel.read(folder + "/plots/criterion-y1.svg").first)
        #expect(panel.title.hasPrefix("Ridge (y1): LOO MSE of y1"), "\(panel.title)")
    }

    /// More than ten features: the ten largest are named, the title says so; the others are
    /// drawn unnamed. A lasso path has no criterion plot, so a folder gets one file.
    @Test func manyFeaturesNameTheTenLargest() throws {
        let folder = try scratchFolder()
        // 60 rows, 14 features, the target from the first 12 with sizes 1…12.
        var lines = [((0..<14).map { "f\($0)" } + ["y"]).joined(separator: ",")]
        for i in 0..<60 {
            let x = (0..<14).map { j in sin(Double(i * (j + 3)) * 0.37 + Double(j)) }
            let y = (0..<12).reduce(0.0) { $0 + Double($1 + 1) * x[$1] }
            lines.append((x + [y]).map { "\($0)" }.joined(separator: ","))
        }
        let file = try write(lines.joined(separator: "\n") + "\n", to: folder + "/wide.csv")
        let run = try mbgd("path", file, "--penalty", "l1", "--plot", folder + "/plots")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Plots: \(folder)/plots/coefficient-paths.svg"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/plots") == ["coefficient-paths.svg"])
        let panel = try #require(try SVGPanel.read(folder + "/plots/coefficient-paths.svg").first)
        #expect(panel.title == "Lasso coefficient paths (the 10 largest of 14 named)")
        #expect(panel.polylines.count == 14 && panel.legendTexts.count == 10)
        #expect(Set(panel.legendTexts) == Set((2..<12).map { "f\($0)" }), "\(panel.legendTexts)")
    }

    /// The reference lines (their x, per panel) and the error bars of an SVG document.
    static func elements(_ path: String) throws -> (references: [[Double]], errorBars: Int) {
        final class Reader: NSObject, XMLParserDelegate {
            var references: [[Double]] = [], errorBars = 0, depth = 0
            func parser(
                _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes a: [String: String] = [:]
            ) {
                if name == "svg", a["y"] != nil || references.isEmpty && depth == 0 { references.append([]) }
                if name == "svg" { depth += 1 }
                if name == "line", a["class"] == "reference", let x = Double(a["x1"] ?? "") { references[references.count - 1].append(x) }
                if name == "path", a["class"] == "error-bar" { errorBars += 1 }
            }
        }
        let reader = Reader()
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = reader
        guard parser.parse() else { throw ToolError("\(path) is not well-formed XML") }
        // A stacked document's outer <svg> opens an empty list before its panels.
        return (reader.references.filter { !$0.isEmpty }, reader.errorBars)
    }
}
