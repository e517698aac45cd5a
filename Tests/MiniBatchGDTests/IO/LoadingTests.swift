import Foundation
import Testing

@testable import MiniBatchGD

/// The one loading seam: column selection, text columns skipped, quoting, the parallel reader of
/// mapped files against the streamed reader, and format detection by content.
@Suite struct LoadingTests {
    @Test func unusedColumnsAreSkippedWhateverTheyHold() throws {
        let folder = try ScratchFolder()
        let path = try folder.write("mixed.csv", "name,a,\"city, state\",b,y\n\"Smith, \"\"Jo\"\"\",1,\"Paris, TX\",2,3\nLee,4,,5,6\n")
        let data = try Dataset<Double>.load(path: path, targets: ["y"], features: ["b", "a"])
        #expect(data.featureNames == ["b", "a"] && data.targetNames == ["y"])
        #expect(data.features.elements == [2, 1, 5, 4] && data.targets.elements == [3, 6])
        #expect(try CSVReader.header(path: path) == ["name", "a", "city, state", "b", "y"])
        // Without --features every other column is a feature, so the text is an error with its place.
        #expect(throws: FileError.notANumber(path: path, line: 2, column: 1, text: "\"Smith, \"\"Jo\"\"\"")) {
            try Dataset<Double>.load(path: path, targets: ["y"])
        }
        #expect(throws: FileError.unknownColumn(path: path, name: "q", available: ["name", "a", "city, state", "b", "y"])) {
            try Dataset<Double>.load(path: path, targets: ["y"], features: ["a", "q"])
        }
        #expect(throws: ArgumentError(argument: "features", value: "'y'", requirement: "is also a target")) {
            try Dataset<Double>.load(path: path, targets: ["y"], features: ["a", "y"])
        }
        #expect(throws: ArgumentError(argument: "features", value: "'a'", requirement: "names the same column twice")) {
            try Dataset<Double>.load(path: path, targets: ["y"], features: ["a", "a"])
        }
        let open = try folder.write("open.csv", "a,t,y\n1,\"unclosed,2\n")
        #expect(throws: FileError.badQuotes(path: open, line: 2, column: 2)) { try Dataset<Double>.load(path: open, features: ["a"]) }
    }

    /// Rows of exactly representable values, as text, and the values themselves.
    private func table(rows: Int, badLine: Int? = nil, blankLine: Int? = nil) -> (text: String, features: [Double], targets: [Double]) {
        var text = "x1,label,x2,y\n", features: [Double] = [], targets: [Double] = []
        text.reserveCapacity(rows * 48)
        for i in 0..<rows {
            let line = i + 2
            if line == blankLine { text += "\n" }
            let a = Double(i) * 0.25 - 1000, b = Double(i % 977) / 8, y = Double(i) * 1.5
            text += line == badLine ? "\(a),\"t, \(i)\",oops,\(y)\n" : "\(a),\"t, \(i)\",\(b),\(y)\n"
            features += [a, b]
            targets.append(y)
        }
        return (text, features, targets)
    }

    @Test func aLargeFileIsReadInParallelChunksExactlyAsStreamed() throws {
        let folder = try ScratchFolder()
        let rows = 160_000  // about 5 MB: above the threshold for parallel parsing
        let expected = table(rows: rows)
        #expect(expected.text.utf8.count > CSVSource.parallelThreshold)
        let path = try folder.write("large.csv", expected.text)
        let mapped = try Dataset<Double>.load(path: path, features: ["x1", "x2"])
        #expect(mapped.rows == rows)
        #expect(mapped.features.elements == expected.features && mapped.targets.elements == expected.targets)
        // The same bytes through a pipe take the streaming reader.
        let streamed = try throughFIFO(expected.text, folder: folder, name: "pipe.csv") {
            try Dataset<Double>.load(path: $0, features: ["x1", "x2"])
        }
        #expect(streamed.features.elements == expected.features && streamed.targets.elements == expected.targets)
    }

    @Test func errorsDeepInALargeFileNameTheirLineWhicheverChunkHoldsThem() throws {
        let folder = try ScratchFolder()
        let bad = table(rows: 160_000, badLine: 150_001)
        let path = try folder.write("bad.csv", bad.text)
        let expected = FileError.notANumber(path: path, line: 150_001, column: 3, text: "oops")
        #expect(throws: expected) { try Dataset<Double>.load(path: path, features: ["x1", "x2"]) }
        #expect(throws: FileError.notANumber(path: path + ".fifo", line: 150_001, column: 3, text: "oops")) {
            try throughFIFO(bad.text, folder: folder, name: "bad.csv.fifo") { try Dataset<Double>.load(path: $0, features: ["x1", "x2"]) }
        }
        // A blank line in the middle is reported at the blank line, not at the next row.
        let blank = table(rows: 160_000, blankLine: 80_000)
        let blankPath = try folder.write("blank.csv", blank.text)
        #expect(throws: FileError.raggedRow(path: blankPath, line: 80_000, expected: 4, actual: 0)) {
            try Dataset<Double>.load(path: blankPath, features: ["x1", "x2"])
        }
    }

    /// `body` run on a FIFO that another thread fills with `text`.

    @Test func theFormatIsChosenByContentThenByName() throws {
        let folder = try ScratchFolder()
        let npyBytes = try Array(Data(contentsOf: URL(fileURLWithPath: fixtures + "/c_f8.npy")))
        let disguised = try folder.write("array.dat", bytes: npyBytes)
        #expect(try DataFileFormat.of(path: disguised) == .npy)
        let csv = try folder.write("table.txt", "a,y\n1,2\n")
        #expect(try DataFileFormat.of(path: csv) == .csv)
        let fromURL = try Dataset<Double>.load(URL(fileURLWithPath: disguised))
        #expect(fromURL.features == (try NPYReader.dataset(path: fixtures + "/c_f8.npy").features))
        // .npy columns by index or by the names the library gives them.
        let byName = try Dataset<Double>.load(path: fixtures + "/c_f8.npy", targets: ["x1"], features: ["2"])
        #expect(byName.targetNames == ["y1"] && byName.featureNames == ["x3"])
    }

    @Test func predictionColumnsComeFromTheModelsNames() throws {
        let folder = try ScratchFolder()
        let csv = try folder.write("rows.csv", "id,b,note,a\n7,2,\"x, y\",1\n8,4,z,3\n")
        #expect(try Matrix<Double>.load(path: csv, columns: ["a", "b"]) == (try Matrix(rows: [[1, 2], [3, 4]])))
        // The .npy a model was trained on still holds its target column: names pick the features.
        let full = try NPYReader.read(path: fixtures + "/c_f8.npy")
        let trained = try Dataset<Double>.load(path: fixtures + "/c_f8.npy")
        let features = try Matrix<Double>.load(path: fixtures + "/c_f8.npy", columns: trained.featureNames)
        #expect(features == trained.features && features.columns == full.columns - 1)
    }
}

/// Conveniences a first app reaches for.
@Suite struct ConvenienceTests {
    @Test func datasetsAndMatricesFromSwiftArrays() throws {
        let data = try Dataset(features: [[1, 2], [2, 1], [3, 5]], targets: [4, 3, 9], featureNames: ["u", "v"])
        #expect(data.features.elements == [1, 2, 2, 1, 3, 5] && data.targets.elements == [4, 3, 9])
        #expect(data.featureNames == ["u", "v"] && data.targetNames == ["y"])
        let two = try Dataset(features: [[1], [2]], targets: [[1, 10], [2, 20]])
        #expect(two.outputCount == 2 && two.targetNames == ["y1", "y2"])
        #expect(throws: MatrixError.raggedRows(row: 1, expected: 2, actual: 1)) { try Dataset(features: [[1, 2], [3]], targets: [1, 2]) }
        #expect(throws: DataError.rowCountMismatch(features: 2, targets: 3)) { try Dataset(features: [[1], [2]], targets: [1, 2, 3]) }
        #expect(try Matrix(rows: [[1, 2], [3, 4]]).elements == [1, 2, 3, 4])
    }

    @Test func singleRowPredictionsAreTheLinearFormulaByHand() throws {
        // y = 1 + 2a − 3b exactly: the closed form recovers it, and predictions follow it.
        let rows: [[Double]] = [[0, 0], [1, 0], [0, 1], [2, 3], [5, -1]]
        let data = try Dataset(features: rows, targets: rows.map { 1 + 2 * $0[0] - 3 * $0[1] })
        var model = LinearRegression()
        try model.fit(data, method: .qr)
        #expect(abs(try model.predict([4, 2]) - (1 + 8 - 6)) < 1e-12)
        let many = try model.predict([[1, 1], [-2, 0.5]])
        #expect(abs(many[0] - 0) < 1e-12 && abs(many[1] - (1 - 4 - 1.5)) < 1e-12)
        #expect(try model.predict([[Double]]()) == [])
        #expect(throws: ModelError.featureCountMismatch(expected: 2, actual: 3)) { try model.predict([1, 2, 3]) }
        #expect(throws: MatrixError.self) { try model.predict([Double.nan, 1]) }
        var wide = LinearRegression()
        try wide.fit(Dataset(features: [[0], [1], [2]], targets: [[0, 1], [1, 2], [2, 4]]), method: .qr)
        #expect(throws: ModelError.severalOutputs(outputs: 2)) { try wide.predict([1]) }
        #expect(throws: ModelError.notFitted) { try LinearRegression().predict([1]) }
    }

    @Test func saveAndLoadGiveTheSamePredictions() throws {
        let folder = try ScratchFolder()
        let rows: [[Double]] = [[1, 2], [2, 1], [3, 5], [4, 4]]
        let data = try Dataset(
            features: rows, targets: rows.map { [0.5 + $0[0] - $0[1], 2 * $0[1]] }, featureNames: ["a", "b"], targetNames: ["u", "v"])
        var model = LinearRegression()
        try model.fit(data, method: .qr)
        let url = URL(fileURLWithPath: folder.path + "/model.json")
        try model.save(to: url)
        let loaded = try LinearRegression(contentsOf: url)
        #expect(loaded.featureNames == ["a", "b"] && loaded.targetNames == ["u", "v"])
        #expect(try loaded.predict(data.features) == (try model.predict(data.features)))
        // Per target, as --json does (version 2 and up); with the closed form's covariance, version 3.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        #expect(json["version"] as? Int == 3 && json["inference"] != nil)
        let perTarget = json["coefficients"] as! [[Double]]
        #expect(perTarget.count == 2 && perTarget.allSatisfy { $0.count == 2 })
        #expect(abs(perTarget[1][1] - 2) < 1e-12 && abs(perTarget[0][1] + 1) < 1e-12)
    }

    @Test func versionOneFilesAreReadAndNewerOnesRefused() throws {
        // version1.json: u = 1 + 2a + 0.5b, v = −2 − a + 3b, coefficients one row per feature.
        let old = try LinearRegression(contentsOf: URL(fileURLWithPath: fixtures + "/models/version1.json"))
        #expect(try old.predict(Matrix(rows: [[1, 2]])) == (try Matrix(rows: [[4, 3]])))
        let folder = try ScratchFolder()
        let text = try String(contentsOfFile: fixtures + "/models/version1.json", encoding: .utf8)
        let newer = try folder.write("newer.json", text.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 5"))
        #expect(
            throws: FileError.malformed(
                path: newer, reason: "model file version 5 is newer than this build reads (up to 4): update MiniBatchGD")
        ) {
            try ModelFile.read(path: newer)
        }
        let cases = [
            ("twice.json", text.replacingOccurrences(of: "[ \"a\", \"b\" ]", with: "[ \"a\", \"a\" ]"), "the name 'a' appears twice"),
            (
                "intercept.json", text.replacingOccurrences(of: "\"fitIntercept\" : true", with: "\"fitIntercept\" : false"),
                "fitIntercept is false but an intercept is not 0"
            ),
            ("huge.json", text.replacingOccurrences(of: "0.5", with: "1e999"), "not an mbgd model file (invalid JSON)"),
        ]
        for (name, content, reason) in cases {
            let path = try folder.write(name, content)
            #expect(throws: FileError.malformed(path: path, reason: reason), "\(name)") { try ModelFile.read(path: path) }
        }
    }
}

@Suite struct FileWriterTests {
    @Test func writesRespectWhatIsAtThePath() throws {
        let folder = try ScratchFolder()
        // A symlink is followed: its target is replaced, the link stays a link.
        let target = try folder.write("real.txt", "old")
        chmod(target, 0o640)
        let link = folder.path + "/link.txt"
        #expect(symlink(target, link) == 0)
        try FileWriter.write("new", to: link)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new")
        var status = stat()
        #expect(lstat(link, &status) == 0 && (status.st_mode & S_IFMT) == S_IFLNK)
        #expect(stat(target, &status) == 0 && status.st_mode & 0o777 == 0o640)
        // A device is written in place, never replaced by a regular file.
        try FileWriter.write("discarded", to: "/dev/null")
        #expect(stat("/dev/null", &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR)
        // A failure names the reason in words and leaves no temporary file behind.
        #expect(throws: FileError.unwritable(path: folder.path + "/missing/x.txt", reason: "No such file or directory")) {
            try FileWriter.write("x", to: folder.path + "/missing/x.txt")
        }
        #expect(throws: FileError.unwritable(path: folder.path, reason: "Is a directory")) { try FileWriter.write("x", to: folder.path) }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == ["link.txt", "real.txt"])
    }
}
