#if Server
extension ModelConfig {
    /// An ensemble's steps (`ensemble_scheduling`): a graph of other models of the repository, whose tensors flow from
    /// the ensemble's inputs through the steps to its outputs.
    ///
    /// Each step names a model, the version to run (`-1`, the default, is the highest loaded one), and two maps from
    /// the model's own tensor names to the ensemble's tensor names: `input_map` (model input → ensemble tensor) and
    /// `output_map` (model output → ensemble tensor). An ensemble tensor is one of the ensemble's inputs or the output
    /// of exactly one step, and every tensor that is written is read.
    public struct EnsembleScheduling: Sendable, Hashable {
        /// One step (`step` of `ensemble_scheduling`).
        public struct Step: Sendable, Hashable {
            /// The model to run (`model_name`).
            public var modelName: String
            /// The version to run (`model_version`); `-1` runs the highest loaded version.
            public var modelVersion: Int
            /// The model's inputs and the ensemble tensors they take, by model input name (`input_map`).
            public var inputMap: [String: String]
            /// The model's outputs and the ensemble tensors they write, by model output name (`output_map`).
            public var outputMap: [String: String]
            /// The line where the step starts in `config.pbtxt` (0 if not from a file).
            public var line: Int

            /// Creates a step.
            public init(
                modelName: String, modelVersion: Int = -1, inputMap: [String: String], outputMap: [String: String],
                line: Int = 0
            ) {
                self.modelName = modelName
                self.modelVersion = modelVersion
                self.inputMap = inputMap
                self.outputMap = outputMap
                self.line = line
            }
        }

        /// The steps, in configuration order (they run in the order their inputs become available).
        public var steps: [Step]

        /// Creates a schedule.
        public init(steps: [Step]) {
            self.steps = steps
        }

        /// The names of the models the steps run, each once, in step order.
        public var modelNames: [String] {
            var seen: Set<String> = []
            return steps.map(\.modelName).filter { seen.insert($0).inserted }
        }
    }
}
#endif
