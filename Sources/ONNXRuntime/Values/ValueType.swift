import CONNXRuntime

/// One dimension of a tensor shape as a model declares it.
public enum Dimension: Sendable, Hashable, CustomStringConvertible {
    /// A fixed size.
    case fixed(Int)
    /// A size chosen at run time, with the model's name for it (such as `batch`).
    case symbolic(String)
    /// A size chosen at run time that the model does not name.
    case dynamic

    /// The size, if fixed.
    public var value: Int? {
        if case .fixed(let value) = self { return value }
        return nil
    }

    /// A short description for logs and messages.
    public var description: String {
        switch self {
        case .fixed(let value): "\(value)"
        case .symbolic(let name): name
        case .dynamic: "?"
        }
    }
}

/// The element type and declared shape of a tensor input or output.
public struct TensorInfo: Sendable, Hashable, CustomStringConvertible {
    /// The element type.
    public var elementType: ElementType
    /// The declared shape. A model that declares no shape reports rank 0 here, as ORT does.
    public var shape: [Dimension]

    /// Creates a description of a tensor type.
    public init(elementType: ElementType, shape: [Dimension]) {
        self.elementType = elementType
        self.shape = shape
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// A short description for logs and messages.
    public var description: String {
        "tensor(\(elementType.onnxName)) [\(shape.map(\.description).joined(separator: ", "))]"
    }
}

/// The type of a model input or output, or of a ``Value``: a tensor, or one of ONNX's non-tensor types.
public indirect enum ValueType: Sendable, Hashable, CustomStringConvertible {
    /// A dense tensor.
    case tensor(TensorInfo)
    /// A sparse tensor.
    case sparseTensor(TensorInfo)
    /// A sequence whose elements all have the given type.
    case sequence(ValueType)
    /// A map from keys of the given element type to values of the given type.
    case map(key: ElementType, value: ValueType)
    /// A value that may be absent.
    case optional(ValueType)
    /// A runtime-specific opaque value.
    case opaque
    /// A type ORT does not describe.
    case unknown

    /// The tensor description, if this is a dense tensor type.
    public var tensorInfo: TensorInfo? {
        if case .tensor(let info) = self { return info }
        return nil
    }

    /// The ONNX type string without shape, such as `tensor(float)` or `seq(map(int64,tensor(float)))`.
    public var typeString: String {
        switch self {
        case .tensor(let info): "tensor(\(info.elementType.onnxName))"
        case .sparseTensor(let info): "sparse_tensor(\(info.elementType.onnxName))"
        case .sequence(let element): "seq(\(element.typeString))"
        case .map(let key, let value): "map(\(key.onnxName),\(value.typeString))"
        case .optional(let contained): "optional(\(contained.typeString))"
        case .opaque: "opaque"
        case .unknown: "unknown"
        }
    }

    /// A short description for logs and messages.
    public var description: String {
        switch self {
        case .tensor(let info), .sparseTensor(let info):
            return "\(typeString) [\(info.shape.map(\.description).joined(separator: ", "))]"
        default: return typeString
        }
    }
}

/// The name and type of a model input, output or overridable initializer.
public struct ValueInfo: Sendable, Hashable, CustomStringConvertible {
    /// The name used to feed or fetch the value.
    public var name: String
    /// The declared type.
    public var type: ValueType
    /// The model's denotation for the value (such as `IMAGE`), if any.
    public var denotation: String?

    /// Creates a description.
    public init(name: String, type: ValueType, denotation: String? = nil) {
        self.name = name
        self.type = type
        self.denotation = denotation
    }

    /// A short description for logs and messages.
    public var description: String { "\(name): \(type)" }
}

// MARK: - Reading ORT type descriptions

extension API {
    /// Describes an `OrtTypeInfo` (not released here).
    func valueType(_ info: OpaquePointer) throws(ORTError) -> ValueType {
        var kind = ONNX_TYPE_UNKNOWN
        try check(table.pointee.GetOnnxTypeFromTypeInfo(info, &kind))
        switch kind {
        case ONNX_TYPE_TENSOR, ONNX_TYPE_SPARSETENSOR:
            var tensorInfo: OpaquePointer?
            try check(table.pointee.CastTypeInfoToTensorInfo(info, &tensorInfo))
            guard let tensorInfo else { return .unknown }
            let described = try self.tensorInfo(tensorInfo)
            return kind == ONNX_TYPE_TENSOR ? .tensor(described) : .sparseTensor(described)
        case ONNX_TYPE_SEQUENCE:
            var sequenceInfo: OpaquePointer?
            try check(table.pointee.CastTypeInfoToSequenceTypeInfo(info, &sequenceInfo))
            var elementInfo: OpaquePointer?
            try check(table.pointee.GetSequenceElementType(sequenceInfo, &elementInfo))
            defer { table.pointee.ReleaseTypeInfo(elementInfo) }
            return .sequence(try valueType(elementInfo!))
        case ONNX_TYPE_MAP:
            var mapInfo: OpaquePointer?
            try check(table.pointee.CastTypeInfoToMapTypeInfo(info, &mapInfo))
            var keyType = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED
            try check(table.pointee.GetMapKeyType(mapInfo, &keyType))
            var valueInfo: OpaquePointer?
            try check(table.pointee.GetMapValueType(mapInfo, &valueInfo))
            defer { table.pointee.ReleaseTypeInfo(valueInfo) }
            guard let key = ElementType(keyType) else { return .unknown }
            return .map(key: key, value: try valueType(valueInfo!))
        case ONNX_TYPE_OPTIONAL:
            var optionalInfo: OpaquePointer?
            try check(table.pointee.CastTypeInfoToOptionalTypeInfo(info, &optionalInfo))
            var containedInfo: OpaquePointer?
            try check(table.pointee.GetOptionalContainedTypeInfo(optionalInfo, &containedInfo))
            defer { table.pointee.ReleaseTypeInfo(containedInfo) }
            return .optional(try valueType(containedInfo!))
        case ONNX_TYPE_OPAQUE:
            return .opaque
        default:
            return .unknown
        }
    }

    /// Describes an `OrtTensorTypeAndShapeInfo` (not released here).
    func tensorInfo(_ info: OpaquePointer) throws(ORTError) -> TensorInfo {
        var rawType = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED
        try check(table.pointee.GetTensorElementType(info, &rawType))
        var rank = 0
        try check(table.pointee.GetDimensionsCount(info, &rank))
        var dims = [Int64](repeating: 0, count: rank)
        var names = [UnsafePointer<CChar>?](repeating: nil, count: rank)
        if rank > 0 {
            try check(table.pointee.GetDimensions(info, &dims, rank))
            try check(table.pointee.GetSymbolicDimensions(info, &names, rank))
        }
        let shape: [Dimension] = (0..<rank).map { index in
            if dims[index] >= 0 { return .fixed(Int(dims[index])) }
            if let name = names[index].map({ String(cString: $0) }), !name.isEmpty { return .symbolic(name) }
            return .dynamic
        }
        guard let elementType = ElementType(rawType) else {
            throw ORTError(
                .unsupported, "ONNX Runtime reported element type \(rawType.rawValue), unknown to this package")
        }
        return TensorInfo(elementType: elementType, shape: shape)
    }

    /// The denotation stored in an `OrtTypeInfo`, if any.
    func denotation(_ info: OpaquePointer) -> String? {
        var text: UnsafePointer<CChar>?
        var length = 0
        if let status = table.pointee.GetDenotationFromTypeInfo(info, &text, &length) {
            table.pointee.ReleaseStatus(status)
            return nil
        }
        guard let text, length > 0 else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
    }
}
