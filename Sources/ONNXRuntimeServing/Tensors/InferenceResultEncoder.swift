#if Server
import ONNXRuntime

/// Turns a run's outputs into an ``InferenceResult``: every selected output as raw bytes, whatever its
/// `binary_data` flag says (the gRPC protocol returns raw contents, as Triton's gRPC endpoint does), except outputs
/// written to shared memory, which have no data and carry their shared memory parameters instead.
enum InferenceResultEncoder {
    static func encode(plan: InferencePlan, outputs: some OutputValues, modelName: String, modelVersion: String)
        throws(ServingError) -> InferenceResult
    {
        var encoded: [InferenceResult.Output] = []
        encoded.reserveCapacity(plan.outputs.count)
        for planned in plan.outputs {
            let name = planned.spec.name
            guard var value = outputs[name] else {
                throw .internal("the model did not produce output '\(name)'")
            }
            if let count = planned.classification {
                value = try Classification.classify(
                    value, count: count, batched: plan.batching, labels: planned.labels, output: name)
            }
            guard value.isTensor, let elementType = value.elementType, let datatype = DataType(elementType) else {
                throw .internal("output '\(name)' is a \(value.type.typeString), which has no KServe V2 datatype")
            }
            if let target = planned.sharedMemory {
                let written = try SharedMemoryTensorData.write(value, datatype: datatype, to: target, name: name)
                var output = InferenceResult.Output(name: name, datatype: datatype, shape: value.shape, data: [])
                output.parameters = target.responseParameters(written: written).objectValue
                encoded.append(output)
                continue
            }
            var data: [UInt8] = []
            do {
                try InferenceResponseEncoder.appendBinary(value, datatype: datatype, to: &data)
            } catch {
                throw .internal("output '\(name)': could not read the tensor: \(error)")
            }
            let shape = try planned.clientShape(of: value, batched: plan.batching)
            encoded.append(InferenceResult.Output(name: name, datatype: datatype, shape: shape, data: data))
        }
        return InferenceResult(
            modelName: modelName, modelVersion: modelVersion, id: plan.request.id,
            parameters: plan.request.parameters, outputs: encoded)
    }
}
#endif
