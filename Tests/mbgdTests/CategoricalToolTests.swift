import Foundation
import Testing

/// `--categorical` and `--hash-features` on `fit`, `solve` and `predict`, against statsmodels'
/// OLS and scikit-learn's FeatureHasher (Tests/Fixtures/categorical).
@Suite struct CategoricalToolTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/categorical").path
    static let cars = folder + "/cars.csv"

    static func expected() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/expected.json"))) as! [String: Any]
    }

    static func numbers(_ value: Any?) -> [Double] { (value as? [String] ?? []).map { Double($0)! } }

    @Test func solveMatchesStatsmodelsNamesParametersAndStandardErrors() throws {
        let ols = try #require(try Self.expected()["ols"] as? [String: Any])
        let run = try mbgd("solve", Self.cars, "--target", "y", "--categorical", "city,kind", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        #expect(json["features"] as? [String] == ols["names"] as? [String])
        let coefficients = try #require(json["coefficients"] as? [Double])
        #expect(relativeDifference(coefficients, Self.numbers(ols["coefficients"])) < 1e-10)
        let errors = try #require(json["standardErrors"] as? [Double])
        #expect(relativeDifference(errors, Self.numbers(ols["standardErrors"])) < 1e-10)
        let intercept = try #require(json["intercept"] as? Double)
        #expect(abs(intercept / Double(ols["intercept"] as! String)! - 1) < 1e-10)
        // As float32 the design's 0s and 1s are exact and the numbers rounded: close, not equal.
        let single = try mbgd("solve", Self.cars, "--target", "y", "--categorical", "city,kind", "--precision", "float32", "--json")
        #expect(single.status == 0, "\(single.stderr)")
        let rounded = try #require(try single.json["coefficients"] as? [Double])
        #expect(relativeDifference(rounded, coefficients) < 1e-5)
        #expect(try single.json["float64RelativeDifference"] as? Double ?? 1 < 1e-5)
        // The text report names the columns as patsy does.
        let text = try mbgd("solve", Self.cars, "--target", "y", "--categorical", "city", "--categorical", "kind")
        #expect(text.status == 0 && text.stdout.contains("city[T.Washington, D.C.]") && text.stdout.contains("kind[T.van]"))
    }

    /// `sweep --categorical`: the batch sizes raced on the one-hot design, whose optimum is
    /// statsmodels' fit: ½·(1 − R²)·mean((y − ȳ)²), with R² from the fixture and the spread of y
    /// from the file. Hashed columns go to the sparse descent; options without a CSV are refused.
    @Test func sweepRacesTheEncodedDesign() throws {
        let ols = try #require(try Self.expected()["ols"] as? [String: Any])
        let r2 = try #require(Double(ols["r2"] as? String ?? ""))
        let lines = try String(contentsOfFile: Self.cars, encoding: .utf8).split(separator: "\n").dropFirst()
        let y = lines.map { Double($0.split(separator: ",").last!)! }
        let mean = y.reduce(0, +) / Double(y.count)
        let spread = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(y.count)
        let run = try mbgd(
            "sweep", "--file", Self.cars, "--target", "y", "--categorical", "city,kind", "--batch-sizes", "8,full", "--gap", "0.01",
            "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json
        let optimum = try #require((json["optimum"] as? [String: Any])?["cost"] as? Double)
        #expect(abs(optimum - 0.5 * (1 - r2) * spread) <= 1e-9 * optimum, "\(optimum)")
        #expect((json["results"] as? [[String: Any]])?.allSatisfy { $0["reached"] as? Bool == true } == true)
        let hashed = try mbgd(
            "sweep", "--file", Self.cars, "--target", "y", "--hash-features", "6", "--categorical", "city,kind", "--batch-sizes", "8",
            "--gap", "0.1")
        #expect(hashed.status == 0 && hashed.stdout.contains("sparse descent"), "\(hashed.stdout)\(hashed.stderr)")
        let synthetic = try mbgd("sweep", "--categorical", "city")
        #expect(
            synthetic.status == 2 && synthetic.stderr.contains("--categorical encodes the columns of a CSV --file"), "\(synthetic.stderr)")
    }

    /// `bench --categorical`: the epochs timed on the one-hot design, as wide as statsmodels'
    /// (its names, the fixture's); hashed columns on the sparse descent; no CSV, no encoding.
    @Test func benchTimesTheEncodedDesign() throws {
        let ols = try #require(try Self.expected()["ols"] as? [String: Any])
        let names = try #require(ols["names"] as? [String])
        let run = try mbgd(
            "bench", "--file", Self.cars, "--target", "y", "--categorical", "city,kind", "--batch-sizes", "8", "--epochs", "1", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let config = try #require(try run.json["config"] as? [String: Any])
        #expect(config["features"] as? Int == names.count && config["sparse"] == nil, "\(config)")
        let hashed = try mbgd(
            "bench", "--file", Self.cars, "--target", "y", "--hash-features", "6", "--categorical", "city,kind", "--batch-sizes", "8",
            "--epochs", "1", "--json")
        #expect(hashed.status == 0, "\(hashed.stderr)")
        let hashedConfig = try #require(try hashed.json["config"] as? [String: Any])
        #expect(hashedConfig["features"] as? Int == 64 && hashedConfig["sparse"] != nil, "\(hashedConfig)")
        let synthetic = try mbgd("bench", "--hash-features", "6")
        #expect(
            synthetic.status == 2 && synthetic.stderr.contains("--hash-features encodes the columns of a CSV --file"), "\(synthetic.stderr)"
        )
    }

    @Test func fitConvergesToTheClosedFormAndTheModelPredictsRawRows() throws {
        let folder = try scratchFolder()
        let model = folder + "/model.json"
        let fit = try mbgd("fit", Self.cars, "--target", "y", "--categorical", "city,kind", "--save-model", model, "--json")
        #expect(fit.status == 0, "\(fit.stderr)")
        let json = try fit.json
        #expect((json["features"] as? [String])?.first == "city[T.Paris]")
        let saved = try String(contentsOfFile: model, encoding: .utf8)
        #expect(saved.contains("\"encoding\"") && saved.contains("\"version\" : 4"))
        // Raw rows in another column order, the target absent: predictions as the solve's
        // parameters give them, worked here from its JSON.
        let solved = try mbgd("solve", Self.cars, "--target", "y", "--categorical", "city,kind", "--save-model", folder + "/exact.json")
        #expect(solved.status == 0, "\(solved.stderr)")
        let raw = try write("x2,kind,x1,city\n1.5,van,0.5,Seoul\n-1,bike,2,Berlin\n", to: folder + "/raw.csv")
        let run = try mbgd("predict", "--model", folder + "/exact.json", raw)
        #expect(run.status == 0, "\(run.stderr)")
        let parameters = try mbgd("solve", Self.cars, "--target", "y", "--categorical", "city,kind", "--json").json
        let names = parameters["features"] as! [String], c = parameters["coefficients"] as! [Double]
        let b = parameters["intercept"] as! Double
        func coefficient(_ name: String) -> Double { c[names.firstIndex(of: name)!] }
        let first = b + coefficient("city[T.Seoul]") + coefficient("kind[T.van]") + 0.5 * coefficient("x1") + 1.5 * coefficient("x2")
        let second = b + 2 * coefficient("x1") - coefficient("x2")
        let lines = run.stdout.split(separator: "\n").dropFirst().map { Double($0)! }
        #expect(lines.count == 2 && abs(lines[0] - first) < 1e-9 * abs(first) && abs(lines[1] - second) < 1e-9 * abs(second))
        // With intervals, from the closed form's covariance.
        let intervals = try mbgd("predict", "--model", folder + "/exact.json", raw, "--intervals", "0.95")
        #expect(intervals.status == 0 && intervals.stdout.hasPrefix("y,mean_se,"), "\(intervals.stderr)")
    }

    @Test func anUnseenLevelIsAnErrorNamingItUnlessIgnored() throws {
        let folder = try scratchFolder()
        let model = folder + "/model.json"
        #expect(try mbgd("solve", Self.cars, "--target", "y", "--categorical", "city,kind", "--save-model", model).status == 0)
        let raw = try write("city,kind,x1,x2\nParis,van,0,0\nLyon,car,1,1\n", to: folder + "/raw.csv")
        let refused = try mbgd("predict", "--model", model, raw)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("raw.csv:3") && refused.stderr.contains("'Lyon'") && refused.stderr.contains("'city'"))
        #expect(refused.stderr.contains("--unknown ignore") && refused.stdout.isEmpty)
        let ignored = try mbgd("predict", "--model", model, raw, "--unknown", "ignore")
        #expect(ignored.status == 0, "\(ignored.stderr)")
        // Lyon as the reference Berlin: the same as a row of Berlin.
        let berlin = try write("city,kind,x1,x2\nBerlin,car,1,1\n", to: folder + "/berlin.csv")
        let reference = try mbgd("predict", "--model", model, berlin)
        #expect(ignored.stdout.split(separator: "\n").last == reference.stdout.split(separator: "\n").last)
    }

    @Test func aMissingLevelAndANonCSVFileAreRefused() throws {
        let folder = try scratchFolder()
        let missing = try write("city,x,y\nParis,1,2\n,2,3\nBerlin,3,3\n", to: folder + "/missing.csv")
        let run = try mbgd("solve", missing, "--categorical", "city")
        #expect(run.status != 0 && run.stderr.contains("missing.csv:3") && run.stderr.contains("'city' is empty"))
        let svm = try write("1 1:2\n", to: folder + "/rows.svm")
        let refused = try mbgd("fit", svm, "--categorical", "city")
        #expect(refused.status == 2 && refused.stderr.contains("--categorical encodes the columns of a CSV file"))
        let bits = try mbgd("fit", Self.cars, "--hash-features", "99")
        #expect(bits.status == 2 && bits.stderr.contains("--hash-features must be between 1 and"))
    }

    /// Hashed rows are FeatureHasher's, solved by LSQR: the fit's nonzeros are the fixture's.
    @Test func hashedFeaturesFitAndSolveAsSparseRows() throws {
        let hashed = try #require((try Self.expected()["hashed"] as? [[String: Any]])?.first { $0["bits"] as? Int == 18 })
        let nonzeros = (hashed["values"] as! [String]).count
        let folder = try scratchFolder()
        let solve = try mbgd(
            "solve", Self.cars, "--target", "y", "--categorical", "city,kind", "--hash-features", "18", "--json", "--save-model",
            folder + "/model.json")
        #expect(solve.status == 0, "\(solve.stderr)")
        let json = try solve.json
        #expect(json["method"] as? String == "lsqr")
        #expect((json["sparse"] as? [String: Any])?["nonzeros"] as? Int == nonzeros)
        #expect((json["features"] as? [String])?.count == 1 << 18)
        let fit = try mbgd("fit", Self.cars, "--target", "y", "--categorical", "city,kind", "--hash-features", "18", "--json")
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect((try fit.json["sparse"] as? [String: Any])?["nonzeros"] as? Int == nonzeros)
        // The model predicts raw rows, unseen levels included (hashing takes any).
        let raw = try write("city,kind,x1,x2\nLyon,car,1,1\n", to: folder + "/raw.csv")
        let run = try mbgd("predict", "--model", folder + "/model.json", raw)
        #expect(run.status == 0 && run.stdout.hasPrefix("y\n"), "\(run.stderr)")
    }

    /// A categorical column that is also the target is refused by the option's name.
    @Test func aCategoricalTargetIsRefusedByTheOptionsName() throws {
        let run = try mbgd("solve", Self.cars, "--target", "y", "--categorical", "city,y")
        #expect(run.status != 0)
        #expect(run.stderr.contains("--categorical") && run.stderr.contains("is also a target"), "\(run.stderr)")
    }

}
