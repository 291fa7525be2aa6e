#if Server
import KServeGRPCProtocol
import ONNXRuntimeServing
import SwiftProtobuf

/// Triton's configuration override on load: the `config` parameter of a load request (REST or gRPC) holds a model
/// configuration as JSON (the protobuf JSON mapping of `inference.ModelConfig`, as `GET .../config` returns it), which
/// replaces the model's `config.pbtxt` for that load.
///
/// The JSON is read as our `inference.ModelConfig` message (swift-protobuf's decoder: field names, enum names, 64-bit
/// integers as strings, maps as objects; a field the message does not declare is refused), then written in text format
/// and read like any `config.pbtxt`, with the same checks and one more: no `model_operations`.
enum ConfigOverride {
    /// Takes `config` out of a load request's parameters and returns it in text format, or nil if there is none.
    /// - Throws: 400 ("failed to load ...", as Triton's load errors begin) when it is not a string, not JSON, or not
    ///   a model configuration.
    static func take(_ parameters: inout JSONObject?, model: String) throws(ServingError) -> String? {
        guard let value = parameters?["config"] else { return nil }
        parameters?["config"] = nil
        if parameters?.isEmpty == true { parameters = nil }
        guard case .string(let json) = value else {
            throw .badRequest(
                "failed to load '\(model)': the load parameter 'config' must be a string holding the configuration as "
                    + "JSON, got \(value.kindDescription)")
        }
        return try textFormat(json, model: model)
    }

    /// A configuration given as JSON, in text format.
    static func textFormat(_ json: String, model: String) throws(ServingError) -> String {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = false
        do {
            return try Inference_ModelConfig(jsonString: json, options: options).textFormatString()
        } catch {
            throw .badRequest(
                "failed to load '\(model)': the load parameter 'config' is not a model configuration in JSON "
                    + "(\(error)); this server reads the fields listed in its model configuration documentation")
        }
    }
}
#endif
