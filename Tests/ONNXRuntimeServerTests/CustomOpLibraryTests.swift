#if Server && Client
import Foundation
import Logging
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// `model_operations { op_library_filename }`: a model gets a custom operator library only when the server allows
/// the directory it is in, and every bad case is a load failure naming the library. The library that works is
/// exercised by Tests/Integration/test_ensemble_custom_ops.py (onnxruntime-extensions' library, a Python extension
/// module that needs libpython's symbols).
@Suite("Custom operator libraries: allowed directories and load failures")
struct CustomOpLibraryTests {
    /// A folder of "libraries": one that is not a shared library, and a symbolic link that leads out of the folder.
    final class Libraries: Sendable {
        let path: String
        let outside: String

        init() throws {
            let base = FileManager.default.temporaryDirectory.appendingPathComponent("ort-ops-\(UUID().uuidString)")
            path = base.appendingPathComponent("allowed").path
            outside = base.appendingPathComponent("elsewhere").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try Data("this is not a shared library".utf8).write(to: URL(fileURLWithPath: "\(path)/libnot.so"))
            try Data("neither is this".utf8).write(to: URL(fileURLWithPath: "\(outside)/libother.so"))
            try FileManager.default.createSymbolicLink(
                atPath: "\(path)/libescape.so", withDestinationPath: "\(outside)/libother.so")
            try FileManager.default.createDirectory(atPath: "\(path)/folder.so", withIntermediateDirectories: true)
        }

        deinit {
            try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
        }
    }

    static func config(_ library: String) -> String {
        "model_operations { op_library_filename: \"\(library)\" }"
    }

    static func engine(_ repository: TemporaryRepository, allowed: [String]) async -> InferenceEngine {
        var configuration = ServingConfiguration(repositories: [repository.path])
        configuration.customOpLibraryDirectories = allowed
        let engine = InferenceEngine(configuration: configuration, logger: ServerFixtures.logger)
        await engine.start()
        return engine
    }

    @Test("each bad library is a load failure naming it; models without libraries load as before")
    func badLibraries() async throws {
        let libraries = try Libraries()
        let repository = try TemporaryRepository()
        let model = ServerFixtures.model("identity_float32")
        let cases: [(name: String, library: String, reason: String)] = [
            (
                "missing", "\(libraries.path)/libmissing.so",
                "custom operator library '\(libraries.path)/libmissing.so' (model_operations.op_library_filename) "
                    + "does not exist"
            ),
            (
                "outside", "\(libraries.outside)/libother.so",
                "custom operator library '\(libraries.outside)/libother.so' is not in a directory allowed by "
                    + "--allow-custom-op-libraries ('\(libraries.path)')"
            ),
            (
                "escape", "\(libraries.path)/libescape.so",
                "custom operator library '\(libraries.path)/libescape.so' (that is, '\(libraries.outside)/libother.so') "
                    + "is not in a directory allowed by --allow-custom-op-libraries"
            ),
            (
                "dotdot", "\(libraries.path)/../elsewhere/libother.so",
                "is not in a directory allowed by --allow-custom-op-libraries"
            ),
            (
                "relative", "libhere.so",
                "custom operator library '\(repository.path)/relative/libhere.so' (model_operations.op_library_filename) "
                    + "does not exist"
            ),
            (
                "directory", "\(libraries.path)/folder.so",
                "custom operator library '\(libraries.path)/folder.so' (model_operations.op_library_filename) is a "
                    + "directory"
            ),
            (
                "notalib", "\(libraries.path)/libnot.so",
                "cannot register custom operator library '\(libraries.path)/libnot.so'"
            ),
        ]
        for entry in cases {
            try repository.add(entry.name, file: model, config: Self.config(entry.library))
        }
        try repository.add("plain", file: model)
        let engine = await Self.engine(repository, allowed: [libraries.path])
        let index = await engine.repositoryIndex(readyOnly: false)
        #expect(index.first { $0.name == "plain" }?.state == .ready)
        for entry in cases {
            let found = index.first { $0.name == entry.name }
            #expect(found?.state == .unavailable, "\(entry.name)")
            #expect(found?.reason.contains(entry.reason) == true, "\(entry.name): \(found?.reason ?? "")")
        }
    }

    @Test("without --allow-custom-op-libraries no model may name a library, even one that exists")
    func notAllowed() async throws {
        let libraries = try Libraries()
        let repository = try TemporaryRepository()
        try repository.add(
            "ops", file: ServerFixtures.model("identity_float32"),
            config: Self.config("\(libraries.path)/libnot.so"))
        let engine = await Self.engine(repository, allowed: [])
        let entry = await engine.repositoryIndex(readyOnly: false).first { $0.name == "ops" }
        #expect(entry?.state == .unavailable)
        #expect(
            entry?.reason
                == "the model needs the custom operator library '\(libraries.path)/libnot.so' "
                + "(model_operations), but this server does not load custom operator libraries: start it with "
                + "--allow-custom-op-libraries DIR, DIR the directory that holds them (see SECURITY.md)")
    }
}
#endif
