#if Server
import ArgumentParser
import Foundation
import ONNXRuntime

/// `ort devices [--ep-library NAME=PATH]... [--json]`: the execution providers and devices ONNX Runtime offers.
public struct Devices: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "List execution providers and the devices they run on (after registering plugin libraries).",
        discussion: """
            Lists ONNX Runtime's own providers (such as CPUExecutionProvider) and those of the plugin libraries \
            given with --ep-library NAME=PATH. A library that registers but offers no device on this machine is \
            listed with none. Needs ONNX Runtime 1.22 or newer.
            """)

    @OptionGroup public var libraries: ExecutionProviderLibraryOptions

    @Flag(help: "Print JSON (stable keys).")
    public var json = false

    public init() {}

    /// What `ort devices` reports.
    public struct Report: Encodable, Sendable {
        /// A registered plugin library.
        public struct Library: Encodable, Sendable {
            public var name: String
            public var path: String
            /// How many devices the library's providers offer here.
            public var devices: Int
        }

        /// A hardware device.
        public struct Hardware: Encodable, Sendable {
            public var type: String
            public var vendor: String
            public var vendorID: UInt32
            public var deviceID: UInt32
            public var metadata: [String: String]

            enum CodingKeys: String, CodingKey {
                case type, vendor, metadata
                case vendorID = "vendor_id"
                case deviceID = "device_id"
            }
        }

        /// An execution provider on a device.
        public struct Device: Encodable, Sendable {
            public var executionProvider: String
            public var vendor: String
            public var metadata: [String: String]
            public var options: [String: String]
            public var hardware: Hardware

            enum CodingKeys: String, CodingKey {
                case vendor, metadata, options
                case executionProvider = "ep_name"
                case hardware = "device"
            }
        }

        public var runtime: String
        public var libraries: [Library]
        public var devices: [Device]

        /// Reads the environment's devices and the libraries registered in it.
        public init(environment: Environment) throws(ORTError) {
            let listed = try environment.executionProviderDevices()
            runtime = (try? RuntimeLibrary.load().version) ?? ""
            libraries = environment.executionProviderLibraries.sorted { $0.key < $1.key }.map { name, path in
                Library(name: name, path: path, devices: listed.filter { $0.metadata["library_path"] == path }.count)
            }
            devices = listed.map {
                Device(
                    executionProvider: $0.executionProvider, vendor: $0.vendor, metadata: $0.metadata,
                    options: $0.options,
                    hardware: Hardware(
                        type: $0.hardware.kind.description, vendor: $0.hardware.vendor,
                        vendorID: $0.hardware.vendorID, deviceID: $0.hardware.deviceID,
                        metadata: $0.hardware.metadata))
            }
        }

        /// The JSON form (sorted keys).
        public var json: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
        }

        /// The human-readable form: one line per device, then its metadata and options, then the libraries.
        public var text: String {
            var lines: [String] = []
            for device in devices {
                let hardware = device.hardware
                lines.append(
                    "\(device.executionProvider) (\(device.vendor)) on \(hardware.type) \(hardware.vendor) "
                        + "(vendor 0x\(String(hardware.vendorID, radix: 16)), "
                        + "device 0x\(String(hardware.deviceID, radix: 16)))")
                if !device.metadata.isEmpty { lines.append("  metadata: " + Self.pairs(device.metadata)) }
                if !device.options.isEmpty { lines.append("  options:  " + Self.pairs(device.options)) }
                if !hardware.metadata.isEmpty { lines.append("  device:   " + Self.pairs(hardware.metadata)) }
            }
            for library in libraries {
                lines.append(
                    "library \(library.name): \(library.path) (\(library.devices) device"
                        + "\(library.devices == 1 ? "" : "s"))")
            }
            return lines.joined(separator: "\n")
        }

        static func pairs(_ dictionary: [String: String]) -> String {
            dictionary.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        }
    }

    public func validate() throws {
        _ = try libraries.parsedLibraries()
    }

    public func run() async throws {
        try libraries.registerLibraries()
        let report: Report
        do {
            report = try Report(environment: try Environment.shared)
        } catch {
            throw CommandError("cannot list devices: \(error.message)")
        }
        print(json ? report.json : report.text)
    }
}
#endif
