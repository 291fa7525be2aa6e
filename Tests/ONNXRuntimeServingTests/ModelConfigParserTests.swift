#if Server
import ONNXRuntimeServing
import Testing

@Suite("config.pbtxt parsing")
struct ModelConfigParserTests {
    private func parse(_ text: String) throws(ModelConfigError) -> ModelConfig {
        try ModelConfig.parse(text, file: "m/config.pbtxt", defaultName: "m")
    }

    private func error(_ text: String) -> ModelConfigError? {
        do {
            _ = try parse(text)
            Issue.record("expected an error for:\n\(text)")
            return nil
        } catch {
            return error
        }
    }

    @Test("a full, valid configuration")
    func valid() throws {
        let config = try parse(
            """
            # A Triton configuration with every supported field.
            name: "m"
            platform: "onnxruntime_onnx"
            backend: "onnxruntime"
            max_batch_size: 8
            version_policy: { latest: { num_versions: 2 } }
            input [
              {
                name: "input"
                data_type: TYPE_FP32
                format: FORMAT_NONE
                dims: [ 1, 28, 28 ]
              }
            ]
            output [ { name: "logits", data_type: TYPE_FP32, dims: [ 10 ] },
                     { name: "probabilities" data_type: TYPE_FP32 dims: 10 } ]
            instance_group [ { name: "cpu" count: 2 kind: KIND_CPU } ]
            default_model_filename: 'mnist.onnx'
            dynamic_batching {
              preferred_batch_size: [ 4, 8 ]
              max_queue_delay_microseconds: 100
              preserve_ordering: true
              default_queue_policy { max_queue_size: 5 default_timeout_microseconds: 2000000 }
            }
            optimization { graph { level: 1 } }
            parameters { key: "inter_op_thread_count" value: { string_value: "2" } }
            parameters: { key: "intra_op_thread_count", value: { string_value: "3" } };
            """)
        #expect(config.name == "m")
        #expect(config.maxBatchSize == 8)
        #expect(config.versionPolicy == .latest(numVersions: 2))
        #expect(config.inputs == [.init(name: "input", datatype: .fp32, dims: [1, 28, 28], line: 7)])
        #expect(config.outputs.map(\.name) == ["logits", "probabilities"])
        #expect(config.outputs.map(\.dims) == [[10], [10]])
        #expect(config.instanceGroups == [.init(name: "cpu", kind: "KIND_CPU", count: 2)])
        #expect(config.instanceCount == 2)
        #expect(config.defaultModelFilename == "mnist.onnx")
        #expect(config.dynamicBatching?.preferredBatchSizes == [4, 8])
        #expect(config.dynamicBatching?.maxQueueDelayMicroseconds == 100)
        #expect(config.dynamicBatching?.preserveOrdering == true)
        #expect(config.dynamicBatching?.defaultQueuePolicy?.maxQueueSize == 5)
        #expect(config.maxQueueSize == 5)
        #expect(config.graphOptimizationLevel == 1)
        #expect(config.parameters == ["inter_op_thread_count": "2", "intra_op_thread_count": "3"])
    }

    @Test("defaults: no name takes the directory name; empty file is fine; TYPE_STRING is BYTES")
    func defaults() throws {
        let empty = try parse("")
        #expect(empty.name == "m")
        #expect(empty.versionPolicy == .latest(numVersions: 1))
        #expect(empty.instanceCount == 1)
        #expect(empty.defaultModelFilename == "model.onnx")
        #expect(empty.dynamicBatching == nil)
        let strings = try parse("input [ { name: \"s\" data_type: TYPE_STRING dims: [ -1 ] } ]")
        #expect(strings.inputs.first?.datatype == .bytes)
        #expect(try parse("version_policy { all { } }").versionPolicy == .all)
        #expect(
            try parse("version_policy { specific { versions: 2 versions: 5 } }").versionPolicy
                == .specific(versions: [2, 5]))
        #expect(try parse("backend: \"onnxruntime\"").name == "m")
    }

    @Test("model_operations lists custom operator libraries; ensembles parse into steps")
    func modelOperationsAndEnsembles() throws {
        let operations = try ModelConfig.parse(
            #"model_operations { op_library_filename: [ "/opt/ops/libext.so", "rel/libmore.so" ] }"#,
            defaultName: "m")
        #expect(operations.opLibraryFilenames == ["/opt/ops/libext.so", "rel/libmore.so"])
        #expect(!operations.isEnsemble)
        #expect(operations.platform == "onnxruntime_onnx")
        let ensemble = try ModelConfig.parse(
            """
            platform: "ensemble"
            max_batch_size: 2
            input [ { name: "IN" data_type: TYPE_STRING dims: [ 1 ] } ]
            output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 4 ] } ]
            ensemble_scheduling {
              step [ { model_name: "tok" model_version: 3 input_map { key: "text" value: "IN" }
                       output_map { key: "ids" value: "ids" } },
                     { model_name: "embed" input_map { key: "ids" value: "ids" } output_map { key: "v" value: "OUT" } } ]
            }
            """, defaultName: "e")
        #expect(ensemble.isEnsemble)
        #expect(ensemble.platform == "ensemble")
        #expect(
            ensemble.ensembleScheduling?.steps
                == [
                    .init(
                        modelName: "tok", modelVersion: 3, inputMap: ["text": "IN"], outputMap: ["ids": "ids"], line: 6),
                    .init(
                        modelName: "embed", modelVersion: -1, inputMap: ["ids": "ids"], outputMap: ["v": "OUT"], line: 6
                    ),
                ])
        #expect(ensemble.ensembleScheduling?.modelNames == ["tok", "embed"])
        #expect(ensemble.json["ensemble_scheduling"]?["step"]?.arrayValue?.count == 2)
        #expect(ensemble.json["platform"] == .string("ensemble"))
    }

    @Test("priority levels, the default level and each level's queue policy")
    func priorities() throws {
        let config = try parse(
            """
            max_batch_size: 4
            dynamic_batching {
              priority_levels: 3 default_priority_level: 2
              default_queue_policy { max_queue_size: 5 }
              priority_queue_policy { key: 1 value: { max_queue_size: 1 default_timeout_microseconds: 100 } }
              priority_queue_policy [ { key: 3 value { allow_timeout_override: true } } ]
            }
            """)
        let batching = try #require(config.dynamicBatching)
        #expect(batching.priorityLevels == 3)
        #expect(batching.defaultPriorityLevel == 2)
        #expect(batching.priorityQueuePolicy.keys.sorted() == [1, 3])
        #expect(batching.queuePolicy(level: 1)?.maxQueueSize == 1)
        #expect(batching.queuePolicy(level: 1)?.defaultTimeoutMicroseconds == 100)
        #expect(batching.queuePolicy(level: 2)?.maxQueueSize == 5)
        #expect(batching.queuePolicy(level: 3)?.allowTimeoutOverride == true)
        #expect(batching.queuePolicy(level: 3)?.maxQueueSize == 0)
        // Triton's mapping of the request's priority: 0 and values above the levels take the default.
        #expect([0, 1, 2, 3, 4, UInt64.max].map(batching.level(forPriority:)) == [2, 1, 2, 3, 2, 2])
        #expect(ModelConfig.DynamicBatching().level(forPriority: 7) == 1)
        // The configuration JSON gives them as Triton's does.
        guard case .object(let json) = config.json, case .object(let dynamic)? = json["dynamic_batching"] else {
            Issue.record("no dynamic_batching object")
            return
        }
        #expect(dynamic["priority_levels"]?.uint64Value == 3)
        #expect(dynamic["default_priority_level"]?.uint64Value == 2)
        guard case .object(let policies)? = dynamic["priority_queue_policy"] else {
            Issue.record("no priority_queue_policy object")
            return
        }
        #expect(policies.keys.sorted() == ["1", "3"])
        #expect(policies["1"]?["max_queue_size"] == .number(.int(1)))
    }

    @Test(
        "unsupported fields are rejected with a message saying so, and the line",
        arguments: [
            ("ensemble_scheduling { }", "'ensemble_scheduling' is only for ensembles", 1),
            ("model_operations { op_library_filename: \"\" }", "'op_library_filename' must be a file path", 1),
            (
                "model_operations { op_library_path: \"/x.so\" }",
                "unknown field 'op_library_path' in model_operations", 1
            ),
            (
                "platform: \"ensemble\"\nensemble_scheduling { step [ { model_name: \"m\" input_map { key: \"a\" } "
                    + "output_map { key: \"b\" value: \"c\" } } ] }",
                "each 'input_map' entry needs a non-empty 'key' and 'value'", 2
            ),
            (
                "platform: \"ensemble\"\nensemble_scheduling { step [ { model_name: \"m\" "
                    + "input_map { key: \"a\" value: \"x\" } input_map { key: \"a\" value: \"y\" } "
                    + "output_map { key: \"b\" value: \"c\" } } ] }",
                "model input 'a' is mapped more than once in 'input_map'", 2
            ),
            ("\nbatch_input [ { kind: BATCH_ELEMENT_COUNT } ]", "batch inputs are not supported", 2),
            ("model_repository_agents { }", "repository agents are not supported", 1),
            ("model_transaction_policy { decoupled: true }", "decoupled", 1),
            ("platform: \"pytorch_libtorch\"", "platform 'pytorch_libtorch' is not supported", 1),
            ("backend: \"python\"", "backend 'python' is not supported", 1),
            // reshape, checked as Triton checks it.
            (
                "max_batch_size: 2\ninput [ { name: \"x\" data_type: TYPE_FP32 dims: [6] reshape: { shape: [4] } } ]",
                "input 'x': dims [6] and reshape [4] have different element counts", 2
            ),
            (
                "input [ { name: \"x\" data_type: TYPE_FP32 dims: [1] reshape: { shape: [] } } ]",
                "input 'x': an empty reshape needs max_batch_size > 0", 1
            ),
            (
                "output [ { name: \"y\" data_type: TYPE_FP32 dims: [-1] reshape: { shape: [ ] } } ]\nmax_batch_size: 1",
                "output 'y': dims [-1] and reshape [] have different numbers of variable-size (-1) dimensions", 1
            ),
            (
                "input [ { name: \"x\" data_type: TYPE_FP32 dims: [2, -1, 3] reshape: { shape: [3, -1, 2] } } ]",
                "dims [2, -1, 3] and reshape [3, -1, 2] have different element counts", 1
            ),
            (
                "input [ { name: \"x\" data_type: TYPE_FP32 dims: [2] reshape: { shape: [0, 2] } } ]",
                "must be at least 1, or -1", 1
            ),
            ("input [ { name: \"x\" data_type: TYPE_FP32 dims: [2] reshape: { dims: [2] } } ]", "input.reshape", 1),
            // model_warmup.
            ("model_warmup [ { batch_size: 1 } ]", "a model_warmup sample has no 'name'", 1),
            (
                "model_warmup [ { name: \"w\" inputs { key: \"x\" value { data_type: TYPE_FP32 dims: [1] } } } ]",
                "model_warmup input 'x' needs one of zero_data, random_data or input_data_file", 1
            ),
            (
                "model_warmup [ { name: \"w\" inputs { key: \"x\" value {\n data_type: TYPE_FP32 dims: [1] "
                    + "zero_data: true random_data: true } } } ]",
                "gives more than one of zero_data, random_data and input_data_file", 2
            ),
            (
                "model_warmup { name: \"w\" inputs { key: \"x\" value { data_type: TYPE_FP32 dims: [1] "
                    + "input_data_file: \"../../secret\" } } }",
                "input_data_file must name a file inside the model's warmup/ folder, got '../../secret'", 1
            ),
            (
                "model_warmup { name: \"w\" inputs { key: \"x\" value { data_type: TYPE_FP32 dims: [-1] "
                    + "zero_data: true } } }",
                "'dims' must be at least 0, got -1", 1
            ),
            (
                "model_warmup { name: \"w\" inputs { key: \"x\" value { data_type: TYPE_FP32 zero_data: false } } }",
                "zero_data must be true when given", 1
            ),
            (
                "model_warmup { name: \"w\" inputs { key: \"x\" value { data_type: TYPE_FP32 zero_data: true } } "
                    + "inputs { key: \"x\" value { data_type: TYPE_FP32 zero_data: true } } }",
                "model_warmup 'w' gives input 'x' more than once", 1
            ),
            ("model_warmup { name: \"w\" batch_size: -1 }", "'batch_size' must be at least 0", 1),
            (
                "output [ { name: \"y\" data_type: TYPE_FP32 dims: [1] label_filename: \"../l.txt\" } ]",
                "inside the model's folder", 1
            ),
            (
                "output [ { name: \"y\" data_type: TYPE_FP32 dims: [1] label_filename: \"/etc/passwd\" } ]",
                "inside the model's folder", 1
            ),
            ("input [ { name: \"x\" data_type: TYPE_FP32 dims: [1] optional: true } ]", "optional inputs", 1),
            (
                "input [ { name: \"x\" data_type: TYPE_FP32 dims: [1] format: FORMAT_NCHW } ]",
                "input 'x' has format FORMAT_NCHW, which needs 3 dims (besides the batch dimension), got 1", 1
            ),
            (
                "input [ { name: \"x\" data_type: TYPE_FP32 dims: [3, 2, 2] format: FORMAT_CHW } ]",
                "input format 'FORMAT_CHW' is not supported; use one of FORMAT_NONE, FORMAT_NHWC, FORMAT_NCHW", 1
            ),
            ("instance_group [ { kind: KIND_GPU } ]", "KIND_GPU", 1),
            ("instance_group [ { count: 1 gpus: [0] } ]", "'gpus' is not supported", 1),
            (
                "max_batch_size: 2\ndynamic_batching { priority_levels: 2 }",
                "default_priority_level must be in [1, 2]", 2
            ),
            (
                "max_batch_size: 2\ndynamic_batching { priority_levels: 2 default_priority_level: 3 }",
                "default_priority_level must be in [1, 2] (priority_levels), got 3", 2
            ),
            ("max_batch_size: 2\ndynamic_batching { default_priority_level: 1 }", "needs priority_levels", 2),
            (
                "max_batch_size: 2\ndynamic_batching { priority_queue_policy { key: 1 value { } } }",
                "priority_queue_policy needs priority_levels", 2
            ),
            (
                "max_batch_size: 2\ndynamic_batching { priority_levels: 2 default_priority_level: 1\n"
                    + "priority_queue_policy { key: 3 value { max_queue_size: 1 } } }",
                "priority_queue_policy level 3 is not in [1, 2]", 3
            ),
            (
                "max_batch_size: 2\ndynamic_batching { priority_levels: 2 default_priority_level: 1\n"
                    + "priority_queue_policy { key: 1 value { } }\npriority_queue_policy { key: 1 value { } } }",
                "gives level 1 more than once", 4
            ),
            (
                "max_batch_size: 2\ndynamic_batching { priority_levels: 2 default_priority_level: 1\n"
                    + "priority_queue_policy { key: 1 } }",
                "priority_queue_policy level 1 has no 'value'", 3
            ),
            ("dynamic_batching { priority_levels: -1 }", "'priority_levels' must be a non-negative integer", 1),
            ("dynamic_batching { priority_levels: 2 default_priority_level: 1 }", "needs max_batch_size > 0", 1),
            ("dynamic_batching { default_queue_policy { timeout_action: DELAY } }", "DELAY", 1),
            ("optimization { cuda { graphs: true } }", "optimization 'cuda'", 1),
            (
                "parameters { key: \"enable_mem_patern\" value: { string_value: \"0\" } }",
                "parameter 'enable_mem_patern' is not supported; the ONNX Runtime parameters are", 1
            ),
            ("input [ { name: \"x\" data_type: TYPE_COMPLEX dims: [1] } ]", "data_type 'TYPE_COMPLEX'", 1),
            ("default_model_filename: \"../evil.onnx\"", "plain file name", 1),
            ("max_batch_size: -1", "at least 0", 1),
            ("instance_group [ { count: 0 } ]", "at least 1", 1),
            ("bogus_field: 1", "unknown field 'bogus_field' in ModelConfig", 1),
            (
                "input [ { name: \"x\" data_type: TYPE_FP32 dims: [1] colour: 3 } ]", "unknown field 'colour' in input",
                1
            ),
            ("max_batch_size: 1\nmax_batch_size: 2", "more than once", 2),
            ("input [ { data_type: TYPE_FP32 dims: [1] } ]", "has no 'name'", 1),
            ("input [ { name: \"x\" dims: [1] } ]", "has no 'data_type'", 1),
            (
                "input [ { name: \"x\" data_type: TYPE_FP32 dims: [1] }, { name: \"x\" data_type: TYPE_FP32 dims: [1] } ]",
                "declared more than once", 1
            ),
            ("max_batch_size: \"eight\"", "must be an integer", 1),
            ("name: m", "must be a quoted string", 1),
            ("version_policy { latest { num_versions: 1 } all { } }", "exactly one", 1),
        ] as [(String, String, Int)])
    func unsupported(_ text: String, _ expected: String, _ line: Int) {
        guard let error = error(text) else { return }
        #expect(error.message.contains(expected), "\(error)")
        #expect(error.line == line, "\(error)")
        #expect(error.description.hasPrefix("m/config.pbtxt:\(line):"), "\(error)")
    }

    @Test(
        "syntax errors carry line and column",
        arguments: [
            ("name: \"m\"\nmax_batch_size 4", 2, 16, "expected ':' or '{'"),
            ("input [ { name: \"x\" ", 1, 21, "missing '}'"),
            ("name: \"unterminated", 1, 7, "unterminated string"),
            ("\n\n  input [ { name: \"x\" } ] }", 3, 27, "found '}'"),
            ("dims: [1 2]", 1, 10, "expected ',' or ']'"),
            ("max_batch_size: @", 1, 17, "unexpected character '@'"),
            ("name: \"a\\q\"", 1, 10, "unsupported escape"),
            ("max_batch_size:", 1, 16, "expected a value"),
            ("{ }", 1, 1, "expected a field name"),
        ] as [(String, Int, Int, String)])
    func syntaxErrors(_ text: String, _ line: Int, _ column: Int, _ expected: String) {
        guard let error = error(text) else { return }
        #expect(error.line == line, "\(error)")
        #expect(error.column == column, "\(error)")
        #expect(error.message.contains(expected), "\(error)")
    }

    @Test("the text-format parser keeps nesting, lists and comments straight")
    func textProto() throws {
        let message = try TextProtoMessage.parse(
            """
            a: 1  # comment
            b { c: "x" 'y' d: [ 1, -2.5e3 ] }
            e: < f: TRUE_ENUM >
            """)
        #expect(message.fields.map(\.name) == ["a", "b", "e"])
        #expect(message.fields[0].value == .number("1"))
        guard case .message(let b) = message.fields[1].value else {
            Issue.record("b is not a message")
            return
        }
        #expect(b.fields.map(\.name) == ["c", "d", "d"])
        #expect(b.fields[0].value == .string("xy"))
        #expect(b.fields[2].value == .number("-2.5e3"))
        #expect(b.fields[2].line == 2)
        guard case .message(let e) = message.fields[2].value else {
            Issue.record("e is not a message")
            return
        }
        #expect(e.fields.first?.value == .identifier("TRUE_ENUM"))
    }

    private func ints(_ values: [Int64]) -> JSONValue { .array(values.map { .number(.int($0)) }) }

    @Test("reshape and model_warmup are read as Triton writes them")
    func reshapeAndWarmup() throws {
        let config = try parse(
            """
            max_batch_size: 4
            input [ { name: "x" data_type: TYPE_FP32 dims: [ 2, 4, -1, 6 ] reshape { shape: [ 8, -1, 1, 6 ] } },
                    { name: "n" data_type: TYPE_INT32 dims: [ 1 ] reshape: { shape: [ ] } } ]
            output [ { name: "y" data_type: TYPE_FP32 dims: [ 3, 1 ] reshape { shape: [ 3 ] } } ]
            model_warmup [
              { name: "zeros" batch_size: 2 count: 3
                inputs { key: "x" value { data_type: TYPE_FP32 dims: [ 2, 4, 5, 6 ] zero_data: true } }
                inputs [ { key: "n", value: { data_type: TYPE_INT32, dims: [1], random_data: true } } ] },
              { name: "file" batch_size: 1
                inputs { key: "x" value { data_type: TYPE_FP32 dims: [ 2, 4, 1, 6 ] input_data_file: "sub/x.bin" } } }
            ]
            """)
        #expect(config.inputs.map(\.reshape) == [[8, -1, 1, 6], []])
        #expect(config.inputs.map(\.dims) == [[2, 4, -1, 6], [1]])
        #expect(config.outputs.first?.reshape == [3])
        #expect(
            config.warmup == [
                ModelConfig.Warmup(
                    name: "zeros", batchSize: 2,
                    inputs: [
                        .init(name: "x", datatype: .fp32, dims: [2, 4, 5, 6], data: .zero),
                        .init(name: "n", datatype: .int32, dims: [1], data: .random),
                    ], count: 3),
                ModelConfig.Warmup(
                    name: "file", batchSize: 1,
                    inputs: [.init(name: "x", datatype: .fp32, dims: [2, 4, 1, 6], data: .file("sub/x.bin"))]),
            ])
        let json = config.json
        #expect(json["input"]?.arrayValue?.first?["reshape"] == .object(["shape": ints([8, -1, 1, 6])]))
        #expect(json["input"]?.arrayValue?.last?["reshape"] == .object(["shape": .array([])]))
        #expect(json["input"]?.arrayValue?.last?["dims"] == ints([1]))
        #expect(json["output"]?.arrayValue?.first?["reshape"] == .object(["shape": ints([3])]))
        // Triton's JSON for model_warmup (as tritonserver 2.51 returns it).
        #expect(
            json["model_warmup"]?.arrayValue?.last
                == .object([
                    "name": .string("file"), "batch_size": .number(.int(1)),
                    "inputs": .object([
                        "x": .object([
                            "data_type": .string("TYPE_FP32"), "dims": ints([2, 4, 1, 6]),
                            "input_data_file": .string("sub/x.bin"),
                        ])
                    ]),
                    "count": .number(.int(0)),
                ]))
    }

    @Test("an image input's format (Triton's densenet and inception examples) is kept and reported")
    func imageFormat() throws {
        let config = try parse(
            """
            max_batch_size: 0
            input [ { name: "data_0" data_type: TYPE_FP32 format: FORMAT_NCHW dims: [ 3, 224, 224 ] },
                    { name: "image" data_type: TYPE_UINT8 format: FORMAT_NHWC dims: [ 299, 299, 3 ] } ]
            output [ { name: "fc6_1" data_type: TYPE_FP32 dims: [ 1000 ] } ]
            """)
        #expect(config.inputs.map(\.format) == [.nchw, .nhwc])
        #expect(config.outputs.map(\.format) == [ModelConfig.TensorConfig.Format.none])
        let inputs = config.json["input"]?.arrayValue ?? []
        #expect(inputs.map { $0["format"] } == [.string("FORMAT_NCHW"), .string("FORMAT_NHWC")])
    }

    @Test("Triton's inception_onnx configuration, word for word, is read with its format and reshapes")
    func inceptionConfig() throws {
        // docs/examples/model_repository/inception_onnx/config.pbtxt in Triton's server repository.
        let config = try ModelConfig.parse(
            """
            name: "inception_onnx"
            platform: "onnxruntime_onnx"
            max_batch_size: 0
            input [
              {
                name: "input:0"
                data_type: TYPE_FP32
                format: FORMAT_NHWC
                dims: [ 299, 299, 3 ]
                reshape { shape: [ 1, 299, 299, 3 ] }
              }
            ]
            output [
              {
                name: "InceptionV3/Predictions/Softmax:0"
                data_type: TYPE_FP32
                dims: [ 1001 ]
                reshape { shape: [ 1, 1001 ] }
                label_filename: "inception_labels.txt"
              }
            ]
            """, file: "inception_onnx/config.pbtxt", defaultName: "inception_onnx")
        #expect(config.inputs.first?.format == .nhwc)
        #expect(config.inputs.first?.dims == [299, 299, 3])
        #expect(config.inputs.first?.reshape == [1, 299, 299, 3])
        #expect(config.outputs.first?.dims == [1001])
        #expect(config.outputs.first?.reshape == [1, 1001])
        #expect(config.outputs.first?.labelFilename == "inception_labels.txt")
    }

    @Test("the configuration's JSON form names every field as Triton does")
    func json() throws {
        var config = try parse("max_batch_size: 4\ndynamic_batching { preferred_batch_size: 2 }")
        config.inputs = [.init(name: "x", datatype: .bytes, dims: [-1])]
        let json = config.json
        #expect(json["max_batch_size"] == .number(.int(4)))
        #expect(json["input"]?.arrayValue?.first?["data_type"] == .string("TYPE_STRING"))
        #expect(json["dynamic_batching"]?["preferred_batch_size"] == .array([.number(.int(2))]))
        #expect(json["dynamic_batching"]?["max_queue_delay_microseconds"] == .number(.int(0)))
        #expect(json["platform"] == .string("onnxruntime_onnx"))
    }
}
#endif
