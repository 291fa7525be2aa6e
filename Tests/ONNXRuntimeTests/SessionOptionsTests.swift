import CONNXRuntime
import Foundation
import Logging
import Synchronization
import Testing

@testable import ONNXRuntime

/// Collects log messages so tests can see what ORT forwarded.
final class LogStore: Sendable {
    let entries = Mutex<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])

    var logger: Logger {
        Logger(label: "test.onnxruntime") { _ in CollectingHandler(store: self) }
    }

    struct CollectingHandler: LogHandler {
        let store: LogStore
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            store.entries.withLock { $0.append((event.level, event.message.description, event.metadata ?? [:])) }
        }
    }
}

/// Session options: each one is applied, and its effect checked where it can be observed.
@Suite struct SessionOptionsTests {
    let x = try! Tensor<Float>([1, 5, 3, 6, 2, 4], shape: [2, 3])

    /// multi_out's plus1/times2/total/argmax for `x`, worked out by hand.
    func expectMultiOut(_ session: Session) throws {
        let outputs = try session.run(["x": x])
        #expect(try outputs.tensor("plus1", of: Float.self).scalars == [2, 6, 4, 7, 3, 5])
        #expect(try outputs.tensor("times2", of: Float.self).scalars == [2, 10, 6, 12, 4, 8])
        #expect(try outputs.tensor("total", of: Float.self).scalar == 21)
        #expect(try outputs.tensor("argmax", of: Int64.self).scalars == [1, 0])
    }

    @Test(arguments: SessionOptions.GraphOptimizationLevel.allCases)
    func everyOptimizationLevelGivesTheSameResults(level: SessionOptions.GraphOptimizationLevel) throws {
        try expectMultiOut(Session(path: Fixtures.model("multi_out"), options: SessionOptions(optimization: level)))
    }

    @Test func threadingMemoryAndExecutionSwitches() throws {
        var options = SessionOptions(intraOpThreads: 2, interOpThreads: 2, executionMode: .parallel)
        options.memoryPattern = false
        options.cpuMemoryArena = false
        options.deterministicCompute = true
        options.logID = "switches"
        options.logSeverity = .error
        options.logVerbosity = 0
        try expectMultiOut(Session(path: Fixtures.model("multi_out"), options: options))
    }

    @Test func negativeThreadCountIsRefused() {
        #expect {
            _ = try Session(path: Fixtures.model("multi_out"), options: SessionOptions(intraOpThreads: -1))
        } throws: { error in
            (error as! ORTError).code == .invalidArgument && "\(error)".contains("thread counts must be >= 0")
        }
        var options = SessionOptions()
        options.freeDimensionOverrides["N"] = -2
        #expect(throws: ORTError.self) { _ = try Session(path: Fixtures.model("add_f32"), options: options) }
    }

    @Test func configEntriesReachTheSessionOptions() throws {
        var options = SessionOptions()
        options.configEntries = ["session.intra_op.allow_spinning": "0", "session.disable_prepacking": "1"]
        let api = try API.get()
        let handle = try SessionOptionsHandle(options, api: api, environment: try Environment.shared)
        for (key, expected) in options.configEntries {
            var size = 0
            try api.check(api.table.pointee.GetSessionConfigEntry(handle.handle, key, nil, &size))
            var buffer = [CChar](repeating: 0, count: size)
            try api.check(api.table.pointee.GetSessionConfigEntry(handle.handle, key, &buffer, &size))
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            #expect(text == expected)
        }
        try expectMultiOut(Session(path: Fixtures.model("multi_out"), options: options))
    }

    @Test func profilingWritesAJSONProfile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = SessionOptions()
        options.profilingPrefix = directory.appendingPathComponent("profile").path
        let session = try Session(path: Fixtures.model("multi_out"), options: options)
        #expect(session.profilingStartTime > 0)
        try expectMultiOut(session)
        let path = try session.endProfiling()
        #expect(path.hasPrefix(directory.appendingPathComponent("profile").path))
        let events = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        let list = try #require(events as? [[String: Any]])
        #expect(list.contains { ($0["name"] as? String) == "model_run" })

        let unprofiled = try Session(path: Fixtures.model("multi_out"))
        #expect(unprofiled.profilingStartTime == 0)
    }

    @Test func optimizedModelIsWrittenAndLoads() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = SessionOptions(optimization: .basic)
        let optimized = directory.appendingPathComponent("optimized.onnx").path
        options.optimizedModelPath = optimized
        _ = try Session(path: Fixtures.model("multi_out"), options: options)
        #expect(FileManager.default.fileExists(atPath: optimized))
        try expectMultiOut(Session(path: optimized))
    }

    @Test func executionProviders() throws {
        let available = try RuntimeLibrary.availableProviders
        var options = SessionOptions()
        options.executionProviders = [.cpu]
        try expectMultiOut(Session(path: Fixtures.model("multi_out"), options: options))

        options.executionProviders = [SessionOptions.ExecutionProvider("NoSuchExecutionProvider")]
        #expect {
            _ = try Session(path: Fixtures.model("multi_out"), options: options)
        } throws: { error in
            let error = error as! ORTError
            return error.code == .unsupported && error.message.contains("'NoSuchExecutionProvider' is not available")
                && error.message.contains("CPUExecutionProvider")
        }
        if !available.contains("XnnpackExecutionProvider") {
            options.executionProviders = [
                SessionOptions.ExecutionProvider("XNNPACK", options: ["intra_op_num_threads": "1"])
            ]
            #expect(throws: ORTError.self) { _ = try Session(path: Fixtures.model("multi_out"), options: options) }
        }
    }

    @Test func customOperatorLibraries() throws {
        var options = SessionOptions()
        options.customOperatorLibraries = ["/nonexistent/libcustom.so"]
        #expect {
            _ = try Session(path: Fixtures.model("multi_out"), options: options)
        } throws: { error in
            (error as! ORTError).code == .invalidArgument
                && "\(error)".contains("'/nonexistent/libcustom.so' does not exist")
        }
        // A real shared library without ORT's registration entry point is rejected by ORT, cleanly.
        let libm = ["/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6"]
            .first { FileManager.default.fileExists(atPath: $0) }
        options.customOperatorLibraries = [try #require(libm)]
        #expect {
            _ = try Session(path: Fixtures.model("multi_out"), options: options)
        } throws: { error in
            let error = error as! ORTError
            return error.code == .runtimeError && error.message.contains("cannot register custom operator library")
        }
    }

    @Test func sessionLogMessagesAreForwardedToSwiftLog() throws {
        let store = LogStore()
        var options = SessionOptions()
        options.logger = store.logger
        options.logSeverity = .verbose
        options.logID = "forwarding-test"
        try expectMultiOut(Session(path: Fixtures.model("multi_out"), options: options))
        let entries = store.entries.withLock { $0 }
        #expect(!entries.isEmpty)
        #expect(entries.allSatisfy { $0.level <= .info })
        #expect(entries.contains { $0.metadata["ort.logid"] == .string("forwarding-test") })

        // At error severity, a clean session logs nothing.
        let quiet = LogStore()
        options.logger = quiet.logger
        options.logSeverity = .error
        try expectMultiOut(Session(path: Fixtures.model("multi_out"), options: options))
        #expect(quiet.entries.withLock { $0.isEmpty })
    }

    @Test func environmentIsSharedAndItsLevelAdjustable() throws {
        let environment = try Environment.shared
        #expect(try Environment.shared === environment)
        try environment.setLogLevel(.error)
        try environment.setLogLevel(environment.initialLogLevel)
        let different: LogLevel = environment.initialLogLevel == .fatal ? .error : .fatal
        #expect {
            try Environment.configure(logLevel: different, logID: environment.logID)
        } throws: { error in
            (error as! ORTError).code == .invalidArgument && "\(error)".contains("already exists")
        }
        #expect(
            try Environment.configure(logLevel: environment.initialLogLevel, logID: environment.logID) === environment)
    }
}
