#if Server
import ArgumentParser
import Foundation
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

@testable import ORTCommands

/// The defaults `ort serve` starts with, as SECURITY.md states them: what is exposed and what is limited when the
/// operator passes nothing but a model.
@Suite("Security: ort serve defaults")
struct ServeDefaultsTests {
    @Test("loopback only, repository API open only to local callers, every limit set")
    func defaults() throws {
        let command = try Serve.parse(["--model-repository", "/tmp/models"])
        let configuration = try command.serverConfiguration(environment: [:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8000)
        #expect(configuration.repositoryAccess == .open)
        #expect(configuration.serving.controlMode == .none)
        #expect(configuration.readTimeout == .seconds(60))
        let limits = configuration.serving.limits
        #expect(limits.maxRequestBytes == 64 * 1024 * 1024)
        #expect(limits.maxTensorElements == 134_217_728)
        #expect(limits.maxQueueSize == 64)
        #expect(limits.requestTimeout == .seconds(60))
        #expect(configuration.busyPoll == ServerConfiguration.defaultBusyPoll)
    }

    @Test("the repository token comes from the option or the environment; the API can be turned off")
    func repositoryAccess() throws {
        let fromOption = try Serve.parse(["--model-repository", "/m", "--repository-token", "s3cret"])
        #expect(try fromOption.serverConfiguration(environment: [:]).repositoryAccess == .token("s3cret"))
        let fromEnvironment = try Serve.parse(["--model-repository", "/m"])
        #expect(
            try fromEnvironment.serverConfiguration(environment: ["ORT_SERVE_REPOSITORY_TOKEN": "t"]).repositoryAccess
                == .token("t"))
        let disabled = try Serve.parse(["--model-repository", "/m", "--disable-repository-api"])
        #expect(
            try disabled.serverConfiguration(environment: ["ORT_SERVE_REPOSITORY_TOKEN": "t"]).repositoryAccess
                == .disabled)
    }

    @Test("timeouts can be turned off explicitly with 0, and bad values are refused")
    func timeouts() throws {
        let none = try Serve.parse(["--model-repository", "/m", "--read-timeout", "0", "--request-timeout", "0"])
        let configuration = try none.serverConfiguration(environment: [:])
        #expect(configuration.readTimeout == nil)
        #expect(configuration.serving.limits.requestTimeout == nil)
        let short = try Serve.parse(["--model-repository", "/m", "--read-timeout", "2.5"])
        #expect(try short.serverConfiguration(environment: [:]).readTimeout == .milliseconds(2500))
        #expect(throws: (any Error).self) { try Serve.parse(["--model-repository", "/m", "--read-timeout", "-1"]) }
        #expect(throws: (any Error).self) { try Serve.parse(["--model-repository", "/m", "--read-timeout", "inf"]) }
    }

    @Test("busy polling is 50 µs unless told otherwise, in microseconds, 0 for none; bad values are refused")
    func busyPoll() throws {
        let on = try Serve.parse(["--model-repository", "/m", "--busy-poll-us", "120"])
        #expect(try on.serverConfiguration(environment: [:]).busyPoll == .microseconds(120))
        let off = try Serve.parse(["--model-repository", "/m", "--busy-poll-us", "0"])
        #expect(try off.serverConfiguration(environment: [:]).busyPoll == nil)
        for bad in ["-1", "1000001", "abc", "2.5"] {
            #expect(throws: (any Error).self, "\(bad)") {
                try Serve.parse(["--model-repository", "/m", "--busy-poll-us", bad])
            }
        }
    }

    @Test("the response cache is off unless --cache-config asks for it, in Triton's syntax; bad values stop the start")
    func responseCache() throws {
        let off = try Serve.parse(["--model-repository", "/m"])
        #expect(try off.serverConfiguration(environment: [:]).serving.responseCache == nil)
        let on = try Serve.parse(["--model-repository", "/m", "--cache-config", "local,size=1048576"])
        #expect(try on.serverConfiguration(environment: [:]).serving.responseCache?.size == 1_048_576)
        let equals = try Serve.parse(["--model-repository", "/m", "--cache-config=local,size=4096"])
        #expect(try equals.serverConfiguration(environment: [:]).serving.responseCache?.size == 4096)
        for bad in ["local,size=0", "local,size=abc", "local,foo=1", "redis,size=1024", "local"] {
            #expect(throws: (any Error).self, "\(bad)") {
                try Serve.parse(["--model-repository", "/m", "--cache-config", bad])
            }
        }
    }

    @Test("TLS is off unless asked for; certificate and key go together; unusable files stop the start")
    func tls() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TLS").path
        let plain = try Serve.parse(["--model-repository", "/m"])
        #expect(try plain.serverConfiguration(environment: [:]).tls == nil)
        let files = ["--tls-certificate", "\(folder)/server.pem", "--tls-private-key", "\(folder)/server-key.pem"]
        let server = try #require(
            try Serve.parse(["--model-repository", "/m"] + files).serverConfiguration(environment: [:]).tls)
        #expect(!server.requiresClientCertificates)
        let mutual = try Serve.parse(
            ["--model-repository", "/m"] + files + ["--tls-client-ca", "\(folder)/client-ca.pem"])
        #expect(try #require(try mutual.serverConfiguration(environment: [:]).tls).requiresClientCertificates)

        for half in [Array(files[0..<2]), Array(files[2..<4]), ["--tls-client-ca", "\(folder)/client-ca.pem"]] {
            #expect(throws: (any Error).self, "\(half)") { try Serve.parse(["--model-repository", "/m"] + half) }
        }
        let mismatched = try Serve.parse([
            "--model-repository", "/m", "--tls-certificate", "\(folder)/server.pem", "--tls-private-key",
            "\(folder)/other-key.pem",
        ])
        let error = #expect(throws: CommandError.self) { try mismatched.serverConfiguration(environment: [:]) }
        #expect(error?.description.contains("other-key.pem") == true)
    }
}
#endif
