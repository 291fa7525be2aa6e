#if Server
import ONNXRuntime

/// A `reshape` of a configured input or output: the shape clients see (`dims`) and the shape the model takes or
/// produces (`reshape { shape }`), both without the batch dimension.
///
/// As in Triton, the two hold the same elements in the same order, so a reshape changes only the shape, never the
/// bytes. Each may have variable-size dimensions (`-1`); a tensor's actual sizes for them are carried over in order,
/// from the client's shape into the model's for an input and back for an output. An empty model shape is a tensor
/// that is only its batch dimension (`dims: [1]`, `reshape: { shape: [] }`).
package struct TensorReshape: Sendable, Hashable {
    /// The shape clients see, without the batch dimension (`dims`).
    package var dims: [Int]
    /// The shape the model sees, without the batch dimension (`reshape { shape }`).
    package var shape: [Int]

    /// Creates a reshape.
    package init(dims: [Int], shape: [Int]) {
        self.dims = dims
        self.shape = shape
    }

    /// Why `dims` and `shape` cannot describe the same elements, or `nil` when they can.
    ///
    /// As Triton checks them: dimensions are at least 1 or `-1`; the products of the runs of fixed dimensions between
    /// variable-size ones agree pairwise (so `[2, 4, -1, 6]` and `[8, -1, 1, 6]` fit), which for fixed shapes means
    /// equal element counts; and an empty shape needs a batching model.
    /// - Parameter batching: Whether the model batches (`max_batch_size > 0`).
    package func problem(batching: Bool) -> String? {
        if shape.isEmpty, !batching {
            return "an empty reshape needs max_batch_size > 0 (scalar tensors are not supported)"
        }
        if (dims + shape).contains(where: { $0 < 1 && $0 != -1 }) {
            return "dims and reshape dimensions must be at least 1, or -1 for a variable size"
        }
        guard let dimsRuns = Self.runs(dims), let shapeRuns = Self.runs(shape) else {
            return "dims \(dims) or reshape \(shape) has more elements than this server can count"
        }
        guard dimsRuns.count == shapeRuns.count else {
            return "dims \(dims) and reshape \(shape) have different numbers of variable-size (-1) dimensions"
        }
        guard dimsRuns == shapeRuns else {
            return "dims \(dims) and reshape \(shape) have different element counts"
        }
        return nil
    }

    /// The products of the runs of fixed dimensions, split at each `-1`; `nil` on overflow.
    private static func runs(_ dimensions: [Int]) -> [Int]? {
        var runs: [Int] = []
        var product = 1
        for dimension in dimensions {
            if dimension == -1 {
                runs.append(product)
                product = 1
                continue
            }
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            product = next
        }
        runs.append(product)
        return runs
    }

    /// The shape to give the model for an input the client sent with `clientShape` (which fits `dims`, plus the
    /// batch dimension first when `batched`).
    package func modelShape(forClient clientShape: [Int], batched: Bool) -> [Int] {
        Self.map(clientShape, from: dims, to: shape, batched: batched)
    }

    /// The shape to return to the client for an output the model produced with `modelShape`.
    /// - Returns: `nil` when the model's output does not fit the configured reshape (its rank or a fixed size
    ///   differs, or its element count is not that of the client's shape).
    package func clientShape(forModel modelShape: [Int], batched: Bool) -> [Int]? {
        let offset = batched ? 1 : 0
        guard modelShape.count == shape.count + offset else { return nil }
        for (expected, actual) in zip(shape, modelShape.dropFirst(offset)) where expected >= 0 && expected != actual {
            return nil
        }
        let client = Self.map(modelShape, from: shape, to: dims, batched: batched)
        guard Self.count(client) == Self.count(modelShape) else { return nil }
        return client
    }

    /// Replaces the `-1` dimensions of `to` with the actual sizes of `from`'s `-1` dimensions in `actual`, in order.
    private static func map(_ actual: [Int], from: [Int], to: [Int], batched: Bool) -> [Int] {
        let offset = batched ? 1 : 0
        var variable: [Int] = []
        for (axis, dimension) in from.enumerated() where dimension == -1 && axis + offset < actual.count {
            variable.append(actual[axis + offset])
        }
        var next = variable.makeIterator()
        var result: [Int] = batched ? Array(actual.prefix(1)) : []
        for dimension in to {
            result.append(dimension == -1 ? (next.next() ?? 0) : dimension)
        }
        return result
    }

    private static func count(_ shape: [Int]) -> Int? {
        var product = 1
        for dimension in shape {
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            product = next
        }
        return product
    }
}

extension TensorReshape {
    /// A copy of `value` with another shape holding the same elements: what a `reshape` between an ensemble tensor and
    /// a composing model's own shape takes (ONNX Runtime values cannot change shape in place).
    /// - Throws: ``ServingError/internal(_:)`` when the tensor cannot be read or made.
    static func copy(_ value: Value, shape: [Int], name: String) throws(ServingError) -> Value {
        do {
            guard let elementType = value.elementType else {
                throw ServingError.internal("'\(name)' is a \(value.type.typeString), not a tensor")
            }
            if elementType == .string {
                let elements = try Tensor<[UInt8]>(value).withUnsafeElements { elements in elements.map { Array($0) } }
                return try Tensor<[UInt8]>(elements, shape: shape).value
            }
            return try value.withUnsafeRawBytes { raw in
                try Value(rawBytes: raw, elementType: elementType, shape: shape)
            }
        } catch let error as ServingError {
            throw error
        } catch {
            throw .internal("'\(name)': could not reshape the tensor to \(shape): \(error)")
        }
    }
}
#endif
