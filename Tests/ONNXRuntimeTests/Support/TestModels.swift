import Foundation

/// Locates the generated test models in `Tests/Models`.
///
/// ```swift
/// let session = try Session(path: TestModels.path("add_f32"))
/// ```
enum TestModels {
    /// The `Tests/Models` folder, found from this source file's location (so it works from any working directory).
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // ONNXRuntimeTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Models", isDirectory: true)

    /// The package root (the folder holding `Package.swift`).
    static var packageRoot: URL {
        directory.deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The URL of a model or case file. A bare name gets `.onnx` appended; a name with an extension is used as is.
    static func url(_ name: String) -> URL {
        let file = name.hasSuffix(".onnx") || name.hasSuffix(".json") || name.hasSuffix(".md") ? name : name + ".onnx"
        return directory.appendingPathComponent(file, isDirectory: false)
    }

    /// The file-system path of a model or case file, for `Session(path:)`.
    static func path(_ name: String) -> String {
        url(name).path
    }

    /// The URL of `NAME.json`, the test cases for `NAME.onnx`.
    static func caseFileURL(_ name: String) -> URL {
        directory.appendingPathComponent(name.hasSuffix(".json") ? name : name + ".json", isDirectory: false)
    }

    /// The names (without extension) of every model that has a case file, sorted.
    static let caseNames: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(".json".count)) }.sorted()
    }()

    /// The names (without extension) of every `.onnx` model, sorted.
    static let modelNames: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".onnx") }.map { String($0.dropLast(".onnx".count)) }.sorted()
    }()
}
