#if Server
import ONNXRuntime

/// Joins the tensors of several requests along the batch dimension (dimension 0), and splits a batch's outputs back
/// into each request's rows. Every KServe V2 datatype is supported: fixed-size elements are copied as raw bytes,
/// `BYTES` (string tensors) element by element, as bytes (no element need be UTF-8).
enum TensorBatching {
    /// Concatenates `parts` along dimension 0.
    /// - Parameters:
    ///   - parts: Tensors of one element type whose dimensions beyond the first are equal; at least one.
    ///   - name: The input name, for error messages.
    /// - Returns: One tensor with the rows of every part, in order (the part itself when there is only one).
    /// - Throws: ``ServingError/internal(_:)`` when the parts do not fit together (the batcher only joins requests
    ///   whose shapes and datatypes match, so this means a bug) or ONNX Runtime cannot make the tensor.
    static func concatenate(_ parts: [Value], name: String) throws(ServingError) -> Value {
        guard let first = parts.first else { throw .internal("input '\(name)': an empty batch") }
        guard parts.count > 1 else { return first }
        guard let elementType = first.elementType, let datatype = DataType(elementType), !first.shape.isEmpty else {
            throw .internal("input '\(name)' cannot be batched: it is not a tensor with a batch dimension")
        }
        let inner = first.shape.dropFirst()
        var rows = 0
        for part in parts {
            guard part.elementType == elementType, part.shape.count == first.shape.count,
                part.shape.dropFirst() == inner
            else {
                throw .internal(
                    "input '\(name)': cannot batch \(part.shape) with \(first.shape) of \(datatype)")
            }
            rows += part.shape[0]
        }
        let shape = [rows] + inner
        do {
            if datatype == .bytes {
                var elements: [[UInt8]] = []
                for part in parts { elements += try Tensor<[UInt8]>(part).scalars }
                return try Tensor<[UInt8]>(elements, shape: shape).value
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(parts.reduce(0) { $0 + ($1.elementCount * (datatype.elementSize ?? 1)) })
            for part in parts {
                try part.withUnsafeRawBytes { bytes.append(contentsOf: $0) }
            }
            return try Value(rawBytes: bytes, elementType: elementType, shape: shape)
        } catch {
            throw .internal("input '\(name)': could not make the batched tensor: \(error)")
        }
    }

    /// Splits `value` along dimension 0 into consecutive pieces of `rows[i]` rows.
    /// - Parameters:
    ///   - value: A batch output; its first dimension must be the sum of `rows`.
    ///   - rows: How many rows each request sent, in batch order.
    ///   - name: The output name, for error messages.
    /// - Returns: One tensor per request, shaped `[rows[i]] + value.shape.dropFirst()`.
    /// - Throws: ``ServingError/internal(_:)`` when the output has no batch dimension of the right size (the model
    ///   does not keep rows apart) or ONNX Runtime cannot make a tensor.
    static func split(_ value: Value, rows: [Int], name: String) throws(ServingError) -> [Value] {
        guard value.isTensor, let elementType = value.elementType, let datatype = DataType(elementType) else {
            throw .internal("output '\(name)' is a \(value.type.typeString), which cannot be split into requests")
        }
        let shape = value.shape
        let total = rows.reduce(0, +)
        guard let first = shape.first, first == total else {
            throw .internal(
                "output '\(name)' has shape \(shape), but the batch has \(total) rows: with max_batch_size > 0 every "
                    + "output's first dimension must be the batch")
        }
        guard rows.count > 1 else { return [value] }
        let inner = Array(shape.dropFirst())
        let rowElements = inner.reduce(1, *)
        do {
            var pieces: [Value] = []
            pieces.reserveCapacity(rows.count)
            if datatype == .bytes {
                try Tensor<[UInt8]>(value).withUnsafeElements { elements in
                    var offset = 0
                    for count in rows {
                        let end = offset + count * rowElements
                        pieces.append(try Tensor<[UInt8]>(elements[offset..<end], shape: [count] + inner).value)
                        offset = end
                    }
                }
                return pieces
            }
            let rowBytes = rowElements * (datatype.elementSize ?? 1)
            try value.withUnsafeRawBytes { raw in
                var offset = 0
                for count in rows {
                    let end = offset + count * rowBytes
                    pieces.append(
                        try Value(
                            rawBytes: UnsafeRawBufferPointer(rebasing: raw[offset..<end]), elementType: elementType,
                            shape: [count] + inner))
                    offset = end
                }
            }
            return pieces
        } catch {
            throw .internal("output '\(name)': could not split the batch: \(error)")
        }
    }
}
#endif
