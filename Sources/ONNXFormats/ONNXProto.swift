import Foundation
import ONNXRuntime

/// Reads and writes values in ONNX's protobuf data formats: the `.pb` files of ONNX test cases and of tools that
/// save inputs and outputs (`TensorProto`, `SequenceProto`, `MapProto`, `OptionalProto`).
///
/// ```swift
/// let (name, x) = try ONNXProto.readTensor(from: Data(contentsOf: inputURL))
/// let y = try session.run([name ?? "x": x])["y"]
/// try ONNXProto.serialize(y, name: "y").write(to: outputURL)
/// ```
///
/// Reading accepts every element type ONNX Runtime has, stored in `raw_data` (little-endian) or in the typed
/// field `onnx.proto` assigns to the type (`float_data`, `int32_data`, `int64_data`, `uint64_data`,
/// `double_data`, `string_data`), packed or unpacked. Input is untrusted: every length, count and shape is checked
/// before memory is allocated, and corrupt or truncated bytes throw `ORTError.Code.malformedData`. Tensors with
/// external data, segments or sparse tensors throw `ORTError.Code.unsupported`.
///
/// Writing stores tensors in `raw_data` (strings in `string_data`), with fields in protobuf's canonical order.
public enum ONNXProto {
    /// Decodes a value from the bytes of one ONNX data message.
    /// - Parameters:
    ///   - data: The serialized message.
    ///   - kind: Which message the bytes hold (they do not say); ``ProtoValue/Kind/init(_:)`` gives the kind for
    ///     a model input's type.
    /// - Returns: The message's `name` (`nil` when absent or empty) and its value.
    /// - Throws: `ORTError.Code.malformedData` for bytes that are not a valid message of that kind;
    ///   `ORTError.Code.invalidShape` for negative or overflowing dimensions; `ORTError.Code.unsupported` for
    ///   external data, sparse tensors and data types ONNX Runtime lacks.
    public static func readValue(from data: Data, as kind: ProtoValue.Kind = .tensor) throws(ORTError)
        -> (name: String?, value: ProtoValue)
    {
        do {
            return try withBytes(of: data) { (buffer) throws(ORTError) in
                try ContainerProtoCoding.decode(kind, ProtoReader(buffer))
            }
        } catch {
            throw error.prefixed("cannot read a \(kind.messageName)")
        }
    }

    /// Decodes a tensor from the bytes of a `TensorProto`.
    /// - Parameter data: The serialized message.
    /// - Returns: The tensor's `name` (`nil` when absent or empty) and the tensor.
    /// - Throws: As ``readValue(from:as:)``.
    public static func readTensor(from data: Data) throws(ORTError) -> (name: String?, value: Value) {
        let (name, value) = try readValue(from: data, as: .tensor)
        guard case .tensor(let tensor) = value else {
            throw ORTError(.typeMismatch, "expected a tensor, got a \(value)")
        }
        return (name, tensor)
    }

    /// Encodes a value as the ONNX data message of its kind.
    ///
    /// Tensors keep their bytes in `raw_data` (little-endian) and strings in `string_data`. An empty sequence is
    /// written with `elem_type` TENSOR and an optional holding nothing with `elem_type` UNDEFINED, as
    /// `onnx.numpy_helper` writes them.
    /// - Parameters:
    ///   - value: The value.
    ///   - name: The message's `name` field; omitted when `nil`.
    /// - Returns: The serialized message.
    /// - Throws: `ORTError` if the tree is inconsistent: a sequence that mixes kinds, a map whose keys are not a
    ///   1-D integer or string tensor or do not match its values in number.
    public static func serialize(_ value: ProtoValue, name: String? = nil) throws(ORTError) -> Data {
        Data(try ContainerProtoCoding.encode(value, name: name).bytes)
    }

    /// Encodes an ONNX Runtime value as the ONNX data message of its kind: a `TensorProto` for a tensor, a
    /// `SequenceProto` for a sequence, a `MapProto` for a map, and an `OptionalProto` for an optional output that
    /// holds nothing.
    /// - Parameters:
    ///   - value: The value, such as a session's output.
    ///   - name: The message's `name` field; omitted when `nil`.
    /// - Returns: The serialized message.
    /// - Throws: `ORTError.Code.unsupported` for sparse tensors and opaque values.
    public static func serialize(_ value: Value, name: String? = nil) throws(ORTError) -> Data {
        try serialize(ProtoValue(value), name: name)
    }
}
