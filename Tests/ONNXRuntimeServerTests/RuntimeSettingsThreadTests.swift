#if Server && Client
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The thread counts and the execution mode of config.pbtxt reach ONNX Runtime, seen from outside: the real `ort
/// serve` loads models one at a time (explicit model control) and the test counts the server's threads
/// (`/proc/PID/task`) after each load. ONNX Runtime starts an intra-op pool of N - 1 threads for
/// `intra_op_thread_count` N, and an inter-op pool only in parallel execution mode.
@Suite("ONNX Runtime settings seen in the server's threads")
struct RuntimeSettingsThreadTests {
    static let instances = 4

    /// A model with `instances` instances of add_f32 and these parameters.
    static func config(_ parameters: [String: String]) -> String {
        "instance_group [ { count: \(instances) kind: KIND_CPU } ]\n"
            + parameters.sorted { $0.key < $1.key }.map {
                "parameters { key: \"\($0.key)\" value: { string_value: \"\($0.value)\" } }"
            }.joined(separator: "\n")
    }

    @Test(
        "intra_op_thread_count and execution_mode: 1 start the pools they ask for; sequential mode starts no inter-op pool",
        .enabled(if: ShutdownTests.ortExecutable != nil, "the ort executable is not built"),
        .timeLimit(.minutes(2)))
    func poolsPerModel() async throws {
        let repository = try TemporaryRepository()
        let add = ServerFixtures.model("add_f32")
        try repository.add(
            "sequential", file: add,
            config: Self.config(["intra_op_thread_count": "1", "inter_op_thread_count": "8", "execution_mode": "0"]))
        try repository.add(
            "parallel", file: add,
            config: Self.config(["intra_op_thread_count": "1", "inter_op_thread_count": "8", "execution_mode": "1"]))
        try repository.add(
            "intra", file: add,
            config: Self.config(["intra_op_thread_count": "8", "inter_op_thread_count": "8", "execution_mode": "0"]))
        // The server's default is parallel; this model takes it, with its own thread counts.
        try repository.add(
            "server_default", file: add,
            config: Self.config(["intra_op_thread_count": "1", "inter_op_thread_count": "8"]))

        let server = try await ServeProcess.start([
            "--model-repository", repository.path, "--http-port", "0", "--no-grpc", "--allow-metrics",
            "false", "--log-level", "info", "--model-control-mode", "explicit", "--backend-config",
            "onnxruntime,execution_mode=1",
        ])
        defer { server.stop() }
        let (process, collector, base) = (server.process, server.output, server.base)
        #expect(try await LiveHTTP.waitFor200("\(base)/v2/health/live"), "\(collector.value)")
        func threads() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/task").count
        }
        /// The threads a model's load adds.
        func load(_ model: String) async throws -> Int {
            let before = try threads()
            let response = try await LiveHTTP.send("POST", "\(base)/v2/repository/models/\(model)/load")
            #expect(response.status == 200, "\(model): \(String(decoding: response.body, as: UTF8.self))")
            return try threads() - before
        }
        // Load one model first, so that threads the first load starts (the loading pool) are not counted below.
        let warm = try await load("sequential")
        let sequential = try await LiveHTTP.send("POST", "\(base)/v2/repository/models/sequential/unload")
        #expect(sequential.status == 200)
        let baseline = try await load("sequential")
        let parallel = try await load("parallel")
        let intra = try await load("intra")
        let serverDefault = try await load("server_default")
        // Each instance: 7 inter-op pool threads in parallel mode, 7 intra-op pool threads with 8 intra-op threads;
        // 4 instances, 28 threads. The bound leaves room for the server's own threads coming and going.
        let expected = Self.instances * 7
        #expect(parallel - baseline >= expected - 6, "parallel \(parallel), sequential \(baseline), first \(warm)")
        #expect(intra - baseline >= expected - 6, "intra \(intra), sequential \(baseline)")
        #expect(serverDefault - baseline >= expected - 6, "server default \(serverDefault), sequential \(baseline)")
        #expect(baseline < expected / 2, "sequential \(baseline)")
    }
}
#endif
