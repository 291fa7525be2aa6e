#if Server
extension ModelConfig {
    /// Parses a `config.pbtxt`.
    ///
    /// Supported: `name`, `platform` (`onnxruntime_onnx`), `backend` (`onnxruntime`), `max_batch_size`, `input` and
    /// `output` (`name`, `data_type`, `dims`), `version_policy`, `instance_group` (`count`, `kind` CPU or AUTO,
    /// `name`), `default_model_filename`, `dynamic_batching` (requests are batched when `max_batch_size > 0`),
    /// `optimization { graph { level } execution_accelerators { ... } }` and the ONNX Runtime `parameters` of Triton's
    /// ONNX Runtime backend (see the "ONNX Runtime settings per model" article), among others. Every other field is
    /// an error that names the field and line.
    /// - Parameters:
    ///   - text: The file's contents.
    ///   - file: The file name, for messages.
    ///   - defaultName: The name to use when the file has no `name` (the model's directory name).
    /// - Throws: ``ModelConfigError``.
    public static func parse(_ text: String, file: String? = nil, defaultName: String = "") throws(ModelConfigError)
        -> ModelConfig
    {
        let message = try TextProtoMessage.parse(text, file: file)
        let reader = ConfigReader(file: file)
        return try reader.modelConfig(message, defaultName: defaultName)
    }
}
#endif
