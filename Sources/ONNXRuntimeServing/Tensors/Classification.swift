#if Server
import ONNXRuntime

/// Triton's classification extension: an output requested with the parameter `classification: N` comes back as a
/// BYTES tensor of its N highest-valued elements, each `"<value>:<index>"` (index within the row), highest first;
/// for a batching model one row of N per request row (shape `[batch, N]`), otherwise over the whole tensor (`[N]`).
/// When the output has labels (`label_filename` in its configuration), each is `"<value>:<index>:<label>"` for the
/// indices the file has a line for.
/// N larger than the elements available returns them all. Ties keep the lower index first; NaN ranks last.
enum Classification {
    /// The class count an output's parameters ask for, if any.
    /// - Throws: 400 unless it is a positive integer.
    static func count(_ parameters: JSONObject, output: String) throws(ServingError) -> Int? {
        guard let value = parameters["classification"] else { return nil }
        guard let count = value.int64Value, count > 0, count <= Int64(Int32.max) else {
            throw .badRequest(
                "parameter 'classification' of output '\(output)' must be a positive integer (the number of classes "
                    + "to return)")
        }
        return Int(count)
    }

    /// The classification of `value` as a BYTES tensor.
    /// - Parameters:
    ///   - batched: Whether the model batches (the first dimension is the batch).
    /// - Throws: 400 for an output that is not numeric.
    static func classify(
        _ value: Value, count: Int, batched: Bool, labels: [String]? = nil, output: String
    ) throws(ServingError) -> Value {
        guard let elementType = value.elementType, let datatype = DataType(elementType), datatype != .bytes else {
            throw .badRequest("output '\(output)' is not numeric, so it cannot be returned as a classification")
        }
        let shape = value.shape
        let rows = batched && !shape.isEmpty ? shape[0] : 1
        let total = shape.reduce(1, *)
        let perRow = rows == 0 ? 0 : total / rows
        let kept = min(count, perRow)
        var strings: [String] = []
        strings.reserveCapacity(rows * kept)
        do {
            try value.withUnsafeRawBytes { raw in
                let scores = scores(raw, datatype: datatype)
                for row in 0..<rows {
                    let base = row * perRow
                    for index in top(kept, of: { scores.value(base + $0) }, count: perRow) {
                        if let labels, index < labels.count {
                            strings.append("\(scores.text(base + index)):\(index):\(labels[index])")
                        } else {
                            strings.append("\(scores.text(base + index)):\(index)")
                        }
                    }
                }
            }
            return try Tensor<String>(strings, shape: batched && !shape.isEmpty ? [rows, kept] : [kept]).value
        } catch {
            throw .internal("output '\(output)': could not classify the tensor: \(error)")
        }
    }

    /// Reads element `i` as a comparable number and as the text of the answer.
    private struct Scores {
        let value: (Int) -> Double
        let text: (Int) -> String
    }

    private static func scores(_ raw: UnsafeRawBufferPointer, datatype: DataType) -> Scores {
        func reading<T: BitwiseCopyable>(
            _: T.Type, _ number: @escaping (T) -> Double, _ text: @escaping (T) -> String
        ) -> Scores {
            let stride = MemoryLayout<T>.stride
            let load = { (index: Int) in raw.loadUnaligned(fromByteOffset: index * stride, as: T.self) }
            return Scores(value: { number(load($0)) }, text: { text(load($0)) })
        }
        switch datatype {
        case .bool: return reading(UInt8.self, { Double($0) }, { $0 != 0 ? "true" : "false" })
        case .uint8: return reading(UInt8.self, { Double($0) }, { "\($0)" })
        case .uint16: return reading(UInt16.self, { Double($0) }, { "\($0)" })
        case .uint32: return reading(UInt32.self, { Double($0) }, { "\($0)" })
        // 64-bit integers beyond 2^53 compare through Double: ties there are broken by index.
        case .uint64: return reading(UInt64.self, { Double($0) }, { "\($0)" })
        case .int8: return reading(Int8.self, { Double($0) }, { "\($0)" })
        case .int16: return reading(Int16.self, { Double($0) }, { "\($0)" })
        case .int32: return reading(Int32.self, { Double($0) }, { "\($0)" })
        case .int64: return reading(Int64.self, { Double($0) }, { "\($0)" })
        case .fp16:
            return reading(
                UInt16.self, { Double(Float(Float16(bitPattern: $0))) }, { "\(Float(Float16(bitPattern: $0)))" })
        case .bf16:
            return reading(
                UInt16.self, { Double(Float(bitPattern: UInt32($0) << 16)) },
                { "\(Float(bitPattern: UInt32($0) << 16))" })
        case .fp32: return reading(Float.self, { Double($0) }, { "\($0)" })
        case .fp64: return reading(Double.self, { $0 }, { "\($0)" })
        case .bytes: return Scores(value: { _ in 0 }, text: { _ in "" })
        }
    }

    /// The indices of the `k` highest values among `count`, highest first, lower index first on ties, NaN last.
    private static func top(_ k: Int, of value: (Int) -> Double, count: Int) -> [Int] {
        guard k > 0 else { return [] }
        func ranksBefore(_ a: Int, _ b: Int) -> Bool {
            let (x, y) = (value(a), value(b))
            if x.isNaN || y.isNaN { return !x.isNaN && y.isNaN || (x.isNaN == y.isNaN && a < b) }
            return x > y || (x == y && a < b)
        }
        if k * 8 >= count { return Array((0..<count).sorted(by: ranksBefore).prefix(k)) }
        // A few classes of many: keep the best k seen, in order (insertion into a short sorted list).
        var best: [Int] = []
        best.reserveCapacity(k + 1)
        for index in 0..<count {
            if best.count == k, !ranksBefore(index, best[k - 1]) { continue }
            let position = best.firstIndex { ranksBefore(index, $0) } ?? best.count
            best.insert(index, at: position)
            if best.count > k { best.removeLast() }
        }
        return best
    }
}
#endif
