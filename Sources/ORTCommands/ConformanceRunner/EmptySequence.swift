#if Server
import Foundation
import ONNXRuntime

/// Empty sequences, which ONNX Runtime's C API cannot build directly: `CreateValue` needs at least one element
/// ("Number of values should be at least 1"), because the element type of a sequence comes from its elements.
///
/// ORT can still produce one as a model output, and an output value can be fed back as an input, so an empty
/// `seq(tensor(T))` is made by running a one-node model, `SequenceEmpty(dtype: T)`.
enum EmptySequence {
    /// An empty sequence of tensors of `elementType`.
    /// - Throws: ``ORTError`` if ONNX Runtime cannot make one (for example, an element type `SequenceEmpty` does
    ///   not support).
    static func make(of elementType: ElementType) throws(ORTError) -> Value {
        let session = try Session(modelData: model(elementType))
        guard let value = try session.run([:]).values.first else {
            throw ORTError(.runtimeError, "SequenceEmpty produced no output")
        }
        return value
    }

    /// The element type of the tensors in a sequence type (looking through an optional), if it is one.
    static func tensorElementType(of type: ValueType) -> ElementType? {
        switch type {
        case .sequence(.tensor(let info)): info.elementType
        case .optional(let contained): tensorElementType(of: contained)
        default: nil
        }
    }

    /// `ModelProto { ir_version: 8, opset_import { version: 11 }, graph { node { output: "s", op_type:
    /// "SequenceEmpty", attribute { name: "dtype", i: T, type: INT } }, name: "empty", output { name: "s", type {
    /// sequence_type { elem_type { tensor_type { elem_type: T } } } } } }`, serialized.
    static func model(_ elementType: ElementType) -> [UInt8] {
        let dtype = UInt64(elementType.rawValue)
        let attribute = field(1, "dtype") + varintField(3, dtype) + varintField(20, 2)
        let node = field(2, "s") + field(4, "SequenceEmpty") + field(5, attribute)
        let tensorType = varintField(1, dtype)
        let sequenceType = field(1, field(1, tensorType))
        let valueInfo = field(1, "s") + field(2, field(4, sequenceType))
        let graph = field(1, node) + field(2, "empty") + field(12, valueInfo)
        let opset = varintField(2, 11)
        return varintField(1, 8) + field(8, opset) + field(7, graph)
    }

    private static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            let low = UInt8(value & 0x7F)
            value >>= 7
            bytes.append(value == 0 ? low : low | 0x80)
        } while value != 0
        return bytes
    }

    private static func varintField(_ number: UInt64, _ value: UInt64) -> [UInt8] {
        varint(number << 3) + varint(value)
    }

    private static func field(_ number: UInt64, _ bytes: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(bytes.count)) + bytes
    }

    private static func field(_ number: UInt64, _ text: String) -> [UInt8] {
        field(number, Array(text.utf8))
    }
}
#endif
