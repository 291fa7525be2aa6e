#if Server && Client
import Foundation
import HTTPTypes
import HummingbirdTesting
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// Ensembles (`platform: "ensemble"`, `ensemble_scheduling`) of three generated models: add_f32 (C = A + B),
/// batch_affine (y = x @ [[1,-2],[3,0],[-1,4]] + [0.5,-0.25], s = row sums of x) and batch_identity_float32. The
/// expected values are worked out by hand in the comments.
@Suite("Ensembles: steps, load-time validation, composing models, unload_dependents")
struct EnsembleTests {
    /// IN -> add(A: IN, B: IN) -> doubled -> affine -> OUT (y), SUM (s); IN -> ident -> COPY. Steps 1 and 3 run in
    /// the same wave.
    static let pipeline = """
        name: "pipeline"
        platform: "ensemble"
        max_batch_size: 0
        input [ { name: "IN" data_type: TYPE_FP32 dims: [ -1, 3 ] } ]
        output [ { name: "OUT" data_type: TYPE_FP32 dims: [ -1, 2 ] },
                 { name: "SUM" data_type: TYPE_FP32 dims: [ -1 ] },
                 { name: "COPY" data_type: TYPE_FP32 dims: [ -1, 3 ] } ]
        ensemble_scheduling {
          step [
            { model_name: "add" model_version: -1
              input_map { key: "A" value: "IN" } input_map { key: "B" value: "IN" }
              output_map { key: "C" value: "doubled" } },
            { model_name: "affine" model_version: 1
              input_map { key: "x" value: "doubled" }
              output_map { key: "y" value: "OUT" } output_map { key: "s" value: "SUM" } },
            { model_name: "ident" input_map { key: "x" value: "IN" } output_map { key: "y" value: "COPY" } }
          ]
        }
        """

    /// IN -> ident -> COPY, a second ensemble that shares `ident`.
    static let copier = """
        platform: "ensemble"
        input [ { name: "IN" data_type: TYPE_FP32 dims: [ -1, 3 ] } ]
        output [ { name: "COPY" data_type: TYPE_FP32 dims: [ -1, 3 ] } ]
        ensemble_scheduling { step [ { model_name: "ident" input_map { key: "x" value: "IN" }
                                       output_map { key: "y" value: "COPY" } } ] }
        """

    /// IN rows [1, 2, 3] and [-0.5, 0.25, 4].
    static let input: [Double] = [1, 2, 3, -0.5, 0.25, 4]
    /// doubled = [2, 4, 6], [-1, 0.5, 8]; y = doubled @ W + b:
    /// [2 + 12 - 6 + 0.5, -4 + 24 - 0.25] = [8.5, 19.75]; [-1 + 1.5 - 8 + 0.5, 2 + 32 - 0.25] = [-7, 33.75].
    static let out: [Double] = [8.5, 19.75, -7, 33.75]
    /// Row sums of doubled: 12 and 7.5.
    static let sum: [Double] = [12, 7.5]

    /// A repository with the composing models (no configuration: their shapes come from the models) and `ensembles`,
    /// each with an empty version directory.
    static func repository(_ ensembles: [String: String]) throws -> TemporaryRepository {
        let repository = try TemporaryRepository()
        try repository.add("add", file: ServerFixtures.model("add_f32"))
        try repository.add("affine", file: ServerFixtures.model("batch_affine"))
        try repository.add("ident", file: ServerFixtures.model("batch_identity_float32"))
        for (name, config) in ensembles {
            try repository.addEnsemble(name, config: config)
        }
        return repository
    }

    static func pipelineRequest() -> InferenceTestRequest {
        var request = InferenceTestRequest(id: "ensemble-1")
        request.add("IN", "FP32", [2, 3], json: .doubles(input))
        return request
    }

    @Test("the pipeline computes through its three steps over REST; metadata, config and statistics per model")
    func pipelineOverREST() async throws {
        let repository = try Self.repository(["pipeline": Self.pipeline])
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            let response = try await client.infer("pipeline", Self.pipelineRequest())
            #expect(response.status == .ok, "\(response.errorMessage)")
            #expect(response.json["model_name"] == .string("pipeline"))
            #expect(response.json["id"] == .string("ensemble-1"))
            #expect(response.output("OUT")?["shape"] == .ints([2, 2]))
            #expect(response.output("OUT")?["data"]?.doubles == Self.out)
            #expect(response.output("SUM")?["data"]?.doubles == Self.sum)
            #expect(response.output("COPY")?["data"]?.doubles == Self.input)

            // Only what is asked for, in binary.
            var binary = Self.pipelineRequest()
            binary.output("SUM", binary: true)
            let selected = try await client.infer("pipeline", binary)
            #expect(selected.json["outputs"]?.arrayValue?.count == 1)
            #expect(selected.binary["SUM"] == LittleEndian.floats([12, 7.5]))

            let (_, metadata) = try await client.getJSON("/v2/models/pipeline")
            #expect(metadata["platform"] == .string("ensemble"))
            #expect(metadata["inputs"]?.arrayValue?.first?["shape"] == .ints([-1, 3]))
            let (_, config) = try await client.getJSON("/v2/models/pipeline/config")
            #expect(config["platform"] == .string("ensemble"))
            #expect(config["backend"] == .string(""))
            let steps = config["ensemble_scheduling"]?["step"]?.arrayValue ?? []
            #expect(steps.count == 3)
            #expect(steps.first?["model_name"] == .string("add"))
            #expect(steps.first?["input_map"] == .object(["A": .string("IN"), "B": .string("IN")]))
            #expect(steps.dropFirst().first?["model_version"] == .number(.int(1)))
        }
        // Two requests: each step ran twice on its own model, and the ensemble counts its own two.
        _ = await CoreInference.infer(server.engine, "pipeline", Self.pipelineRequest())
        for model in ["add", "affine", "ident", "pipeline"] {
            let statistics = try CoreInference.statistics(server.engine, model)
            #expect(statistics.success.count == 3, "\(model)")
            #expect(statistics.executionCount == 3, "\(model)")
            #expect(statistics.fail.count == 0, "\(model)")
        }
        let ensemble = try CoreInference.statistics(server.engine, "pipeline")
        let affine = try CoreInference.statistics(server.engine, "affine")
        // The ensemble's compute time includes each of its steps' (Triton adds them up).
        #expect(ensemble.computeInfer.ns >= affine.computeInfer.ns)
        #expect(ensemble.queue.ns == 0)
    }

    @Test("the transport-neutral (gRPC) path gives the same raw bytes")
    func pipelineResult() async throws {
        let repository = try Self.repository(["pipeline": Self.pipeline])
        let server = await ServerFixtures.server(repository)
        let result = try await server.engine.inferResult(model: "pipeline", version: nil) { _ throws(ServingError) in
            let body = Array(
                #"{"inputs":[{"name":"IN","datatype":"FP32","shape":[2,3],"data":[1,2,3,-0.5,0.25,4]}]}"#.utf8)
            return try InferenceRequest(body: body, headerLength: nil)
        }
        #expect(result.modelName == "pipeline")
        #expect(result.outputs.map(\.name) == ["OUT", "SUM", "COPY"])
        #expect(result.outputs[0].data == LittleEndian.floats(Self.out.map(Float.init)))
        #expect(result.outputs[1].data == LittleEndian.floats(Self.sum.map(Float.init)))
        #expect(result.outputs[1].shape == [2])
    }

    @Test("a composing model with dynamic batching batches the steps of concurrent ensemble requests")
    func dynamicBatchingInsideAnEnsemble() async throws {
        let repository = try Self.repository([
            "batched": """
            platform: "ensemble"
            max_batch_size: 4
            input [ { name: "IN" data_type: TYPE_FP32 dims: [ 3 ] } ]
            output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] } ]
            ensemble_scheduling { step [ { model_name: "affine" input_map { key: "x" value: "IN" }
                                           output_map { key: "y" value: "OUT" } output_map { key: "s" value: "S" } },
                                         { model_name: "sink" input_map { key: "x" value: "S" }
                                           output_map { key: "y" value: "unused" } } ] }
            """
        ])
        _ = repository
        // A configuration for affine (batching, a long delay, batches of 2), and the ensemble without the sink step.
        try repository.writeConfig(
            "affine",
            """
            max_batch_size: 8
            dynamic_batching { preferred_batch_size: [ 2 ] max_queue_delay_microseconds: 5000000 }
            """)
        try repository.writeConfig(
            "batched",
            """
            platform: "ensemble"
            max_batch_size: 4
            input [ { name: "IN" data_type: TYPE_FP32 dims: [ 3 ] } ]
            output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] }, { name: "S" data_type: TYPE_FP32 dims: [ ] } ]
            ensemble_scheduling { step [ { model_name: "affine" input_map { key: "x" value: "IN" }
                                           output_map { key: "y" value: "OUT" } output_map { key: "s" value: "S" } } ] }
            """)
        let server = await ServerFixtures.server(repository)
        let rows: [[Double]] = [[1, 2, 3], [0, 0, 1]]
        let requests = rows.map { row in
            var request = InferenceTestRequest()
            request.add("IN", "FP32", [1, 3], json: .doubles(row))
            return request
        }
        let replies = await CoreInference.inferConcurrently(server.engine, "batched", requests)
        // [1, 2, 3] @ W + b = [1 + 6 - 3 + 0.5, -2 + 12 - 0.25] = [4.5, 9.75]; [0, 0, 1] -> [-1 + 0.5, 4 - 0.25].
        #expect(replies[0].status == 200, "\(replies[0].error)")
        #expect(replies[0].output("OUT")?["data"]?.doubles == [4.5, 9.75])
        #expect(replies[1].output("OUT")?["data"]?.doubles == [-0.5, 3.75])
        #expect(replies[1].output("S")?["data"]?.doubles == [1])
        let affine = try CoreInference.statistics(server.engine, "affine")
        #expect(CoreInference.batchCounts(affine) == [2: 1])
        #expect(affine.inferenceCount == 2)
        let ensemble = try CoreInference.statistics(server.engine, "batched")
        #expect(ensemble.executionCount == 2)
        #expect(ensemble.inferenceCount == 2)
    }

    @Test("BYTES pass between steps byte for byte, non-UTF-8 and NULs included, even for a JSON-only request")
    func bytesBetweenSteps() async throws {
        let repository = try Self.repository([
            "strings": """
            platform: "ensemble"
            input [ { name: "IN" data_type: TYPE_STRING dims: [ -1, 3 ] } ]
            output [ { name: "OUT" data_type: TYPE_STRING dims: [ -1, 3 ] } ]
            ensemble_scheduling { step [
              { model_name: "sident" input_map { key: "x" value: "IN" } output_map { key: "y" value: "mid" } },
              { model_name: "sident" input_map { key: "x" value: "mid" } output_map { key: "y" value: "OUT" } } ] }
            """
        ])
        try repository.add("sident", file: ServerFixtures.model("batch_identity_string"))
        let server = await ServerFixtures.server(repository)
        let elements: [[UInt8]] = [[0xFF, 0x00, 0x41], [], Array("plain".utf8)]
        var request = InferenceTestRequest(parameters: ["binary_data_output": .bool(false)])
        request.add("IN", "BYTES", [1, 3], binary: LittleEndian.byteStrings(elements))
        request.output("OUT", binary: true)
        let reply = await CoreInference.infer(server.engine, "strings", request)
        #expect(reply.status == 200, "\(reply.error)")
        #expect(reply.binary["OUT"] == LittleEndian.byteStrings(elements))
        #expect(try CoreInference.statistics(server.engine, "sident").success.count == 2)
    }

    /// Bad ensembles, each with the reason the index must give (Triton's wording where Triton has one).
    static let invalid: [(name: String, config: String, reason: String)] = [
        (
            "e_unknown", step("nope", inputs: ["x": "IN"], outputs: ["y": "COPY"]),
            "ensemble e_unknown contains models that are not available or ambiguous: nope (not in the model repository)"
        ),
        ("e_cycle_a", step("e_cycle_b", inputs: ["IN": "IN"], outputs: ["COPY": "COPY"]), ""),
        (
            "e_cycle_b", step("e_cycle_a", inputs: ["IN": "IN"], outputs: ["COPY": "COPY"]),
            "circular dependency between ensembles: e_cycle_b -> e_cycle_a -> e_cycle_b"
        ),
        (
            "e_self", step("e_self", inputs: ["IN": "IN"], outputs: ["COPY": "COPY"]),
            "circular dependency between ensembles: e_self -> e_self"
        ),
        (
            "e_unmapped", step("add", inputs: ["A": "IN"], outputs: ["C": "COPY"]),
            "in ensemble e_unmapped, input B in model add is not mapped to any ensemble tensors"
        ),
        (
            "e_bad_input", step("ident", inputs: ["Q": "IN"], outputs: ["y": "COPY"]),
            "in ensemble e_bad_input, ensemble tensor IN is mapping to non-existing input Q in model ident"
        ),
        (
            "e_bad_output", step("ident", inputs: ["x": "IN"], outputs: ["z": "COPY"]),
            "in ensemble e_bad_output, ensemble tensor COPY is mapped from non-existing output z in model ident"
        ),
        (
            "e_unused_input",
            step(
                "ident", inputs: ["x": "IN"], outputs: ["y": "COPY"],
                extraInput: #"{ name: "EXTRA" data_type: TYPE_FP32 dims: [ 1 ] }"#),
            "ensemble input 'EXTRA' for ensemble e_unused_input' is not used"
        ),
        (
            "e_not_written",
            step(
                "ident", inputs: ["x": "IN"], outputs: ["y": "COPY"],
                extraOutput: #"{ name: "OTHER" data_type: TYPE_FP32 dims: [ -1, 3 ] }"#),
            "output 'OTHER' for ensemble 'e_not_written' is not written"
        ),
        (
            "e_datatype", step("ident", inputs: ["x": "IN"], outputs: ["y": "COPY"], inputType: "TYPE_INT32"),
            "in ensemble e_datatype, ensemble tensor IN: inconsistent data type: TYPE_INT32 is inferred from model "
                + "e_datatype while TYPE_FP32 is inferred from model ident"
        ),
        (
            "e_shape", step("ident", inputs: ["x": "IN"], outputs: ["y": "COPY"], inputDims: "[ -1, 4 ]"),
            "in ensemble e_shape, ensemble tensor IN: inconsistent shape: [-1,4] is inferred from model e_shape "
                + "while [-1,3] is inferred from model ident"
        ),
        (
            "e_batch", step("ident", inputs: ["x": "IN"], outputs: ["y": "COPY"], maxBatchSize: 4, inputDims: "[ 3 ]"),
            "ensemble e_batch allows maximum batch size 4, but it contains model ident which only allows maximum "
                + "batch size to be 0"
        ),
        (
            "e_version", step("ident", version: 2, inputs: ["x": "IN"], outputs: ["y": "COPY"]),
            "ensemble 'e_version' depends on 'ident' whose required version 2 is not loaded"
        ),
        (
            "e_output_shape", step("affine", inputs: ["x": "IN"], outputs: ["y": "COPY", "s": "spare"]),
            "in ensemble e_output_shape, ensemble tensor COPY: inconsistent shape: [-1,2] is inferred from model "
                + "affine while [-1,3] is inferred from model e_output_shape"
        ),
        (
            "e_spare",
            """
            platform: "ensemble"
            input [ { name: "IN" data_type: TYPE_FP32 dims: [ -1, 3 ] } ]
            output [ { name: "OUT" data_type: TYPE_FP32 dims: [ -1, 2 ] } ]
            ensemble_scheduling { step [ { model_name: "affine" input_map { key: "x" value: "IN" }
                                           output_map { key: "y" value: "OUT" } output_map { key: "s" value: "spare" } } ] }
            """,
            "ensemble tensor 'spare' is unused in ensemble 'e_spare'"
        ),
        (
            "e_twice",
            """
            platform: "ensemble"
            input [ { name: "IN" data_type: TYPE_FP32 dims: [ -1, 3 ] } ]
            output [ { name: "COPY" data_type: TYPE_FP32 dims: [ -1, 3 ] } ]
            ensemble_scheduling { step [
              { model_name: "ident" input_map { key: "x" value: "IN" } output_map { key: "y" value: "COPY" } },
              { model_name: "ident" input_map { key: "x" value: "IN" } output_map { key: "y" value: "COPY" } } ] }
            """,
            "ensemble tensor 'COPY' can appear in an output map only once for ensemble 'e_twice' (steps 1 and 2 "
                + "write it)"
        ),
        (
            "e_loop",
            """
            platform: "ensemble"
            input [ { name: "IN" data_type: TYPE_FP32 dims: [ -1, 3 ] } ]
            output [ { name: "OUT" data_type: TYPE_FP32 dims: [ -1, 3 ] } ]
            ensemble_scheduling { step [
              { model_name: "ident" input_map { key: "x" value: "t2" } output_map { key: "y" value: "t1" } },
              { model_name: "add" input_map { key: "A" value: "t1" } input_map { key: "B" value: "IN" }
                output_map { key: "C" value: "t2" } },
              { model_name: "ident" input_map { key: "x" value: "t1" } output_map { key: "y" value: "OUT" } } ] }
            """,
            "in ensemble e_loop, the steps form a cycle through their tensors: step 1 (model 'ident'), step 2 "
                + "(model 'add'), step 3 (model 'ident') each wait for another's output"
        ),
        (
            "e_dangling",
            step("ident", inputs: ["x": "nowhere"], outputs: ["y": "COPY"]),
            "in ensemble e_dangling, step 1 (model 'ident') reads ensemble tensor 'nowhere', which is neither an input "
                + "of the ensemble nor written by a step"
        ),
        (
            "e_broken_step", step("broken", inputs: ["x": "IN"], outputs: ["y": "COPY"]),
            "ensemble e_broken_step contains models that are not available or ambiguous: broken ("
        ),
        (
            "e_no_steps", #"platform: "ensemble" input [ { name: "IN" data_type: TYPE_FP32 dims: [ 1 ] } ]"#,
            "ensemble scheduling must be set for ensemble e_no_steps whose platform is ensemble"
        ),
        (
            "e_instances",
            step("ident", inputs: ["x": "IN"], outputs: ["y": "COPY"]) + "\ninstance_group [ { count: 2 } ]",
            "instance group should not be specified for ensemble 'e_instances'"
        ),
        (
            "e_no_platform",
            #"ensemble_scheduling { step [ { model_name: "ident" input_map { key: "x" value: "IN" } "#
                + #"output_map { key: "y" value: "COPY" } } ] }"#,
            "'ensemble_scheduling' is only for ensembles: set platform: \"ensemble\""
        ),
        (
            "e_no_model_name",
            #"platform: "ensemble" input [ { name: "IN" data_type: TYPE_FP32 dims: [ 1 ] } ] "#
                + #"output [ { name: "O" data_type: TYPE_FP32 dims: [ 1 ] } ] "#
                + #"ensemble_scheduling { step [ { input_map { key: "x" value: "IN" } } ] }"#,
            "must specify 'model_name' in step 1 of the ensemble"
        ),
        (
            "e_no_output_map",
            #"platform: "ensemble" input [ { name: "IN" data_type: TYPE_FP32 dims: [ 1 ] } ] "#
                + #"output [ { name: "O" data_type: TYPE_FP32 dims: [ 1 ] } ] "#
                + #"ensemble_scheduling { step [ { model_name: "ident" input_map { key: "x" value: "IN" } } ] }"#,
            "must specify 'output_map' in step 1 of the ensemble"
        ),
        (
            "e_custom_ops",
            step("ident", inputs: ["x": "IN"], outputs: ["y": "COPY"])
                + "\n" + #"model_operations { op_library_filename: "/lib/x.so" }"#,
            "model_operations should not be specified for ensemble 'e_custom_ops'"
        ),
    ]

    /// A one-step ensemble: IN (FP32 [-1, 3]) -> `model` -> COPY (FP32 [-1, 3]).
    static func step(
        _ model: String, version: Int = -1, inputs: [String: String], outputs: [String: String],
        extraInput: String? = nil, extraOutput: String? = nil, inputType: String = "TYPE_FP32", maxBatchSize: Int = 0,
        inputDims: String = "[ -1, 3 ]"
    ) -> String {
        let outputDims = maxBatchSize > 0 ? "[ 3 ]" : "[ -1, 3 ]"
        let inputMap = inputs.sorted { $0.key < $1.key }.map {
            #"input_map { key: "\#($0.key)" value: "\#($0.value)" }"#
        }
        let outputMap = outputs.sorted { $0.key < $1.key }.map {
            #"output_map { key: "\#($0.key)" value: "\#($0.value)" }"#
        }
        return """
            platform: "ensemble"
            max_batch_size: \(maxBatchSize)
            input [ { name: "IN" data_type: \(inputType) dims: \(inputDims) }\(extraInput.map { ", \($0)" } ?? "") ]
            output [ { name: "COPY" data_type: TYPE_FP32 dims: \(outputDims) }\(extraOutput.map { ", \($0)" } ?? "") ]
            ensemble_scheduling { step [ { model_name: "\(model)" model_version: \(version)
              \(inputMap.joined(separator: " ")) \(outputMap.joined(separator: " ")) } ] }
            """
    }

    @Test("each invalid ensemble is UNAVAILABLE with its reason in the index, and requests to it say so")
    func invalidEnsembles() async throws {
        var ensembles: [String: String] = [:]
        for invalid in Self.invalid { ensembles[invalid.name] = invalid.config }
        ensembles["pipeline"] = Self.pipeline
        let repository = try Self.repository(ensembles)
        try repository.add("broken", bytes: Array("not a model".utf8))
        let server = await ServerFixtures.server(repository)
        let index = await server.engine.repositoryIndex(readyOnly: false)
        func entry(_ name: String) -> RepositoryIndexEntry? { index.first { $0.name == name } }
        #expect(entry("pipeline")?.state == .ready)
        for invalid in Self.invalid {
            let found = entry(invalid.name)
            #expect(found?.state == .unavailable, "\(invalid.name)")
            let reason = found?.reason ?? ""
            if invalid.reason.isEmpty {
                #expect(reason.contains("circular dependency between ensembles"), "\(invalid.name): \(reason)")
            } else {
                #expect(reason.contains(invalid.reason), "\(invalid.name): \(reason)")
            }
        }
        let reply = await CoreInference.infer(server.engine, "e_shape", Self.pipelineRequest())
        #expect(reply.status == 503)
        #expect(reply.error.contains("inconsistent shape"), "\(reply.error)")
    }

    @Test("explicit mode: loading an ensemble loads its steps; unload_dependents unloads those no one else needs")
    func explicitModeAndUnloadDependents() async throws {
        let repository = try Self.repository(["pipeline": Self.pipeline, "copier": Self.copier])
        let server = await ServerFixtures.server(repository, controlMode: .explicit)
        let engine = server.engine
        func ready() async -> [String] {
            await engine.repositoryIndex(readyOnly: true).map(\.name).sorted()
        }
        #expect(await ready() == [])
        try await engine.loadModel("pipeline")
        #expect(await ready() == ["add", "affine", "ident", "pipeline"])
        try await engine.loadModel("copier")
        #expect(await ready() == ["add", "affine", "copier", "ident", "pipeline"])
        // Loading copier found ident loaded and left it alone: its statistics go on.
        _ = await CoreInference.infer(engine, "pipeline", Self.pipelineRequest())
        #expect(try CoreInference.statistics(engine, "ident").success.count == 1)

        // ident is still used by copier; add and affine go with the pipeline.
        try await engine.unloadModel("pipeline", parameters: ["unload_dependents": .bool(true)])
        #expect(await ready() == ["copier", "ident"])
        try await engine.unloadModel("copier", parameters: ["unload_dependents": .bool(true)])
        #expect(await ready() == [])

        // A model loaded for itself stays when an ensemble that uses it is unloaded with its dependents.
        try await engine.loadModel("ident")
        try await engine.loadModel("copier")
        try await engine.unloadModel("copier", parameters: ["unload_dependents": .bool(true)])
        #expect(await ready() == ["ident"])

        // Without unload_dependents the composing models stay; a step whose model is gone names the step.
        try await engine.loadModel("pipeline")
        try await engine.unloadModel("pipeline")
        #expect(await ready() == ["add", "affine", "ident"])
        try await engine.loadModel("pipeline")
        try await engine.unloadModel("affine")
        let reply = await CoreInference.infer(engine, "pipeline", Self.pipelineRequest())
        #expect(reply.status == 503)
        #expect(
            reply.error.hasPrefix(
                "ensemble 'pipeline' step 2 (model 'affine'): Request for unknown model: 'affine' version 1 is not at "
                    + "ready state"), "\(reply.error)")
        #expect(try CoreInference.statistics(engine, "pipeline").fail.count == 1)

        // A bad parameter.
        await #expect(throws: ServingError.self) {
            try await engine.unloadModel("pipeline", parameters: ["unload_dependents": .string("yes")])
        }
    }

    @Test("REST: unload_dependents in the unload body; the extension is listed")
    func unloadDependentsOverREST() async throws {
        let repository = try Self.repository(["copier": Self.copier])
        let server = await ServerFixtures.server(repository, controlMode: .explicit)
        try await ServerFixtures.withClient(server) { (client) async throws in
            #expect(try await client.postJSON("/v2/repository/models/copier/load", nil).0 == .ok)
            var request = InferenceTestRequest()
            request.add("IN", "FP32", [1, 3], json: .doubles([1, 2, 3]))
            #expect(try await client.infer("copier", request).output("COPY")?["data"]?.doubles == [1, 2, 3])
            let (status, body) = try await client.postJSON(
                "/v2/repository/models/copier/unload",
                .object(["parameters": .object(["unload_dependents": .bool(true)])]))
            #expect(status == .ok, "\(body)")
            let (_, ident) = try await client.getJSON("/v2/models/ident/ready")
            #expect(ident["ready"] == .bool(false))
            let (_, metadata) = try await client.getJSON("/v2")
            #expect(
                metadata["extensions"]?.arrayValue?.contains(.string("model_repository(unload_dependents)")) == true)
        }
    }
}
#endif
