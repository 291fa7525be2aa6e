#if Server
import Foundation
import Testing

/// `ort serve` started without a usable ONNX Runtime: one clear error line and a non-zero exit, instead of a server
/// that listens but can load nothing. Runs the real executable with `ORT_DYLIB_PATH` pointing at a missing file, at
/// a library that is not ONNX Runtime, and at a stand-in runtime that is too old.
@Suite("Faults: ort serve without a usable runtime")
struct ServeStartupTests {
    /// A stand-in "ONNX Runtime 1.9.0": it exports OrtGetApiBase but offers no API version we accept.
    static let oldRuntimeSource = """
        #include <stddef.h>
        #include <stdint.h>
        typedef struct { const void *(*get_api)(uint32_t); const char *(*version)(void); } base_t;
        static const void *get_api(uint32_t version) { (void)version; return NULL; }
        static const char *version(void) { return "1.9.0"; }
        static const base_t base = { get_api, version };
        const base_t *OrtGetApiBase(void) { return &base; }
        """

    /// Runs `ort serve` on a free port with `ORT_DYLIB_PATH` set; gives up (and fails) after 60 s.
    static func serve(runtime: String) throws -> (status: Int32, stderr: String, stdout: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.ort)
        process.arguments = [
            "serve", "--model", "m=\(Paths.model("add_f32"))", "--http-port", "0", "--grpc-port", "0", "--metrics-port",
            "0",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["ORT_DYLIB_PATH"] = runtime
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            Issue.record("ort serve kept running without a usable runtime")
        }
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, stderr, stdout)
    }

    static func checkOneLine(_ result: (status: Int32, stderr: String, stdout: String), contains expected: String) {
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count == 1, "\(result.stderr)")
        let line = lines.first.map(String.init) ?? ""
        #expect(line.hasPrefix("Error: cannot start the server: "), "\(line)")
        #expect(line.contains(expected), "\(line)")
        #expect(result.stdout.isEmpty, "\(result.stdout)")
    }

    @Test("a missing runtime library")
    func missingRuntime() throws {
        let result = try Self.serve(runtime: "/nonexistent/libonnxruntime.so")
        Self.checkOneLine(
            result,
            contains: "ONNX Runtime library /nonexistent/libonnxruntime.so (from ORT_DYLIB_PATH) does not exist")
    }

    @Test("a library that is not ONNX Runtime")
    func notARuntime() throws {
        let candidates = ["/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6", "/lib64/libm.so.6"]
        let libm = try #require(candidates.first { FileManager.default.fileExists(atPath: $0) }, "no libm found")
        Self.checkOneLine(try Self.serve(runtime: libm), contains: "does not export OrtGetApiBase")
    }

    @Test("a runtime that is too old")
    func tooOldRuntime() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ort-old-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("old.c")
        try Self.oldRuntimeSource.write(to: source, atomically: true, encoding: .utf8)
        let library = directory.appendingPathComponent("libonnxruntime.so").path
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["cc", "-shared", "-fPIC", "-o", library, source.path]
        try compiler.run()
        compiler.waitUntilExit()
        try #require(compiler.terminationStatus == 0, "a C compiler is needed to build the stand-in runtime")
        let result = try Self.serve(runtime: library)
        Self.checkOneLine(result, contains: "1.9.0")
        #expect(result.stderr.contains("1.16"), "\(result.stderr)")
    }
}
#endif
