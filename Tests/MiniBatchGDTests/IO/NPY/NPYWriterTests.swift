import Foundation
import Testing

@testable import MiniBatchGD

/// `NPYWriter.convert`: the values the readers read, the names kept beside, nothing left behind
/// by a failure.
@Suite struct NPYWriterTests {
    static let csv = "size,city,rooms,price\n120.5,Oslo,3,250000\n80,\"Bergen, west\",2,180000.25\n99.75,Troms\u{F8},4,1e5\n"

    @Test func aCSVBecomesAMappableNPYWithItsNames() throws {
        let folder = try ScratchFolder()
        let input = try folder.write("houses.csv", Self.csv)
        let output = folder.path + "/houses.npy"
        let conversion = try NPYWriter.convert(input, to: output, columns: ["size", "rooms", "price"])
        #expect(conversion == .init(rows: 3, columns: ["size", "rooms", "price"], namesPath: output + ".columns.json"))
        // The values are the CSV reader's, bit for bit, in the layout mapped in place.
        let fromCSV = try CSVReader.read(path: input, targets: ["price"], features: ["size", "rooms"])
        let mapped = try MappedDataset(path: output)
        #expect(mapped.featureNames == ["size", "rooms"] && mapped.targetNames == ["price"])
        let loaded = try Dataset<Double>.load(path: output, targets: ["price"])
        #expect(loaded.features == fromCSV.features && loaded.targets == fromCSV.targets)
        #expect(loaded.featureNames == ["size", "rooms"])
        // Names, indices and x/y names all still select columns.
        let chosen = try Dataset<Double>.load(path: output, targets: ["size"], features: ["2", "x2"])
        #expect(chosen.featureNames == ["price", "rooms"] && chosen.targetNames == ["size"])
        #expect(try NPYReader.read(path: output) == Matrix(rows: [[120.5, 3, 250000], [80, 2, 180000.25], [99.75, 4, 1e5]]))
        #expect(
            throws: FileError.unknownColumn(
                path: output, name: "city", available: ["size", "rooms", "price", "a 0-based index from 0 to 2", "x1 to x3 (1-based)"])
        ) {
            try Dataset<Double>.load(path: output, targets: ["city"])
        }
    }

    @Test func aBadCellStopsTheConversionWithItsPlaceAndLeavesNothing() throws {
        let folder = try ScratchFolder()
        let input = try folder.write("bad.csv", "a,b\n1,2\n3,x\n")
        let output = folder.path + "/bad.npy"
        #expect(throws: FileError.notANumber(path: input, line: 3, column: 2, text: "x")) {
            try NPYWriter.convert(input, to: output)
        }
        #expect(throws: FileError.notANumber(path: input, line: 3, column: 2, text: "x")) { try CSVReader.read(path: input) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["bad.csv"])
        let headerOnly = try folder.write("empty.csv", "a,b\n")
        #expect(throws: FileError.headerOnly(path: headerOnly)) { try NPYWriter.convert(headerOnly, to: output) }
        #expect(throws: ArgumentError.self) { try NPYWriter.convert(fixtures + "/c_f8.npy", to: output, columns: ["x1"]) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["bad.csv", "empty.csv"])
    }

    @Test(arguments: ["fortran_f4.npy", "big_endian_f8.npy", "c_f8.npy"])
    func anNPYOfAnyTypeAndOrderBecomesFloat64InCOrder(name: String) throws {
        let folder = try ScratchFolder()
        let output = folder.path + "/out.npy"
        let conversion = try NPYWriter.convert(fixtures + "/" + name, to: output)
        let original = try NPYReader.read(path: fixtures + "/" + name)
        #expect(conversion.rows == original.rows)
        #expect(try NPYReader.read(path: output) == original)
        #expect(try MappedDataset(path: output).rows == original.rows)
    }
}
