import Foundation

/// A `.npy` array of any shape and of the plain numeric types (float, signed and unsigned
/// integers, bool, byte strings) read from a ``ByteStream``: its header parsed as ``NPYReader``
/// parses a file's, then its elements front to back, converted to the type asked for.
final class NPYArrayStream {
    /// The element type of a `.npy` array, from its `descr` (`'<f8'`, `'|b1'`, `'|S3'`).
    struct DType: Equatable {
        enum Kind: Character {
            case float = "f"
            case signed = "i"
            case unsigned = "u"
            case bool = "b"
            case bytes = "S"
            case unicode = "U"
        }
        let kind: Kind
        /// Bytes per element.
        let width: Int
        let littleEndian: Bool
        let descriptor: String

        /// - Returns: nil for a `descr` this reader does not know.
        init?(_ descriptor: String) {
            let scalars = Array(descriptor)
            guard scalars.count >= 3, "<>|=".contains(scalars[0]), let kind = Kind(rawValue: scalars[1]),
                let width = Int(String(scalars[2...])), width >= 1, width <= 1 << 20
            else { return nil }
            switch kind {
            case .float: guard width == 4 || width == 8 else { return nil }
            case .signed, .unsigned: guard [1, 2, 4, 8].contains(width) else { return nil }
            case .bool: guard width == 1 else { return nil }
            case .bytes, .unicode: break
            }
            self.kind = kind
            self.width = kind == .unicode ? 4 * width : width
            littleEndian = scalars[0] != ">"
            self.descriptor = descriptor
        }

        var isInteger: Bool { kind == .signed || kind == .unsigned || kind == .bool }
        var isNumber: Bool { isInteger || kind == .float }
        /// In words, as numpy names it: "int32", "float64", "bool".
        var numpyName: String {
            switch kind {
            case .float: "float\(8 * width)"
            case .signed: "int\(8 * width)"
            case .unsigned: "uint\(8 * width)"
            case .bool: "bool"
            case .bytes: "bytes (\(descriptor))"
            case .unicode: "str (\(descriptor))"
            }
        }
    }

    let stream: ByteStream
    let dtype: DType
    let shape: [Int]
    /// The product of the shape.
    let count: Int
    /// Elements not read yet.
    private(set) var remaining: Int
    /// Where unconverted elements go, reused from window to window.
    private var scratch: [UInt8] = []

    /// Elements converted at a time.
    static let windowElements = 1 << 17

    var name: String { stream.name }
    /// "(3, 4)", "(7,)", "()".
    var shapeText: String { "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")") }

    /// Reads the header; the data must be exactly what the shape needs, to the stream's end.
    /// - Throws: ``FileError/malformed(path:reason:)`` as ``NPYReader`` does for a bad magic
    ///   string, version or header, a Fortran-order array of more than one dimension, an element
    ///   type that is not a plain number or byte string, or a data size that is not the shape's;
    ///   ``FileError/truncated(path:expectedBytes:actualBytes:)``.
    init(_ stream: ByteStream) throws {
        self.stream = stream
        let name = stream.name
        func malformed(_ reason: String) -> FileError { .malformed(path: name, reason: reason) }
        let total = stream.remaining
        guard total >= 10 else {
            throw malformed("not a NumPy .npy array (\(total) bytes, shorter than its magic string and version)")
        }
        var preamble = try stream.bytes(10)
        guard Array(preamble[0..<6]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] else {
            throw malformed("not a NumPy .npy array (the magic string \\x93NUMPY is missing)")
        }
        let major = preamble[6]
        let headerLength: Int
        switch major {
        case 1: headerLength = Int(preamble[8]) | Int(preamble[9]) << 8
        case 2, 3:
            guard total >= 12 else { throw FileError.truncated(path: name, expectedBytes: 12, actualBytes: total) }
            preamble += try stream.bytes(2)
            headerLength = (0..<4).reduce(0) { $0 | Int(preamble[8 + $1]) << (8 * $1) }
        default: throw malformed("unsupported .npy format version \(major)")
        }
        guard headerLength <= NPYReader.maximumHeaderBytes else {
            throw malformed(
                "the header is \(headerLength) bytes long; numpy reads at most \(NPYReader.maximumHeaderBytes) (np.load's max_header_size)")
        }
        guard stream.remaining >= headerLength else {
            throw FileError.truncated(path: name, expectedBytes: preamble.count + headerLength, actualBytes: total)
        }
        let headerBytes = try stream.bytes(headerLength)
        guard let text = major == 3 ? String(validating: headerBytes, as: UTF8.self) : String(bytes: headerBytes, encoding: .isoLatin1)
        else { throw malformed("the header is not text") }
        let header = try NPYHeader(text, path: name)
        shape = header.shape
        guard shape.allSatisfy({ $0 >= 0 }) else { throw malformed("bad shape \(Self.text(shape))") }
        guard let dtype = DType(header.descriptor) else {
            throw malformed("the element type '\(header.descriptor)' is not a plain number (float, int, uint or bool)")
        }
        guard !header.fortranOrder || shape.count <= 1 else {
            throw malformed("the array is in Fortran order; save it in C order (np.ascontiguousarray)")
        }
        self.dtype = dtype
        var count = 1
        for extent in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw malformed("the shape \(Self.text(shape)) is too large") }
            count = product
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.width)
        guard !overflow else { throw malformed("the shape \(Self.text(shape)) is too large") }
        guard stream.remaining >= bytes else {
            throw FileError.truncated(path: name, expectedBytes: bytes, actualBytes: stream.remaining)
        }
        guard stream.remaining == bytes else {
            throw malformed(
                "the header's shape \(Self.text(shape)) needs \(bytes) data bytes but there are \(stream.remaining): the header does not describe the data"
            )
        }
        self.count = count
        remaining = count
    }

    static func text(_ shape: [Int]) -> String { "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")") }

    /// The next `destination.count` elements as `Int64`s, read straight into place when the array is
    /// native int64 (or int32 into `Int32`, through ``readIntegers(into:)-(UnsafeMutableBufferPointer<Int32>)``).
    /// - Throws: ``FileError/malformed(path:reason:)`` for an array that does not hold integers.
    func readIntegers(into destination: UnsafeMutableBufferPointer<Int>) throws {
        try read(into: destination, native: dtype.kind == .signed && dtype.width == 8 && dtype.littleEndian) { raw, i in
            Int(truncatingIfNeeded: self.integer(raw, i))
        }
    }

    /// The next `destination.count` integers that fit `Int32`; `outOfRange` is called with the
    /// 0-based element of the first that does not (and its value), whose slot is then -1.
    func readIntegers(into destination: UnsafeMutableBufferPointer<Int32>, outOfRange: (Int, Int64) throws -> Void) throws {
        let first = count - remaining
        var bad: (Int, Int64)?
        try read(into: destination, native: dtype.kind == .signed && dtype.width == 4 && dtype.littleEndian) { raw, i in
            let value = self.integer(raw, i)
            guard let narrow = Int32(exactly: value) else {
                if bad == nil { bad = (first + i, value) }
                return -1
            }
            return narrow
        }
        if let bad { try outOfRange(bad.0, bad.1) }
    }

    /// The next `destination.count` numbers as `Element`: read straight into place when the
    /// array holds `Element` itself (float64 for `Double`, float32 for `Float`), converted
    /// otherwise (integers and bools to their value; float64 rounded to `Float`).
    func readNumbers<Element: BLASScalar>(into destination: UnsafeMutableBufferPointer<Element>) throws {
        let native = dtype.kind == .float && dtype.littleEndian && dtype.width == MemoryLayout<Element>.size
        try read(into: destination, native: native) { raw, i in Element(self.number(raw, i)) }
    }

    /// Reads past the next `count` elements without keeping them (their bytes still checksummed):
    /// to reach, or leave, one part of a deflated array, which can only be read from its start.
    func skip(_ count: Int) throws {
        guard count > 0 else { return }
        guard count <= remaining else {
            throw FileError.malformed(
                path: name, reason: "has \(self.count) elements, fewer than the \(self.count - remaining + count) needed")
        }
        let width = dtype.width
        if scratch.count < Self.windowElements * width { scratch = [UInt8](repeating: 0, count: Self.windowElements * width) }
        var done = 0
        while done < count {
            let take = Swift.min(Self.windowElements, count - done)
            try scratch.withUnsafeMutableBytes { try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<take * width])) }
            done += take
        }
        remaining -= count
        if remaining == 0 { try stream.finish() }
    }

    /// Reads `destination.count` elements: their bytes straight into it when `native`, else a
    /// window at a time into the scratch, each converted by `convert(window, index in window)`.
    private func read<T>(
        into destination: UnsafeMutableBufferPointer<T>, native: Bool, convert: (UnsafeRawBufferPointer, Int) -> T
    ) throws {
        let wanted = destination.count
        guard wanted <= remaining else {
            throw FileError.malformed(path: name, reason: "has \(count) elements, fewer than the \(count - remaining + wanted) needed")
        }
        guard dtype.isNumber else {
            throw FileError.malformed(path: name, reason: "holds \(dtype.numpyName), not numbers")
        }
        if native {
            try stream.read(into: UnsafeMutableRawBufferPointer(destination))
        } else {
            let width = dtype.width
            if scratch.count < Self.windowElements * width { scratch = [UInt8](repeating: 0, count: Self.windowElements * width) }
            var done = 0
            while done < wanted {
                let take = Swift.min(Self.windowElements, wanted - done)
                try scratch.withUnsafeMutableBytes { raw in
                    try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<take * width]))
                    let window = UnsafeRawBufferPointer(raw)
                    for i in 0..<take { destination[done + i] = convert(window, i) }
                }
                done += take
            }
        }
        remaining -= wanted
        if remaining == 0 { try stream.finish() }
    }

    /// Element `i` of `raw` as an integer (an integer array's; 0 or 1 for bool).
    @inline(__always)
    private func integer(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Int64 {
        let little = dtype.littleEndian
        switch (dtype.kind, dtype.width) {
        case (.signed, 1): return Int64(raw.load(fromByteOffset: i, as: Int8.self))
        case (.unsigned, 1), (.bool, 1): return Int64(raw.load(fromByteOffset: i, as: UInt8.self))
        case (.signed, 2):
            let bits = raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)
            return Int64(Int16(bitPattern: little ? UInt16(littleEndian: bits) : UInt16(bigEndian: bits)))
        case (.unsigned, 2):
            let bits = raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)
            return Int64(little ? UInt16(littleEndian: bits) : UInt16(bigEndian: bits))
        case (.signed, 4):
            let bits = raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
            return Int64(Int32(bitPattern: little ? UInt32(littleEndian: bits) : UInt32(bigEndian: bits)))
        case (.unsigned, 4):
            let bits = raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
            return Int64(little ? UInt32(littleEndian: bits) : UInt32(bigEndian: bits))
        case (.signed, 8):
            let bits = raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
            return Int64(bitPattern: little ? UInt64(littleEndian: bits) : UInt64(bigEndian: bits))
        case (.unsigned, 8):
            let bits = raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
            let value = little ? UInt64(littleEndian: bits) : UInt64(bigEndian: bits)
            return value > UInt64(Int64.max) ? Int64.max : Int64(value)
        default:
            // A float array read as integers: its value when whole, else a value no check accepts.
            let value = number(raw, i)
            return value == value.rounded() && abs(value) < 0x1p62 ? Int64(value) : Int64.min
        }
    }

    /// Element `i` of `raw` as a `Double` (an integer's value, rounded beyond 2⁵³).
    @inline(__always)
    private func number(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Double {
        let little = dtype.littleEndian
        switch (dtype.kind, dtype.width) {
        case (.float, 8):
            let bits = raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
            return Double(bitPattern: little ? UInt64(littleEndian: bits) : UInt64(bigEndian: bits))
        case (.float, 4):
            let bits = raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
            return Double(Float(bitPattern: little ? UInt32(littleEndian: bits) : UInt32(bigEndian: bits)))
        case (.unsigned, 8):
            let bits = raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
            return Double(little ? UInt64(littleEndian: bits) : UInt64(bigEndian: bits))
        default: return Double(integer(raw, i))
        }
    }

    /// The whole array as text, for a byte or unicode string scalar such as `format.npy`'s `b'csr'`
    /// (trailing NULs dropped); nil for another type.
    func string() throws -> String? {
        guard dtype.kind == .bytes || dtype.kind == .unicode, count == 1, dtype.width <= 1024 else { return nil }
        let bytes = try stream.bytes(dtype.width)
        remaining = 0
        try stream.finish()
        if dtype.kind == .bytes { return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) }
        var text = ""
        for i in stride(from: 0, to: bytes.count, by: 4) {
            let code = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[i + $1]) << (8 * (dtype.littleEndian ? $1 : 3 - $1)) }
            if code == 0 { break }
            if let scalar = Unicode.Scalar(code) { text.unicodeScalars.append(scalar) }
        }
        return text
    }
}
