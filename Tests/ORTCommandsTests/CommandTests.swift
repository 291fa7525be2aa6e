#if Server
import Foundation
import ONNXFormats
import ONNXRuntime
import Testing

@testable import ORTCommands

/// Paths used by the command tests.
enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func model(_ name: String) -> String { root.appendingPathComponent("Tests/Models/\(name).onnx").path }
    static func fixture(_ name: String) -> String {
        root.appendingPathComponent("Tests/ORTCommandsTests/Fixtures/run/\(name)").path
    }
    static var ort: String {
        let bundle = Bundle.main.bundleURL
        let folder = bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
        return folder.appendingPathComponent("ort").path
    }

    /// Runs the built `ort` and returns its exit status and output.
    static func runORT(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ort)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }
}

@Suite struct InspectTests {
    @Test func reportDescribesTheModel() throws {
        let report = try ModelReport(path: Paths.model("add_f32"))
        #expect(report.irVersion == 10)
        #expect(report.producer.name == "swift-onnxruntime-tests")
        #expect(report.producer.version == "1.0")
        #expect(report.domain == "org.swift-onnxruntime.tests")
        #expect(report.modelVersion == 7)
        #expect(report.description == "A tiny Add model for metadata tests.")
        #expect(report.graph.name == "add_graph")
        #expect(report.opsets.map { "\($0.domain):\($0.version)" } == ["ai.onnx:21"])
        #expect(report.inputs.map(\.text) == ["A: tensor(float) [N, 3]", "B: tensor(float) [N, 3]"])
        #expect(report.metadata == ["author": "swift-onnxruntime", "purpose": "metadata test"])
        #expect(report.text.contains("Format:   IR version 10, opsets ai.onnx v21"))
    }

    @Test func jsonIsStable() throws {
        let report = try ModelReport(path: Paths.model("zipmap"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "path", "irVersion", "producer", "domain", "modelVersion", "description", "graph", "opsets", "inputs",
                "outputs", "overridableInitializers", "metadata",
            ])
        let opsets = try #require(object["opsets"] as? [[String: Any]])
        #expect(opsets.map { "\($0["domain"]!):\($0["version"]!)" } == ["ai.onnx:21", "ai.onnx.ml:4"])
        let input = try #require((object["inputs"] as? [[String: Any]])?.first)
        #expect(input["type"] as? String == "tensor(float)")
        #expect(input["elementType"] as? String == "float32")
        #expect((input["shape"] as? [Any])?.count == 2)
        #expect((input["shape"] as? [Any])?.first as? String == "N")
        let output = try #require((object["outputs"] as? [[String: Any]])?.first)
        #expect(output["type"] as? String == "seq(map(int64,tensor(float)))")
        #expect(output["shape"] == nil)
    }

    @Test func overridableInitializersAreListed() throws {
        let report = try ModelReport(path: Paths.model("overridable_init"))
        #expect(report.overridableInitializers.map(\.text) == ["scale: tensor(float) [3]"])
    }
}

@Suite struct RunCommandTests {
    @Test func inputsFromNpyAndPbByNameAndPosition() throws {
        let session = try Session(path: Paths.model("multi_out"))
        for spec in ["x=\(Paths.fixture("x.npy"))", Paths.fixture("x.pb"), Paths.fixture("x.npy")] {
            let feeds = try InputFiles.load([spec], for: session)
            let x = try #require(feeds["x"])
            #expect(try x.tensor(of: Float.self).scalars == [1, 5, 3, 6, 2, 4])
            let outputs = try session.run(feeds)
            #expect(try outputs.tensor("total", of: Float.self).scalar == 21)
            #expect(try outputs.tensor("argmax", of: Int64.self).scalars == [1, 0])
        }
    }

    @Test func sequenceInputFromPb() throws {
        let session = try Session(path: Paths.model("sequence_in"))
        let feeds = try InputFiles.load([Paths.fixture("seq.pb")], for: session)
        #expect(try session.run(feeds).tensor("t", of: Float.self).scalars == [1, 2, 3])
    }

    @Test(arguments: [RunModel.OutputFormat.pb, .npy])
    func outputsAreWrittenAndReadBack(format: RunModel.OutputFormat) throws {
        let session = try Session(path: Paths.model("multi_out"))
        let outputs = try session.run(try InputFiles.load([Paths.fixture("x.npy")], for: session))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ort-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let written = try OutputFiles.write(outputs, session: session, to: directory.path, format: format)
        #expect(
            written.map { URL(fileURLWithPath: $0).lastPathComponent }
                == ["plus1", "times2", "total", "argmax"].map { "\($0).\(format.rawValue)" })
        let data = try Data(contentsOf: URL(fileURLWithPath: written[3]))
        let argmax = format == .npy ? try NumPy.readValue(from: data) : try ONNXProto.readTensor(from: data).value
        #expect(try argmax.tensor(of: Int64.self).scalars == [1, 0])
        if format == .pb { #expect(try ONNXProto.readTensor(from: data).name == "argmax") }
        let timesData = try Data(contentsOf: URL(fileURLWithPath: written[1]))
        let times =
            format == .npy ? try NumPy.readValue(from: timesData) : try ONNXProto.readTensor(from: timesData).value
        #expect(times.shape == [2, 3])
        #expect(try times.tensor(of: Float.self).scalars == [2, 10, 6, 12, 4, 8])
    }

    @Test func byteStringsFromNpyAndPbAreWrittenBackWhole() throws {
        let session = try Session(path: Paths.model("identity_string"))
        // bytes.npy, written by numpy.save ('|S3'): its elements as NumPy reads them, trailing padding removed.
        let fromNpy = try InputFiles.load(["x=\(Paths.fixture("bytes.npy"))"], for: session)
        #expect(
            try #require(fromNpy["x"]).tensor(of: [UInt8].self).scalars == [
                [0x00, 0xFF], [0x61, 0x00, 0x62], [], [0x80], [0xFE, 0xFD, 0xFC], [0x7A],
            ])
        // bytes.pb, written by onnx.numpy_helper from an object array of bytes: every element whole.
        let expected: [[UInt8]] = [
            [0x00], [0x61, 0x00, 0x62], [], [0xFF, 0xFE], [0x80, 0x61, 0x62, 0x63], [0x65, 0x6E, 0x64, 0x00, 0x00],
        ]
        let outputs = try session.run(try InputFiles.load([Paths.fixture("bytes.pb")], for: session))
        #expect(try outputs.tensor("y", of: [UInt8].self).scalars == expected)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ort-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pb = try OutputFiles.write(outputs, session: session, to: directory.path, format: .pb)
        let proto = try ONNXProto.readTensor(from: Data(contentsOf: URL(fileURLWithPath: pb[0])))
        #expect(proto.name == "y")
        #expect(try proto.value.tensor(of: [UInt8].self).scalars == expected)
        // .npy: '|S5' (the longest element), so NumPy reads it back as bytes; as in NumPy, trailing NULs are padding.
        let npy = try OutputFiles.write(outputs, session: session, to: directory.path, format: .npy)
        let npyData = try Data(contentsOf: URL(fileURLWithPath: npy[0]))
        #expect(String(decoding: npyData.prefix(64), as: UTF8.self).contains("'descr': '|S5'"))
        var unpadded = expected
        unpadded[0] = []  // b'\x00' is all padding to NumPy
        unpadded[5] = [0x65, 0x6E, 0x64]
        #expect(try NumPy.readValue(from: npyData).tensor(of: [UInt8].self).scalars == unpadded)
        let summary = ValueSummary(name: "y", value: try #require(outputs["y"]))
        #expect(
            summary.text
                == #"y: tensor(string) [2, 3] = [b'\x00', b'a\x00b', "", b'\xff\xfe', b'\x80abc', b'end\x00\x00']"#)
    }

    @Test func byteStringsThroughTheCommandLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ort-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Paths.runORT([
            "run", Paths.model("identity_string"), "--input", Paths.fixture("bytes.pb"), "--output-dir", directory.path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let written = try Data(contentsOf: directory.appendingPathComponent("y.pb"))
        #expect(
            try ONNXProto.readTensor(from: written).value.tensor(of: [UInt8].self).scalars == [
                [0x00], [0x61, 0x00, 0x62], [], [0xFF, 0xFE], [0x80, 0x61, 0x62, 0x63], [0x65, 0x6E, 0x64, 0x00, 0x00],
            ])
    }

    @Test func summariesShowValuesAndStatistics() throws {
        let session = try Session(path: Paths.model("multi_out"))
        let outputs = try session.run(try InputFiles.load([Paths.fixture("x.npy")], for: session))
        let times2 = ValueSummary(name: "times2", value: try #require(outputs["times2"]))
        #expect(times2.text == "times2: tensor(float) [2, 3] = [2, 10, 6, 12, 4, 8]  min 2 max 12 mean 7")
        let strings = try Tensor<String>(["ab", "", "héllo"]).value
        #expect(ValueSummary(name: "s", value: strings).text == "s: tensor(string) [3] = [\"ab\", \"\", \"héllo\"]")
    }

    @Test func badInputFilesAreOneClearError() throws {
        let session = try Session(path: Paths.model("multi_out"))
        #expect {
            _ = try InputFiles.load(["x=/nonexistent.npy"], for: session)
        } throws: { "\($0)" == "input file '/nonexistent.npy' does not exist" }
        #expect {
            _ = try InputFiles.load(["y=\(Paths.fixture("x.npy"))"], for: session)
        } throws: { "\($0)".contains("model has no input named 'y'") }
        #expect {
            _ = try InputFiles.load([Paths.fixture("x.npy"), Paths.fixture("x.pb")], for: session)
        } throws: { "\($0)".contains("more input files than the model has inputs") }
        // A wrong dtype is read fine, and refused by the session with the expected type.
        let feeds = try InputFiles.load([Paths.fixture("x_int64.npy")], for: session)
        #expect {
            _ = try session.run(feeds)
        } throws: { "\($0)" == "input 'x' expects float32 [2, 3], got int64 [2, 3]" }
        // A .npy file that is not one.
        #expect {
            _ = try InputFiles.load(["x=\(Paths.model("multi_out"))"], for: session)
        } throws: { "\($0)".contains("input 'x' from") }
    }

    @Test func commandLineErrorsAreOneLineWithNonZeroExit() throws {
        let missingModel = try Paths.runORT(["run", "/nonexistent.onnx"])
        #expect(missingModel.status != 0)
        #expect(
            missingModel.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                == "Error: model file '/nonexistent.onnx' does not exist")
        let wrongDtype = try Paths.runORT(["run", Paths.model("multi_out"), "--input", Paths.fixture("x_int64.npy")])
        #expect(wrongDtype.status != 0)
        #expect(wrongDtype.stderr.contains("expects float32 [2, 3], got int64 [2, 3]"))
        #expect(!wrongDtype.stderr.contains("Usage"))
        let ok = try Paths.runORT(["run", Paths.model("multi_out"), "--input", "x=\(Paths.fixture("x.npy"))", "--json"])
        #expect(ok.status == 0)
        let summaries = try #require(try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [[String: Any]])
        #expect(summaries.map { $0["name"] as? String } == ["plus1", "times2", "total", "argmax"])
        #expect(summaries[2]["mean"] as? Double == 21)
    }
}

@Suite struct BenchCommandTests {
    @Test func latencyStatisticsByHand() {
        let stats = LatencyStats((1...100).map(Double.init))
        #expect(stats.mean == 50.5)
        #expect(stats.p50 == 50)
        #expect(stats.p90 == 90)
        #expect(stats.p99 == 99)
        #expect(stats.min == 1)
        #expect(stats.max == 100)
        #expect(LatencyStats([]).mean == 0)
        #expect(LatencyStats([7]).p99 == 7)
    }

    @Test func benchmarkCountsEveryRun() async throws {
        let session = try Session(path: Paths.model("add_f32"))
        let feeds = try RandomInputs.make(for: session, dimensions: ["N": 4], seed: 1)
        #expect(feeds["A"]?.shape == [4, 3])
        let a = try #require(feeds["A"]).tensor(of: Float.self).scalars
        #expect(a.allSatisfy { $0 >= 0 && $0 < 1 })
        let result = try await Benchmark.run(session: session, feeds: feeds, iterations: 30, warmup: 2, concurrency: 3)
        #expect(result.iterations == 30)
        #expect(result.latency.min > 0)
        #expect(result.latency.max >= result.latency.p99)
        #expect(result.throughput > 0)
    }

    @Test func benchCommandJSONHasNoProgressBar() throws {
        let result = try Paths.runORT([
            "bench", Paths.model("dynamic_matmul"), "--iterations", "20", "--warmup", "1", "--dim", "batch=8", "--json",
        ])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("["))  // no bar
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["iterations"] as? Int == 20)
        #expect((object["latency"] as? [String: Any])?["p99"] != nil)
        let bad = try Paths.runORT(["bench", Paths.model("add_f32"), "--iterations", "0"])
        #expect(bad.status != 0)
        let badDim = try Paths.runORT(["bench", Paths.model("add_f32"), "--dim", "N=x"])
        #expect(badDim.status != 0)
        #expect(badDim.stderr.contains("--dim expects NAME=VALUE"))
    }
}
#endif
