import Foundation
import ONNXRuntime
import Testing

/// Plugin execution providers, with the test EP of `Tests/PluginEP` (C; SwiftTestEP claims float Mul and Add).
///
/// Expected outputs come from the NumPy-computed case files (`ep_mul_add.json`, `ep_mixed.json`); expected node
/// assignments from Python onnxruntime 1.32 with the same library and options
/// (`session.get_provider_graph_assignment_info()`). Serialized: the tests share one registration and count devices.
@Suite(.serialized)
struct PluginEPTests {
    /// Session options that run on the given execution providers and record where nodes went.
    func options(_ providers: [SessionOptions.ExecutionProvider]) -> SessionOptions {
        var options = SessionOptions()
        options.executionProviders = providers
        options.recordsExecutionProviderAssignments = true
        return options
    }

    /// Runs every case of `model` with `options` and expects no mismatch against the NumPy values.
    func expectCasesPass(_ model: String, _ options: SessionOptions) throws {
        let result = ModelCaseRunner(options: options).run(try ModelCaseFile.load(model))
        #expect(result.problems == [])
        #expect(result.casesRun > 0)
    }

    func assignments(_ model: String, _ options: SessionOptions) throws -> [ExecutionProviderAssignment] {
        try Session(path: TestModels.path(model), options: options).executionProviderAssignments()
    }

    @Test("the test EP lists one device: the CPU, with the name, vendor, metadata and options set in C")
    func listsDevice() throws {
        let environment = try TestPluginEP.registeredEnvironment()
        let devices = try TestPluginEP.devices(in: environment)
        try #require(devices.count == 1)
        let device = devices[0]
        #expect(device.executionProvider == "SwiftTestEP")
        #expect(device.vendor == "swift-onnxruntime")
        #expect(device.metadata["test_ep.version"] == "1.0.0")
        #expect(device.metadata["test_ep.ops"] == "Mul,Add")
        #expect(device.metadata["version"] == "1.0.0")  // ORT copies the factory's GetVersion
        #expect(device.metadata["library_path"] == (try TestPluginEP.libraryPath()))
        #expect(device.options == ["ops": "Mul,Add"])
        #expect(device.hardware.kind == .cpu)
        // The CPU ORT found: the same hardware its own CPU provider lists, from the vendor in /proc/cpuinfo.
        let cpu = try #require(
            try environment.executionProviderDevices().first { $0.executionProvider == "CPUExecutionProvider" })
        #expect(device.hardware == cpu.hardware)
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        if cpuinfo.contains("AuthenticAMD") { #expect(device.hardware.vendorID == 0x1022) }
        if cpuinfo.contains("GenuineIntel") { #expect(device.hardware.vendorID == 0x8086) }
        #expect(
            environment.executionProviderLibraries[TestPluginEP.registrationName] == (try TestPluginEP.libraryPath()))
    }

    @Test("Mul and Add run on the test EP, fused, with NumPy's outputs")
    func runsOnTestEP() throws {
        let devices = try TestPluginEP.devices(in: try TestPluginEP.registeredEnvironment())
        let options = options([.init(devices: devices)])
        try expectCasesPass("ep_mul_add", options)
        #expect(
            try assignments("ep_mul_add", options) == [
                .init(
                    executionProvider: "SwiftTestEP",
                    nodes: [.init(name: "mul", operatorType: "Mul"), .init(name: "add", operatorType: "Add")])
            ])
    }

    @Test("a graph the test EP supports in part: Mul and Add on it, Sub on the CPU")
    func splitsBetweenProviders() throws {
        let devices = try TestPluginEP.devices(in: try TestPluginEP.registeredEnvironment())
        let all = options([.init(devices: devices)])
        try expectCasesPass("ep_mixed", all)
        let parts = try assignments("ep_mixed", all)
        let onTestEP = parts.filter { $0.executionProvider == "SwiftTestEP" }.flatMap(\.nodes).map(\.name)
        let onCPU = parts.filter { $0.executionProvider == "CPUExecutionProvider" }.flatMap(\.nodes).map(\.name)
        #expect(onTestEP.sorted() == ["add", "scale"])
        #expect(onCPU == ["sub"])

        // EP options reach the EP: ops=Mul leaves Add to the CPU.
        let mulOnly = options([.init(devices: devices, options: ["ops": "Mul"])])
        try expectCasesPass("ep_mixed", mulOnly)
        let split = try assignments("ep_mixed", mulOnly)
        #expect(split.filter { $0.executionProvider == "SwiftTestEP" }.flatMap(\.nodes).map(\.name) == ["scale"])
        #expect(
            split.filter { $0.executionProvider == "CPUExecutionProvider" }.flatMap(\.nodes).map(\.name).sorted()
                == ["add", "sub"])
    }

    @Test("the by-name ExecutionProvider reaches a registered plugin EP")
    func byNameReachesPluginEP() throws {
        _ = try TestPluginEP.registeredEnvironment()
        let options = options([SessionOptions.ExecutionProvider("SwiftTestEP")])
        try expectCasesPass("ep_mul_add", options)
        #expect(try assignments("ep_mul_add", options).map(\.executionProvider) == ["SwiftTestEP"])
    }

    @Test(
        "a device policy picks the test EP, as Python onnxruntime does",
        arguments: [
            SessionOptions.DevicePolicy.automatic, .preferCPU, .preferGPU, .preferNPU, .maxPerformance,
            .maxEfficiency, .minPower,
        ])
    func policy(_ policy: SessionOptions.DevicePolicy) throws {
        _ = try TestPluginEP.registeredEnvironment()
        var options = options([])
        options.devicePolicy = policy
        try expectCasesPass("ep_mul_add", options)
        #expect(try assignments("ep_mul_add", options).map(\.executionProvider) == ["SwiftTestEP"])
    }

    @Test("a device selector sees the candidates and the model's metadata, and its choice is used")
    func selectorChoosesTestEP() throws {
        _ = try TestPluginEP.registeredEnvironment()
        let seen = Locked<SessionOptions.DeviceSelection?>(nil)
        var options = options([])
        options.deviceSelector = { selection in
            seen.withLock { $0 = selection }
            return selection.devices.filter { $0.metadata["library_path"] == (try? TestPluginEP.libraryPath()) }
        }
        try expectCasesPass("ep_mul_add", options)
        #expect(try assignments("ep_mul_add", options).map(\.executionProvider) == ["SwiftTestEP"])
        let selection = try #require(seen.withLock { $0 })
        #expect(selection.maximumCount == 8)
        #expect(
            Set(selection.devices.map(\.executionProvider)).isSuperset(of: ["SwiftTestEP", "CPUExecutionProvider"]))
        #expect(selection.modelMetadata["graph_name"] == "ep_mul_add")
        #expect(selection.modelMetadata["producer_name"] == "swift-onnxruntime-tests")

        // The CPU provider's device, chosen by a listed value rather than a candidate, is matched by content.
        let cpu = try #require(
            try Environment.shared.executionProviderDevices().first { $0.executionProvider == "CPUExecutionProvider" })
        options.deviceSelector = { _ in [cpu] }
        #expect(
            try assignments("ep_mul_add", options) == [
                .init(executionProvider: "CPUExecutionProvider", nodes: [.init(name: "mul", operatorType: "Mul")]),
                .init(executionProvider: "CPUExecutionProvider", nodes: [.init(name: "add", operatorType: "Add")]),
            ])
    }

    struct SelectorFailure: Error, CustomStringConvertible {
        var description: String { "no device suits this model" }
    }

    @Test("a device selector that throws, chooses nothing, a stranger or too many fails session creation clearly")
    func selectorErrors() throws {
        _ = try TestPluginEP.registeredEnvironment()
        func creation(_ selector: @escaping SessionOptions.DeviceSelector) -> ORTError? {
            var options = SessionOptions()
            options.deviceSelector = selector
            do {
                _ = try Session(path: TestModels.path("ep_mul_add"), options: options)
                return nil
            } catch {
                return error
            }
        }
        let thrown = try #require(creation { _ in throw SelectorFailure() })
        #expect(thrown.message.contains("the device selector threw: no device suits this model"))

        let none = try #require(creation { _ in [] })
        #expect(none.message.contains("did not select anything"))  // ORT's own refusal

        let stranger = try #require(
            creation { selection in
                var device = selection.devices[0]
                device.hardware.vendor = "Nobody"
                return [device]
            })
        #expect(stranger.message.contains("which is not one of the"))

        let tooMany = try #require(
            creation { selection in Array(repeating: selection.devices[0], count: selection.maximumCount + 1) })
        #expect(tooMany.message.contains("at most 8"))

        var both = SessionOptions()
        both.devicePolicy = .preferCPU
        both.deviceSelector = { $0.devices }
        #expect(throws: ORTError.self) { try Session(path: TestModels.path("ep_mul_add"), options: both) }
    }

    @Test("registering: a missing file, a library without the entry points, an empty or taken name")
    func registrationErrors() throws {
        let environment = try TestPluginEP.registeredEnvironment()
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        let missing = directory.appendingPathComponent("missing.so").path
        let error1 = #expect(throws: ORTError.self) {
            try environment.registerExecutionProviderLibrary("m", path: missing)
        }
        #expect(error1?.code == .invalidArgument)
        #expect(error1?.message.contains("does not exist") == true)

        let error2 = #expect(throws: ORTError.self) {
            try environment.registerExecutionProviderLibrary("d", path: directory.path)
        }
        #expect(error2?.code == .invalidArgument)

        let plain = try #require(
            try Fixtures.compileSharedLibrary(source: "int answer(void) { return 42; }", name: "plain", in: directory))
        let error3 = #expect(throws: ORTError.self) {
            try environment.registerExecutionProviderLibrary("p", path: plain)
        }
        #expect(error3?.code == .runtimeError)
        #expect(error3?.message.contains("CreateEpFactories") == true)
        #expect(environment.executionProviderLibraries["p"] == nil)

        let error4 = #expect(throws: ORTError.self) {
            try environment.registerExecutionProviderLibrary("", path: try TestPluginEP.libraryPath())
        }
        #expect(error4?.code == .invalidArgument)

        let error5 = #expect(throws: ORTError.self) {
            try environment.registerExecutionProviderLibrary(
                TestPluginEP.registrationName, path: try TestPluginEP.libraryPath())
        }
        #expect(error5?.code == .invalidArgument)
        #expect(error5?.message.contains("already registered") == true)

        let error6 = #expect(throws: ORTError.self) { try environment.unregisterExecutionProviderLibrary("never") }
        #expect(error6?.code == .invalidArgument)
        #expect(error6?.message.contains(TestPluginEP.registrationName) == true)  // lists what is registered
    }

    @Test("unregistering: refused while a session uses the library; its devices then can no longer be appended")
    func unregisterLifecycle() throws {
        let environment = try TestPluginEP.registeredEnvironment()
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = try TestPluginEP.privateCopy(in: directory)
        try environment.registerExecutionProviderLibrary("swift-test-ep-copy", path: copy)
        let devices = try environment.executionProviderDevices().filter { $0.metadata["library_path"] == copy }
        try #require(devices.count == 1)

        var session: Session? = try Session(
            path: TestModels.path("ep_mul_add"), options: options([.init(devices: devices)]))
        #expect(try session?.executionProviderAssignments().map(\.executionProvider) == ["SwiftTestEP"])
        let inUse = #expect(throws: ORTError.self) {
            try environment.unregisterExecutionProviderLibrary("swift-test-ep-copy")
        }
        #expect(inUse?.message.contains("in use by 1 session") == true)
        session = nil
        try environment.unregisterExecutionProviderLibrary("swift-test-ep-copy")
        #expect(environment.executionProviderLibraries["swift-test-ep-copy"] == nil)
        #expect(try environment.executionProviderDevices().allSatisfy { $0.metadata["library_path"] != copy })

        let gone = #expect(throws: ORTError.self) {
            try Session(path: TestModels.path("ep_mul_add"), options: options([.init(devices: devices)]))
        }
        #expect(gone?.code == .invalidArgument)
        #expect(gone?.message.contains("no longer available") == true)

        // Registered again, the old values resolve to the new registration's device.
        try environment.registerExecutionProviderLibrary("swift-test-ep-copy", path: copy)
        defer { try? environment.unregisterExecutionProviderLibrary("swift-test-ep-copy") }
        try expectCasesPass("ep_mul_add", options([.init(devices: devices)]))
    }

    @Test("bad provider requests: empty option keys, no devices, mixed providers, unknown names, EP failures")
    func providerErrors() throws {
        let environment = try TestPluginEP.registeredEnvironment()
        let devices = try TestPluginEP.devices(in: environment)
        let cpu = try #require(
            try environment.executionProviderDevices().first { $0.executionProvider == "CPUExecutionProvider" })
        func failure(_ providers: [SessionOptions.ExecutionProvider]) -> ORTError? {
            do {
                _ = try Session(path: TestModels.path("ep_mul_add"), options: options(providers))
                return nil
            } catch {
                return error
            }
        }
        let emptyKey = failure([.init(devices: devices, options: ["": "x"])])
        #expect(emptyKey?.code == .invalidArgument)
        #expect(emptyKey?.message.contains("empty key") == true)
        #expect(failure([.init(devices: [])])?.code == .invalidArgument)
        let mixed = failure([.init(devices: devices + [cpu])])
        #expect(mixed?.message.contains("must belong to one execution provider") == true)
        let unknown = failure([.init("NoSuchExecutionProvider")])
        #expect(unknown?.code == .unsupported)
        #expect(unknown?.message.contains("no registered plugin library offers it") == true)
        // Errors raised by the EP itself come back with ORT's code.
        let failing = failure([.init(devices: devices, options: ["fail": "create"])])
        #expect(failing?.runtimeCode == .executionProviderFailure)
        #expect(failing?.message.contains("fail=create") == true)
        let badOps = failure([.init(devices: devices, options: ["ops": "Div"])])
        #expect(badOps?.message.contains("option ops names 'Div'") == true)

        let unrecorded = try Session(path: TestModels.path("ep_mul_add"))
        let notRecorded = #expect(throws: ORTError.self) { try unrecorded.executionProviderAssignments() }
        #expect(notRecorded?.code == .invalidArgument)
    }

    /// OpenVINO's plugin EP from PyPI (`onnxruntime-ep-openvino`), found in the integration venv or at
    /// `ORT_OPENVINO_EP_LIBRARY`.
    static let openVINOLibrary: String? = {
        if let path = ProcessInfo.processInfo.environment["ORT_OPENVINO_EP_LIBRARY"] { return path }
        let lib = TestModels.packageRoot.appendingPathComponent(".integration/venv/lib")
        let pythons = (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []
        for python in pythons.sorted() {
            let candidate = lib.appendingPathComponent(
                "\(python)/site-packages/onnxruntime_ep_openvino/libonnxruntime_providers_openvino_plugin.so")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
        }
        return nil
    }()

    @Test(
        "OpenVINO's plugin registers; on Intel CPUs it lists a device and runs, elsewhere it lists none",
        .enabled(if: openVINOLibrary != nil, "the onnxruntime-ep-openvino wheel is not installed"))
    func openVINO() throws {
        let environment = try TestPluginEP.registeredEnvironment()
        let path = try #require(Self.openVINOLibrary)
        try environment.registerExecutionProviderLibrary("openvino-test", path: path)
        defer { try? environment.unregisterExecutionProviderLibrary("openvino-test") }
        let devices = try environment.executionProviderDevices().filter { $0.metadata["library_path"] == path }
        if devices.isEmpty {
            // The AMD case: the library loads but offers no device, so naming its provider is refused clearly.
            print("OpenVINO case run: registered, no device on this CPU")
            let error = #expect(throws: ORTError.self) {
                try Session(
                    path: TestModels.path("ep_mul_add"),
                    options: options([.init("OpenVINOExecutionProvider")]))
            }
            #expect(error?.code == .unsupported)
        } else {
            print("OpenVINO case run: \(devices.count) device(s): \(devices.map(\.description))")
            #expect(devices.allSatisfy { $0.executionProvider == "OpenVINOExecutionProvider" })
            let cpu = devices.filter { $0.hardware.kind == .cpu }
            try #require(!cpu.isEmpty)
            try expectCasesPass("ep_mul_add", options([.init(devices: [cpu[0]])]))
        }
    }
}
