#if Server && Client
import Foundation
import Testing

/// The real `ort serve` executable, started with its standard error collected, once it has said which HTTP port it
/// listens on.
struct ServeProcess {
    let process: Process
    /// Everything the server has written to standard error so far.
    let output: OutputCollector
    /// The HTTP port it listens on.
    let port: String
    /// `http://127.0.0.1:PORT`.
    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts `ort serve ARGUMENTS` from the package root and waits for its "listening on" line.
    static func start(_ arguments: [String]) async throws -> ServeProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ShutdownTests.ortExecutable))
        process.arguments = ["serve"] + arguments
        process.currentDirectoryURL = ServerFixtures.root
        let errors = Pipe()
        let output = OutputCollector()
        output.attach(errors)
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        guard let port = try await output.waitForMatch(#"listening on 127\.0\.0\.1:(\d+)"#) else {
            ServeProcess(process: process, output: output, port: "").stop()
            Issue.record("no port in: \(output.value)")
            throw CancellationError()
        }
        return ServeProcess(process: process, output: output, port: port)
    }

    /// Sends SIGTERM if the server still runs, and waits for it to exit.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }
}
#endif
