import CONNXRuntime

/// The negotiated ORT function table. Every C call in this package goes through `API.table`, and every `OrtStatus`
/// goes through ``API/check(_:)``, the one place where a status becomes an ``ORTError`` and is released.
struct API: @unchecked Sendable {
    // @unchecked: the table is a static, immutable array of function pointers owned by the loaded library, which
    // is never unloaded; reading it from any thread is safe.
    let table: UnsafePointer<OrtApi>
    /// The API version the runtime gave us (at most CORT_DECLARED_API_VERSION).
    let version: UInt32
    /// The runtime's own version string, e.g. "1.32.0" (ORT's static string).
    let runtimeVersionCString: UnsafePointer<CChar>
    /// Where the library was loaded from (a copy made once and kept for the life of the process).
    let pathCString: UnsafePointer<CChar>
    /// Describes ordinary CPU memory, for tensors over memory we (or the caller) own. Created once, never released.
    let cpuMemoryInfo: OpaquePointer

    // Every stored property is a plain pointer or integer, so copying an `API` (which every value and session does
    // on hot paths) costs no reference counting.

    /// The runtime's own version string, e.g. "1.32.0".
    var runtimeVersion: String { String(cString: runtimeVersionCString) }
    /// Where the library was loaded from.
    var path: String { String(cString: pathCString) }

    /// The loaded runtime, loading it with the default discovery order on first use.
    @inline(__always)
    static func get() throws(ORTError) -> API {
        try RuntimeLibrary.loadedAPI()
    }

    /// Turns a status into an error, releasing the status. `nil` means success.
    @inline(__always)
    func check(_ status: OpaquePointer?) throws(ORTError) {
        guard let status else { return }
        throw consume(status)
    }

    /// Converts a non-nil status to an error and releases it.
    func consume(_ status: OpaquePointer) -> ORTError {
        let raw = table.pointee.GetErrorCode(status)
        let message = table.pointee.GetErrorMessage(status).map { String(cString: $0) } ?? "unknown ONNX Runtime error"
        table.pointee.ReleaseStatus(status)
        let runtimeCode = ORTError.RuntimeCode(rawValue: Int32(bitPattern: raw.rawValue))
        switch runtimeCode {
        case .modelLoadCancelled: return ORTError(.cancelled, message, runtimeCode: runtimeCode)
        default: return ORTError(.runtimeError, message, runtimeCode: runtimeCode ?? .fail)
        }
    }

    /// Throws ``ORTError/Code/unsupported`` when the runtime is older than the API version a feature needs.
    func require(_ apiVersion: UInt32, for feature: String) throws(ORTError) {
        guard version >= apiVersion else {
            throw ORTError(
                .unsupported,
                "\(feature) needs ONNX Runtime 1.\(apiVersion) or newer; the loaded runtime is \(runtimeVersion) "
                    + "(\(path))")
        }
    }

    /// ORT's default CPU allocator; never released (ORT owns it).
    var defaultAllocator: OpaquePointer {
        get throws(ORTError) {
            var allocator: UnsafeMutablePointer<OrtAllocator>?
            try check(table.pointee.GetAllocatorWithDefaultOptions(&allocator))
            return OpaquePointer(allocator!)
        }
    }

    /// Copies a string ORT allocated with `allocator` and frees it.
    func takeString(_ pointer: UnsafeMutablePointer<CChar>?, allocator: OpaquePointer) -> String {
        guard let pointer else { return "" }
        let string = String(cString: pointer)
        free(pointer, allocator: allocator)
        return string
    }

    /// Frees memory ORT allocated with `allocator`.
    func free(_ pointer: UnsafeMutableRawPointer?, allocator: OpaquePointer) {
        guard let pointer else { return }
        // AllocatorFree only fails for a null allocator; there is nothing useful to do with its status but release it.
        if let status = table.pointee.AllocatorFree(UnsafeMutablePointer<OrtAllocator>(allocator), pointer) {
            table.pointee.ReleaseStatus(status)
        }
    }
}
