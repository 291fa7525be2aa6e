extension SessionOptions {
    /// What a ``SessionOptions/deviceSelector`` is asked to choose from.
    public struct DeviceSelection: Sendable {
        /// The candidates: every execution provider device ORT offers for this session.
        public var devices: [ExecutionProviderDevice]
        /// The model's metadata (ORT's keys and the model's own), by key.
        public var modelMetadata: [String: String]
        /// Facts about the runtime environment ORT passes along, by key (often empty).
        public var runtimeMetadata: [String: String]
        /// The most devices the selector may return.
        public var maximumCount: Int

        /// Describes a selection request.
        /// - Parameters:
        ///   - devices: The candidates.
        ///   - modelMetadata: The model's metadata.
        ///   - runtimeMetadata: Facts about the runtime environment.
        ///   - maximumCount: The most devices that may be chosen.
        public init(
            devices: [ExecutionProviderDevice], modelMetadata: [String: String] = [:],
            runtimeMetadata: [String: String] = [:], maximumCount: Int
        ) {
            self.devices = devices
            self.modelMetadata = modelMetadata
            self.runtimeMetadata = runtimeMetadata
            self.maximumCount = maximumCount
        }
    }

    /// Chooses, while a session is created, the devices it runs on, in order of preference.
    ///
    /// Return some of ``DeviceSelection/devices`` (at most ``DeviceSelection/maximumCount``). Returning a device
    /// that is not a candidate, or too many, fails session creation with ``ORTError/Code/invalidArgument``; an error
    /// thrown by the selector fails it with that error's description in the message.
    public typealias DeviceSelector = @Sendable (DeviceSelection) throws -> [ExecutionProviderDevice]
}
