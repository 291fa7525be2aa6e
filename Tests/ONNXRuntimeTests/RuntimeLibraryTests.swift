import Foundation
import Testing

@testable import ONNXRuntime

/// Finding and loading the runtime: the default search, explicit paths, and every way it can fail.
@Suite struct RuntimeLibraryTests {
    /// The version scripts/install-runtime.sh pins (its `ORT_VERSION` default), read from the script itself.
    static let pinnedVersion: String? = {
        let script = Fixtures.root.appendingPathComponent("scripts/install-runtime.sh")
        guard let text = try? String(contentsOf: script, encoding: .utf8) else { return nil }
        let prefix = "ORT_VERSION=\"${ORT_VERSION:-"
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
        return String(line.dropFirst(prefix.count).prefix { $0 != "}" })
    }()

    /// The default search loads from the first source that applies, checked here independently of the search:
    /// `ORT_DYLIB_PATH` when it is set, else this checkout's `.ort/lib/` when it exists (the pinned version), else a
    /// Python `onnxruntime` package or the system loader path.
    @Test func loadsFromTheFirstSourceThatApplies() throws {
        let info = try RuntimeLibrary.load()
        let pinned = try #require(Self.pinnedVersion, "scripts/install-runtime.sh pins ORT_VERSION")
        #expect(pinned.split(separator: ".").count == 3, "pinned version \(pinned)")
        let projectCopy = Fixtures.root.appendingPathComponent(".ort/lib/libonnxruntime.so")
        func resolved(_ path: String) -> String { URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
        if let environment = ProcessInfo.processInfo.environment["ORT_DYLIB_PATH"], !environment.isEmpty {
            #expect(info.path == resolved(environment), "ORT_DYLIB_PATH is \(environment)")
        } else if FileManager.default.fileExists(atPath: projectCopy.path) {
            #expect(info.path == resolved(projectCopy.path))
            #expect(info.path.hasSuffix(".ort/lib/libonnxruntime.so.\(pinned)"))
            #expect(info.version == pinned)
            let recorded = try String(
                contentsOf: Fixtures.root.appendingPathComponent(".ort/VERSION"), encoding: .utf8)
            #expect(recorded.trimmingCharacters(in: .whitespacesAndNewlines) == pinned)
        } else {
            // No variable and no project-local copy: a copy in a folder above (the search walks up), a Python
            // package, or the loader path. Never this checkout's .ort, which does not exist.
            #expect(!info.path.hasPrefix(Fixtures.root.appendingPathComponent(".ort").path))
            let fromAbove = info.path.contains("/.ort/lib/libonnxruntime.so")
            let fromPython = info.path.contains("/onnxruntime/capi/libonnxruntime.so")
            let fromLoader = !fromAbove && !fromPython && info.path.contains("libonnxruntime.so")
            #expect(fromAbove || fromPython || fromLoader, "unexpected source \(info.path)")
        }
        #expect(info.apiVersion == 24)  // the newest we declare; 1.32 offers more
        #expect(info.description.contains("ONNX Runtime \(info.version) (API 24)"))
    }

    @Test func loadingAgainIsIdempotentAndCannotSwitchLibraries() throws {
        let first = try RuntimeLibrary.load()
        #expect(try RuntimeLibrary.load(from: first.path) == first)
        #expect {
            try RuntimeLibrary.load(from: "/usr/lib/some-other/libonnxruntime.so")
        } throws: { error in
            (error as! ORTError).code == .invalidArgument && "\(error)".contains("already loaded")
        }
    }

    @Test func reportsProvidersAndBuildInfo() throws {
        let providers = try RuntimeLibrary.availableProviders
        #expect(providers.contains("CPUExecutionProvider"))
        #expect(try !RuntimeLibrary.buildInfo.isEmpty)
    }

    // MARK: - The search, exercised with plans of our own (loading nothing globally)

    @Test func missingExplicitPathSaysSo() {
        let plan = RuntimeLibrary.SearchPlan(
            explicitPath: "/nonexistent/libonnxruntime.so", environmentPath: nil, projectCandidates: [],
            pythonExecutable: nil, systemNames: [])
        #expect {
            _ = try RuntimeLibrary.discover(plan)
        } throws: { error in
            let error = error as! ORTError
            return error.code == .runtimeNotFound && error.message.contains("/nonexistent/libonnxruntime.so")
                && error.message.contains("scripts/install-runtime.sh")
        }
    }

    @Test func environmentPathToSomethingElse() throws {
        // A real shared library that is not ONNX Runtime.
        let libm = ["/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6", "/lib64/libm.so.6"]
            .first { FileManager.default.fileExists(atPath: $0) }
        let path = try #require(libm)
        let plan = RuntimeLibrary.SearchPlan(
            explicitPath: nil, environmentPath: path, projectCandidates: [], pythonExecutable: nil, systemNames: [])
        #expect {
            _ = try RuntimeLibrary.discover(plan)
        } throws: { error in
            let error = error as! ORTError
            return error.code == .runtimeNotFound && error.message.contains("ORT_DYLIB_PATH")
                && error.message.contains("does not export OrtGetApiBase")
        }
    }

    @Test func nothingFoundListsEverythingSearched() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let projectCopy = directory.appendingPathComponent(".ort/lib/libonnxruntime.so").path
        let plan = RuntimeLibrary.SearchPlan(
            explicitPath: nil, environmentPath: nil, projectCandidates: [projectCopy],
            pythonExecutable: "/nonexistent/python3", systemNames: ["libonnxruntime-does-not-exist.so"])
        #expect {
            _ = try RuntimeLibrary.discover(plan)
        } throws: { error in
            let error = error as! ORTError
            let message = error.message
            return error.code == .runtimeNotFound
                && message.hasPrefix("ONNX Runtime library not found. Searched:")
                && message.contains("ORT_DYLIB_PATH (not set)")
                && message.contains("project-local install: \(projectCopy)")
                && message.contains("a Python onnxruntime package (/nonexistent/python3 found none)")
                && message.contains("system loader path: libonnxruntime-does-not-exist.so")
                && message.contains("To fix: install it with `scripts/install-runtime.sh`")
        }
    }

    @Test func findsTheLibraryInsideAPythonOnnxruntimePackage() throws {
        // A fake site-packages holding onnxruntime/capi/libonnxruntime.so.<v> (a link to the real library), and a
        // "python3" wrapper that puts it on PYTHONPATH.
        let real = try RuntimeLibrary.load().path
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let capi = directory.appendingPathComponent("site/onnxruntime/capi")
        try FileManager.default.createDirectory(at: capi, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(
            atPath: directory.appendingPathComponent("site/onnxruntime/__init__.py").path, contents: Data())
        let linked = capi.appendingPathComponent("libonnxruntime.so.1.32.0").path
        try FileManager.default.createSymbolicLink(atPath: linked, withDestinationPath: real)
        let python = directory.appendingPathComponent("python3").path
        // A shell writes the wrapper, not this process: a file being written cannot be executed (ETXTBSY), and a
        // descriptor this process opened for writing could be inherited by a child another test spawns at that
        // moment, which would keep it open. That is the likely cause of this test's one failure in a parallel run (the
        // interpreter "found none").
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = [
            "-c", #"printf '#!/bin/sh\nPYTHONPATH="%s" exec python3 "$@"\n' "$2/site" > "$1" && chmod 755 "$1""#, "sh",
            python, directory.path,
        ]
        try writer.run()
        writer.waitUntilExit()
        try #require(writer.terminationStatus == 0)

        let missingProjectCopy = directory.appendingPathComponent(".ort/lib/libonnxruntime.so").path
        let plan = RuntimeLibrary.SearchPlan(
            explicitPath: nil, environmentPath: nil, projectCandidates: [missingProjectCopy],
            pythonExecutable: python, systemNames: [])
        let api = try RuntimeLibrary.discover(plan)
        #expect(api.path == URL(fileURLWithPath: real).resolvingSymlinksInPath().path)
        #expect(api.version == 24)
    }

    /// A stand-in "ONNX Runtime 1.9.0": it exports OrtGetApiBase, but offers no API version we accept.
    static let oldRuntimeSource = """
        #include <stddef.h>
        #include <stdint.h>
        typedef struct { const void *(*get_api)(uint32_t); const char *(*version)(void); } base_t;
        static const void *get_api(uint32_t version) { (void)version; return NULL; }
        static const char *version(void) { return "1.9.0"; }
        static const base_t base = { get_api, version };
        const base_t *OrtGetApiBase(void) { return &base; }
        """

    @Test func tooOldRuntimeNamesBothVersions() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = try #require(
            try Fixtures.compileSharedLibrary(source: Self.oldRuntimeSource, name: "libfakeort", in: directory),
            "a C compiler is needed to build the stand-in runtime")
        for plan in [
            RuntimeLibrary.SearchPlan(
                explicitPath: library, environmentPath: nil, projectCandidates: [], pythonExecutable: nil,
                systemNames: []),
            RuntimeLibrary.SearchPlan(
                explicitPath: nil, environmentPath: nil, projectCandidates: [library], pythonExecutable: nil,
                systemNames: []),
        ] {
            #expect {
                _ = try RuntimeLibrary.discover(plan)
            } throws: { error in
                let error = error as! ORTError
                return error.code == .runtimeTooOld && error.message.contains("ONNX Runtime 1.9.0")
                    && error.message.contains("1.16")
            }
        }
    }

    /// The same failures seen from a real process: one clear line and a non-zero exit, no crash.
    @Test func demoReportsAMissingRuntimeCleanly() throws {
        let demo = Fixtures.productsDirectory.appendingPathComponent("Basic").path
        try #require(FileManager.default.isExecutableFile(atPath: demo), "swift test builds the Basic example")
        var environment = ProcessInfo.processInfo.environment
        environment["ORT_DYLIB_PATH"] = "/nonexistent/libonnxruntime.so"
        let result = try Fixtures.run(demo, [], environment: environment)
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(
                "error: ONNX Runtime library /nonexistent/libonnxruntime.so (from ORT_DYLIB_PATH) does not exist"))
    }
}
