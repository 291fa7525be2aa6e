import Foundation
import ONNXRuntime

/// The test plugin execution provider (`Tests/PluginEP`, C): built on first use by `scripts/build-test-ep.sh`
/// (clang, cached under `.build/test-ep/<source hash>`), registered once per test process.
///
/// ```swift
/// let environment = try TestPluginEP.registeredEnvironment()
/// let devices = try TestPluginEP.devices(in: environment)   // SwiftTestEP on the CPU
/// ```
enum TestPluginEP {
    /// The EP name the library's factory reports.
    static let name = "SwiftTestEP"
    /// The vendor the library's factory reports.
    static let vendor = "swift-onnxruntime"
    /// The name the shared registration uses.
    static let registrationName = "swift-test-ep"

    struct BuildError: Error, CustomStringConvertible {
        var description: String
    }

    private static let built: Result<String, BuildError> = {
        let script = TestModels.packageRoot.appendingPathComponent("scripts/build-test-ep.sh").path
        do {
            let result = try Fixtures.run("/bin/bash", [script])
            let path = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            guard result.status == 0, FileManager.default.fileExists(atPath: path) else {
                return .failure(BuildError(description: "scripts/build-test-ep.sh failed: \(result.stderr)"))
            }
            return .success(path)
        } catch {
            return .failure(BuildError(description: "cannot run scripts/build-test-ep.sh: \(error)"))
        }
    }()

    /// The built library's path.
    static func libraryPath() throws -> String {
        try built.get()
    }

    private static let registration = NSLock()

    /// The shared environment with the test EP registered as ``registrationName`` (once per process).
    static func registeredEnvironment() throws -> Environment {
        let path = try libraryPath()
        let environment = try Environment.shared
        try registration.withLock {
            if environment.executionProviderLibraries[registrationName] == nil {
                try environment.registerExecutionProviderLibrary(registrationName, path: path)
            }
        }
        return environment
    }

    /// The test EP's devices from the shared registration (not from copies registered by other tests).
    static func devices(in environment: Environment) throws -> [ExecutionProviderDevice] {
        let path = try libraryPath()
        return try environment.executionProviderDevices().filter {
            $0.executionProvider == name && $0.metadata["library_path"] == path
        }
    }

    /// A copy of the library in a fresh directory: registering it gives devices that no other test shares.
    static func privateCopy(in directory: URL) throws -> String {
        let copy = directory.appendingPathComponent("libswift_test_ep_copy.so")
        try FileManager.default.copyItem(atPath: try libraryPath(), toPath: copy.path)
        return copy.path
    }
}
