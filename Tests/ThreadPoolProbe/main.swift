// A helper for ThreadPoolTests: ORT's environment is created once per process, so every check that needs an
// environment with global thread pools (or one without, after configuring with) runs here, in a fresh process.
// It prints one JSON object on stdout and exits 0, or prints the error on stderr and exits 1.
//
// Usage: ThreadPoolProbe MODEL SESSIONS INTRA [--global] [--spinning 0|1] [--denormal-as-zero] [--affinity STRING]
// MODEL is add_f32.onnx: every session runs C = A + B on the fixed inputs below.
import Foundation
import ONNXRuntime

/// The threads of this process now.
func threadCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? -1
}

/// `Session.run` from an async context, so that the async overload (RunAsync) is the one chosen.
func runAsync(_ session: Session, _ inputs: [String: any ValueConvertible]) async throws(ORTError) -> RunOutputs {
    try await session.run(inputs)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 3, let sessionCount = Int(arguments[1]), sessionCount >= 1, let intra = Int(arguments[2])
else {
    fail("usage: ThreadPoolProbe MODEL SESSIONS INTRA [--global] [--spinning 0|1] [--denormal-as-zero] [--affinity S]")
}
let model = arguments[0]
var global = false
var pools = GlobalThreadPools(intraOpThreads: intra)
var rest = arguments.dropFirst(3).makeIterator()
while let flag = rest.next() {
    switch flag {
    case "--global": global = true
    case "--spinning": pools.spinning = rest.next() == "1"
    case "--denormal-as-zero": pools.denormalAsZero = true
    case "--affinity": pools.intraOpThreadAffinity = rest.next()
    default: fail("unknown argument '\(flag)'")
    }
}

var result: [String: Any] = [:]
result["threadsBefore"] = threadCount()
do {
    let environment = global ? try Environment.configure(threadPools: pools) : try Environment.shared
    result["threadsAfterEnvironment"] = threadCount()
    result["environmentHasPools"] = environment.threadPools != nil
    if global {
        // Same settings: the same environment. Other pools, or none: refused.
        result["sameConfigureReturnsSame"] = try Environment.configure(threadPools: pools) === environment
        var other = pools
        other.intraOpThreads += 1
        for (key, attempt) in [("otherPoolsError", other), ("noPoolsError", nil)] as [(String, GlobalThreadPools?)] {
            do {
                try Environment.configure(threadPools: attempt)
                result[key] = "none"
            } catch {
                result[key] = "\(error.code.rawValue): \(error.message)"
            }
        }
        // Per-session thread counts on global pools would be ignored by ORT: refused.
        var conflicting = SessionOptions(intraOpThreads: 2)
        conflicting.usesGlobalThreadPools = true
        do {
            _ = try Session(path: model, options: conflicting)
            result["ownCountsOnGlobalPoolsError"] = "none"
        } catch {
            result["ownCountsOnGlobalPoolsError"] = "\(error.code.rawValue): \(error.message)"
        }
    } else {
        // An environment without pools: a session asking for them is refused before ORT sees it.
        var options = SessionOptions()
        options.usesGlobalThreadPools = true
        do {
            _ = try Session(path: model, options: options)
            result["globalWithoutPoolsError"] = "none"
        } catch {
            result["globalWithoutPoolsError"] = "\(error.code.rawValue): \(error.message)"
        }
    }
    var options = SessionOptions(intraOpThreads: global ? 0 : intra)
    options.usesGlobalThreadPools = global
    var sessions: [Session] = []
    for _ in 0..<sessionCount {
        sessions.append(try Session(path: model, options: options))
    }
    result["threadsAfterSessions"] = threadCount()
    let a = try Tensor<Float>([-5.875, -6.5, -6.75, 4.875, 4.5, 4.5], shape: [2, 3])
    let b = try Tensor<Float>([-1.875, -4.375, -3.125, 4.625, 8.0, -0.375], shape: [2, 3])
    var outputs: [[Double]] = []
    for session in sessions {
        let c = try session.run(["A": a, "B": b]).tensor("C", of: Float.self)
        outputs.append(c.scalars.map(Double.init))
    }
    result["outputs"] = outputs
    result["threadsAfterRuns"] = threadCount()
    // An async run goes to ORT's RunAsync, on the intra-op pool: here the global one.
    let asyncOutputs = try await runAsync(sessions[0], ["A": a, "B": b]).tensor("C", of: Float.self)
    result["asyncOutputs"] = asyncOutputs.scalars.map(Double.init)
} catch {
    fail("\(error.code.rawValue): \(error.message)")
}
/// Prints the report. A function, so that what it allocates is released before the process exits: top-level
/// values of an async main are still referenced from its torn-down frame then, which LeakSanitizer reports (the
/// library's leak check runs this probe under it).
func emit(_ result: [String: Any]) {
    guard let data = try? JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]) else {
        fail("cannot encode the report")
    }
    print(String(decoding: data, as: UTF8.self))
}
emit(result)
result = [:]
