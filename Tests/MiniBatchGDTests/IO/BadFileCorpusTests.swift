import Foundation
import Testing

@testable import MiniBatchGD

/// Every file of Tests/Fixtures/bad/ gives exactly the outcome listed in its expected.json.
@Suite struct BadFileCorpusTests {
    static let folder = fixtures + "/bad"
    static let expected: [String: String] = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: folder + "/expected.json"))
        return try! JSONDecoder().decode([String: String].self, from: data)
    }()

    @Test(arguments: expected.keys.sorted())
    func fileGivesItsExactOutcome(name: String) throws {
        let path = Self.folder + "/" + name
        let outcome = Self.expected[name]!
        func load() throws -> Dataset<Double> {
            name.hasSuffix(".npy") ? try NPYReader.dataset(path: path) : try CSVReader.read(path: path)
        }
        if outcome.hasPrefix("ok ") {
            let shape = outcome.dropFirst(3).split(separator: "x").map { Int($0)! }
            let data = try load()
            #expect(data.rows == shape[0] && data.featureCount == shape[1], "\(name)")
            #expect(data.features.elements.allSatisfy { $0.isFinite })
        } else {
            do {
                _ = try load()
                Issue.record("\(name) loaded; it must fail with: \(outcome)")
            } catch let error as FileError {
                #expect(error.description == outcome.replacingOccurrences(of: "{path}", with: path), "\(name)")
            }
        }
    }

    @Test func everyFileInTheFolderIsListed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder)
            .filter { $0.hasSuffix(".csv") || $0.hasSuffix(".npy") }
        #expect(Set(files) == Set(Self.expected.keys))
    }

    @Test func quotedNumbersReadAsNumbers() throws {
        let data = try CSVReader.read(path: Self.folder + "/quoted_numbers.csv")
        #expect(data.features.elements == [1.5, 3] && data.targets.elements == [2, 4])
    }
}
