import Foundation
import Testing

@testable import MiniBatchGD

/// `.npy` headers read as numpy reads them (a Python literal), against what numpy writes and
/// against crafted headers that a text search misreads.
@Suite struct NPYHeaderTests {
    private func header(_ text: String) throws -> NPYHeader { try NPYHeader(text, path: "x.npy") }

    private func malformed(_ reason: String) -> FileError { .malformed(path: "x.npy", reason: "bad header: " + reason) }

    @Test func headersNumpyWritesAreRead() throws {
        // numpy 2.x: "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }" padded with blanks.
        #expect(
            try header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }          \n")
                == NPYHeader(descriptor: "<f8", fortranOrder: false, shape: [2, 3]))
        #expect(try header("{'descr': '>f4', 'fortran_order': True, 'shape': (5,), }").shape == [5])
        #expect(try header("{'descr':'<f8','fortran_order':False,'shape':()}").shape == [])
        // Python 2 wrote longs with an L; double quotes and key order are free.
        #expect(try header("{\"shape\": (3L, 4L), \"fortran_order\": False, \"descr\": \"<f8\"}").shape == [3, 4])
    }

    @Test func craftedHeadersAreReadForWhatTheySayNotWhatTheyContain() throws {
        // 'descr' inside a string value must not be taken for the key: the dtype is int64.
        let tricky = try header("{'shape': (2, 2), 'fortran_order': False, 'descr': '<i8'}")
        #expect(tricky.descriptor == "<i8")
        let quoted = try header("{'descr': \"<i8 'descr': '<f8'\", 'fortran_order': False, 'shape': (2, 2)}")
        #expect(quoted.descriptor == "<i8 'descr': '<f8'")
        #expect(throws: malformed("the header repeats the key 'descr'")) {
            try header("{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), 'descr': '<f8'}")
        }
        #expect(
            throws: malformed(
                "the header's keys are [\"descr\", \"fortran_order\", \"note\", \"shape\"], not descr, fortran_order and shape")
        ) {
            try header("{'descr': '<f8', 'note': 'descr: <f8', 'fortran_order': False, 'shape': (1, 1)}")
        }
        #expect(throws: malformed("descr is not a string (structured arrays are not supported)")) {
            try header("{'descr': (1,), 'fortran_order': False, 'shape': (1,)}")
        }
        #expect(throws: malformed("fortran_order is not True or False")) {
            try header("{'descr': '<f8', 'fortran_order': 0, 'shape': (1, 1)}")
        }
        #expect(throws: malformed("unexpected 'T' at character 35")) {
            try header("{'descr': '<f8', 'fortran_order': Truex, 'shape': (1, 1)}")
        }
        #expect(throws: malformed("a string is not closed")) { try header("{'descr': '<f8") }
        #expect(throws: malformed("the integer at character 52 is too large")) {
            try header("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 1)}")
        }
        #expect(try header("{'descr': 'it\\'s', 'fortran_order': False, 'shape': (1, 1)}").descriptor == "it's")
    }

    /// A version 1.0 file with `headerText` and `data`.
    private func npyFile(_ headerText: String, data: [UInt8] = []) throws -> String {
        var header = Array(headerText.utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)]
        bytes += header + data
        return try ScratchFolder().write("crafted.npy", bytes: bytes)
    }

    @Test func shapesBeyondMemoryAreRefusedNotTrapped() throws {
        let path = try npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 1), }")
        #expect(throws: FileError.malformed(path: path, reason: "the shape (4611686018427387904, 1) is too large")) {
            try NPYReader.read(path: path)
        }
        let int64 = try npyFile("{'shape': (1, 1), 'fortran_order': False, 'descr': '<i8', }", data: Array(repeating: 0, count: 8))
        #expect(throws: FileError.unsupportedType(path: int64, descriptor: "<i8")) { try NPYReader.read(path: int64) }
    }
}

@Suite struct PositionalFileTests {
    @Test func aFileThatShrinksWhileReadIsAnErrorNotSIGBUS() throws {
        let path = try ScratchFolder().write("shrinking.bin", bytes: Array(repeating: 7, count: 4096))
        let file = try PositionalFile(path: path)
        #expect(try file.bytes(at: 4000, count: 96) == Array(repeating: 7, count: 96))
        #expect(truncate(path, 1000) == 0)  // another process cuts the file short
        // Short of its size when opened: it changed while read (not a header that promises too much).
        #expect(throws: FileError.changedWhileRead(path: path, bytesWhenOpened: 4096, bytesRead: 1000)) {
            try file.bytes(at: 0, count: 4096, expectedTotal: 4096)
        }
        #expect(throws: FileError.unreadable(path: "/dev/null", reason: "not a regular file")) { try PositionalFile(path: "/dev/null") }
    }
}
