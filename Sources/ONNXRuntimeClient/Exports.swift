// The protocol model the client speaks (DataType, TensorData, metadata, statistics) comes with `import
// ONNXRuntimeClient`.
@_exported public import KServeProtocol
