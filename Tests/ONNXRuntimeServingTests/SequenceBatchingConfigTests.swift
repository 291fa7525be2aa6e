#if Server
import ONNXRuntimeServing
import Testing

@Suite("config.pbtxt sequence_batching")
struct SequenceBatchingConfigTests {
    private func parse(_ text: String) throws(ModelConfigError) -> ModelConfig {
        try ModelConfig.parse(text, file: "m/config.pbtxt", defaultName: "m")
    }

    @Test("Triton's simple_dyna_sequence settings, with every control kind, and a state")
    func full() throws {
        let config = try parse(
            """
            max_batch_size: 8
            sequence_batching {
              max_sequence_idle_microseconds: 10000000
              oldest { max_candidate_sequences: 1024 preferred_batch_size: [ 2, 4 ] max_queue_delay_microseconds: 10000 }
              control_input [
                { name: "START" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 0, 1 ] } ] },
                { name: "END" control [ { kind: CONTROL_SEQUENCE_END fp32_false_true: [ -1.5, 2.5 ] } ] },
                { name: "READY" control [ { kind: CONTROL_SEQUENCE_READY bool_false_true: [ true, false ] } ] },
                { name: "CORRID" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_STRING } ] }
              ]
              state [ { input_name: "s" output_name: "sN" data_type: TYPE_FP32 dims: [ 2, -1 ]
                initial_state { data_type: TYPE_FP32 dims: [ 2, 3 ] zero_data: true name: "zeros" } } ]
            }
            parameters [ { key: "execute_delay_ms" value: { string_value: "3" } } ]
            """)
        let batching = try #require(config.sequenceBatching)
        #expect(batching.maxSequenceIdleMicroseconds == 10_000_000)
        var oldest = ModelConfig.SequenceBatching.Oldest()
        oldest.maxCandidateSequences = 1024
        oldest.preferredBatchSizes = [2, 4]
        oldest.maxQueueDelayMicroseconds = 10_000
        #expect(batching.strategy == .oldest(oldest))
        #expect(batching.control(.start)?.values == .int32(false: 0, true: 1))
        #expect(batching.control(.end)?.values == .fp32(false: -1.5, true: 2.5))
        #expect(batching.control(.ready)?.values == .bool(false: true, true: false))
        #expect(batching.control(.correlationID)?.values == .correlationID(.bytes))
        #expect(
            batching.states == [
                .init(
                    inputName: "s", outputName: "sN", datatype: .fp32, dims: [2, -1],
                    initialState: .init(name: "zeros", datatype: .fp32, dims: [2, 3], source: .zero))
            ])
    }

    @Test("defaults: direct, 1 s idle (Triton's), no controls")
    func defaults() throws {
        let config = try parse("sequence_batching { }")
        let batching = try #require(config.sequenceBatching)
        #expect(batching.strategy == .direct(.init()))
        #expect(batching.maxSequenceIdleMicroseconds == 1_000_000)
        var direct = ModelConfig.SequenceBatching.Direct()
        direct.maxQueueDelayMicroseconds = 5
        direct.minimumSlotUtilization = 0.5
        #expect(
            try parse(
                "sequence_batching { direct { max_queue_delay_microseconds: 5 minimum_slot_utilization: 0.5 } }"
            ).sequenceBatching?.strategy == .direct(direct))
    }

    @Test(
        "unknown, unsupported or inconsistent sequence_batching fields are refused by name",
        arguments: [
            ("sequence_batching { colour: 1 }", "unknown field 'colour' in sequence_batching"),
            ("sequence_batching { direct { } oldest { } }", "has both 'direct' and 'oldest'"),
            ("sequence_batching { iterative_sequence: true }", "'iterative_sequence' is not supported"),
            ("sequence_batching { oldest { preserve_ordering: true } }", "'preserve_ordering' is not supported"),
            ("sequence_batching { oldest { max_candidate_sequences: 0 } }", "at least 1"),
            ("sequence_batching { direct { minimum_slot_utilization: 1.5 } }", "between 0 and 1"),
            ("sequence_batching { direct { bogus: 1 } }", "unknown field 'bogus' in sequence_batching.direct"),
            (
                "sequence_batching { control_input [ { name: \"S\" control [ { kind: CONTROL_SEQUENCE_BEGIN int32_false_true: [0, 1] } ] } ] }",
                "control kind 'CONTROL_SEQUENCE_BEGIN' is not supported"
            ),
            (
                "sequence_batching { control_input [ { name: \"S\" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [1] } ] } ] }",
                "needs two values"
            ),
            (
                "sequence_batching { control_input [ { name: \"S\" control [ { kind: CONTROL_SEQUENCE_START } ] } ] }",
                "needs exactly one of"
            ),
            (
                "sequence_batching { control_input [ { name: \"S\" control [ { kind: CONTROL_SEQUENCE_START data_type: TYPE_INT32 } ] } ] }",
                "not 'data_type'"
            ),
            (
                "sequence_batching { control_input [ { name: \"C\" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_FP32 } ] } ] }",
                "must have data_type TYPE_UINT64"
            ),
            (
                "sequence_batching { control_input [ { name: \"C\" control [ { kind: CONTROL_SEQUENCE_CORRID int32_false_true: [0, 1] } ] } ] }",
                "needs 'data_type'"
            ),
            (
                "sequence_batching { control_input [ { name: \"A\" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [0, 1] } ] }, { name: \"B\" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [0, 1] } ] } ] }",
                "more than one control input of kind CONTROL_SEQUENCE_START"
            ),
            (
                "sequence_batching { state [ { output_name: \"o\" data_type: TYPE_FP32 dims: [1] } ] }",
                "no 'input_name'"
            ),
            (
                "sequence_batching { state [ { input_name: \"i\" data_type: TYPE_FP32 dims: [1] } ] }",
                "no 'output_name'"
            ),
            (
                "sequence_batching { state [ { input_name: \"i\" output_name: \"o\" data_type: TYPE_FP32 dims: [1] use_growable_memory: true } ] }",
                "'use_growable_memory' is not supported"
            ),
            (
                "sequence_batching { state [ { input_name: \"i\" output_name: \"o\" data_type: TYPE_FP32 dims: [1] initial_state { data_type: TYPE_INT32 dims: [1] zero_data: true } } ] }",
                "has data_type TYPE_INT32, but the state has TYPE_FP32"
            ),
            (
                "sequence_batching { state [ { input_name: \"i\" output_name: \"o\" data_type: TYPE_FP32 dims: [1] initial_state { data_type: TYPE_FP32 dims: [1] data_file: \"../x\" } } ] }",
                "inside the model's initial_state folder"
            ),
            (
                "sequence_batching { state [ { input_name: \"i\" output_name: \"o\" data_type: TYPE_FP32 dims: [1] initial_state { data_type: TYPE_FP32 dims: [1] } } ] }",
                "needs 'zero_data: true' or 'data_file'"
            ),
            ("dynamic_batching { }\nsequence_batching { }", "not both"),
        ] as [(String, String)])
    func refused(_ text: String, _ expected: String) {
        do {
            _ = try parse(text)
            Issue.record("expected an error for:\n\(text)")
        } catch {
            #expect(error.message.contains(expected), "\(error)")
        }
    }
}
#endif
