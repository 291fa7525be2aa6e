/// What `GET /v2` reports about the server (`$metadata_server_response`).
public struct ServerMetadata: Sendable, Hashable {
    /// The server's name.
    public var name: String
    /// The server's version.
    public var version: String
    /// The protocol extensions it supports, e.g. `binary_tensor_data`, `model_repository`, `statistics`.
    public var extensions: [String]

    /// Creates server metadata.
    /// - Parameters:
    ///   - name: The server's name.
    ///   - version: The server's version.
    ///   - extensions: The protocol extensions it supports.
    public init(name: String, version: String, extensions: [String]) {
        self.name = name
        self.version = version
        self.extensions = extensions
    }

    /// The JSON object: `{"name", "version", "extensions"}`.
    package var json: JSONValue {
        .object([
            "name": .string(name),
            "version": .string(version),
            "extensions": .array(extensions.map(JSONValue.string)),
        ])
    }

    /// Server metadata from its JSON object; `version` and `extensions` may be missing.
    /// - Parameter json: The response body.
    /// - Throws: ``JSONDecodingError`` when `name` is missing.
    package init(json: JSONValue) throws(JSONDecodingError) {
        guard let name = json["name"]?.stringValue else { throw JSONDecodingError("server metadata has no 'name'") }
        self.name = name
        self.version = json["version"]?.stringValue ?? ""
        self.extensions = (json["extensions"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}

/// The name, type and shape of a model input or output, as model metadata reports it (`$metadata_tensor`).
public struct TensorMetadata: Sendable, Hashable {
    /// The tensor's name.
    public var name: String
    /// The data type name as the server wrote it (`FP32`, `BYTES`, ...).
    public var datatype: String
    /// The dimensions; `-1` marks a variable-size dimension.
    public var shape: [Int]

    /// Creates tensor metadata.
    /// - Parameters:
    ///   - name: The tensor's name.
    ///   - datatype: The datatype's name, such as `FP32`.
    ///   - shape: The dimensions, `-1` for a variable one.
    public init(name: String, datatype: String, shape: [Int]) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
    }

    /// The data type as a ``DataType``, or `nil` for a name outside the protocol's list.
    public var dataType: DataType? { DataType(rawValue: datatype) }

    /// The JSON object: `{"name", "datatype", "shape"}`.
    package var json: JSONValue {
        .object([
            "name": .string(name),
            "datatype": .string(datatype),
            "shape": .array(shape.map { .number(.int(Int64($0))) }),
        ])
    }

    /// Tensor metadata from its JSON object.
    /// - Parameter json: One element of `inputs` or `outputs`.
    /// - Throws: ``JSONDecodingError`` when a member is missing or a dimension is not an integer.
    package init(json: JSONValue) throws(JSONDecodingError) {
        guard let name = json["name"]?.stringValue else { throw JSONDecodingError("tensor metadata has no 'name'") }
        guard let datatype = json["datatype"]?.stringValue else {
            throw JSONDecodingError("tensor metadata '\(name)' has no 'datatype'")
        }
        guard let dims = json["shape"]?.arrayValue else {
            throw JSONDecodingError("tensor metadata '\(name)' has no 'shape'")
        }
        var shape: [Int] = []
        for dim in dims {
            guard let value = dim.intValue else {
                throw JSONDecodingError("tensor metadata '\(name)' has a non-integer dim")
            }
            shape.append(value)
        }
        self.init(name: name, datatype: datatype, shape: shape)
    }
}

/// What `GET /v2/models/{name}[/versions/{version}]` reports about a model (`$metadata_model_response`).
public struct ModelMetadata: Sendable, Hashable {
    /// The model's name.
    public var name: String
    /// The versions that may be requested explicitly, if the server reports them.
    public var versions: [String]?
    /// The framework or backend, e.g. `onnxruntime_onnx`.
    public var platform: String
    /// The model's inputs.
    public var inputs: [TensorMetadata]
    /// The model's outputs.
    public var outputs: [TensorMetadata]

    /// Creates model metadata.
    /// - Parameters:
    ///   - name: The model's name.
    ///   - versions: The versions that may be requested, if known.
    ///   - platform: The framework or backend.
    ///   - inputs: The model's inputs.
    ///   - outputs: The model's outputs.
    public init(
        name: String, versions: [String]?, platform: String, inputs: [TensorMetadata], outputs: [TensorMetadata]
    ) {
        self.name = name
        self.versions = versions
        self.platform = platform
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The JSON object: `{"name", "versions", "platform", "inputs", "outputs"}` (`versions` only when known).
    package var json: JSONValue {
        var object: JSONObject = ["name": .string(name)]
        if let versions { object["versions"] = .array(versions.map(JSONValue.string)) }
        object["platform"] = .string(platform)
        object["inputs"] = .array(inputs.map(\.json))
        object["outputs"] = .array(outputs.map(\.json))
        return .object(object)
    }

    /// Model metadata from its JSON object; `versions`, `platform`, `inputs` and `outputs` may be missing.
    /// - Parameter json: The response body.
    /// - Throws: ``JSONDecodingError`` when `name` is missing or a tensor's metadata is malformed.
    package init(json: JSONValue) throws(JSONDecodingError) {
        guard let name = json["name"]?.stringValue else { throw JSONDecodingError("model metadata has no 'name'") }
        self.name = name
        self.versions = json["versions"]?.arrayValue?.compactMap(\.stringValue)
        self.platform = json["platform"]?.stringValue ?? ""
        var inputs: [TensorMetadata] = []
        for input in json["inputs"]?.arrayValue ?? [] { inputs.append(try TensorMetadata(json: input)) }
        var outputs: [TensorMetadata] = []
        for output in json["outputs"]?.arrayValue ?? [] { outputs.append(try TensorMetadata(json: output)) }
        self.inputs = inputs
        self.outputs = outputs
    }
}
