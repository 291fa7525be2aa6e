#if Client || Server
import KServeGRPCProtocol

extension SharedMemoryRegionStatus {
    /// The gRPC message (`inference.SystemSharedMemoryStatusResponse.RegionStatus`).
    package var message: Inference_SystemSharedMemoryStatusResponse.RegionStatus {
        var message = Inference_SystemSharedMemoryStatusResponse.RegionStatus()
        message.name = name
        message.key = key
        message.offset = UInt64(offset)
        message.byteSize = UInt64(byteSize)
        return message
    }
}
#endif
