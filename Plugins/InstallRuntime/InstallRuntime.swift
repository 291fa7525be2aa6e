import Foundation
import PackagePlugin

/// `swift package install-onnxruntime`: installs the ONNX Runtime version swift-onnxruntime pins into `.ort/lib/` of
/// the package the command runs in, where the library's search finds it.
///
/// It runs `scripts/install-runtime.sh` from the swift-onnxruntime checkout, so a package that depends on
/// swift-onnxruntime gets exactly the runtime this package is tested with. Usage, in the consuming package:
///
/// ```
/// swift package --allow-writing-to-package-directory --allow-network-connections all install-onnxruntime
/// ```
///
/// Arguments: `--force` installs again even if the library is there. The environment variables of the script
/// (`ORT_VERSION`, `ORT_INSTALL_FROM`) pass through.
@main
struct InstallRuntime: CommandPlugin {
    /// The manifest name of the package that holds the script.
    static let packageName = "swift-onnxruntime"
    static let scriptPath = "scripts/install-runtime.sh"

    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var forwarded: [String] = []
        for argument in arguments {
            switch argument {
            case "--force":
                forwarded.append(argument)
            case "--help", "-h":
                print(
                    """
                    Installs the pinned ONNX Runtime into .ort/lib/ of this package.
                    Usage: swift package --allow-writing-to-package-directory --allow-network-connections all \
                    install-onnxruntime [--force]
                    Environment: ORT_VERSION (another version), ORT_INSTALL_FROM (a downloaded wheel or \
                    libonnxruntime.so.<version>, instead of downloading)
                    """)
                return
            default:
                throw InstallError("unknown argument '\(argument)'; the only option is --force")
            }
        }
        let script = try Self.locateScript(context.package)
        let destination = context.package.directoryURL.appendingPathComponent(".ort")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", script.path, "--dest", destination.path] + forwarded
        process.currentDirectoryURL = context.package.directoryURL
        try process.run()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw InstallError(
                "\(script.path) failed (exit status \(process.terminationStatus)); see its message above")
        }
    }

    /// `scripts/install-runtime.sh` of swift-onnxruntime: in the package itself when the command runs there, else in
    /// its checkout among the dependencies (direct or not), else beside this plugin's source.
    static func locateScript(_ root: Package) throws -> URL {
        var queue = [root]
        var seen = Set<String>()
        while !queue.isEmpty {
            let package = queue.removeFirst()
            guard seen.insert(package.id).inserted else { continue }
            let script = package.directoryURL.appendingPathComponent(scriptPath)
            if package.displayName == packageName, FileManager.default.fileExists(atPath: script.path) {
                return script
            }
            queue += package.dependencies.map(\.package)
        }
        // This file is <checkout>/Plugins/InstallRuntime/InstallRuntime.swift.
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let script = checkout.appendingPathComponent(scriptPath)
        if FileManager.default.fileExists(atPath: script.path) { return script }
        throw InstallError(
            "cannot find \(scriptPath) of \(packageName): it is not among the dependencies of '\(root.displayName)' "
                + "nor at \(script.path)")
    }
}

/// A failure of the command, shown by SwiftPM as the command's error.
struct InstallError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
