import Foundation
import Testing

/// Paths and small helpers shared by the hand-written tests.
enum Fixtures {
    /// The package root (three levels above this file).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The path of a generated test model, `Tests/Models/NAME.onnx`.
    static func model(_ name: String) -> String {
        root.appendingPathComponent("Tests/Models/\(name).onnx").path
    }

    /// A fresh temporary directory, removed by the caller's `defer`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ort-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The folder holding the built products (the test bundle sits beside the executables).
    static var productsDirectory: URL {
        let bundle = Bundle.main.bundleURL
        return bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
    }

    /// Compiles a C file into a shared library with the system C compiler; returns nil if none is available.
    static func compileSharedLibrary(source: String, name: String, in directory: URL) throws -> String? {
        let sourceURL = directory.appendingPathComponent("\(name).c")
        try source.write(to: sourceURL, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("\(name).so").path
        let result = try run("/usr/bin/env", ["cc", "-shared", "-fPIC", "-o", output, sourceURL.path])
        return result.status == 0 ? output : nil
    }

    /// Runs a program and collects its exit status and output.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: URL? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }
}
