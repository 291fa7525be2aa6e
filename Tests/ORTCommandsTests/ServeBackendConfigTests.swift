#if Server
import ArgumentParser
import ONNXRuntime
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

@testable import ORTCommands

/// `ort serve --backend-config`: Triton's ONNX Runtime backend settings, global thread pools above all.
@Suite struct ServeBackendConfigTests {
    static func backend(_ settings: [String]) throws -> BackendConfiguration {
        let arguments = settings.flatMap { ["--backend-config", $0] }
        return try Serve.parse(["--model", "m=model.onnx"] + arguments).serverConfiguration(environment: [:]).serving
            .backend
    }

    @Test("without --backend-config, every session has pools of its own and ORT's thread counts")
    func defaults() throws {
        let backend = try Self.backend([])
        #expect(backend == BackendConfiguration())
        #expect(backend.globalThreadPools == nil)
    }

    @Test("enable-global-threadpool=1 with thread counts gives the environment's pools")
    func globalPools() throws {
        let backend = try Self.backend([
            "onnxruntime,enable-global-threadpool=1", "onnxruntime,intra_op_thread_count=3",
            "onnxruntime,inter_op_thread_count=1",
        ])
        #expect(backend.globalThreadPool)
        #expect(backend.globalThreadPools == GlobalThreadPools(intraOpThreads: 3, interOpThreads: 1))
        for word in ["true", "on", "TRUE", "yes"] {
            #expect(try Self.backend(["onnxruntime,enable-global-threadpool=\(word)"]).globalThreadPool)
        }
        let off = try Self.backend(["onnxruntime,enable-global-threadpool=0", "onnxruntime,intra_op_thread_count=2"])
        #expect(!off.globalThreadPool)
        #expect(off.globalThreadPools == nil)
        #expect(off.intraOpThreadCount == 2)  // the models' default thread count instead
        #expect(try Self.backend(["onnxruntime,enable-global-threadpool=1"]).globalThreadPools == GlobalThreadPools())
    }

    @Test(
        "bad --backend-config settings are refused by name",
        arguments: [
            ("tensorflow,enable-global-threadpool=1", "backend 'tensorflow' is not available"),
            ("onnxruntime,enable-threadpool=1", "unknown setting 'enable-threadpool' of the onnxruntime backend"),
            ("onnxruntime,enable-global-threadpool=maybe", "enable-global-threadpool must be 1 or 0"),
            ("onnxruntime,intra_op_thread_count=-1", "intra_op_thread_count must be a whole number"),
            ("onnxruntime,inter_op_thread_count=two", "inter_op_thread_count must be a whole number"),
            ("onnxruntime,intra_op_thread_count=99999999999", "intra_op_thread_count must be a whole number"),
            ("enable-global-threadpool=1", "names no backend"),
            ("onnxruntime,enable-global-threadpool", "is not <backend>,<setting>=<value>"),
            ("onnxruntime,=1", "is not <backend>,<setting>=<value>"),
        ] as [(String, String)])
    func refused(_ setting: String, _ expected: String) {
        do {
            _ = try Serve.parse(["--model", "m=model.onnx", "--backend-config", setting])
            Issue.record("'\(setting)' was accepted")
        } catch {
            let message = Serve.message(for: error)
            #expect(message.contains("--backend-config: "), "\(message)")
            #expect(message.contains(expected), "\(message)")
        }
    }

    @Test("the model parameters keys are every model's defaults; bad ones stop the server, named")
    func modelDefaults() throws {
        let backend = try Self.backend([
            "onnxruntime,execution_mode=1", "onnxruntime,enable_mem_arena=off",
            "onnxruntime,session.intra_op.allow_spinning=0",
        ])
        #expect(
            backend.modelDefaults == [
                "execution_mode": "1", "enable_mem_arena": "off", "session.intra_op.allow_spinning": "0",
            ])
        #expect(!backend.globalThreadPool)
        for (setting, expected) in [
            ("onnxruntime,execution_mode=parallel", "execution_mode are 0 or 1 but got 'parallel'"),
            ("onnxruntime,enable_mem_pattern=2", "failed to convert '2' to boolean"),
            ("onnxruntime,session.no_such_key=1", "unknown setting 'session.no_such_key'"),
        ] {
            do {
                _ = try Serve.parse(["--model", "m=model.onnx", "--backend-config", setting])
                Issue.record("'\(setting)' was accepted")
            } catch {
                let message = Serve.message(for: error)
                #expect(message.contains("--backend-config: "), "\(message)")
                #expect(message.contains(expected), "\(message)")
            }
        }
    }

    @Test("a setting given twice is refused")
    func twice() {
        do {
            _ = try Self.backend(["onnxruntime,intra_op_thread_count=1", "onnxruntime,intra_op_thread_count=2"])
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("intra_op_thread_count is given more than once"), "\(error)")
        }
    }
}
#endif
