import CONNXRuntime

/// An execution provider paired with a device it can run on, as ORT lists them.
///
/// Get them from ``Environment/executionProviderDevices()``, after registering plugin execution provider libraries
/// with ``Environment/registerExecutionProviderLibrary(_:path:)``. Pass the ones you choose to
/// ``SessionOptions/ExecutionProvider/init(devices:options:)`` to run a session on them.
///
/// A value is a copy of what ORT reported: it never refers to ORT's memory, so it stays valid after its library is
/// unregistered. Using it then (to append it to session options) throws a clear error instead.
///
/// Two values are equal when they describe the same device as listed at the same time: a device listed again after
/// a library was registered or unregistered compares unequal to its older value, though either can be appended.
///
/// The corresponding C functions are `EpDevice_EpName`, `EpDevice_EpVendor`, `EpDevice_EpMetadata`,
/// `EpDevice_EpOptions` and `EpDevice_Device`.
public struct ExecutionProviderDevice: Sendable, Hashable, CustomStringConvertible {
    /// The execution provider's name, such as `CPUExecutionProvider` or `OpenVINOExecutionProvider`.
    public var executionProvider: String
    /// Who makes the execution provider.
    public var vendor: String
    /// What the execution provider says about itself on this device (ORT adds `version` and, for plugin
    /// libraries, `library_path`).
    public var metadata: [String: String]
    /// The options the execution provider uses on this device unless a session overrides them.
    public var options: [String: String]
    /// The hardware.
    public var hardware: HardwareDevice

    /// Where the device came from: the registry generation it was listed in, and its position then.
    let generation: UInt64
    let position: Int

    init(
        executionProvider: String, vendor: String, metadata: [String: String], options: [String: String],
        hardware: HardwareDevice, generation: UInt64, position: Int
    ) {
        self.executionProvider = executionProvider
        self.vendor = vendor
        self.metadata = metadata
        self.options = options
        self.hardware = hardware
        self.generation = generation
        self.position = position
    }

    /// For example `SwiftTestEP (swift-onnxruntime) on cpu AMD (vendor 0x1022, device 0x0)`.
    public var description: String { "\(executionProvider) (\(vendor)) on \(hardware)" }

    /// Whether two values describe the same provider on the same hardware, wherever they were listed.
    func sameDevice(as other: ExecutionProviderDevice) -> Bool {
        executionProvider == other.executionProvider && vendor == other.vendor && hardware == other.hardware
            && metadata == other.metadata
    }
}

extension ExecutionProviderDevice {
    /// Reads an `OrtEpDevice` (owned by the environment; not kept).
    init(_ device: OpaquePointer, api: API, generation: UInt64, position: Int) {
        let table = api.table.pointee
        self.init(
            executionProvider: table.EpDevice_EpName(device).map { String(cString: $0) } ?? "",
            vendor: table.EpDevice_EpVendor(device).map { String(cString: $0) } ?? "",
            metadata: api.dictionary(table.EpDevice_EpMetadata(device)),
            options: api.dictionary(table.EpDevice_EpOptions(device)),
            hardware: HardwareDevice(table.EpDevice_Device(device), api: api),
            generation: generation, position: position)
    }
}
