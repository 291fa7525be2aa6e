#if Client
/// A named tensor of an inference request or response: name, shape and typed elements.
///
/// The same type describes the inputs you send (``InferInput`` is an alias) and the outputs the server returns. The
/// ``datatype`` follows from the case of ``data``, so a tensor's type and elements always agree.
///
/// ```swift
/// let x = InferInput(name: "x", shape: [2, 3], data: .fp32([1, 2, 3, 4, 5, 6]))
/// let response = try await client.infer(model: "identity", inputs: [x])
/// let y = response.outputs["y"]?.floats  // [1, 2, 3, 4, 5, 6]
/// ```
public struct InferTensor: Sendable, Hashable {
    /// The tensor's name, as the model declares it.
    public var name: String
    /// The dimensions; `[]` for a scalar. The element count is their product.
    public var shape: [Int]
    /// The elements, flat in row-major order.
    public var data: TensorData
    /// Per-tensor parameters. The client manages `binary_data_size` itself; anything else given here is sent as is,
    /// and a response's output parameters (including `binary_data_size`) are reported here.
    public var parameters: [String: InferParameter]

    /// Creates a tensor.
    /// - Parameters:
    ///   - name: The input or output name.
    ///   - shape: The dimensions; their product must equal the number of elements in `data` when the tensor is sent.
    ///   - data: The elements in row-major order.
    ///   - parameters: Extra per-tensor parameters to send.
    public init(name: String, shape: [Int], data: TensorData, parameters: [String: InferParameter] = [:]) {
        self.name = name
        self.shape = shape
        self.data = data
        self.parameters = parameters
    }

    /// The protocol data type, from ``data``.
    public var datatype: DataType { data.dataType }

    /// The number of elements the shape describes (the product of its dimensions; 1 for a scalar).
    public var shapeElementCount: Int { shape.reduce(1, *) }
}

/// An input tensor of an inference request (the same type as the outputs a response carries).
public typealias InferInput = InferTensor

// MARK: - Typed accessors

extension InferTensor {
    /// The elements as `Float`s for `FP32`, `FP16` and `BF16` tensors (both converted exactly); `nil` otherwise.
    public var floats: [Float]? {
        switch data {
        case .fp32(let values): return values
        case .fp16(let bits): return bits.map(HalfConversion.float(fromHalfBits:))
        case .bf16(let bits): return bits.map(HalfConversion.float(fromBFloat16Bits:))
        default: return nil
        }
    }

    /// The elements as `Double`s for `FP64`, `FP32`, `FP16` and `BF16` tensors (all exact); `nil` otherwise.
    public var doubles: [Double]? {
        if case .fp64(let values) = data { return values }
        return floats?.map(Double.init)
    }

    /// The elements of a `BOOL` tensor; `nil` for other types.
    public var bools: [Bool]? {
        if case .bool(let values) = data { return values }
        return nil
    }

    /// The elements of a `UINT8` tensor; `nil` for other types.
    public var uint8s: [UInt8]? {
        if case .uint8(let values) = data { return values }
        return nil
    }

    /// The elements of a `UINT16` tensor; `nil` for other types.
    public var uint16s: [UInt16]? {
        if case .uint16(let values) = data { return values }
        return nil
    }

    /// The elements of a `UINT32` tensor; `nil` for other types.
    public var uint32s: [UInt32]? {
        if case .uint32(let values) = data { return values }
        return nil
    }

    /// The elements of a `UINT64` tensor; `nil` for other types.
    public var uint64s: [UInt64]? {
        if case .uint64(let values) = data { return values }
        return nil
    }

    /// The elements of an `INT8` tensor; `nil` for other types.
    public var int8s: [Int8]? {
        if case .int8(let values) = data { return values }
        return nil
    }

    /// The elements of an `INT16` tensor; `nil` for other types.
    public var int16s: [Int16]? {
        if case .int16(let values) = data { return values }
        return nil
    }

    /// The elements of an `INT32` tensor; `nil` for other types.
    public var int32s: [Int32]? {
        if case .int32(let values) = data { return values }
        return nil
    }

    /// The elements of an `INT64` tensor; `nil` for other types.
    public var int64s: [Int64]? {
        if case .int64(let values) = data { return values }
        return nil
    }

    /// The bit patterns of an `FP16` tensor; `nil` for other types.
    public var fp16Bits: [UInt16]? {
        if case .fp16(let values) = data { return values }
        return nil
    }

    /// The bit patterns of a `BF16` tensor; `nil` for other types.
    public var bf16Bits: [UInt16]? {
        if case .bf16(let values) = data { return values }
        return nil
    }

    /// The elements of a `BYTES` tensor as byte strings; `nil` for other types.
    public var bytes: [[UInt8]]? {
        if case .bytes(let values) = data { return values }
        return nil
    }

    /// The elements of a `BYTES` tensor decoded as UTF-8; `nil` for other types or if any element is not valid UTF-8.
    public var strings: [String]? {
        guard case .bytes(let values) = data else { return nil }
        var strings: [String] = []
        strings.reserveCapacity(values.count)
        for value in values {
            guard let string = String(validating: value, as: UTF8.self) else { return nil }
            strings.append(string)
        }
        return strings
    }
}

/// A request, tensor or response parameter value: the protocol allows booleans, numbers and strings.
///
/// Literals work where a parameter is expected: `["binary_data_output": true, "priority": 1, "tag": "a"]`.
public enum InferParameter: Sendable, Hashable, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral
{
    /// A boolean parameter.
    case bool(Bool)
    /// An integer parameter (JSON numbers without a fraction or exponent that fit in 64 bits are read as this).
    case int(Int64)
    /// A floating-point parameter.
    case double(Double)
    /// A string parameter.
    case string(String)

    /// Creates a ``bool(_:)`` parameter from a literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// Creates an ``int(_:)`` parameter from a literal.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// Creates a ``double(_:)`` parameter from a literal.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// Creates a ``string(_:)`` parameter from a literal.
    public init(stringLiteral value: String) { self = .string(value) }

    /// The value of a ``bool(_:)`` parameter.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The value of an ``int(_:)`` parameter.
    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The value of a ``double(_:)`` parameter, or of an ``int(_:)`` one converted.
    public var doubleValue: Double? {
        switch self {
        case .double(let value): return value
        case .int(let value): return Double(value)
        default: return nil
        }
    }

    /// The value of a ``string(_:)`` parameter.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}
#endif
