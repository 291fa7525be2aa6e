#if Client
// The protocol model the client speaks (DataType, TensorData, metadata, statistics) comes with `import
// ONNXRuntimeClient`.
@_exported public import KServeProtocol

/// A model repository index entry, under the name the client has always used.
public typealias RepositoryModel = RepositoryIndexEntry
#endif
