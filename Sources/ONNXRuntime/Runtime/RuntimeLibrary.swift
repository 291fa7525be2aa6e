import CONNXRuntime
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The ONNX Runtime shared library: where it is found and which version is loaded.
///
/// The library is opened with `dlopen` the first time anything in this package needs it, never at import or build
/// time. By default it is searched for in this order:
///
/// 1. a path given to ``load(from:)``;
/// 2. the `ORT_DYLIB_PATH` environment variable;
/// 3. the project-local install made by `scripts/install-runtime.sh`, or in a package that depends on this one by
///    `swift package install-onnxruntime` (`.ort/lib/`), looked for above the current directory, above the running
///    executable, and in this package's checkout;
/// 4. a Python `onnxruntime` package on the machine (`onnxruntime/capi/libonnxruntime.so.*`);
/// 5. `libonnxruntime.so` on the system loader path.
///
/// If none works, the error lists every place searched and the command that installs the runtime.
public enum RuntimeLibrary {
    /// The file name the loader and the Python wheel use.
    static let libraryName = "libonnxruntime.so"
    /// The command a user runs to install the runtime into the project.
    public static let installHint =
        "install it with `scripts/install-runtime.sh` (a project-local copy in .ort/; in a package that depends on "
        + "swift-onnxruntime: `swift package --allow-writing-to-package-directory --allow-network-connections all "
        + "install-onnxruntime`), or set ORT_DYLIB_PATH to a libonnxruntime.so"

    private static let state = Locked<API?>(nil)

    /// Loads the runtime now, from an explicit path or by the default search.
    ///
    /// Calling this is optional: the first session, tensor or environment loads the library on its own. Once a
    /// runtime is loaded it stays loaded; a later call with a different path throws.
    /// - Parameter path: The `libonnxruntime.so` to load; `nil` searches the default places.
    /// - Returns: A description of the loaded runtime.
    /// - Throws: ``ORTError/Code/runtimeNotFound`` or ``ORTError/Code/runtimeTooOld``.
    @discardableResult
    public static func load(from path: String? = nil) throws(ORTError) -> Info {
        let api = try state.withLock { (loaded: inout API?) throws(ORTError) -> API in
            if let loaded {
                if let path, resolved(path) != resolved(loaded.path) {
                    throw ORTError(
                        .invalidArgument,
                        "ONNX Runtime is already loaded from \(loaded.path); cannot switch to \(path) in the same "
                            + "process")
                }
                return loaded
            }
            let api = try discover(explicitPath: path)
            loaded = api
            return api
        }
        return Info(api)
    }

    /// Describes the loaded runtime.
    public struct Info: Sendable, Hashable, CustomStringConvertible {
        /// ONNX Runtime's version string, such as `1.32.0`.
        public let version: String
        /// The API version negotiated with the runtime (for ORT 1.N this is N, capped at what this package declares).
        public let apiVersion: Int
        /// The file the library was loaded from.
        public let path: String

        init(_ api: API) {
            version = api.runtimeVersion
            apiVersion = Int(api.version)
            path = api.path
        }

        /// A short description for logs and messages.
        public var description: String { "ONNX Runtime \(version) (API \(apiVersion)) from \(path)" }
    }

    /// The loaded runtime, loading it by the default search if needed.
    /// - Throws: ``ORTError/Code/runtimeNotFound`` or ``ORTError/Code/runtimeTooOld``.
    public static var info: Info {
        get throws(ORTError) { try load() }
    }

    /// The execution providers compiled into the loaded runtime, such as `CPUExecutionProvider`.
    ///
    /// The corresponding C function is `GetAvailableProviders`.
    public static var availableProviders: [String] {
        get throws(ORTError) {
            let api = try API.get()
            var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
            var count: Int32 = 0
            try api.check(api.table.pointee.GetAvailableProviders(&names, &count))
            defer {
                if let status = api.table.pointee.ReleaseAvailableProviders(names, count) {
                    api.table.pointee.ReleaseStatus(status)
                }
            }
            return (0..<Int(count)).map { String(cString: names![$0]!) }
        }
    }

    /// The runtime's build description (compiler, flags, git commit).
    ///
    /// The corresponding C function is `GetBuildInfoString`.
    public static var buildInfo: String {
        get throws(ORTError) {
            let api = try API.get()
            return api.table.pointee.GetBuildInfoString().map { String(cString: $0) } ?? ""
        }
    }

    static func loadedAPI() throws(ORTError) -> API {
        if let api = state.withLock({ $0 }) { return api }
        return try state.withLock { (loaded: inout API?) throws(ORTError) -> API in
            if let loaded { return loaded }
            let api = try discover(explicitPath: nil)
            loaded = api
            return api
        }
    }

    // MARK: - Discovery

    enum Attempt {
        case loaded(API)
        case tooOld(String)
        case failed(String)
    }

    /// Where to look for the library, in order. The default plan follows the documented search order; tests
    /// build their own.
    struct SearchPlan {
        var explicitPath: String?
        var environmentPath: String?
        var projectCandidates: [String]
        var pythonExecutable: String?
        var systemNames: [String]

        static func standard(explicitPath: String?) -> SearchPlan {
            let fromEnvironment = ProcessInfo.processInfo.environment["ORT_DYLIB_PATH"]
            return SearchPlan(
                explicitPath: explicitPath,
                environmentPath: fromEnvironment?.isEmpty == false ? fromEnvironment : nil,
                projectCandidates: projectLocalCandidates(),
                pythonExecutable: "python3",
                systemNames: [libraryName, "\(libraryName).1"])
        }
    }

    private static func discover(explicitPath: String?) throws(ORTError) -> API {
        try discover(SearchPlan.standard(explicitPath: explicitPath))
    }

    static func discover(_ plan: SearchPlan) throws(ORTError) -> API {
        if let explicitPath = plan.explicitPath {
            return try openRequired(explicitPath, origin: "the path given to RuntimeLibrary.load(from:)")
        }
        if let fromEnvironment = plan.environmentPath {
            return try openRequired(fromEnvironment, origin: "ORT_DYLIB_PATH")
        }
        var searched: [String] = ["ORT_DYLIB_PATH (not set)"]
        var missingProjectCopies: [String] = []
        for candidate in plan.projectCandidates {
            guard FileManager.default.fileExists(atPath: candidate) else {
                missingProjectCopies.append(candidate)
                continue
            }
            switch open(candidate) {
            case .loaded(let api): return api
            case .tooOld(let message): throw ORTError(.runtimeTooOld, message)
            case .failed(let reason): searched.append("\(candidate) (\(reason))")
            }
        }
        // Python is asked only when no project-local copy worked: starting an interpreter costs tens of milliseconds.
        if let python = plan.pythonExecutable {
            for candidate in pythonCandidates(python: python, &searched) {
                switch open(candidate) {
                case .loaded(let api): return api
                case .tooOld(let message): throw ORTError(.runtimeTooOld, message)
                case .failed(let reason): searched.append("\(candidate) (\(reason))")
                }
            }
        }
        if !missingProjectCopies.isEmpty {
            // Many ancestor folders are tried; name the first few so the message stays readable.
            let shown = missingProjectCopies.prefix(3).joined(separator: ", ")
            let more = missingProjectCopies.count > 3 ? " and \(missingProjectCopies.count - 3) more folders above" : ""
            searched.insert("project-local install: \(shown)\(more) (none exists)", at: 1)
        }
        for name in plan.systemNames {
            switch open(name) {
            case .loaded(let api): return api
            case .tooOld(let message): throw ORTError(.runtimeTooOld, message)
            case .failed(let reason): searched.append("system loader path: \(name) (\(reason))")
            }
        }
        throw ORTError(
            .runtimeNotFound,
            "ONNX Runtime library not found. Searched:\n"
                + searched.map { "  - \($0)" }.joined(separator: "\n")
                + "\nTo fix: \(installHint).")
    }

    private static func openRequired(_ path: String, origin: String) throws(ORTError) -> API {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ORTError(
                .runtimeNotFound, "ONNX Runtime library \(path) (from \(origin)) does not exist; \(installHint)")
        }
        switch open(path) {
        case .loaded(let api): return api
        case .tooOld(let message): throw ORTError(.runtimeTooOld, message)
        case .failed(let reason):
            throw ORTError(.runtimeNotFound, "cannot load ONNX Runtime from \(path) (from \(origin)): \(reason)")
        }
    }

    /// Opens one candidate and negotiates the API version.
    static func open(_ path: String) -> Attempt {
        // RTLD_LOCAL keeps ORT's symbols (and its bundled protobuf) out of the global namespace.
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            return .failed(dlerror().map { String(cString: $0) } ?? "dlopen failed")
        }
        guard let symbol = dlsym(handle, "OrtGetApiBase") else {
            dlclose(handle)
            return .failed("not an ONNX Runtime library: it does not export OrtGetApiBase")
        }
        let getBase = unsafeBitCast(symbol, to: CORTGetApiBaseFunction.self)
        guard let base = getBase() else {
            dlclose(handle)
            return .failed("OrtGetApiBase returned nothing")
        }
        let versionCString = base.pointee.GetVersionString()
        let version = versionCString.map { String(cString: $0) } ?? "unknown"
        // Ask for the newest table we have declarations for; an older runtime answers nil for versions it lacks.
        var apiVersion = UInt32(CORT_DECLARED_API_VERSION)
        while apiVersion >= UInt32(CORT_MINIMUM_API_VERSION) {
            if let table = base.pointee.GetApi(apiVersion) {
                var memoryInfo: OpaquePointer?
                if let status = table.pointee.CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &memoryInfo) {
                    table.pointee.ReleaseStatus(status)
                    return .failed("CreateCpuMemoryInfo failed")
                }
                // The handle is deliberately never closed: ORT keeps global state and threads alive.
                // Like the handle, the path copy lives as long as the process (one small allocation).
                return .loaded(
                    API(
                        table: table, version: apiVersion,
                        runtimeVersionCString: versionCString ?? UnsafePointer(strdup("unknown")!),
                        pathCString: UnsafePointer(strdup(resolved(path))!), cpuMemoryInfo: memoryInfo!))
            }
            apiVersion -= 1
        }
        dlclose(handle)
        return .tooOld(
            "ONNX Runtime \(version) at \(path) is too old: swift-onnxruntime needs API version "
                + "\(CORT_MINIMUM_API_VERSION) (ONNX Runtime 1.\(CORT_MINIMUM_API_VERSION)) or newer, and works best "
                + "with 1.\(CORT_DECLARED_API_VERSION)+; \(installHint)")
    }

    /// `.ort/lib/libonnxruntime.so` above the working directory, above the executable, and in this checkout.
    static func projectLocalCandidates() -> [String] {
        var roots: [URL] = []
        roots.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            roots.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        // This file lives at <package>/Sources/ONNXRuntime/Runtime/RuntimeLibrary.swift.
        roots.append(
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent())
        var seen = Set<String>()
        var result: [String] = []
        for root in roots {
            var directory = root.standardizedFileURL
            while true {
                let candidate = directory.appendingPathComponent(".ort/lib/\(libraryName)").path
                if seen.insert(candidate).inserted { result.append(candidate) }
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        return result
    }

    /// Libraries inside Python `onnxruntime` packages: the active interpreter's, then common install folders.
    static func pythonCandidates(python: String, _ searched: inout [String]) -> [String] {
        var folders: [String] = []
        if let folder = pythonPackageFolder(python: python) {
            folders.append(folder)
        } else {
            searched.append("a Python onnxruntime package (\(python) found none)")
        }
        var result: [String] = []
        for folder in folders {
            let capi = folder + "/capi"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: capi)) ?? []
            let libraries = names.filter { $0.hasPrefix(libraryName) }.sorted { $0.count > $1.count }
            if libraries.isEmpty { searched.append("\(capi)/\(libraryName)* (none)") }
            result += libraries.map { "\(capi)/\($0)" }
        }
        return result
    }

    /// Asks `python3` where the `onnxruntime` package is, without importing it.
    private static func pythonPackageFolder(python: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            python, "-c",
            "import importlib.util as u; s = u.find_spec('onnxruntime'); print(s.submodule_search_locations[0] if s else '')",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let folder = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return folder.isEmpty ? nil : folder
    }

    private static func resolved(_ path: String) -> String {
        guard path.contains("/") else { return path }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
}
