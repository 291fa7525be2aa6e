import ONNXRuntime

/// A value as ONNX's data protobufs describe it: a tensor (`TensorProto`), a sequence (`SequenceProto`), a map
/// (`MapProto`) or an optional (`OptionalProto`).
///
/// This tree can hold everything those messages can, including what an ONNX Runtime `Value` cannot: an empty
/// sequence, a sequence of sequences, a map whose values are not scalars, and an optional holding no value. Convert
/// with ``init(_:)`` (from a value, for writing) and ``makeValue()`` (to a value, for feeding a session).
///
/// ```swift
/// let (name, value) = try ONNXProto.readValue(from: Data(contentsOf: url), as: .sequence)
/// let input = try value.makeValue()
/// ```
public indirect enum ProtoValue: Sendable, CustomStringConvertible {
    /// A dense tensor of any element type.
    case tensor(Value)
    /// A sequence of values, all of one kind.
    case sequence([ProtoValue])
    /// A map: `keys` is a 1-D tensor of an integer or string element type, and `values` holds one value per key.
    case map(keys: Value, values: [ProtoValue])
    /// An optional value: `nil` when it holds nothing.
    case optional(ProtoValue?)

    /// Which of ONNX's data messages holds a value.
    ///
    /// The messages do not identify themselves (an `OptionalProto` holding a tensor and a `SequenceProto` of one
    /// tensor can be the same bytes), so a reader must be told which to expect.
    public enum Kind: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// A `TensorProto`.
        case tensor
        /// A `SequenceProto`.
        case sequence
        /// A `MapProto`.
        case map
        /// An `OptionalProto`.
        case optional

        /// The message that holds a value of a model input or output's type, such as `.sequence` for
        /// `seq(tensor(float))`; `nil` for sparse tensors and types ONNX has no data message for.
        public init?(_ type: ValueType) {
            switch type {
            case .tensor: self = .tensor
            case .sequence: self = .sequence
            case .map: self = .map
            case .optional: self = .optional
            case .sparseTensor, .opaque, .unknown: return nil
            }
        }

        /// The protobuf message name, such as `TensorProto`.
        public var messageName: String {
            switch self {
            case .tensor: "TensorProto"
            case .sequence: "SequenceProto"
            case .map: "MapProto"
            case .optional: "OptionalProto"
            }
        }

        /// The protobuf message name, as ``messageName``.
        public var description: String { messageName }

        /// The number `SequenceProto.DataType` and `OptionalProto.DataType` use for this kind.
        var elementTypeNumber: Int32 {
            switch self {
            case .tensor: 1
            case .sequence: 3
            case .map: 4
            case .optional: 5
            }
        }
    }

    /// Which message holds this value.
    public var kind: Kind {
        switch self {
        case .tensor: .tensor
        case .sequence: .sequence
        case .map: .map
        case .optional: .optional
        }
    }

    /// A short description of the structure, such as `seq(tensor(float) [2, 3])` or `optional(none)`.
    public var description: String {
        switch self {
        case .tensor(let value):
            let type = value.elementType?.onnxName ?? "?"
            return "tensor(\(type)) \(value.shape)"
        case .sequence(let elements):
            return "seq(\(elements.map(\.description).joined(separator: ", ")))"
        case .map(let keys, let values):
            let keyType = keys.elementType?.onnxName ?? "?"
            return "map(\(keyType) x \(values.count))"
        case .optional(let contained):
            return "optional(\(contained?.description ?? "none"))"
        }
    }
}

// MARK: - Converting from and to ONNX Runtime values

extension ProtoValue {
    /// The tree for an ONNX Runtime value: a tensor, a sequence, a map (whose value tensor is split into one scalar
    /// tensor per key, as `MapProto` stores it), or an optional that holds nothing.
    ///
    /// An optional output that holds a value arrives from ORT as that value itself, so it becomes the contained
    /// kind, not `.optional`.
    /// - Throws: `ORTError.Code.unsupported` for sparse tensors and opaque values.
    public init(_ value: Value) throws(ORTError) {
        guard value.hasValue else {
            self = .optional(nil)
            return
        }
        switch value.kind {
        case .tensor:
            self = .tensor(value)
        case .sequence:
            var elements: [ProtoValue] = []
            for element in try value.elements {
                elements.append(try ProtoValue(element))
            }
            self = .sequence(elements)
        case .map:
            let (keys, values) = try value.mapContents
            self = .map(keys: keys, values: try Self.splitIntoScalars(values).map(ProtoValue.tensor))
        case .sparseTensor, .opaque, .optional, .unknown:
            throw ORTError(.unsupported, "a \(value.type.typeString) value has no ONNX data message")
        }
    }

    /// An ONNX Runtime value holding the same data, to feed a session.
    ///
    /// A tensor is returned as is; an optional holding a value becomes that value (ORT feeds optional inputs that
    /// way); a map's scalar values are joined into one 1-D tensor. ORT restricts what it can build: sequences of
    /// tensors or of maps, never empty; maps from `int64` or `string` keys to `float`, `double`, `int64` or
    /// `string` values.
    /// - Throws: `ORTError.Code.invalidArgument` for an optional holding nothing or an empty sequence, and ORT's
    ///   errors for combinations it does not support.
    public func makeValue() throws(ORTError) -> Value {
        switch self {
        case .tensor(let value):
            return value
        case .sequence(let elements):
            guard !elements.isEmpty else {
                throw ORTError(
                    .invalidArgument, "ONNX Runtime cannot build an empty sequence (its element type is unknown)")
            }
            var values: [Value] = []
            for element in elements {
                values.append(try element.makeValue())
            }
            return try Value(sequence: values)
        case .map(let keys, let values):
            return try Value(mapKeys: keys, values: try Self.joinScalars(values, count: keys.shape.first ?? 0))
        case .optional(let contained):
            guard let contained else {
                throw ORTError(
                    .invalidArgument,
                    "an optional that holds no value has no ONNX Runtime value; leave the input out instead")
            }
            return try contained.makeValue()
        }
    }

    /// One rank-0 tensor per element of a 1-D tensor.
    static func splitIntoScalars(_ tensor: Value) throws(ORTError) -> [Value] {
        guard let elementType = tensor.elementType else {
            throw ORTError(.typeMismatch, "expected a tensor of map values, got a \(tensor.type.typeString)")
        }
        if elementType == .string {
            return try Tensor<[UInt8]>(tensor).scalars.map { (element) throws(ORTError) in
                try Tensor<[UInt8]>(scalar: element).value
            }
        }
        let bytes = try tensor.rawBytes
        let count = tensor.elementCount
        guard count > 0, elementType.bitWidth >= 8 else {
            guard count == 0 else {
                throw ORTError(.unsupported, "map values of type \(elementType) cannot be split into scalars")
            }
            return []
        }
        let width = elementType.bitWidth / 8
        return try (0..<count).map { (index) throws(ORTError) in
            try Value(rawBytes: bytes[index * width..<(index + 1) * width], elementType: elementType, shape: [])
        }
    }

    /// Joins one-element tensors of one element type into a 1-D tensor of `count` elements.
    static func joinScalars(_ values: [ProtoValue], count: Int) throws(ORTError) -> Value {
        guard values.count == count else {
            throw ORTError(.countMismatch, "a map has \(count) keys but \(values.count) values")
        }
        var tensors: [Value] = []
        for value in values {
            guard case .tensor(let tensor) = value, tensor.elementCount == 1, let type = tensor.elementType else {
                throw ORTError(
                    .unsupported,
                    "ONNX Runtime maps hold one scalar per key, but this map holds a \(value.description)")
            }
            guard type == tensors.first?.elementType ?? type else {
                throw ORTError(.typeMismatch, "map values mix \(tensors[0].elementType!) and \(type)")
            }
            tensors.append(tensor)
        }
        guard let elementType = tensors.first?.elementType else {
            throw ORTError(.invalidArgument, "ONNX Runtime cannot build an empty map (its value type is unknown)")
        }
        if elementType == .string {
            var elements: [[UInt8]] = []
            for tensor in tensors {
                elements.append(contentsOf: try Tensor<[UInt8]>(tensor).scalars)
            }
            return try Tensor<[UInt8]>(elements).value
        }
        var bytes: [UInt8] = []
        for tensor in tensors {
            bytes.append(contentsOf: try tensor.rawBytes)
        }
        return try Value(rawBytes: bytes, elementType: elementType, shape: [tensors.count])
    }
}
