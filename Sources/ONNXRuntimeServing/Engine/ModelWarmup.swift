#if Server
import Foundation
import ONNXRuntime

/// Runs a model's `model_warmup` samples on each of its instances, at load time, before the model is published.
///
/// Each sample becomes an ordinary inference request (so it is checked as a client's would be: input names,
/// datatypes, shapes, byte counts, `reshape`) and runs straight on each instance's session: not through the queue,
/// and not counted in the statistics. The first problem fails the load with a reason that names the sample.
enum ModelWarmup {
    /// Runs every sample of `model.config.warmup` on every instance. Blocking; call it through ``BlockingWork``.
    /// - Parameter folder: The model's directory, where the `warmup/` folder is.
    /// - Throws: ``ModelLoader/LoadFailure`` naming the sample and what went wrong.
    static func run(_ model: LoadedModel, folder: String?) throws(ModelLoader.LoadFailure) {
        for sample in model.config.warmup where sample.batchSize > 0 {
            let failure = { (reason: String) in
                ModelLoader.LoadFailure("model_warmup sample '\(sample.name)' failed: \(reason)")
            }
            let plans: [InferencePlan]
            do throws(ServingError) {
                plans = try self.plans(sample, model: model, folder: folder)
            } catch {
                throw failure(error.message)
            }
            let outputs = model.signature.outputs.map(\.name)
            for instance in model.instances {
                for _ in 0..<max(1, sample.count) {
                    for plan in plans {
                        do {
                            let inputs = try plan.makeInputs()
                            _ = try instance.session.run(
                                inputs, outputs: outputs,
                                options: RunOptions(configEntries: instance.runConfigEntries))
                        } catch let error as ServingError {
                            throw failure(error.message)
                        } catch let error as ORTError {
                            throw failure("ONNX Runtime failed: \(error.description)")
                        } catch {
                            throw failure("\(error)")
                        }
                    }
                }
            }
        }
    }

    /// The requests one run of a sample makes: for a batching model one request of `batch_size` identical rows, for
    /// another `batch_size` requests.
    static func plans(_ sample: ModelConfig.Warmup, model: LoadedModel, folder: String?) throws(ServingError)
        -> [InferencePlan]
    {
        let batching = model.signature.maxBatchSize > 0
        let rows = batching ? sample.batchSize : 1
        if batching, sample.batchSize > model.signature.maxBatchSize {
            throw .badRequest(
                "batch_size \(sample.batchSize) is more than the model's max_batch_size \(model.signature.maxBatchSize)"
            )
        }
        var body: [UInt8] = []
        var inputs: [InferenceRequest.Input] = []
        for input in sample.inputs {
            guard let spec = model.signature.input(named: input.name) else {
                throw .badRequest(
                    "the model has no input named '\(input.name)'; its inputs are "
                        + model.signature.inputs.map { "'\($0.name)'" }.joined(separator: ", "))
            }
            guard input.datatype == spec.datatype else {
                throw .badRequest(
                    "input '\(input.name)' is given as \(input.datatype.configName), but the model's is "
                        + spec.datatype.configName)
            }
            // The element count against the server's limit first, so that no sample allocates more than a request may.
            let shape = (batching ? [rows] : []) + input.dims
            _ = try InferencePlan.elementCount(
                shape, input: input.name, maximumElements: model.limits.maxTensorElements)
            let maximumBytes = model.limits.maxRequestBytes
            let row = try self.row(input, folder: folder, maximumBytes: maximumBytes)
            // A sample is no larger than a request may be.
            guard row.count <= (maximumBytes - body.count) / rows else {
                throw .badRequest(
                    "the sample's data is larger than the \(maximumBytes) bytes a request may have (--max-request-size)"
                )
            }
            let start = body.count
            for _ in 0..<rows { body += row }
            inputs.append(
                InferenceRequest.Input(
                    name: input.name, datatype: input.datatype, shape: shape, data: .binary(start..<body.count)))
        }
        let request = InferenceRequest(id: nil, parameters: nil, inputs: inputs, outputs: nil, body: body)
        let plan = try InferencePlan(
            request: request, signature: model.signature, maximumElements: model.limits.maxTensorElements)
        return Array(repeating: plan, count: batching ? 1 : sample.batchSize)
    }

    /// The bytes of one row of an input (one request's worth, without the batch dimension), in the binary tensor
    /// data layout.
    private static func row(_ input: ModelConfig.Warmup.Input, folder: String?, maximumBytes: Int)
        throws(ServingError) -> [UInt8]
    {
        // Checked against the server's element limit by the caller.
        let count = input.dims.reduce(1, *)
        let describe = "input '\(input.name)' (\(input.datatype.configName) \(input.dims))"
        switch input.data {
        case .zero, .random:
            guard let size = input.datatype.elementSize else {
                // BYTES: every element empty (a zero length), for random data too, as Triton.
                return Array(repeating: 0, count: count * 4)
            }
            guard case .random = input.data else { return Array(repeating: 0, count: count * size) }
            var generator = SystemRandomNumberGenerator()
            if input.datatype == .bool {
                return (0..<count).map { _ in UInt8.random(in: 0...1, using: &generator) }
            }
            return (0..<(count * size)).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        case .file(let file):
            guard let folder else { throw .badRequest("\(describe): input_data_file '\(file)' has no model folder") }
            let path = ((folder as NSString).appendingPathComponent(ModelConfig.warmupFolder) as NSString)
                .appendingPathComponent(file)
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else {
                throw .badRequest("\(describe): cannot read input_data_file '\(path)'")
            }
            // The size first, so that a file of the wrong size (or a huge one) is refused without being read.
            let expected = input.datatype.elementSize.map { count * $0 }
            if let expected, size != expected {
                throw .badRequest("\(describe) takes \(expected) bytes, but input_data_file '\(path)' has \(size)")
            }
            guard size <= maximumBytes else {
                throw .badRequest(
                    "\(describe): input_data_file '\(path)' is larger than the \(maximumBytes) bytes a request may have"
                )
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .badRequest("\(describe): cannot read input_data_file '\(path)'")
            }
            if let elementSize = input.datatype.elementSize, data.count != count * elementSize {
                throw .badRequest(
                    "\(describe) takes \(count * elementSize) bytes, but input_data_file '\(path)' has "
                        + "\(data.count)")
            }
            // BYTES: the request's checks count the length-prefixed elements.
            return Array(data)
        }
    }
}
#endif
