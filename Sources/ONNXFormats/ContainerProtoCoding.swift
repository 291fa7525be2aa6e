import ONNXRuntime

/// Reads and writes ONNX's container messages (onnx-data.proto) and dispatches to ``TensorProtoCoding``.
///
/// Field numbers: `SequenceProto` name 1, elem_type 2, tensor_values 3, sparse_tensor_values 4,
/// sequence_values 5, map_values 6, optional_values 7. `MapProto` name 1, key_type 2, keys 3, string_keys 4,
/// values 5 (a `SequenceProto`). `OptionalProto` name 1, elem_type 2, tensor_value 3, sparse_tensor_value 4,
/// sequence_value 5, map_value 6, optional_value 7. Element types: UNDEFINED 0, TENSOR 1, SPARSE_TENSOR 2,
/// SEQUENCE 3, MAP 4, OPTIONAL 5.
enum ContainerProtoCoding {
    /// The key types `MapProto` allows.
    static let mapKeyTypes: [ElementType] = [.int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .string]

    // MARK: - Reading

    /// Decodes the message `reader` spans as `kind`, returning its name (`nil` when absent or empty).
    static func decode(_ kind: ProtoValue.Kind, _ reader: ProtoReader) throws(ORTError)
        -> (name: String?, value: ProtoValue)
    {
        switch kind {
        case .tensor:
            let (name, value) = try TensorProtoCoding.decode(reader)
            return (nonEmpty(name), .tensor(value))
        case .sequence:
            let (name, elements) = try decodeSequence(reader)
            return (name, .sequence(elements))
        case .map:
            return try decodeMap(reader)
        case .optional:
            return try decodeOptional(reader)
        }
    }

    /// The element kind stored in a `SequenceProto` or `OptionalProto` field number, or `nil` for other fields.
    private static func elementKind(ofField field: Int) -> ProtoValue.Kind? {
        switch field {
        case 3: .tensor
        case 5: .sequence
        case 6: .map
        case 7: .optional
        default: nil
        }
    }

    /// The field number that holds elements of `kind` in a `SequenceProto` or `OptionalProto`.
    private static func field(for kind: ProtoValue.Kind) -> Int {
        switch kind {
        case .tensor: 3
        case .sequence: 5
        case .map: 6
        case .optional: 7
        }
    }

    /// Checks a declared `elem_type` against the kind of element actually present.
    private static func checkElementType(_ declared: UInt64, present: ProtoValue.Kind?, in message: String)
        throws(ORTError)
    {
        switch declared {
        case 0, 1, 3, 4, 5: break
        case 2: throw ORTError(.unsupported, "\(message) of sparse tensors are not supported")
        default: throw .malformed("\(message) has elem_type \(declared), which is not a valid element type")
        }
        if let present, declared != 0, declared != UInt64(present.elementTypeNumber) {
            throw .malformed("\(message) declares elem_type \(declared) but holds \(present.messageName) elements")
        }
    }

    private static func decodeSequence(_ message: ProtoReader) throws(ORTError) -> (String?, [ProtoValue]) {
        var reader = message
        var name: String?
        var declared: UInt64 = 0
        var present: ProtoValue.Kind?
        var elements: [ProtoValue] = []
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: name = try reader.readString(wireType, field: "name")
            case 2: declared = try reader.readVarint(wireType, field: "elem_type")
            case 4: throw ORTError(.unsupported, "sequences of sparse tensors are not supported")
            default:
                guard let kind = elementKind(ofField: field) else {
                    try reader.skip(wireType)
                    continue
                }
                guard present == nil || present == kind else {
                    throw .malformed(
                        "a SequenceProto mixes \(present!.messageName) and \(kind.messageName) elements")
                }
                present = kind
                let element = try reader.readMessage(wireType, field: "\(kind.messageName) element")
                do {
                    elements.append(try decode(kind, element).value)
                } catch {
                    throw error.prefixed("sequence element \(elements.count)")
                }
            }
        }
        try checkElementType(declared, present: present, in: "a SequenceProto")
        return (nonEmpty(name), elements)
    }

    private static func decodeMap(_ message: ProtoReader) throws(ORTError) -> (name: String?, value: ProtoValue) {
        var reader = message
        var name: String?
        var keyType: Int64 = 0
        var integerKeys: [Int64] = []
        var stringKeys: [[UInt8]] = []
        var decodedValues: [ProtoValue]?
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: name = try reader.readString(wireType, field: "name")
            case 2: keyType = Int64(bitPattern: try reader.readVarint(wireType, field: "key_type"))
            case 3: try reader.appendInt64s(wireType, field: "keys", to: &integerKeys)
            case 4:
                // string_keys is `repeated bytes`: a key is kept byte for byte.
                stringKeys.append(Array(reader.bytes(try reader.readBytes(wireType, field: "string_keys"))))
            case 5:
                guard decodedValues == nil else { throw .malformed("a MapProto has two values fields") }
                do {
                    decodedValues = try decodeSequence(reader.readMessage(wireType, field: "values")).1
                } catch {
                    throw error.prefixed("map values")
                }
            default: try reader.skip(wireType)
            }
        }
        guard let type = ElementType(onnxDataType: keyType), mapKeyTypes.contains(type)
        else {
            throw .malformed(
                "a MapProto has key_type \(keyType) (\(ElementType.protoName(of: keyType))); map keys are integers "
                    + "or strings")
        }
        let values = decodedValues ?? []
        let keys: Value
        if type == .string {
            guard integerKeys.isEmpty else { throw .malformed("a map with string keys has integer keys too") }
            guard stringKeys.count == values.count else {
                throw .malformed("a MapProto has \(stringKeys.count) keys but \(values.count) values")
            }
            keys = try Tensor<[UInt8]>(stringKeys).value
        } else {
            guard stringKeys.isEmpty else { throw .malformed("a map with \(type) keys has string keys too") }
            guard integerKeys.count == values.count else {
                throw .malformed("a MapProto has \(integerKeys.count) keys but \(values.count) values")
            }
            keys = try integerKeyTensor(integerKeys, type: type)
        }
        return (nonEmpty(name), .map(keys: keys, values: values))
    }

    /// A 1-D tensor of `type` holding `keys`, each of which must fit in that type.
    private static func integerKeyTensor(_ keys: [Int64], type: ElementType) throws(ORTError) -> Value {
        let width = type.bitWidth / 8
        let signed = [.int8, .int16, .int32, .int64].contains(type)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(keys.count * width)
        for key in keys {
            if width < 8 {
                let bits = 8 * width
                let fits =
                    signed
                    ? key >= -(Int64(1) << (bits - 1)) && key < Int64(1) << (bits - 1)
                    : key >= 0 && key < Int64(1) << bits
                guard fits else { throw .malformed("map key \(key) does not fit in \(type)") }
            }
            let bits = UInt64(bitPattern: key)
            for byte in 0..<width {
                let shift = UInt64(8 * (hostIsLittleEndian ? byte : width - 1 - byte))
                bytes.append(UInt8(truncatingIfNeeded: bits >> shift))
            }
        }
        return try Value(rawBytes: bytes, elementType: type, shape: [keys.count])
    }

    private static func decodeOptional(_ message: ProtoReader) throws(ORTError) -> (name: String?, value: ProtoValue) {
        var reader = message
        var name: String?
        var declared: UInt64 = 0
        var contained: ProtoValue?
        var present: ProtoValue.Kind?
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: name = try reader.readString(wireType, field: "name")
            case 2: declared = try reader.readVarint(wireType, field: "elem_type")
            case 4: throw ORTError(.unsupported, "optionals of sparse tensors are not supported")
            default:
                guard let kind = elementKind(ofField: field) else {
                    try reader.skip(wireType)
                    continue
                }
                guard present == nil else { throw .malformed("an OptionalProto holds more than one value") }
                present = kind
                do {
                    contained = try decode(kind, reader.readMessage(wireType, field: "value")).value
                } catch {
                    throw error.prefixed("optional value")
                }
            }
        }
        try checkElementType(declared, present: present, in: "an OptionalProto")
        return (nonEmpty(name), .optional(contained))
    }

    private static func nonEmpty(_ name: String?) -> String? {
        name?.isEmpty == false ? name : nil
    }

    // MARK: - Writing

    /// Encodes a value as the message of its kind. Nested elements are written without names.
    static func encode(_ value: ProtoValue, name: String?, depth: Int = 0) throws(ORTError) -> ProtoWriter {
        guard depth < ProtoReader.maximumDepth else {
            throw ORTError(.invalidArgument, "values nested more than \(ProtoReader.maximumDepth) levels deep")
        }
        switch value {
        case .tensor(let tensor):
            return try TensorProtoCoding.encode(tensor, name: name)
        case .sequence(let elements):
            return try encodeSequence(elements, name: name, depth: depth)
        case .map(let keys, let values):
            return try encodeMap(keys: keys, values: values, name: name, depth: depth)
        case .optional(let contained):
            var writer = ProtoWriter()
            if let name { writer.writeStringField(1, name) }
            guard let contained else {
                writer.writeVarintField(2, UInt64(0))
                return writer
            }
            writer.writeVarintField(2, Int64(contained.kind.elementTypeNumber))
            writer.writeMessageField(field(for: contained.kind), try encode(contained, name: nil, depth: depth + 1))
            return writer
        }
    }

    /// A `SequenceProto`; an empty sequence is written with elem_type TENSOR, the common case, since the tree
    /// does not record the element kind of an empty sequence.
    private static func encodeSequence(_ elements: [ProtoValue], name: String?, depth: Int) throws(ORTError)
        -> ProtoWriter
    {
        let kind = elements.first?.kind ?? .tensor
        var writer = ProtoWriter()
        if let name { writer.writeStringField(1, name) }
        writer.writeVarintField(2, Int64(kind.elementTypeNumber))
        for element in elements {
            guard element.kind == kind else {
                throw ORTError(
                    .typeMismatch, "a sequence mixes \(kind.messageName) and \(element.kind.messageName) elements")
            }
            writer.writeMessageField(field(for: kind), try encode(element, name: nil, depth: depth + 1))
        }
        return writer
    }

    private static func encodeMap(keys: Value, values: [ProtoValue], name: String?, depth: Int) throws(ORTError)
        -> ProtoWriter
    {
        guard keys.kind == .tensor, let keyType = keys.elementType, mapKeyTypes.contains(keyType),
            keys.shape.count == 1
        else {
            throw ORTError(.typeMismatch, "map keys must be a 1-D tensor of integers or strings, got \(keys)")
        }
        guard keys.shape[0] == values.count else {
            throw ORTError(.countMismatch, "a map has \(keys.shape[0]) keys but \(values.count) values")
        }
        var writer = ProtoWriter()
        if let name { writer.writeStringField(1, name) }
        writer.writeVarintField(2, keyType.onnxDataType)
        if keyType == .string {
            for key in try Tensor<[UInt8]>(keys).scalars {
                writer.writeBytesField(4, key)
            }
        } else {
            let bytes = try keys.rawBytes
            let width = keyType.bitWidth / 8
            let signed = [.int8, .int16, .int32, .int64].contains(keyType)
            for index in 0..<keys.shape[0] {
                var bits: UInt64 = 0
                for byte in 0..<width {
                    let shift = UInt64(8 * (hostIsLittleEndian ? byte : width - 1 - byte))
                    bits |= UInt64(bytes[index * width + byte]) << shift
                }
                if signed, width < 8, bits >> (8 * width - 1) & 1 == 1 {
                    bits |= ~0 << UInt64(8 * width)  // sign-extend
                }
                writer.writeVarintField(3, bits)
            }
        }
        writer.writeMessageField(5, try encodeSequence(values, name: nil, depth: depth + 1))
        return writer
    }
}
