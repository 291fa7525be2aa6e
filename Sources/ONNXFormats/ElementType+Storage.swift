import Foundation
import ONNXRuntime

/// The repeated field of `TensorProto` that holds a data type's elements when `raw_data` is absent.
enum TensorDataField: Int, Sendable, CaseIterable {
    case floatData = 4
    case int32Data = 5
    case stringData = 6
    case int64Data = 7
    case doubleData = 10
    case uint64Data = 11

    /// The field's name in `onnx.proto`.
    var name: String {
        switch self {
        case .floatData: "float_data"
        case .int32Data: "int32_data"
        case .stringData: "string_data"
        case .int64Data: "int64_data"
        case .doubleData: "double_data"
        case .uint64Data: "uint64_data"
        }
    }

    /// How one entry is encoded; `nil` for `string_data`, whose entries are length-delimited.
    var encoding: ScalarEncoding? {
        switch self {
        case .floatData: .fixed32
        case .doubleData: .fixed64
        case .int32Data, .int64Data, .uint64Data: .varint
        case .stringData: nil
        }
    }
}

extension ElementType {
    /// The typed field `onnx.proto` assigns to this type: `float_data` for float and complex64; `double_data` for
    /// double and complex128; `int64_data` for int64; `uint64_data` for uint32 and uint64; `string_data` for
    /// strings; and `int32_data` for everything else (the 8- and 16-bit types, int32, bool, float16 and bfloat16 as
    /// their bit patterns, float8 one per entry, 4-bit types two per entry).
    var tensorDataField: TensorDataField {
        switch self {
        case .float32, .complex64: .floatData
        case .float64, .complex128: .doubleData
        case .int64: .int64Data
        case .uint32, .uint64: .uint64Data
        case .string: .stringData
        case .int8, .int16, .int32, .uint8, .uint16, .bool, .float16, .bfloat16, .float8e4m3fn, .float8e4m3fnuz,
            .float8e5m2, .float8e5m2fnuz, .float8e8m0, .uint4, .int4, .float4e2m1, .uint2, .int2:
            .int32Data
        }
    }

    /// The bytes one typed-field entry takes in ORT's layout: the element size, except that a complex element is
    /// two entries, a 4-bit entry holds two elements in one byte and a 2-bit entry four. `entries × entryByteCount` is the tensor's
    /// byte count.
    var entryByteCount: Int {
        switch self {
        case .complex64: 4
        case .complex128: 8
        case .uint4, .int4, .float4e2m1, .uint2, .int2: 1
        case .string: 0
        default: bitWidth / 8
        }
    }

    /// How many typed-field entries hold `count` elements, or `nil` on overflow.
    func entryCount(forElementCount count: Int) -> Int? {
        switch self {
        case .complex64, .complex128:
            let (entries, overflow) = count.multipliedReportingOverflow(by: 2)
            return overflow ? nil : entries
        case .uint4, .int4, .float4e2m1, .uint2, .int2:
            return byteCount(forElementCount: count)
        default:
            return count
        }
    }

    /// ONNX's `TensorProto.DataType` number for this type. It equals ORT's element type number up to 23; ONNX
    /// numbers FLOAT8E8M0, UINT2 and INT2 as 24, 25 and 26, where ORT has UINT2, INT2 and FLOAT8E8M0.
    var onnxDataType: Int64 {
        switch self {
        case .float8e8m0: 24
        case .uint2: 25
        case .int2: 26
        default: Int64(rawValue)
        }
    }

    /// The element type for an ONNX `TensorProto.DataType` number, or `nil` for UNDEFINED and unknown numbers.
    init?(onnxDataType: Int64) {
        switch onnxDataType {
        case 24: self = .float8e8m0
        case 25: self = .uint2
        case 26: self = .int2
        case 1...23: self.init(rawValue: Int32(onnxDataType))
        default: return nil
        }
    }

    /// The ONNX `TensorProto.DataType` name of a data type number, including ones this package cannot hold.
    static func protoName(of dataType: Int64) -> String {
        if let type = ElementType(onnxDataType: dataType) { return type.onnxName }
        return dataType == 0 ? "UNDEFINED" : "unknown"
    }
}

/// Whether this machine stores integers little-endian, as ONNX's `raw_data` and most `.npy` files do.
let hostIsLittleEndian = 1.littleEndian == 1

/// Reverses the byte order of each `width`-byte element, in place.
func swapByteOrder(_ bytes: inout [UInt8], width: Int) {
    guard width > 1 else { return }
    var start = 0
    while start + width <= bytes.count {
        bytes[start..<start + width].reverse()
        start += width
    }
}

/// Checks a shape read from a file and returns its element count.
/// - Throws: `ORTError.Code.invalidShape` for a negative dimension or a product that overflows.
func checkedElementCount(_ shape: [Int]) throws(ORTError) -> Int {
    try TensorShape.elementCount(shape)
}

/// Runs `body` over the bytes of `data` and returns its result, keeping typed throws.
func withBytes<R>(of data: Data, _ body: (UnsafeRawBufferPointer) throws(ORTError) -> R) throws(ORTError) -> R {
    let result: Result<R, ORTError> = data.withUnsafeBytes { buffer in
        Result { () throws(ORTError) in try body(buffer) }
    }
    return try result.get()
}
