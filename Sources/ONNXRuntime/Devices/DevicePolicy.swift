import CONNXRuntime

extension SessionOptions {
    /// How ORT chooses execution providers and devices by itself when a session names none
    /// (``SessionOptions/devicePolicy``).
    ///
    /// ORT considers every device in ``Environment/executionProviderDevices()``, the CPU provider included, and
    /// falls back to the CPU. New policies may be added; compare with the static members.
    ///
    /// The corresponding C type is `OrtExecutionProviderDevicePolicy`.
    public struct DevicePolicy: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// ORT's `OrtExecutionProviderDevicePolicy` value.
        public let rawValue: UInt32
        /// Wraps ORT's `OrtExecutionProviderDevicePolicy` value.
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// ORT's default choice.
        public static let automatic = DevicePolicy(rawValue: OrtExecutionProviderDevicePolicy_DEFAULT.rawValue)
        /// Prefer providers on the CPU.
        public static let preferCPU = DevicePolicy(rawValue: OrtExecutionProviderDevicePolicy_PREFER_CPU.rawValue)
        /// Prefer providers on an NPU.
        public static let preferNPU = DevicePolicy(rawValue: OrtExecutionProviderDevicePolicy_PREFER_NPU.rawValue)
        /// Prefer providers on a GPU.
        public static let preferGPU = DevicePolicy(rawValue: OrtExecutionProviderDevicePolicy_PREFER_GPU.rawValue)
        /// The fastest devices.
        public static let maxPerformance = DevicePolicy(
            rawValue: OrtExecutionProviderDevicePolicy_MAX_PERFORMANCE.rawValue)
        /// The most power-efficient devices.
        public static let maxEfficiency = DevicePolicy(
            rawValue: OrtExecutionProviderDevicePolicy_MAX_EFFICIENCY.rawValue)
        /// The least power overall.
        public static let minPower = DevicePolicy(
            rawValue: OrtExecutionProviderDevicePolicy_MIN_OVERALL_POWER.rawValue)

        /// The policy's name, such as `preferCPU`.
        public var description: String {
            switch self {
            case .automatic: "automatic"
            case .preferCPU: "preferCPU"
            case .preferNPU: "preferNPU"
            case .preferGPU: "preferGPU"
            case .maxPerformance: "maxPerformance"
            case .maxEfficiency: "maxEfficiency"
            case .minPower: "minPower"
            default: "policy(\(rawValue))"
            }
        }
    }
}
