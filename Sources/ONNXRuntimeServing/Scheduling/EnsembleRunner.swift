#if Server
import Logging
import ONNXRuntime

/// Runs an ensemble's steps for one request: each step is an inference request to its composing model, made of the
/// ensemble tensors it reads as ONNX Runtime values (no copy, no re-encoding), and its outputs become ensemble tensors
/// for the steps after it.
///
/// A step goes through its model's own path (``LoadedModel/inferStep(_:logger:)``): its queue, its dynamic batcher
/// (a step's rows join a batch like any request's), its statistics. The steps of one wave of the
/// ``EnsembleSchedule`` run at the same time. Each step's model is looked up when the step runs, so a reloaded
/// composing model serves the next request; one that is no longer loaded fails the step. An error names the step:
/// `ensemble 'e' step 2 (model 'm'): ...`, with the step's own status.
final class EnsembleRunner: Sendable {
    /// The ensemble's name.
    let name: String
    /// The checked steps.
    let schedule: EnsembleSchedule
    private let table: ModelTable

    init(name: String, schedule: EnsembleSchedule, table: ModelTable) {
        self.name = name
        self.schedule = schedule
        self.table = table
    }

    /// The names of the models the steps run, each once.
    var composingModels: [String] {
        var seen: Set<String> = []
        return schedule.steps.map(\.modelName).filter { seen.insert($0).inserted }
    }

    /// Runs the steps on `inputs` (the ensemble's inputs, by name) and returns the ensemble's outputs, by name, with
    /// the sums of the steps' timings.
    /// - Parameters:
    ///   - request: The ensemble's request: its identifier and parameters go to every step (sequence and timeout
    ///     parameters apply to the steps as they would to the models).
    ///   - cancellation: The ensemble request's cancellation: its deadline stops the steps in progress.
    /// - Throws: The first step's error, naming the step.
    func run(
        _ inputs: [String: Value], request: InferenceRequest, cancellation: RequestCancellation, logger: Logger
    ) async throws(ServingError) -> ([String: Value], StatisticsRecorder.Timings) {
        let task = Task { [self] () async -> Result<([String: Value], StatisticsRecorder.Timings), ServingError> in
            var tensors = inputs
            var timings = StatisticsRecorder.Timings()
            for wave in schedule.waves {
                let results: [Result<(Int, [String: Value], StatisticsRecorder.Timings), ServingError>]
                if wave.count == 1 {
                    let step = schedule.steps[wave[0]]
                    results = [await runStep(step, tensors: tensors, request: request, logger: logger)]
                } else {
                    let snapshot = tensors
                    results = await withTaskGroup(
                        of: Result<(Int, [String: Value], StatisticsRecorder.Timings), ServingError>.self
                    ) { group in
                        for index in wave {
                            let step = schedule.steps[index]
                            group.addTask {
                                await self.runStep(step, tensors: snapshot, request: request, logger: logger)
                            }
                        }
                        var collected: [Result<(Int, [String: Value], StatisticsRecorder.Timings), ServingError>] = []
                        for await result in group {
                            if case .failure = result { group.cancelAll() }
                            collected.append(result)
                        }
                        return collected
                    }
                }
                // Results are in the order the steps finished: the first failure is the cause (the others were
                // cancelled because of it).
                for result in results {
                    switch result {
                    case .success(let (_, outputs, stepTimings)):
                        tensors.merge(outputs) { _, new in new }
                        timings.computeInput += stepTimings.computeInput
                        timings.computeInfer += stepTimings.computeInfer
                        timings.computeOutput += stepTimings.computeOutput
                    case .failure(let error):
                        return .failure(error)
                    }
                }
            }
            var outputs: [String: Value] = [:]
            for name in schedule.outputs {
                guard let value = tensors[name] else {
                    return .failure(.internal("ensemble '\(self.name)': no step produced output '\(name)'"))
                }
                outputs[name] = value
            }
            return .success((outputs, timings))
        }
        let result = await cancellation.whileWaiting({ await task.value }, onCancel: { task.cancel() })
        return try result.get()
    }

    /// Runs one step: its model's request, built from the ensemble tensors it reads.
    private func runStep(
        _ step: EnsembleSchedule.Step, tensors: [String: Value], request: InferenceRequest, logger: Logger
    ) async -> Result<(Int, [String: Value], StatisticsRecorder.Timings), ServingError> {
        func failure(_ error: ServingError) -> Result<(Int, [String: Value], StatisticsRecorder.Timings), ServingError>
        {
            .failure(ServingError(error.kind, "ensemble '\(name)' \(step.label): \(error.message)"))
        }
        let model: LoadedModel
        do {
            model = try table.resolve(step.modelName, version: step.version)
        } catch {
            return failure(error)
        }
        var inputs: [InferenceRequest.Input] = []
        inputs.reserveCapacity(step.inputs.count)
        for (modelInput, tensor) in step.inputs {
            guard let value = tensors[tensor], let elementType = value.elementType,
                let datatype = DataType(elementType)
            else {
                return failure(.internal("ensemble tensor '\(tensor)' is missing or is not a tensor"))
            }
            inputs.append(
                InferenceRequest.Input(name: modelInput, datatype: datatype, shape: value.shape, data: .value(value)))
        }
        // As binary data, so that BYTES outputs are allowed whatever the ensemble request asked for its own outputs.
        let outputs = step.outputs.map {
            InferenceRequest.Output(named: $0.model, parameters: ["binary_data": .bool(true)])
        }
        let stepRequest = InferenceRequest(
            id: request.id, parameters: request.parameters, inputs: inputs, outputs: outputs, body: [])
        do {
            let (values, timings) = try await model.inferStep(stepRequest, logger: logger)
            var written: [String: Value] = [:]
            for (modelOutput, tensor) in step.outputs {
                guard let value = values[modelOutput] else {
                    return failure(.internal("the model did not produce output '\(modelOutput)'"))
                }
                written[tensor] = value
            }
            return .success((step.number, written, timings))
        } catch {
            return failure(error)
        }
    }
}
#endif
