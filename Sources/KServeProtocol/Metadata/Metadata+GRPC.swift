#if Client || Server
import KServeGRPCProtocol

extension ServerMetadata {
    /// Server metadata from the gRPC message.
    /// - Parameter message: A `ServerMetadataResponse`.
    package init(message: Inference_ServerMetadataResponse) {
        self.init(name: message.name, version: message.version, extensions: message.extensions)
    }

    /// The gRPC message (`inference.ServerMetadataResponse`).
    package var message: Inference_ServerMetadataResponse {
        var message = Inference_ServerMetadataResponse()
        message.name = name
        message.version = version
        message.extensions = extensions
        return message
    }
}

extension TensorMetadata {
    /// Tensor metadata from the gRPC message.
    /// - Parameter message: One input or output of a `ModelMetadataResponse`.
    package init(message: Inference_ModelMetadataResponse.TensorMetadata) {
        self.init(name: message.name, datatype: message.datatype, shape: message.shape.map { Int(clamping: $0) })
    }

    /// The gRPC message (`inference.ModelMetadataResponse.TensorMetadata`).
    package var message: Inference_ModelMetadataResponse.TensorMetadata {
        var message = Inference_ModelMetadataResponse.TensorMetadata()
        message.name = name
        message.datatype = datatype
        message.shape = shape.map { Int64($0) }
        return message
    }
}

extension ModelMetadata {
    /// Model metadata from the gRPC message (its version list is always there, possibly empty).
    /// - Parameter message: A `ModelMetadataResponse`.
    package init(message: Inference_ModelMetadataResponse) {
        self.init(
            name: message.name, versions: message.versions, platform: message.platform,
            inputs: message.inputs.map(TensorMetadata.init(message:)),
            outputs: message.outputs.map(TensorMetadata.init(message:)))
    }

    /// The gRPC message (`inference.ModelMetadataResponse`); unknown versions are an empty list.
    package var message: Inference_ModelMetadataResponse {
        var message = Inference_ModelMetadataResponse()
        message.name = name
        message.versions = versions ?? []
        message.platform = platform
        message.inputs = inputs.map(\.message)
        message.outputs = outputs.map(\.message)
        return message
    }
}

extension RepositoryIndexEntry {
    /// An index entry from the gRPC message (empty version and state are absent ones).
    /// - Parameter message: One `RepositoryIndexResponse.ModelIndex`.
    package init(message: Inference_RepositoryIndexResponse.ModelIndex) {
        self.init(
            name: message.name, version: message.version.isEmpty ? nil : message.version,
            state: message.state.isEmpty ? nil : State(rawValue: message.state), reason: message.reason)
    }

    /// The gRPC message (`inference.RepositoryIndexResponse.ModelIndex`).
    package var message: Inference_RepositoryIndexResponse.ModelIndex {
        var message = Inference_RepositoryIndexResponse.ModelIndex()
        message.name = name
        message.version = version ?? ""
        message.state = state?.rawValue ?? ""
        message.reason = reason
        return message
    }
}
#endif
