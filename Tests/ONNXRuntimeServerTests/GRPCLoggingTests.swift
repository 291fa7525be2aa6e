#if Server && Client
import GRPCCore
import GRPCNIOTransportHTTP2
import KServeGRPCProtocol
import ONNXRuntimeServer
import ONNXRuntimeServing
import SwiftProtobuf
import Testing

/// Triton's logging extension over gRPC (`inference.GRPCInferenceService/LogSettings`): the same settings and
/// refusals as `/v2/logging` (LoggingExtensionTests), in the message's three value kinds. The expected settings are
/// Triton 2.51's defaults and the response shape its gRPC server's (all six settings, `log_file` a string,
/// `log_verbose_level` a uint32).
@Suite("gRPC logging extension", .serialized)
struct GRPCLoggingTests {
    typealias Client = Inference_GRPCInferenceService.Client<HTTP2ClientTransport.Posix>
    typealias Setting = Inference_LogSettingsRequest.SettingValue.OneOf_ParameterChoice

    /// A request with `settings`; `nil` is a value with no kind set.
    static func request(_ settings: [String: Setting?]) -> Inference_LogSettingsRequest {
        .with { request in
            for (name, value) in settings {
                request.settings[name] = .with { $0.parameterChoice = value }
            }
        }
    }

    /// A response's settings in the request's value kinds, for comparing with hand-written ones.
    static func settings(_ response: Inference_LogSettingsResponse) -> [String: Setting?] {
        response.settings.mapValues { value in
            switch value.parameterChoice {
            case .boolParam(let flag): .boolParam(flag)
            case .uint32Param(let level): .uint32Param(level)
            case .stringParam(let text): .stringParam(text)
            case nil: nil
            }
        }
    }

    static let defaults: [String: Setting?] = [
        "log_file": .stringParam(""), "log_info": .boolParam(true), "log_warning": .boolParam(true),
        "log_error": .boolParam(true), "log_verbose_level": .uint32Param(0), "log_format": .stringParam("default"),
    ]

    @Test("an empty request reads the six settings; an update changes only what it names and answers all of them")
    func roundTrip() async throws {
        let settings = LogSettings()
        try await GRPCTestServer.withClient(models: ["add_f32"], logSettings: settings) { (client, _) async throws in
            #expect(Self.settings(try await client.logSettings(Self.request([:]))) == Self.defaults)

            let changed = try await client.logSettings(
                Self.request(["log_verbose_level": .uint32Param(1), "log_format": .stringParam("ISO8601")]))
            var expected = Self.defaults
            expected["log_verbose_level"] = .uint32Param(1)
            expected["log_format"] = .stringParam("ISO8601")
            #expect(Self.settings(changed) == expected)
            #expect(Self.settings(try await client.logSettings(Self.request([:]))) == expected)
            #expect(settings.values == LogSettings.Values(verboseLevel: 1, format: .iso8601))

            // The other settings, and the largest verbose level a uint32 holds; log_file "" is accepted (no change).
            let after = try await client.logSettings(
                Self.request([
                    "log_info": .boolParam(false), "log_warning": .boolParam(false), "log_error": .boolParam(false),
                    "log_verbose_level": .uint32Param(UInt32.max), "log_format": .stringParam("default"),
                    "log_file": .stringParam(""),
                ]))
            #expect(
                Self.settings(after) == [
                    "log_file": .stringParam(""), "log_info": .boolParam(false), "log_warning": .boolParam(false),
                    "log_error": .boolParam(false), "log_verbose_level": .uint32Param(4_294_967_295),
                    "log_format": .stringParam("default"),
                ])
            #expect(
                settings.values
                    == LogSettings.Values(info: false, warning: false, error: false, verboseLevel: 4_294_967_295))

            // REST and gRPC share the settings: the REST body says the same.
            #expect(
                settings.json
                    == .object([
                        "log_file": .string(""), "log_info": .bool(false), "log_warning": .bool(false),
                        "log_error": .bool(false), "log_verbose_level": .number(.int(4_294_967_295)),
                        "log_format": .string("default"),
                    ]))
            #expect(try await client.serverMetadata(.init()).extensions.contains("logging"))
        }
    }

    @Test(
        "bad settings are refused by name with INVALID_ARGUMENT and REST's messages; a refused update changes nothing",
        arguments: [
            (["log_info": .uint32Param(1)], "log setting 'log_info' must be a boolean, got the integer 1"),
            (["log_warning": nil], "log setting 'log_warning' must be a boolean, got no value"),
            (
                ["log_error": .stringParam("false")],
                #"log setting 'log_error' must be a boolean, got the string "false""#
            ),
            (
                ["log_verbose_level": .stringParam("2")],
                #"log setting 'log_verbose_level' must be an integer from 0 to 4294967295, got the string "2""#
            ),
            (["log_verbose_level": .boolParam(true)], "'log_verbose_level' must be an integer from 0 to 4294967295"),
            (["log_verbose_level": nil], "'log_verbose_level' must be an integer from 0 to 4294967295, got no value"),
            (
                ["log_format": .stringParam("xml")],
                #"log setting 'log_format' must be "default" or "ISO8601", got the string "xml""#
            ),
            (["log_format": .stringParam("iso8601")], #"'log_format' must be "default" or "ISO8601""#),
            (["log_format": .uint32Param(1)], "'log_format' must be \"default\" or \"ISO8601\", got the integer 1"),
            (["log_file": .stringParam("/tmp/server.log")], "log setting 'log_file' cannot be changed"),
            (["log_file": .boolParam(false)], "log setting 'log_file' cannot be changed"),
            (["log_errors": .boolParam(true)], "unknown log setting 'log_errors'"),
            (["": .boolParam(true)], "unknown log setting ''"),
            (
                ["log_info": .boolParam(false), "log_verbose_level": .stringParam("3")],
                "'log_verbose_level' must be an integer"
            ),
        ] as [([String: Setting?], String)])
    func badSettings(_ update: [String: Setting?], message: String) async throws {
        let settings = LogSettings()
        try await GRPCTestServer.withClient(models: ["add_f32"], logSettings: settings) { (client, _) async throws in
            await GRPCServerTests.expectError(.invalidArgument, containing: message) {
                _ = try await client.logSettings(Self.request(update))
            }
            #expect(Self.settings(try await client.logSettings(Self.request([:]))) == Self.defaults)
        }
        #expect(settings.values == LogSettings.Values())
    }

    @Test("without live log settings the method is unknown (UNIMPLEMENTED) and logging is not listed")
    func withoutSettings() async throws {
        try await GRPCTestServer.withClient(models: ["add_f32"]) { (client, _) async throws in
            await GRPCServerTests.expectError(
                .unimplemented, containing: "the server has no method '/inference.GRPCInferenceService/LogSettings'"
            ) {
                _ = try await client.logSettings(Self.request([:]))
            }
            #expect(try await client.serverMetadata(.init()).extensions.contains("logging") == false)
        }
    }
}
#endif
