import CLibFuzzer
import Foundation
import Logging

/// The entry point every harness shares: quiets logging, then hands the harness's test function to libFuzzer.
///
/// SwiftPM renames an executable's entry point to `<Module>_main` and links `main` to it, so libFuzzer's own `main`
/// is never used; each harness's `main.swift` calls ``run(_:_:_:)`` instead, which runs libFuzzer's driver with the
/// process's arguments (`-max_total_time=`, corpus directories, files to replay, ...).
public enum FuzzDriver {
    /// A harness's test function, as libFuzzer calls it: the input's bytes and their count; returns 0.
    public typealias TestOne = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

    /// Runs libFuzzer and returns its exit status.
    /// - Parameters:
    ///   - argc: The argument count `main` received.
    ///   - argv: The arguments `main` received.
    ///   - test: The function that tests one input.
    public static func run(
        _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ test: TestOne
    ) -> Int32 {
        // Expected failures (ORT's model loader reports every bad model at error level) are not news.
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments, test)
    }

    /// Copies the input into a `Data`.
    public static func data(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Data {
        guard let bytes, count > 0 else { return Data() }
        return Data(bytes: bytes, count: count)
    }

    /// Copies the input into an array.
    public static func array(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
        guard let bytes, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: count))
    }

    /// Stops the process with a message libFuzzer reports as a crash: an invariant the harness checks is broken.
    public static func fail(_ message: String) -> Never {
        fatalError("fuzz invariant broken: \(message)")
    }
}
