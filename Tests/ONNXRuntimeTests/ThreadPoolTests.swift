import Foundation
import Testing

@testable import ONNXRuntime

/// Global thread pools. ORT makes one environment per process, and this test process has one without pools, so
/// everything that needs pools runs in ThreadPoolProbe (Tests/ThreadPoolProbe), a fresh process per check.
@Suite struct ThreadPoolTests {
    /// add_f32's case `n2` (Tests/Models/add_f32.json): C = A + B on [-5.875, -6.5, -6.75, 4.875, 4.5, 4.5] and
    /// [-1.875, -4.375, -3.125, 4.625, 8.0, -0.375], exact in binary floating point.
    static let expected: [Double] = [-7.75, -10.875, -9.875, 9.5, 12.5, 4.125]

    static var probe: String { Fixtures.productsDirectory.appendingPathComponent("ThreadPoolProbe").path }

    /// Runs the probe and decodes its JSON report, or returns its error line.
    static func runProbe(_ arguments: [String]) throws -> (report: [String: Any]?, stderr: String) {
        try #require(FileManager.default.isExecutableFile(atPath: probe), "swift build builds ThreadPoolProbe")
        let result = try Fixtures.run(probe, [Fixtures.model("add_f32")] + arguments)
        guard result.status == 0 else { return (nil, result.stderr) }
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return (try #require(object as? [String: Any]), result.stderr)
    }

    @Test func perSessionPoolsAddThreadsForEverySession() throws {
        let report = try #require(try Self.runProbe(["8", "2"]).report)
        let outputs = try #require(report["outputs"] as? [[Double]])
        #expect(outputs == Array(repeating: Self.expected, count: 8))
        let environment = try #require(report["threadsAfterEnvironment"] as? Int)
        let sessions = try #require(report["threadsAfterSessions"] as? Int)
        // An intra-op pool of 2 is the calling thread plus one of its own, per session.
        #expect(sessions - environment >= 8)
        #expect(report["environmentHasPools"] as? Bool == false)
        let refused = try #require(report["globalWithoutPoolsError"] as? String)
        #expect(refused.hasPrefix("invalidArgument: the session asks for global thread pools"))
    }

    @Test func globalPoolsAddNoThreadsPerSession() throws {
        let report = try #require(try Self.runProbe(["8", "2", "--global"]).report)
        let outputs = try #require(report["outputs"] as? [[Double]])
        #expect(outputs == Array(repeating: Self.expected, count: 8))
        #expect(report["asyncOutputs"] as? [Double] == Self.expected)
        let before = try #require(report["threadsBefore"] as? Int)
        let environment = try #require(report["threadsAfterEnvironment"] as? Int)
        #expect(environment > before, "the environment starts the global pools' threads")
        #expect(report["threadsAfterSessions"] as? Int == environment)
        #expect(report["threadsAfterRuns"] as? Int == environment)
        #expect(report["environmentHasPools"] as? Bool == true)
        #expect(report["sameConfigureReturnsSame"] as? Bool == true)
        let other = try #require(report["otherPoolsError"] as? String)
        #expect(
            other.hasPrefix("invalidArgument: the ONNX Runtime environment already exists with global thread pools"))
        #expect(other.contains("(intra-op 2, inter-op 0, spinning), not global thread pools (intra-op 3"))
        let none = try #require(report["noPoolsError"] as? String)
        #expect(none.contains("(intra-op 2, inter-op 0, spinning), not none"))
        let ownCounts = try #require(report["ownCountsOnGlobalPoolsError"] as? String)
        #expect(ownCounts.hasPrefix("invalidArgument: a session on global thread pools cannot set its own thread"))
    }

    @Test func globalPoolsWithoutSpinningAndWithDenormalsAsZeroGiveTheSameResults() throws {
        let report = try #require(
            try Self.runProbe(["3", "1", "--global", "--spinning", "0", "--denormal-as-zero"]).report)
        #expect(report["outputs"] as? [[Double]] == Array(repeating: Self.expected, count: 3))
        // One intra-op thread is no pool: the async run falls back to a thread of its own.
        #expect(report["asyncOutputs"] as? [Double] == Self.expected)
        #expect(report["threadsAfterSessions"] as? Int == report["threadsAfterEnvironment"] as? Int)
    }

    @Test func negativeCountsAreRefusedBeforeTheEnvironmentExists() throws {
        let result = try Self.runProbe(["1", "-2", "--global"])
        #expect(result.report == nil)
        #expect(
            result.stderr.contains(
                "invalidArgument: global intra-op thread count must be between 0 (ONNX Runtime chooses) and "
                    + "2147483647, got -2"))
    }

    @Test func aMalformedAffinityIsORTsErrorNotACrash() throws {
        let result = try Self.runProbe(["1", "2", "--global", "--affinity", "cores"])
        #expect(result.report == nil)
        #expect(result.stderr.hasPrefix("runtimeError: cannot create the environment with global thread pools"))
        #expect(result.stderr.contains("affinity 'cores'"))
    }

    // In this process: the environment exists already, without pools.

    @Test func badPoolsAreRefusedInProcess() throws {
        for pools in [
            GlobalThreadPools(intraOpThreads: -1), GlobalThreadPools(interOpThreads: -3),
            GlobalThreadPools(intraOpThreads: Int(Int32.max) + 1), GlobalThreadPools(intraOpThreadAffinity: ""),
        ] {
            #expect(throws: ORTError.self) { try Environment.configure(threadPools: pools) }
            do {
                try Environment.configure(threadPools: pools)
            } catch {
                #expect(error.code == .invalidArgument)
                #expect(error.message.hasPrefix("global"), "\(error.message)")
            }
        }
    }

    @Test func poolsCannotBeAddedToAnExistingEnvironment() throws {
        let environment = try Environment.shared
        #expect(environment.threadPools == nil)
        do {
            try Environment.configure(
                logLevel: environment.initialLogLevel, logID: environment.logID,
                threadPools: GlobalThreadPools(intraOpThreads: 2))
            Issue.record("configure with other pools succeeded")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(
                error.message.contains(
                    "already exists with no global thread pools, not global thread pools (intra-op 2, inter-op 0, "
                        + "spinning)"))
        }
    }

    @Test func aSessionAskingForPoolsTheEnvironmentLacksIsRefused() throws {
        var options = SessionOptions()
        options.usesGlobalThreadPools = true
        do {
            _ = try Session(path: Fixtures.model("add_f32"), options: options)
            Issue.record("the session was created")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("but the ONNX Runtime environment has none"))
        }
    }

    @Test func poolsDescribeThemselves() {
        let pools = GlobalThreadPools(
            intraOpThreads: 4, interOpThreads: 1, spinning: false, denormalAsZero: true, intraOpThreadAffinity: "1;2;3")
        #expect(
            pools.description
                == "intra-op 4, inter-op 1, no spinning, denormals as zero, affinity '1;2;3'")
        #expect(pools != GlobalThreadPools(intraOpThreads: 4, interOpThreads: 1))
        #expect(GlobalThreadPools() == GlobalThreadPools(intraOpThreads: 0, interOpThreads: 0, spinning: true))
    }
}
