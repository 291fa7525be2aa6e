#if Server
import Foundation
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

/// Triton's model files on load: `file:<path>` parameters, each one file of the model directory the load serves (see
/// ``ModelUpload``).
enum UploadParameters {
    /// Takes the `file:` parameters out of a REST load request's parameters: each must be a string holding the file
    /// in base64 (RFC 4648, with padding), as tritonclient sends it. Returns nil when there are none.
    /// - Throws: 400 for a value that is not a string or not base64.
    static func take(_ parameters: inout JSONObject?, model: String) throws(ServingError) -> ModelUpload? {
        guard let keys = parameters?.keys.filter({ $0.hasPrefix(ModelUpload.parameterPrefix) }), !keys.isEmpty else {
            return nil
        }
        var files: [String: [UInt8]] = [:]
        for key in keys.sorted() {
            let value = parameters?[key]
            parameters?[key] = nil
            guard case .string(let text)? = value else {
                throw .badRequest(
                    "failed to load '\(model)': the load parameter '\(key)' must be a string holding the file in "
                        + "base64, got \(value?.kindDescription ?? "nothing")")
            }
            guard let data = Data(base64Encoded: text) else {
                throw .badRequest("failed to load '\(model)': the load parameter '\(key)' is not base64")
            }
            files[String(key.dropFirst(ModelUpload.parameterPrefix.count))] = [UInt8](data)
        }
        if parameters?.isEmpty == true { parameters = nil }
        return ModelUpload(files: files)
    }

    /// The file of a gRPC load request's `file:` parameter, which must be a `bytes_param`.
    /// - Throws: 400 (INVALID_ARGUMENT) for another kind of parameter.
    static func file(_ key: String, _ parameter: Inference_ModelRepositoryParameter, model: String) throws(ServingError)
        -> (path: String, bytes: [UInt8])
    {
        guard case .bytesParam(let data)? = parameter.parameterChoice else {
            throw .badRequest(
                "failed to load '\(model)': the load parameter '\(key)' must hold the file's bytes (bytes_param)")
        }
        return (String(key.dropFirst(ModelUpload.parameterPrefix.count)), [UInt8](data))
    }
}
#endif
