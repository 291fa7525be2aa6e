#if Server
extension ModelConfig {
    /// The `sequence_batching` settings: requests carry a correlation ID (`sequence_id`) and START/END flags, each
    /// sequence's requests run in order, the model gets control inputs telling it where a sequence starts, ends and
    /// which batch rows are real, and its implicit state is kept on the server between a sequence's requests (see
    /// the Sequence batching article).
    public struct SequenceBatching: Sendable, Hashable {
        /// How requests of different sequences are batched.
        public enum Strategy: Sendable, Hashable {
            /// `direct`: each sequence has a batch slot of one instance for its whole life.
            case direct(Direct)
            /// `oldest`: requests of up to ``Oldest/maxCandidateSequences`` sequences are batched dynamically, oldest
            /// first.
            case oldest(Oldest)
        }

        /// The `direct` strategy's settings.
        public struct Direct: Sendable, Hashable {
            /// How long a batch may wait for more slots to have a request (`max_queue_delay_microseconds`).
            public var maxQueueDelayMicroseconds: UInt64 = 0
            /// The fraction of an instance's slots that must have a request before its batch runs without waiting
            /// for the delay (`minimum_slot_utilization`, 0 to 1).
            public var minimumSlotUtilization: Float = 0

            /// Settings with default values.
            public init() {}
        }

        /// The `oldest` strategy's settings.
        public struct Oldest: Sendable, Hashable {
            /// The most sequences whose requests may be batched at once (`max_candidate_sequences`); further
            /// sequences wait in a backlog.
            public var maxCandidateSequences: Int = 1
            /// Batch sizes that run at once when reached (`preferred_batch_size`).
            public var preferredBatchSizes: [Int] = []
            /// How long the oldest request may wait for more to join (`max_queue_delay_microseconds`).
            public var maxQueueDelayMicroseconds: UInt64 = 0

            /// Settings with default values.
            public init() {}
        }

        /// What a control input tells the model.
        public enum ControlKind: String, Sendable, Hashable, CaseIterable {
            /// `CONTROL_SEQUENCE_START`: true on a sequence's first request.
            case start = "CONTROL_SEQUENCE_START"
            /// `CONTROL_SEQUENCE_END`: true on a sequence's last request.
            case end = "CONTROL_SEQUENCE_END"
            /// `CONTROL_SEQUENCE_READY`: true in batch rows that hold a request, false in empty ones.
            case ready = "CONTROL_SEQUENCE_READY"
            /// `CONTROL_SEQUENCE_CORRID`: the sequence's correlation ID.
            case correlationID = "CONTROL_SEQUENCE_CORRID"
        }

        /// How a control input's values are written.
        public enum ControlValues: Sendable, Hashable {
            /// `int32_false_true: [false, true]`: an INT32 tensor.
            case int32(false: Int32, true: Int32)
            /// `fp32_false_true: [false, true]`: an FP32 tensor.
            case fp32(false: Float, true: Float)
            /// `bool_false_true: [false, true]`: a BOOL tensor.
            case bool(false: Bool, true: Bool)
            /// `data_type`: the correlation ID as this datatype (UINT64, INT64, UINT32, INT32 or STRING).
            case correlationID(DataType)

            /// The datatype of the tensor.
            public var datatype: DataType {
                switch self {
                case .int32: .int32
                case .fp32: .fp32
                case .bool: .bool
                case .correlationID(let type): type
                }
            }
        }

        /// One control input: a model input the server fills in (`control_input { name control [...] }`).
        public struct ControlInput: Sendable, Hashable {
            /// The model input's name.
            public var name: String
            /// What it tells the model.
            public var kind: ControlKind
            /// How its values are written.
            public var values: ControlValues

            /// Creates a control input.
            public init(name: String, kind: ControlKind, values: ControlValues) {
                self.name = name
                self.kind = kind
                self.values = values
            }
        }

        /// A state's value at a sequence's start (`initial_state`).
        public struct InitialState: Sendable, Hashable {
            /// Where the initial value comes from.
            public enum Source: Sendable, Hashable {
                /// `zero_data: true`: zeros (empty strings for STRING).
                case zero
                /// `data_file`: a file in the model's `initial_state` folder, the elements in row-major order as raw
                /// little-endian bytes.
                case file(String)
            }

            /// The name (`name`), for messages.
            public var name: String
            /// The datatype (`data_type`); the state's.
            public var datatype: DataType
            /// The dimensions (`dims`), all fixed.
            public var dims: [Int]
            /// Where the value comes from.
            public var source: Source

            /// Creates an initial state.
            public init(name: String, datatype: DataType, dims: [Int], source: Source) {
                self.name = name
                self.datatype = datatype
                self.dims = dims
                self.source = source
            }
        }

        /// One implicit state (`state { input_name output_name data_type dims initial_state }`): the model's output
        /// `outputName` of a sequence's request is its input `inputName` on the next request.
        public struct State: Sendable, Hashable {
            /// The model input the state is fed to.
            public var inputName: String
            /// The model output the next state is read from.
            public var outputName: String
            /// The datatype.
            public var datatype: DataType
            /// The dimensions (without the batch dimension when `max_batch_size > 0`); `-1` is any size.
            public var dims: [Int]
            /// The value at a sequence's start; without one, zeros with every variable dimension 1.
            public var initialState: InitialState?

            /// Creates a state.
            public init(
                inputName: String, outputName: String, datatype: DataType, dims: [Int],
                initialState: InitialState? = nil
            ) {
                self.inputName = inputName
                self.outputName = outputName
                self.datatype = datatype
                self.dims = dims
                self.initialState = initialState
            }
        }

        /// Triton's default idle time: 1 s.
        public static let defaultMaxSequenceIdleMicroseconds: UInt64 = 1_000_000

        /// The strategy; `direct` unless `oldest` is given.
        public var strategy: Strategy = .direct(Direct())
        /// How long a sequence may go without a request before it is released (`max_sequence_idle_microseconds`).
        public var maxSequenceIdleMicroseconds: UInt64 = defaultMaxSequenceIdleMicroseconds
        /// The control inputs.
        public var controlInputs: [ControlInput] = []
        /// The implicit states.
        public var states: [State] = []

        /// Settings with default values.
        public init() {}

        /// The control input of this kind, if the model has one.
        public func control(_ kind: ControlKind) -> ControlInput? {
            controlInputs.first { $0.kind == kind }
        }
    }
}
#endif
