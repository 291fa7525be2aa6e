#if Server
import ArgumentParser
import Foundation
import ONNXRuntimeServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ORTCommand {
    /// Parses `arguments` (the process's own when `nil`), runs the command, and returns the exit status. Help, usage
    /// errors and command errors are printed the way ArgumentParser prints them: help on standard output, errors on
    /// standard error.
    public static func runReturningStatus(_ arguments: [String]? = nil) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if code == .success {
                    print(message)
                } else {
                    FileHandle.standardError.write(Data((message + "\n").utf8))
                }
            }
            return code.rawValue
        }
    }

    /// Ends the process with `status` once standard output and error are flushed, without running the C and C++
    /// exit handlers.
    ///
    /// Why: ONNX Runtime's static destructors run from the exit handlers, while threads of its own pools may still
    /// be running; under load that corrupted the heap in about one run in ten (`corrupted double-linked list`,
    /// abort, exit status 134, in `free` called from ORT's destructors). Nothing of ours needs exit handlers: the
    /// commands release their sessions and write their files before returning.
    public static func exitSkippingHandlers(_ status: Int32) -> Never {
        fflush(nil)  // every C stream: print() writes through stdout's buffer
        _exit(status)
    }
}

extension ORTCommand {
    /// Sets up the process for the command about to run; call it first thing in `main`, on the main thread.
    ///
    /// For `ort serve` it makes SwiftNIO's event loops Swift Concurrency's global executor
    /// (``InferenceServer/useEventLoopsAsGlobalExecutor()``), which halves the thread switches per request.
    public static func prepareProcess(arguments: [String]) {
        if arguments.dropFirst().first == "serve" {
            InferenceServer.useEventLoopsAsGlobalExecutor()
        }
    }
}
#endif
