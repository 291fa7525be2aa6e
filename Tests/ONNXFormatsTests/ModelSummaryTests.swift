import Foundation
import ONNXFormats
import ONNXRuntime
import Testing

/// `ModelSummary` reports what onnx.helper wrote into the fixture model, and agrees with ONNX Runtime's own
/// reading of the same files.
@Suite struct ModelSummaryTests {
    let expected = Fixtures.expected.model

    @Test func summaryOfTheFixtureModel() throws {
        let summary = try ModelSummary(contentsOf: Fixtures.directory.appendingPathComponent(expected.file))
        #expect(summary.irVersion == expected.irVersion)
        #expect(summary.producerName == expected.producerName)
        #expect(summary.producerVersion == expected.producerVersion)
        #expect(summary.domain == expected.domain)
        #expect(summary.modelVersion == expected.modelVersion)
        #expect(summary.docString == expected.docString)
        #expect(summary.graphName == expected.graphName)
        #expect(summary.opsetImports == expected.opsetImports.map { .init(domain: $0.domain, version: $0.version) })
        #expect(summary.metadata == expected.metadata.map { .init(key: $0.key, value: $0.value) })
        #expect(summary.opsetImports.map(\.description) == ["ai.onnx v21", "ai.onnx.ml v4", "com.example v1"])
    }

    @Test(arguments: ["model.onnx", "outputs.onnx"]) func agreesWithOnnxRuntime(_ file: String) throws {
        let url = Fixtures.directory.appendingPathComponent(file)
        let summary = try ModelSummary(parsing: Data(contentsOf: url))
        let metadata = try Session(path: url.path).metadata
        #expect(summary.producerName == metadata.producerName)
        #expect(summary.graphName == metadata.graphName)
        #expect(summary.domain == metadata.domain)
        #expect(summary.docString == metadata.description)
        // ORT reports an absent model_version as Int64.max; protobuf's default, and ours, is 0.
        #expect(summary.modelVersion == (metadata.version == .max ? 0 : metadata.version))
        #expect(Dictionary(uniqueKeysWithValues: summary.metadata.map { ($0.key, $0.value) }) == metadata.custom)
    }

    @Test func missingFile() {
        let error = expectORTError {
            _ = try ModelSummary(contentsOf: Fixtures.directory.appendingPathComponent("no-such-model.onnx"))
        }
        #expect(error?.code == .modelNotFound)
        #expect(error?.message.contains("no-such-model.onnx") == true)
    }

    @Test func notAModel() throws {
        for data in [Data([0x08]), Data([0x3A, 0x05, 0x12]), try Fixtures.data("npy_float_v1.npy")] {
            let error = expectORTError { _ = try ModelSummary(parsing: data) }
            #expect(error?.code == .invalidModel)
        }
        #expect(try ModelSummary(parsing: Data()).irVersion == 0)  // an empty message has every field absent
    }

    @Test func truncationNeverCrashes() throws {
        let data = try Fixtures.data(expected.file)
        var failures = 0
        for length in 0..<data.count {
            do {
                _ = try ModelSummary(parsing: data.prefix(length))
            } catch {
                #expect(error.code == .invalidModel)
                failures += 1
            }
        }
        // Cuts between top-level fields leave a valid (shorter) model; every other cut throws.
        #expect(failures >= data.count - 12)
    }
}
