import ONNXRuntime

/// A NumPy array-protocol type string (`descr`) such as `<f4`, `|b1` or `<U12`: byte order, kind and size.
struct NumPyDType: Sendable, Hashable {
    /// The kinds of data this package reads.
    enum Kind: Sendable, Hashable {
        case float, signed, unsigned, bool, complex
        /// `U`: fixed-length UTF-32 strings, padded with NUL.
        case unicode
        /// `S`: fixed-length byte strings, padded with NUL (read as bytes, whatever they hold).
        case bytes
    }

    var kind: Kind
    /// The size of one element in bytes (for `U`, four per character).
    var itemSize: Int
    /// Whether multi-byte numbers are stored little-endian.
    var littleEndian: Bool

    init(kind: Kind, itemSize: Int, littleEndian: Bool = true) {
        self.kind = kind
        self.itemSize = itemSize
        self.littleEndian = littleEndian
    }

    /// Parses a type string.
    /// - Throws: `ORTError.Code.unsupported` for object, structured, datetime and other kinds ONNX has no
    ///   tensors of; `ORTError.Code.malformedData` for text that is not a type string.
    init(parsing descr: String) throws(ORTError) {
        var scalars = Substring(descr).unicodeScalars[...]
        var order: Unicode.Scalar = "|"
        if let first = scalars.first, "<>|=".unicodeScalars.contains(first) {
            order = first
            scalars = scalars.dropFirst()
        }
        guard let code = scalars.first else { throw .malformed("the dtype '\(descr)' is empty") }
        let digits = String(String.UnicodeScalarView(scalars.dropFirst()))
        let kind: Kind
        switch code {
        case "f": kind = .float
        case "i": kind = .signed
        case "u": kind = .unsigned
        case "b": kind = .bool
        case "c": kind = .complex
        case "U": kind = .unicode
        case "S", "a": kind = .bytes
        case "O":
            throw ORTError(
                .unsupported,
                "the array has dtype '\(descr)': an object array holds Python objects, which a .npy file cannot "
                    + "carry portably; save text as a 'U' array, bytes as an 'S' array, or the array as a TensorProto "
                    + ".pb (onnx.numpy_helper.from_array), which keeps every byte string whole")
        case "V", "M", "m":
            throw ORTError(.unsupported, "the dtype '\(descr)' (void, datetime or timedelta) has no ONNX tensor type")
        default:
            throw .malformed("'\(descr)' is not a NumPy dtype")
        }
        guard let count = Int(digits), count >= 0, count <= Int(Int32.max) else {
            throw .malformed("'\(descr)' is not a NumPy dtype (bad size '\(digits)')")
        }
        let itemSize = kind == .unicode ? count * 4 : count
        let valid: Bool =
            switch kind {
            case .float: [2, 4, 8].contains(itemSize)
            case .signed, .unsigned: [1, 2, 4, 8].contains(itemSize)
            case .bool: itemSize == 1
            case .complex: [8, 16].contains(itemSize)
            case .unicode, .bytes: true
            }
        guard valid else {
            throw ORTError(.unsupported, "the dtype '\(descr)' has no ONNX tensor type")
        }
        self.init(kind: kind, itemSize: itemSize, littleEndian: order == "=" ? hostIsLittleEndian : order != ">")
    }

    /// The dtype NumPy uses for an ONNX element type with a NumPy counterpart, little-endian.
    init?(_ elementType: ElementType) {
        switch elementType {
        case .float16: self.init(kind: .float, itemSize: 2)
        case .float32: self.init(kind: .float, itemSize: 4)
        case .float64: self.init(kind: .float, itemSize: 8)
        case .int8, .int16, .int32, .int64: self.init(kind: .signed, itemSize: elementType.bitWidth / 8)
        case .uint8, .uint16, .uint32, .uint64: self.init(kind: .unsigned, itemSize: elementType.bitWidth / 8)
        case .bool: self.init(kind: .bool, itemSize: 1)
        case .complex64: self.init(kind: .complex, itemSize: 8)
        case .complex128: self.init(kind: .complex, itemSize: 16)
        default: return nil
        }
    }

    /// The ONNX element type of this dtype (`.string` for `U` and `S`).
    var elementType: ElementType {
        switch (kind, itemSize) {
        case (.float, 2): .float16
        case (.float, 4): .float32
        case (.float, _): .float64
        case (.signed, 1): .int8
        case (.signed, 2): .int16
        case (.signed, 4): .int32
        case (.signed, _): .int64
        case (.unsigned, 1): .uint8
        case (.unsigned, 2): .uint16
        case (.unsigned, 4): .uint32
        case (.unsigned, _): .uint64
        case (.bool, _): .bool
        case (.complex, 8): .complex64
        case (.complex, _): .complex128
        case (.unicode, _), (.bytes, _): .string
        }
    }

    /// The width of the numbers whose bytes a byte-order swap reverses (a complex number's two halves separately).
    var swapWidth: Int {
        switch kind {
        case .complex: itemSize / 2
        case .unicode: 4
        case .bytes, .bool: 1
        case .float, .signed, .unsigned: itemSize
        }
    }

    /// The type string as NumPy writes it, such as `<f4`, `|u1` or `<U7`.
    var descr: String {
        let order = itemSize == 1 && kind != .unicode || kind == .bytes ? "|" : (littleEndian ? "<" : ">")
        let code: String =
            switch kind {
            case .float: "f"
            case .signed: "i"
            case .unsigned: "u"
            case .bool: "b"
            case .complex: "c"
            case .unicode: "U"
            case .bytes: "S"
            }
        return "\(order)\(code)\(kind == .unicode ? itemSize / 4 : itemSize)"
    }
}
