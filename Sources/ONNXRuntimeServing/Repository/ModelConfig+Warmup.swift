#if Server
extension ModelConfig {
    /// A `model_warmup` sample: requests the server runs on every instance when it loads the model, before the
    /// model is ready, as Triton does.
    ///
    /// A sample of batch size N runs as one batch of N identical rows for a batching model (`max_batch_size > 0`),
    /// and as N runs otherwise; it runs ``count`` times (at least once); a sample of batch size 0 is skipped. Its
    /// inputs use the shapes clients use (with `reshape`, the model sees its own). A sample that fails fails the
    /// load, and the reason names it. Warmup runs do not count in the model's statistics.
    public struct Warmup: Sendable, Hashable {
        /// Where an input's elements come from.
        public enum Data: Sendable, Hashable {
            /// `zero_data: true`: every byte zero (BYTES: empty elements).
            case zero
            /// `random_data: true`: random bytes (BOOL: random false and true; BYTES: empty elements, as Triton).
            case random
            /// `input_data_file`: a file in the model's `warmup/` folder with the raw elements, in the binary tensor
            /// data layout (BYTES: each element a 4-byte little-endian length and its bytes).
            case file(String)
        }

        /// One input of a sample (an `inputs` map entry).
        public struct Input: Sendable, Hashable {
            /// The input name (the map key).
            public var name: String
            /// The datatype (`data_type`); it must be the model input's.
            public var datatype: DataType
            /// The dimensions without the batch dimension (`dims`); no `-1`.
            public var dims: [Int]
            /// Where the elements come from.
            public var data: Data

            /// Creates an input.
            public init(name: String, datatype: DataType, dims: [Int], data: Data) {
                self.name = name
                self.datatype = datatype
                self.dims = dims
                self.data = data
            }
        }

        /// The sample's name, used in messages.
        public var name: String
        /// The batch size (`batch_size`); 0 skips the sample.
        public var batchSize: Int
        /// The inputs, in configuration order.
        public var inputs: [Input]
        /// How many times the sample runs (`count`); 0 means once.
        public var count: Int

        /// Creates a sample.
        public init(name: String, batchSize: Int, inputs: [Input], count: Int = 0) {
            self.name = name
            self.batchSize = batchSize
            self.inputs = inputs
            self.count = count
        }
    }

    /// The folder in a model's directory that holds warmup `input_data_file`s.
    public static let warmupFolder = "warmup"
}
#endif
