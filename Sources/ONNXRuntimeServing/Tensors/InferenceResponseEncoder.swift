#if Server
import ONNXRuntime

/// Writes an inference response (`$inference_response`): the JSON object, then the binary data of the outputs that
/// asked for it, in output order. The outputs are a run's ``RunOutputs`` or, for a request served in a dynamic batch,
/// its own rows (see ``OutputValues``).
enum InferenceResponseEncoder {
    static func encode(
        plan: InferencePlan, outputs: some OutputValues, modelName: String, modelVersion: String
    ) throws(ServingError) -> EncodedInferenceResponse {
        var json = JSONWriter(capacity: 256)
        var binary: [UInt8] = []
        json.writeRaw("{")
        json.write(key: "model_name")
        json.write(string: modelName)
        json.writeRaw(",")
        json.write(key: "model_version")
        json.write(string: modelVersion)
        if let id = plan.request.id {
            json.writeRaw(",")
            json.write(key: "id")
            json.write(string: id)
        }
        if let parameters = plan.request.parameters {
            json.writeRaw(",")
            json.write(key: "parameters")
            json.write(.object(parameters))
        }
        json.writeRaw(",")
        json.write(key: "outputs")
        json.writeRaw("[")
        for (index, planned) in plan.outputs.enumerated() {
            guard var value = outputs[planned.spec.name] else {
                throw .internal("the model did not produce output '\(planned.spec.name)'")
            }
            if let count = planned.classification {
                value = try Classification.classify(
                    value, count: count, batched: plan.batching, labels: planned.labels, output: planned.spec.name)
            }
            if index > 0 { json.writeRaw(",") }
            let shape = try planned.clientShape(of: value, batched: plan.batching)
            try write(value, planned, shape: shape, json: &json, binary: &binary)
        }
        json.writeRaw("]}")
        let headerLength = json.bytes.count
        guard !binary.isEmpty || plan.outputs.contains(where: \.binary) else {
            return EncodedInferenceResponse(body: json.bytes, jsonLength: headerLength, hasBinaryData: false)
        }
        var body = json.bytes
        body.append(contentsOf: binary)
        return EncodedInferenceResponse(body: body, jsonLength: headerLength, hasBinaryData: true)
    }

    private static func write(
        _ value: Value, _ planned: InferencePlan.PlannedOutput, shape: [Int], json: inout JSONWriter,
        binary: inout [UInt8]
    ) throws(ServingError) {
        let name = planned.spec.name
        guard value.isTensor, let elementType = value.elementType, let datatype = DataType(elementType) else {
            throw .internal("output '\(name)' is a \(value.type.typeString), which has no KServe V2 datatype")
        }
        json.writeRaw("{")
        json.write(key: "name")
        json.write(string: name)
        json.writeRaw(",")
        json.write(key: "datatype")
        json.write(string: datatype.rawValue)
        json.writeRaw(",")
        json.write(key: "shape")
        json.writeRaw("[")
        for (axis, dimension) in shape.enumerated() {
            if axis > 0 { json.writeRaw(",") }
            json.write(int: Int64(dimension))
        }
        json.writeRaw("]")
        if let target = planned.sharedMemory {
            let written = try SharedMemoryTensorData.write(value, datatype: datatype, to: target, name: name)
            json.writeRaw(",")
            json.write(key: "parameters")
            json.write(target.responseParameters(written: written))
            json.writeRaw("}")
            return
        }
        do {
            if planned.binary {
                let start = binary.count
                try appendBinary(value, datatype: datatype, to: &binary)
                json.writeRaw(",")
                json.write(key: "parameters")
                json.writeRaw("{")
                json.write(key: "binary_data_size")
                json.write(int: Int64(binary.count - start))
                json.writeRaw("}")
            } else {
                json.writeRaw(",")
                json.write(key: "data")
                try writeJSON(value, datatype: datatype, name: name, json: &json)
            }
        } catch let error as ServingError {
            throw error
        } catch {
            throw .internal("output '\(name)': could not read the tensor: \(error)")
        }
        json.writeRaw("}")
    }

    /// Appends a tensor in the binary layout: BYTES elements as their exact bytes, each after its 4-byte length.
    /// - Throws: ``ServingError`` for a BYTES element of 4 GiB or more (its length does not fit the prefix), or the
    ///   error of reading the tensor.
    static func appendBinary(_ value: Value, datatype: DataType, to binary: inout [UInt8]) throws {
        if datatype == .bytes {
            try Tensor<[UInt8]>(value).withUnsafeElements { (elements) throws(ServingError) in
                binary.reserveCapacity(binary.count + 4 * elements.count + elements.bytes.count)
                for (index, element) in elements.enumerated() {
                    guard UInt32(exactly: element.count) != nil else {
                        throw .internal(
                            "BYTES element \(index) has \(element.count) bytes, more than a 4-byte length prefix can "
                                + "say")
                    }
                    BinaryTensorLayout.appendLength(element.count, to: &binary)
                    binary.append(contentsOf: element)
                }
            }
            return
        }
        try value.withUnsafeRawBytes { raw in binary.append(contentsOf: raw) }
    }

    private static func writeJSON(_ value: Value, datatype: DataType, name: String, json: inout JSONWriter) throws {
        json.writeRaw("[")
        defer { json.writeRaw("]") }
        if datatype == .bytes {
            // A JSON string is text: BYTES that are not UTF-8 can only travel as binary data.
            try Tensor<[UInt8]>(value).withUnsafeElements { (elements) throws(ServingError) in
                for (index, element) in elements.enumerated() {
                    guard let text = String(validating: element, as: UTF8.self) else {
                        throw .badRequest(
                            "output '\(name)': BYTES element \(index) is not valid UTF-8, which a JSON string cannot "
                                + "hold; request the output as binary data (output parameter \"binary_data\": true, "
                                + "or the request parameter \"binary_data_output\": true)")
                    }
                    if index > 0 { json.writeRaw(",") }
                    json.write(string: text)
                }
            }
            return
        }
        try value.withUnsafeRawBytes { raw in
            switch datatype {
            case .bool: each(raw, UInt8.self, &json) { $0.write(bool: $1 != 0) }
            case .uint8: each(raw, UInt8.self, &json) { $0.write(uint: UInt64($1)) }
            case .uint16: each(raw, UInt16.self, &json) { $0.write(uint: UInt64($1)) }
            case .uint32: each(raw, UInt32.self, &json) { $0.write(uint: UInt64($1)) }
            case .uint64: each(raw, UInt64.self, &json) { $0.write(uint: $1) }
            case .int8: each(raw, Int8.self, &json) { $0.write(int: Int64($1)) }
            case .int16: each(raw, Int16.self, &json) { $0.write(int: Int64($1)) }
            case .int32: each(raw, Int32.self, &json) { $0.write(int: Int64($1)) }
            case .int64: each(raw, Int64.self, &json) { $0.write(int: $1) }
            case .fp16: each(raw, UInt16.self, &json) { $0.write(float: Float(Float16(bitPattern: $1))) }
            case .fp32: each(raw, Float.self, &json) { $0.write(float: $1) }
            case .fp64: each(raw, Double.self, &json) { $0.write(double: $1) }
            case .bf16: each(raw, UInt16.self, &json) { $0.write(float: Float(bitPattern: UInt32($1) << 16)) }
            case .bytes: break
            }
        }
    }

    private static func each<T: BitwiseCopyable>(
        _ raw: UnsafeRawBufferPointer, _ type: T.Type, _ json: inout JSONWriter, _ body: (inout JSONWriter, T) -> Void
    ) {
        let stride = MemoryLayout<T>.stride
        let count = raw.count / stride
        for index in 0..<count {
            if index > 0 { json.writeRaw(byte: UInt8(ascii: ",")) }
            body(&json, raw.loadUnaligned(fromByteOffset: index * stride, as: T.self))
        }
    }
}
#endif
