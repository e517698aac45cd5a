import Foundation
import Testing

@testable import MiniBatchGD

/// One-hot encoding of CSV text columns against patsy and statsmodels (Tests/Fixtures/categorical,
/// made by make_categorical_fixtures.py): the same column names in the same order, the same
/// parameters to 1e-10 and standard errors; the dense and sparse layouts alike; levels found the
/// same whatever the chunks; unseen and missing levels refused with their line.
@Suite struct CategoricalEncodingTests {
    static let folder = fixtures + "/categorical"
    static let cars = folder + "/cars.csv"

    struct Expected: Decodable {
        struct OLS: Decodable {
            let names: [String]
            let intercept: String?
            let coefficients: [String]
            let interceptStandardError: String?
            let standardErrors: [String]
        }
        let ols: OLS
        let olsWithoutIntercept: OLS
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/expected.json")))
    }

    @Test func solveMatchesStatsmodelsNamesOrderParametersAndStandardErrors() throws {
        let ols = try Self.expected().ols
        let encoded = try FeatureEncoding.oneHot(csv: Self.cars, categorical: ["city", "kind"], targets: ["y"])
        guard case let .dense(data) = encoded.rows else {
            Issue.record("a design of 10 columns is dense")
            return
        }
        #expect(data.featureNames == ols.names)
        #expect(encoded.encoding.categorical.map(\.reference) == ["Berlin", "bike"])
        var model = LinearRegression()
        let solution = try model.fit(data, method: .auto)
        let coefficients = ols.coefficients.map { Double($0)! }
        #expect(relativeDifference(solution.parameters.coefficients.elements, coefficients) < 1e-10)
        #expect(abs(solution.parameters.intercept[0] - Double(ols.intercept!)!) < 1e-10 * abs(Double(ols.intercept!)!))
        let errors = try #require(solution.coefficientFigures(\.standardError))
        #expect(relativeDifference(errors, ols.standardErrors.map { Double($0)! }) < 1e-10)
        let interceptError = try #require(solution.interceptFigures(\.standardError))
        #expect(abs(interceptError[0] / Double(ols.interceptStandardError!)! - 1) < 1e-10)
    }

    @Test func withoutAnInterceptTheFirstColumnIsCodedInFullAsPatsyCodesIt() throws {
        let ols = try Self.expected().olsWithoutIntercept
        let encoded = try FeatureEncoding.oneHot(csv: Self.cars, categorical: ["city", "kind"], targets: ["y"], fitIntercept: false)
        guard case let .dense(data) = encoded.rows else {
            Issue.record("dense")
            return
        }
        #expect(data.featureNames == ols.names)
        var model = LinearRegression(fitIntercept: false)
        let solution = try model.fit(data, method: .auto)
        #expect(relativeDifference(solution.parameters.coefficients.elements, ols.coefficients.map { Double($0)! }) < 1e-10)
        let errors = try #require(solution.coefficientFigures(\.standardError))
        #expect(relativeDifference(errors, ols.standardErrors.map { Double($0)! }) < 1e-10)
    }

    /// The sparse layout holds the dense design's non-zeros, and LSQR on it finds statsmodels'
    /// parameters.
    @Test func sparseLayoutHoldsTheSameDesignAndSolvesToTheSameParameters() throws {
        let ols = try Self.expected().ols
        let dense = try FeatureEncoding.oneHot(csv: Self.cars, categorical: ["city", "kind"], targets: ["y"], layout: .dense)
        let sparse = try FeatureEncoding.oneHot(csv: Self.cars, categorical: ["city", "kind"], targets: ["y"], layout: .sparse)
        guard case let .dense(rows) = dense.rows, case let .sparse(entries) = sparse.rows else {
            Issue.record("the layouts asked for")
            return
        }
        #expect(try entries.densified().features == rows.features)
        #expect(entries.featureNames == rows.featureNames && dense.encoding == sparse.encoding)
        var model = LinearRegression()
        let solution = try model.fit(entries)
        #expect(relativeDifference(solution.parameters.coefficients.elements, ols.coefficients.map { Double($0)! }) < 1e-9)
    }

    /// Levels sort as Python sorts strings (code points: capitals, then lowercase, then accented
    /// letters), or by value when every level is a number; quotes and blanks around a cell go.
    @Test func levelsSortAsPatsySortsThem() throws {
        let folder = try ScratchFolder()
        let path = try folder.write(
            "levels.csv", "c,n,y\nb,10,1\n\"B\",9,2\n a ,2.5,3\nÄ,10,4\n\"x, \"\"y\"\"\",9,5\nb,2.5,6\n")
        let encoded = try FeatureEncoding.oneHot(csv: path, categorical: ["c", "n"])
        #expect(encoded.encoding.categorical[0].levels == ["B", "a", "b", "x, \"y\"", "Ä"])
        #expect(encoded.encoding.categorical[1].levels == ["2.5", "9", "10"])
        #expect(
            encoded.rows.featureNames == ["c[T.a]", "c[T.b]", "c[T.x, \"y\"]", "c[T.Ä]", "n[T.9]", "n[T.10]"])
        guard case let .dense(data) = encoded.rows else { return }
        // Row 3 is (a, 2.5): c[T.a] only; row 2 is (B, 9): n[T.9] only.
        #expect(data.features.row(2) == [1, 0, 0, 0, 0, 0] && data.features.row(1) == [0, 0, 0, 0, 1, 0])
        #expect(CategoricalColumn.sorted(["b", "B", "a", "Ä"]) == ["B", "a", "b", "Ä"])
    }

    /// More than 4 MiB is parsed in chunks on every core, a FIFO in one stream: the same levels,
    /// the same design.
    @Test func levelsAreTheSameWhateverTheChunks() throws {
        let folder = try ScratchFolder()
        var text = "id,x,y\n"
        var generator = RandomSource(seed: 5)
        for i in 0..<200_000 {
            let level = Int(generator.nextUniform() * 500)
            text += "category number \(level * 7919 % 500),\(Double(i % 97) / 8),\(i % 13)\n"
        }
        #expect(text.utf8.count > CSVSource.parallelThreshold)
        let path = try folder.write("many.csv", text)
        let chunked = try FeatureEncoding.oneHot(csv: path, categorical: ["id"], layout: .sparse)
        let streamed = try throughFIFO(text, folder: folder) {
            try FeatureEncoding.oneHot(csv: $0, categorical: ["id"], layout: .sparse)
        }
        #expect(chunked.encoding == streamed.encoding && chunked.encoding.categorical[0].levels.count == 500)
        guard case let .sparse(a) = chunked.rows, case let .sparse(b) = streamed.rows else { return }
        #expect(a.rowStarts == b.rowStarts && a.columnIndices == b.columnIndices && a.values == b.values)
        // Row 1's level, found by hand.
        let first = text.split(separator: "\n")[1].split(separator: ",")[0]
        let place = chunked.encoding.categorical[0].levels.firstIndex(of: String(first))!
        #expect(place == 0 ? a.rowStarts[1] == 0 : Int(a.columnIndices[0]) == place - 1)
    }

    @Test func anUnseenLevelIsRefusedWithItsLineUnlessIgnored() throws {
        let folder = try ScratchFolder()
        let train = try folder.write("train.csv", "city,x,y\nParis,1,2\nBerlin,2,3\nRome,3,5\n")
        let test = try folder.write("test.csv", "x,city\n1,Rome\n2,Lyon\n3,Paris\n")
        let encoded = try FeatureEncoding.oneHot(csv: train, categorical: ["city"], targets: ["y"])
        #expect(throws: EncodingError.unknownLevel(path: test, line: 3, column: "city", level: "Lyon", known: ["Berlin", "Paris", "Rome"]))
        {
            try encoded.encoding.encode(csv: test, targets: nil)
        }
        guard case let .dense(rows) = try encoded.encoding.encode(csv: test, targets: nil, unknownLevels: .ignore) else { return }
        // Columns city[T.Paris], city[T.Rome], x: Lyon is all zeros, as the reference Berlin.
        #expect(rows.features.elements == [0, 1, 1, 0, 0, 2, 1, 0, 3])
    }

    @Test func aMissingLevelIsRefusedWithItsLine() throws {
        let folder = try ScratchFolder()
        let path = try folder.write("missing.csv", "city,x,y\nParis,1,2\n,2,3\n")
        #expect(throws: EncodingError.missingLevel(path: path, line: 3, column: "city")) {
            try FeatureEncoding.oneHot(csv: path, categorical: ["city"])
        }
        let quoted = try folder.write("quoted.csv", "city,x,y\nParis,1,2\nBerlin,2,3\n  \"\" ,4,5\n")
        #expect(throws: EncodingError.missingLevel(path: quoted, line: 4, column: "city")) {
            try FeatureEncoding.oneHot(csv: quoted, categorical: ["city"])
        }
    }

    /// The encoding travels in the model file (version 4) and predicts from raw rows; a file
    /// without one still loads as before.
    @Test func theModelFileKeepsTheEncodingAndPredictsRawRows() throws {
        let folder = try ScratchFolder()
        let train = try folder.write("train.csv", "city,x,y\nParis,1,3\nBerlin,2,2\nRome,3,7\nParis,0,1\nBerlin,1,1\n")
        let encoded = try FeatureEncoding.oneHot(csv: train, categorical: ["city"], targets: ["y"])
        guard case let .dense(data) = encoded.rows else { return }
        var model = LinearRegression()
        try model.fit(data, method: .auto)
        model.featureEncoding = encoded.encoding
        let url = URL(fileURLWithPath: folder.path + "/model.json")
        try model.save(to: url)
        #expect(try ModelFile.read(path: url.path).version == 4)
        let loaded = try LinearRegression(contentsOf: url)
        #expect(loaded.featureEncoding == encoded.encoding)
        let raw = try folder.write("raw.csv", "x,city\n1,Rome\n2,Berlin\n")
        let predictions = try loaded.predict(csv: raw)
        // By hand from the fitted parameters: (Rome, 1) and (Berlin, 2).
        let c = model.coefficients, b = model.intercept[0]
        #expect(abs(predictions[0, 0] - (b + c[1, 0] + 1 * c[2, 0])) < 1e-12)
        #expect(abs(predictions[1, 0] - (b + 2 * c[2, 0])) < 1e-12)
        // The same model without its encoding is an older file's model: features read by name.
        var plain = model
        plain.featureEncoding = nil
        #expect(try ModelFile(plain).version == 3)
    }

    /// A weight column is taken out of the features and weighs the rows; hashed rows keep it too.
    @Test func aWeightColumnWeighsTheEncodedRows() throws {
        let folder = try ScratchFolder()
        let path = try folder.write("weighted.csv", "city,w,x,y\nParis,1,1,2\nBerlin,2,2,3\nRome,0.5,3,5\n")
        let encoded = try FeatureEncoding.oneHot(csv: path, categorical: ["city"], weights: "w")
        #expect(encoded.encoding.numeric == ["x"] && encoded.rows.featureNames == ["city[T.Paris]", "city[T.Rome]", "x"])
        guard case let .dense(data) = encoded.rows else { return }
        #expect(data.weights == [1, 2, 0.5] && data.features.elements == [1, 0, 1, 0, 0, 2, 0, 1, 3])
        let hashed = try FeatureEncoding.hashed(csv: path, bits: 8, categorical: ["city"], weights: "w")
        guard case let .sparse(rows) = hashed.rows else { return }
        #expect(rows.weights == [1, 2, 0.5] && hashed.encoding.numeric == ["x"])
        #expect(throws: ArgumentError.self) { try FeatureEncoding.oneHot(csv: path, categorical: ["city"], weights: "city") }
    }

    @Test func namesInTwoRolesAreRefused() throws {
        #expect(throws: ArgumentError.self) { try FeatureEncoding.oneHot(csv: Self.cars, categorical: ["y"], targets: ["y"]) }
        #expect(throws: ArgumentError.self) { try FeatureEncoding.oneHot(csv: Self.cars, categorical: [], targets: ["y"]) }
        #expect(throws: FileError.self) { try FeatureEncoding.oneHot(csv: Self.cars, categorical: ["town"], targets: ["y"]) }
        // A text column left numeric is a cell that is not a number, as before.
        #expect(throws: FileError.self) { try FeatureEncoding.oneHot(csv: Self.cars, categorical: ["city"], targets: ["y"]) }
    }
}
