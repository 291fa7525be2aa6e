import CONNXRuntime

/// A piece of hardware ONNX Runtime found on this machine: a CPU, a GPU or an NPU.
///
/// Hardware devices are reached through ``ExecutionProviderDevice/hardware``: ORT lists, for every execution
/// provider, the devices it can run on.
///
/// The corresponding C functions are `HardwareDevice_Type`, `HardwareDevice_Vendor`, `HardwareDevice_VendorId`,
/// `HardwareDevice_DeviceId` and `HardwareDevice_Metadata`.
public struct HardwareDevice: Sendable, Hashable, CustomStringConvertible {
    /// The kind of a hardware device. New kinds may be added; compare with the static members.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// ORT's `OrtHardwareDeviceType` value.
        public let rawValue: UInt32
        /// Wraps ORT's `OrtHardwareDeviceType` value.
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// A central processing unit.
        public static let cpu = Kind(rawValue: OrtHardwareDeviceType_CPU.rawValue)
        /// A graphics processing unit.
        public static let gpu = Kind(rawValue: OrtHardwareDeviceType_GPU.rawValue)
        /// A neural processing unit.
        public static let npu = Kind(rawValue: OrtHardwareDeviceType_NPU.rawValue)

        /// `cpu`, `gpu`, `npu`, or `kind(N)` for a kind this package does not know.
        public var description: String {
            switch self {
            case .cpu: "cpu"
            case .gpu: "gpu"
            case .npu: "npu"
            default: "kind(\(rawValue))"
            }
        }
    }

    /// Whether this is a CPU, a GPU or an NPU.
    public var kind: Kind
    /// The vendor's name, such as `AMD` or `Intel`.
    public var vendor: String
    /// The vendor's PCI ID (for example 0x1022 for AMD, 0x8086 for Intel); 0 when unknown.
    public var vendorID: UInt32
    /// The device's ID from its vendor; 0 when unknown.
    public var deviceID: UInt32
    /// Further facts ORT knows about the device (such as its description or driver), by key.
    public var metadata: [String: String]

    /// Describes a hardware device.
    /// - Parameters:
    ///   - kind: CPU, GPU or NPU.
    ///   - vendor: The vendor's name.
    ///   - vendorID: The vendor's PCI ID.
    ///   - deviceID: The device's ID.
    ///   - metadata: Further facts by key.
    public init(kind: Kind, vendor: String, vendorID: UInt32, deviceID: UInt32, metadata: [String: String] = [:]) {
        self.kind = kind
        self.vendor = vendor
        self.vendorID = vendorID
        self.deviceID = deviceID
        self.metadata = metadata
    }

    /// For example `cpu AMD (vendor 0x1022, device 0x0)`.
    public var description: String {
        "\(kind) \(vendor) (vendor 0x\(String(vendorID, radix: 16)), device 0x\(String(deviceID, radix: 16)))"
    }
}

extension HardwareDevice {
    /// Reads an `OrtHardwareDevice` (owned by the environment; not kept). A missing device reads as an unknown kind.
    init(_ device: OpaquePointer?, api: API) {
        guard let device else {
            self.init(kind: Kind(rawValue: UInt32.max), vendor: "", vendorID: 0, deviceID: 0)
            return
        }
        let table = api.table.pointee
        self.init(
            kind: Kind(rawValue: table.HardwareDevice_Type(device).rawValue),
            vendor: table.HardwareDevice_Vendor(device).map { String(cString: $0) } ?? "",
            vendorID: table.HardwareDevice_VendorId(device),
            deviceID: table.HardwareDevice_DeviceId(device),
            metadata: api.dictionary(table.HardwareDevice_Metadata(device)))
    }
}

extension API {
    /// Copies an `OrtKeyValuePairs` (nil gives an empty dictionary).
    func dictionary(_ pairs: OpaquePointer?) -> [String: String] {
        guard let pairs else { return [:] }
        var keys: UnsafePointer<UnsafePointer<CChar>?>?
        var values: UnsafePointer<UnsafePointer<CChar>?>?
        var count = 0
        table.pointee.GetKeyValuePairs(pairs, &keys, &values, &count)
        guard let keys, let values, count > 0 else { return [:] }
        var result: [String: String] = [:]
        for index in 0..<count {
            guard let key = keys[index] else { continue }
            result[String(cString: key)] = values[index].map { String(cString: $0) } ?? ""
        }
        return result
    }
}
