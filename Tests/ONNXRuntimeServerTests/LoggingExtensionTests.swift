#if Server && Client
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import ONNXRuntime
@testable import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// Triton's logging extension: `GET`/`POST /v2/logging` read and change the settings every ``LiveLogHandler`` over
/// them follows, at once. The expected JSON and the refusals were checked against Triton 2.51 (which answers bad
/// values with 500 and keeps the valid settings of a failed update; here a bad update is a 400 and changes nothing).
@Suite("Logging extension")
struct LoggingExtensionTests {
    /// Lines a handler wrote.
    final class Lines: Sendable {
        let lines = Locked<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    /// A server whose logger follows `settings`, writing into `lines`.
    static func server(_ settings: LogSettings, _ lines: Lines) async throws -> InferenceServer {
        let repository = try TemporaryRepository()
        try repository.add("add", file: ServerFixtures.model("add_f32"))
        let logger = Logger(label: "test") { LiveLogHandler(label: $0, settings: settings, output: lines.append) }
        let server = InferenceServer(
            configuration: ServerConfiguration(
                port: 0, serving: ServingConfiguration(repositories: [repository.path])),
            logger: logger, logSettings: settings)
        await server.engine.start()
        return server
    }

    static let defaults: JSONValue = .object([
        "log_file": .string(""), "log_info": .bool(true), "log_warning": .bool(true), "log_error": .bool(true),
        "log_verbose_level": .number(.int(0)), "log_format": .string("default"),
    ])

    @Test("GET reports Triton's six settings; POST changes only what it names and answers with all of them")
    func roundTrip() async throws {
        let settings = LogSettings()
        let server = try await Self.server(settings, Lines())
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (status, body) = try await client.getJSON("/v2/logging")
            #expect(status == .ok)
            #expect(body == Self.defaults)

            let (changed, after) = try await client.postJSON(
                "/v2/logging", .object(["log_verbose_level": .number(.int(1)), "log_format": .string("ISO8601")]))
            #expect(changed == .ok)
            guard case .object(var expected) = Self.defaults else { return }
            expected["log_verbose_level"] = .number(.int(1))
            expected["log_format"] = .string("ISO8601")
            #expect(after == .object(expected))
            #expect(try await client.getJSON("/v2/logging").1 == .object(expected))
            #expect(settings.values == LogSettings.Values(verboseLevel: 1, format: .iso8601))

            // An empty body (or {}) changes nothing and reports the settings, as Triton does.
            #expect(try await client.postJSON("/v2/logging", nil).1 == .object(expected))
            #expect(try await client.postJSON("/v2/logging", .object([:])).1 == .object(expected))

            let (_, metadata) = try await client.getJSON("/v2")
            #expect(metadata["extensions"]?.arrayValue?.contains(.string("logging")) == true)
        }
    }

    @Test(
        "Bad settings are refused by name with 400, and a refused update changes nothing",
        arguments: [
            (#"{"log_verbose_level": -1}"#, "'log_verbose_level' must be an integer from 0 to 4294967295"),
            (#"{"log_verbose_level": 4294967296}"#, "'log_verbose_level' must be an integer"),
            (#"{"log_verbose_level": 1.5}"#, "'log_verbose_level' must be an integer"),
            (#"{"log_verbose_level": "2"}"#, "got the string \"2\""),
            (#"{"log_info": 1}"#, "'log_info' must be a boolean, got the integer 1"),
            (#"{"log_warning": null}"#, "'log_warning' must be a boolean, got null"),
            (#"{"log_error": "false"}"#, "'log_error' must be a boolean"),
            (#"{"log_format": "xml"}"#, #"'log_format' must be "default" or "ISO8601", got the string "xml""#),
            (#"{"log_format": "iso8601"}"#, "'log_format' must be"),
            (#"{"log_file": "/tmp/server.log"}"#, "'log_file' cannot be changed"),
            (#"{"log_errors": true}"#, "unknown log setting 'log_errors'"),
            (#"{"log_info": false, "log_verbose_level": -3}"#, "'log_verbose_level' must be"),
            (#"[]"#, "must be a JSON object"),
            (#"{"log_info": "#, "not valid JSON"),
        ])
    func badSettings(body: String, message: String) async throws {
        let settings = LogSettings()
        let server = try await Self.server(settings, Lines())
        try await ServerFixtures.withClient(server) { (client) async throws in
            let response = try await client.post("/v2/logging", bytes: Array(body.utf8))
            #expect(response.status == .badRequest)
            let text = try #require(try response.json()["error"]?.stringValue)
            #expect(text.contains(message), "\(text)")
            #expect(try await client.getJSON("/v2/logging").1 == Self.defaults)
        }
        #expect(settings.values == LogSettings.Values())
    }

    @Test("A change applies at once to every logger over the settings, level by level")
    func liveLevels() throws {
        let settings = LogSettings()
        let lines = Lines()
        let logger = Logger(label: "live") { LiveLogHandler(label: $0, settings: settings, output: lines.append) }
        var quiet = logger
        quiet.logLevel = .warning  // a floor on this copy only

        func emitAll(_ logger: Logger, _ tag: String) {
            logger.trace("\(tag) trace")
            logger.debug("\(tag) debug")
            logger.info("\(tag) info")
            logger.notice("\(tag) notice")
            logger.warning("\(tag) warning")
            logger.error("\(tag) error")
            logger.critical("\(tag) critical")
        }
        func messages(_ tag: String) -> [String] {
            lines.all.compactMap { line in
                guard let range = line.range(of: "] \(tag) ") else { return nil }
                return String(line[range.upperBound...].dropLast())  // the level word, without the newline
            }
        }

        emitAll(logger, "a")
        #expect(messages("a") == ["info", "notice", "warning", "error", "critical"])
        emitAll(quiet, "q")
        #expect(messages("q") == ["warning", "error", "critical"])

        try settings.update([("log_verbose_level", .integer(2))])
        emitAll(logger, "b")
        #expect(messages("b") == ["trace", "debug", "info", "notice", "warning", "error", "critical"])

        try settings.update([("log_verbose_level", .integer(1)), ("log_info", .bool(false))])
        emitAll(logger, "c")
        #expect(messages("c") == ["debug", "warning", "error", "critical"])

        try settings.update([("log_verbose_level", .integer(0)), ("log_warning", .bool(false))])
        emitAll(logger, "d")
        #expect(messages("d") == ["error", "critical"])

        try settings.update([("log_error", .bool(false))])
        emitAll(logger, "e")
        #expect(messages("e") == [])
        #expect(logger.logLevel == .critical)  // nothing passes; Logger skips formatting every message
    }

    @Test("Lines: the label, sorted metadata, the source and the message; the two time stamp formats")
    func lineFormat() throws {
        let settings = LogSettings()
        let lines = Lines()
        var logger = Logger(label: "ort.serve") {
            LiveLogHandler(label: $0, settings: settings, output: lines.append)
        }
        logger[metadataKey: "model"] = "add"
        logger.info("loaded", metadata: ["version": "1"], source: "Tests")
        try settings.update([("log_format", .string("ISO8601"))])
        logger.warning("slow", source: "Tests")

        let all = lines.all
        #expect(all.count == 2)
        // 2026-12-06T21:37:34+0000 (local time and its offset) and 2026-12-06T21:37:34.020Z (UTC).
        let defaultStamp =
            #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} info ort\.serve: model=add version=1 \[Tests\] loaded\n$/#
        let isoStamp = #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z warning ort\.serve: model=add \[Tests\] slow\n$/#
        #expect(try defaultStamp.wholeMatch(in: all[0]) != nil, "\(all[0])")
        #expect(try isoStamp.wholeMatch(in: all[1]) != nil, "\(all[1])")

        // A fixed instant, worked out by hand: 1 700 000 000 s after the epoch is 2023-11-14 22:13:20 UTC.
        #expect(LiveLogHandler.timestamp(.iso8601, secondsSinceEpoch: 1_700_000_000.0075) == "2023-11-14T22:13:20.007Z")
    }

    @Test("Without live settings the server has no logging extension")
    func absent() async throws {
        let repository = try TemporaryRepository()
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            #expect(try await client.getJSON("/v2/logging").0 == .notFound)
            let (_, metadata) = try await client.getJSON("/v2")
            #expect(metadata["extensions"]?.arrayValue?.contains(.string("logging")) == false)
        }
    }
}
#endif
