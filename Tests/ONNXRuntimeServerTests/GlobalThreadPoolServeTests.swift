#if Server && Client
import Foundation
import ONNXRuntimeServing
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `ort serve --backend-config onnxruntime,enable-global-threadpool=1`: every model's sessions share the
/// environment's pools. The real executable, so that the environment (once per process) is the server's own.
@Suite("ort serve with global thread pools")
struct GlobalThreadPoolServeTests {
    static let models = 10

    /// A repository of `models` copies of add_f32; the first one asks for 2 intra-op threads of its own.
    static func repository() throws -> TemporaryRepository {
        let repository = try TemporaryRepository()
        for index in 0..<models {
            let config =
                index == 0
                ? """
                name: "add0"
                parameters { key: "intra_op_thread_count" value: { string_value: "2" } }
                """ : nil
            try repository.add("add\(index)", file: ServerFixtures.model("add_f32"), config: config)
        }
        return repository
    }

    /// add_f32's case `n2` (Tests/Models/add_f32.json): C = A + B, exact in binary floating point.
    static let request: [UInt8] = {
        var request = InferenceTestRequest()
        request.add("A", "FP32", [2, 3], json: .doubles([-5.875, -6.5, -6.75, 4.875, 4.5, 4.5]))
        request.add("B", "FP32", [2, 3], json: .doubles([-1.875, -4.375, -3.125, 4.625, 8.0, -0.375]))
        return request.encoded().body
    }()
    static let expected: [Double] = [-7.75, -10.875, -9.875, 9.5, 12.5, 4.125]

    struct Run {
        var threads: Int
        var log: String
    }

    /// Serves the repository with `arguments`, checks that every model answers add_f32's case, and counts the
    /// server's threads once all models are loaded and have run.
    static func serve(_ repository: TemporaryRepository, _ arguments: [String]) async throws -> Run {
        let server = try await ServeProcess.start(
            [
                "--model-repository", repository.path, "--http-port", "0", "--no-grpc", "--allow-metrics",
                "false", "--log-level", "info",
            ] + arguments)
        defer { server.stop() }
        let (process, collector, base) = (server.process, server.output, server.base)
        #expect(try await LiveHTTP.waitFor200("\(base)/v2/health/ready"), "\(collector.value)")
        for index in 0..<models {
            let response = try await LiveHTTP.send("POST", "\(base)/v2/models/add\(index)/infer", body: Self.request)
            #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
            let output = response.json["outputs"]?.arrayValue?.first
            #expect(output?["name"] == .string("C"))
            #expect(output?["data"]?.arrayValue?.compactMap(\.doubleValue) == Self.expected)
        }
        let threads = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/task")
        return Run(threads: threads.count, log: collector.value)
    }

    @Test(
        "10 models on global pools: correct results, far fewer threads than with pools per session",
        .enabled(if: ShutdownTests.ortExecutable != nil, "the ort executable is not built"),
        .timeLimit(.minutes(3)))
    func fewerThreads() async throws {
        let repository = try Self.repository()
        // Four intra-op threads everywhere: per session, the caller plus three pool threads each (add0 asks for 2).
        let perSession = try await Self.serve(repository, ["--backend-config", "onnxruntime,intra_op_thread_count=4"])
        let global = try await Self.serve(
            repository,
            [
                "--backend-config", "onnxruntime,enable-global-threadpool=1", "--backend-config",
                "onnxruntime,intra_op_thread_count=4",
            ])
        // Pools per session add 3 threads for each of 9 models and 1 for add0; global pools add 3 in all. Seen here:
        // 36 against 12 or 13. The server's other threads (event loops, the blocking pool that loads models) vary with
        // timing, so the bound leaves room: at least one per model. (With 2 intra-op threads, one per model, a CI
        // machine once showed a difference of only 4.)
        #expect(perSession.threads - global.threads >= Self.models, "\(perSession.threads) vs \(global.threads)")
        #expect(global.log.contains("models run on global thread pools"), "\(global.log)")
        #expect(!perSession.log.contains("models run on global thread pools"))
        // The model's own thread count is Triton's: ignored under global pools, with a warning naming it.
        #expect(
            global.log.contains(
                "the model's intra_op_thread_count is ignored: its sessions run on the server's global thread pools"),
            "\(global.log)")
        #expect(!perSession.log.contains("is ignored"))
    }

    @Test(
        "a --backend-config the server cannot use stops it before it starts",
        .enabled(if: ShutdownTests.ortExecutable != nil, "the ort executable is not built"),
        arguments: [
            (["--backend-config", "openvino,enable-global-threadpool=1"], "backend 'openvino' is not available"),
            (["--backend-config", "onnxruntime,thread_count=2"], "unknown setting 'thread_count'"),
        ] as [([String], String)])
    func refused(_ arguments: [String], _ expected: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ShutdownTests.ortExecutable!)
        process.arguments = ["serve", "--model-repository", "/tmp"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(output.contains("--backend-config: \(expected)"), "\(output)")
    }
}
#endif
