import Foundation
import ONNXRuntime

/// Reads and writes NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
///
/// ```swift
/// let x = try NumPy.readValue(from: Data(contentsOf: URL(fileURLWithPath: "x.npy")))
/// try NumPy.serialize(output).write(to: URL(fileURLWithPath: "y.npy"))
/// ```
///
/// Reading accepts C-order arrays of the dtypes `f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1` in either byte order, `c8`
/// and `c16` (which ONNX Runtime itself cannot hold), and strings: `U` (UTF-32 text) and `S` (byte strings, any
/// bytes), with NumPy's trailing NUL padding removed. Fortran-order arrays, object arrays and structured dtypes throw
/// `ORTError.Code.unsupported`; a file whose header is corrupt, or whose data does not match its header's shape,
/// throws `ORTError.Code.malformedData`.
///
/// Writing produces the bytes `numpy.save` writes for the same array. Element types without a NumPy dtype are
/// widened to one that holds every value exactly:
/// - bfloat16, the float8 types and float4e2m1 are written as float32 (`<f4`), NaN and infinities included;
/// - int4 and int2 are written as int8 (`|i1`), uint4 and uint2 as uint8 (`|u1`), one element per byte, unpacked.
/// - float8e8m0 is written as float32 like the other float8 types.
///
/// Reading such a file back therefore gives a float32, int8 or uint8 tensor, not the original type. String tensors
/// whose elements are all UTF-8 text are written as `<U{n}`, where n is the longest string's length in Unicode
/// scalars (at least 1); any other string tensor as byte strings, `|S{n}`, where n is the longest element's length in
/// bytes (at least 1). As in NumPy, an element's trailing NULs are not kept; a TensorProto `.pb` keeps them.
public enum NumPy {
    /// A `.npy` format version. They differ only in their header: 1.0 has a 16-bit header length, 2.0 a 32-bit one,
    /// and 3.0 a 32-bit one with a UTF-8 (rather than Latin-1) header.
    public enum FormatVersion: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Format 1.0, which every NumPy reads; headers up to 65,535 bytes.
        case version1
        /// Format 2.0 (NumPy 1.9 and later).
        case version2
        /// Format 3.0 (NumPy 1.17 and later).
        case version3

        /// The major version number (the minor one is always 0).
        public var major: UInt8 {
            switch self {
            case .version1: 1
            case .version2: 2
            case .version3: 3
            }
        }

        /// The version as NumPy writes it, such as `1.0`.
        public var description: String { "\(major).0" }
    }

    /// The header of a `.npy` file.
    public struct Header: Sendable, Hashable {
        /// The format version.
        public var version: FormatVersion
        /// The array-protocol type string, such as `<f4`.
        public var descr: String
        /// Whether the data is in column-major (Fortran) order.
        public var fortranOrder: Bool
        /// The array's shape; empty for a scalar.
        public var shape: [Int]
        /// The offset of the first byte of array data.
        public var dataOffset: Int

        /// Creates a header description.
        public init(version: FormatVersion, descr: String, fortranOrder: Bool, shape: [Int], dataOffset: Int) {
            self.version = version
            self.descr = descr
            self.fortranOrder = fortranOrder
            self.shape = shape
            self.dataOffset = dataOffset
        }
    }

    /// The first six bytes of every `.npy` file.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// NumPy aligns the start of the data to this many bytes.
    static let alignment = 64

    // MARK: - Reading

    /// Reads the header of a `.npy` file without decoding its data.
    /// - Parameter data: The file's bytes (at least the header).
    /// - Throws: `ORTError.Code.malformedData` for a wrong magic string, a header longer than the data or a
    ///   header that is not the dict NumPy writes; `ORTError.Code.unsupported` for an unknown format version.
    public static func readHeader(from data: Data) throws(ORTError) -> Header {
        do {
            return try withBytes(of: data) { (buffer) throws(ORTError) in try parseHeader(buffer) }
        } catch {
            throw error.prefixed("cannot read the .npy header")
        }
    }

    /// Decodes a `.npy` file into a tensor.
    /// - Parameter data: The file's bytes.
    /// - Returns: A tensor of the file's dtype (`U` and `S` arrays become string tensors) and shape.
    /// - Throws: `ORTError.Code.malformedData` for a corrupt file or one whose data size does not match its
    ///   header; `ORTError.Code.unsupported` for Fortran order, object arrays and dtypes without an ONNX type;
    ///   `ORTError.Code.invalidShape` for a shape whose size overflows.
    public static func readValue(from data: Data) throws(ORTError) -> Value {
        do {
            return try withBytes(of: data) { (buffer) throws(ORTError) in
                let header = try parseHeader(buffer)
                return try decode(UnsafeRawBufferPointer(rebasing: buffer[header.dataOffset...]), header: header)
            }
        } catch {
            throw error.prefixed("cannot read the .npy file")
        }
    }

    private static func parseHeader(_ buffer: UnsafeRawBufferPointer) throws(ORTError) -> Header {
        guard buffer.count >= 8, buffer.prefix(6).elementsEqual(magic) else {
            throw .malformed("the data does not start with the .npy magic string \"\\x93NUMPY\"")
        }
        let version: FormatVersion
        switch (buffer[6], buffer[7]) {
        case (1, 0): version = .version1
        case (2, 0): version = .version2
        case (3, 0): version = .version3
        case (let major, let minor):
            throw ORTError(.unsupported, ".npy format version \(major).\(minor) is not supported (1.0, 2.0, 3.0 are)")
        }
        let lengthSize = version == .version1 ? 2 : 4
        guard buffer.count >= 8 + lengthSize else {
            throw .malformed("truncated input: the file ends inside the header length")
        }
        var headerLength = 0
        for index in 0..<lengthSize {
            headerLength |= Int(buffer[8 + index]) << (8 * index)
        }
        let start = 8 + lengthSize
        guard headerLength <= buffer.count - start else {
            throw .malformed(
                "the header length \(headerLength) runs past the end of the data (\(buffer.count - start) bytes "
                    + "remain)")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: buffer[start..<start + headerLength])
        let text: String
        if version == .version3 {
            guard let utf8 = String(validating: headerBytes, as: UTF8.self) else {
                throw .malformed("the format 3.0 header is not valid UTF-8")
            }
            text = utf8
        } else {
            text = String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))  // Latin-1
        }
        guard case .dict(let entries) = try PythonLiteral.parse(text) else {
            throw .malformed("the header is not a dict: \(text.prefix(80))")
        }
        let keys = entries.map(\.key)
        guard keys.sorted() == ["descr", "fortran_order", "shape"] else {
            throw .malformed(
                "the header must have exactly the keys 'descr', 'fortran_order' and 'shape', but has \(keys)")
        }
        let fields = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard case .bool(let fortranOrder) = fields["fortran_order"] else {
            throw .malformed("the header's 'fortran_order' is not True or False")
        }
        guard case .tuple(let dimensions) = fields["shape"] else {
            throw .malformed("the header's 'shape' is not a tuple")
        }
        var shape: [Int] = []
        for dimension in dimensions {
            guard case .integer(let size) = dimension else {
                throw .malformed("the header's 'shape' holds something other than integers")
            }
            shape.append(size)
        }
        let descr: String
        switch fields["descr"] {
        case .string(let string): descr = string
        case .list: throw ORTError(.unsupported, "structured dtypes (a list as 'descr') have no ONNX tensor type")
        default: throw .malformed("the header's 'descr' is not a string")
        }
        return Header(
            version: version, descr: descr, fortranOrder: fortranOrder, shape: shape, dataOffset: start + headerLength)
    }

    private static func decode(_ payload: UnsafeRawBufferPointer, header: Header) throws(ORTError) -> Value {
        let dtype = try NumPyDType(parsing: header.descr)
        guard !header.fortranOrder else {
            throw ORTError(
                .unsupported,
                "the array is stored in Fortran (column-major) order, which is not supported; save it in C order "
                    + "(numpy.ascontiguousarray)")
        }
        let shape = header.shape
        let count = try checkedElementCount(shape)
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow else {
            throw ORTError(.invalidShape, "shape \(shape) of '\(header.descr)' needs more bytes than can be counted")
        }
        if dtype.itemSize == 0, count > 0 {
            throw ORTError(.unsupported, "zero-size strings ('\(header.descr)') are not supported")
        }
        guard byteCount == payload.count else {
            throw .malformed(
                "the header's shape \(shape) of '\(header.descr)' needs \(byteCount) bytes of data, but the file "
                    + "has \(payload.count)")
        }
        switch dtype.kind {
        case .bytes:
            // `S`: fixed-width byte strings. Like NumPy, drop each item's trailing NUL padding and keep the rest,
            // whatever its bytes.
            let items = (0..<count).lazy.map { index in
                let item = payload[index * dtype.itemSize..<(index + 1) * dtype.itemSize]
                return item[..<(item.lastIndex { $0 != 0 }.map { $0 + 1 } ?? item.startIndex)]
            }
            return try Tensor<[UInt8]>(items, shape: shape).value
        case .unicode:
            return try Tensor<String>(try decodeStrings(payload, dtype: dtype, count: count), shape: shape).value
        case .bool:
            return try Value(rawBytes: payload.map { $0 == 0 ? 0 : 1 }, elementType: .bool, shape: shape)
        case .float, .signed, .unsigned, .complex:
            guard dtype.littleEndian != hostIsLittleEndian, dtype.swapWidth > 1 else {
                return try Value(rawBytes: payload, elementType: dtype.elementType, shape: shape)
            }
            var bytes = Array(payload)
            swapByteOrder(&bytes, width: dtype.swapWidth)
            return try Value(rawBytes: bytes, elementType: dtype.elementType, shape: shape)
        }
    }

    private static func decodeStrings(_ payload: UnsafeRawBufferPointer, dtype: NumPyDType, count: Int)
        throws(ORTError) -> [String]
    {
        var strings: [String] = []
        strings.reserveCapacity(count)
        for index in 0..<count {
            let item = UnsafeRawBufferPointer(rebasing: payload[index * dtype.itemSize..<(index + 1) * dtype.itemSize])
            var scalars = String.UnicodeScalarView()
            var pendingNULs = 0
            for offset in stride(from: 0, to: item.count, by: 4) {
                var code: UInt32 = 0
                for byte in 0..<4 {
                    let shift = dtype.littleEndian ? 8 * byte : 8 * (3 - byte)
                    code |= UInt32(item[offset + byte]) << shift
                }
                guard let scalar = Unicode.Scalar(code) else {
                    throw .malformed("string \(index) holds \(code), which is not a Unicode scalar value")
                }
                // NumPy pads with NUL and strips trailing NULs on reading; NULs inside a string are kept.
                if code == 0 {
                    pendingNULs += 1
                    continue
                }
                scalars.append(contentsOf: repeatElement(Unicode.Scalar(0), count: pendingNULs))
                pendingNULs = 0
                scalars.append(scalar)
            }
            strings.append(String(scalars))
        }
        return strings
    }

    // MARK: - Writing

    /// Encodes a tensor as a `.npy` file, as `numpy.save` would write the same array.
    ///
    /// Element types without a NumPy dtype are widened exactly: bfloat16, float8 and float4e2m1 to float32,
    /// int4 to int8 and uint4 to uint8 (see ``NumPy``).
    /// - Parameters:
    ///   - value: A tensor.
    ///   - version: The format version; by default 1.0, or 2.0 if the header needs more than 65,535 bytes.
    /// - Returns: The file's bytes.
    /// - Throws: `ORTError.Code.typeMismatch` for a value that is not a tensor; `ORTError.Code.invalidArgument`
    ///   if the header does not fit the requested version.
    public static func serialize(_ value: Value, version: FormatVersion? = nil) throws(ORTError) -> Data {
        guard value.kind == .tensor, let elementType = value.elementType else {
            throw ORTError(.typeMismatch, "only tensors can be saved as .npy, not a \(value.type.typeString)")
        }
        let shape = value.shape
        let (dtype, payload) = try encodePayload(value, elementType: elementType)
        var header = "{'descr': '\(dtype.descr)', 'fortran_order': False, 'shape': \(pythonTuple(shape)), }"
        // NumPy leaves room to grow the first axis in place: 21 digits in all.
        if let first = shape.first {
            header += String(repeating: " ", count: max(0, 21 - String(first).utf8.count))
        }
        let headerBytes = Array(header.utf8)
        let fitsVersion1 = preambleLength(headerBytes.count, .version1) - 10 <= 0xFFFF
        let chosen = version ?? (fitsVersion1 ? .version1 : .version2)
        let total = preambleLength(headerBytes.count, chosen)
        let lengthSize = chosen == .version1 ? 2 : 4
        let headerLength = total - 8 - lengthSize
        guard chosen != .version1 || headerLength <= 0xFFFF else {
            throw ORTError(
                .invalidArgument, "the header needs \(headerLength) bytes, too many for .npy format 1.0; use 2.0")
        }
        var bytes = magic + [chosen.major, 0]
        for index in 0..<lengthSize {
            bytes.append(UInt8(truncatingIfNeeded: headerLength >> (8 * index)))
        }
        bytes += headerBytes
        bytes += repeatElement(UInt8(ascii: " "), count: total - bytes.count - 1)
        bytes.append(UInt8(ascii: "\n"))
        bytes += payload
        return Data(bytes)
    }

    /// The length of magic, version, header length, header, padding and final newline, as NumPy computes it:
    /// 1 to ``alignment`` spaces of padding make it a multiple of ``alignment``.
    private static func preambleLength(_ headerCount: Int, _ version: FormatVersion) -> Int {
        let unpadded = 8 + (version == .version1 ? 2 : 4) + headerCount + 1
        return unpadded + (alignment - unpadded % alignment)
    }

    /// A shape as Python writes a tuple: `()`, `(3,)`, `(2, 3)`.
    private static func pythonTuple(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(\(shape.map(String.init).joined(separator: ", ")))"
    }

    /// Byte strings as `|S{n}`: n is the longest element's length (at least 1), shorter elements padded with NUL.
    private static func encodeByteStrings(_ elements: [[UInt8]]) -> (NumPyDType, [UInt8]) {
        let length = max(1, elements.map(\.count).max() ?? 1)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(elements.count * length)
        for element in elements {
            bytes += element
            bytes += repeatElement(0, count: length - element.count)
        }
        return (NumPyDType(kind: .bytes, itemSize: length), bytes)
    }

    /// The dtype and data bytes for a tensor, widening the types NumPy lacks.
    private static func encodePayload(_ value: Value, elementType: ElementType) throws(ORTError)
        -> (NumPyDType, [UInt8])
    {
        if elementType == .string {
            let elements = try Tensor<[UInt8]>(value).scalars
            var strings: [String] = []
            strings.reserveCapacity(elements.count)
            for element in elements {
                guard let string = String(validating: element, as: UTF8.self) else {
                    return encodeByteStrings(elements)
                }
                strings.append(string)
            }
            let length = max(1, strings.map { $0.unicodeScalars.count }.max() ?? 1)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(strings.count * length * 4)
            for string in strings {
                var written = 0
                for scalar in string.unicodeScalars {
                    appendLittleEndian(UInt64(scalar.value), width: 4, to: &bytes)
                    written += 1
                }
                bytes += repeatElement(0, count: (length - written) * 4)
            }
            return (NumPyDType(kind: .unicode, itemSize: length * 4), bytes)
        }
        let raw = try value.rawBytes
        let count = value.elementCount
        if var dtype = NumPyDType(elementType) {
            guard hostIsLittleEndian else {
                var swapped = raw
                swapByteOrder(&swapped, width: dtype.swapWidth)
                dtype.littleEndian = true
                return (dtype, swapped)
            }
            return (dtype, raw)
        }
        switch elementType {
        case .int4, .uint4:
            let bytes = (0..<count).map { index in
                let nibble = raw[index / 2] >> (index % 2 == 0 ? 0 : 4) & 0x0F
                return elementType == .int4 && nibble >= 8 ? nibble | 0xF0 : nibble
            }
            return (NumPyDType(kind: elementType == .int4 ? .signed : .unsigned, itemSize: 1), bytes)
        case .int2, .uint2:
            let bytes = (0..<count).map { index in
                let crumb = raw[index / 4] >> (2 * (index % 4)) & 0x03
                return elementType == .int2 && crumb >= 2 ? crumb | 0xFC : crumb
            }
            return (NumPyDType(kind: elementType == .int2 ? .signed : .unsigned, itemSize: 1), bytes)
        default:
            var floats: [UInt8] = []
            floats.reserveCapacity(count * 4)
            for index in 0..<count {
                let float: Float
                switch elementType {
                case .bfloat16:
                    let bits =
                        hostIsLittleEndian
                        ? UInt16(raw[2 * index]) | UInt16(raw[2 * index + 1]) << 8
                        : UInt16(raw[2 * index]) << 8 | UInt16(raw[2 * index + 1])
                    float = Float(BFloat16(bitPattern: bits))
                case .float4e2m1:
                    float = Minifloat.float(bits: raw[index / 2] >> (index % 2 == 0 ? 0 : 4) & 0x0F, of: elementType)
                default:
                    float = Minifloat.float(bits: raw[index], of: elementType)
                }
                appendLittleEndian(UInt64(float.bitPattern), width: 4, to: &floats)
            }
            return (NumPyDType(kind: .float, itemSize: 4), floats)
        }
    }

    private static func appendLittleEndian(_ value: UInt64, width: Int, to bytes: inout [UInt8]) {
        for index in 0..<width {
            bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index)))
        }
    }
}
