#if Server
// The protocol model (datatypes, JSON, metadata, statistics, binary layout) is part of the serving core's API.
@_exported public import KServeProtocol
#endif
