import Foundation
import FuzzSupport
import ONNXFormats
import ONNXRuntime

/// One thread, and no optimisation passes: the point is the loader, not the optimiser's speed.
private enum Loading {
    static let options: SessionOptions = {
        var options = SessionOptions()
        options.intraOpThreads = 1
        options.interOpThreads = 1
        options.optimization = .disabled
        return options
    }()
}

/// Loads the input as an ONNX model from memory, as the server loads a model file, and reads everything a session
/// reports about itself (what `ort inspect` and the server's metadata show). Any bytes must give a session or an
/// `ORTError`.
private func testOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let data = FuzzDriver.data(bytes, count)
    _ = try? ModelSummary(parsing: data)
    guard let session = try? Session(modelData: data, options: Loading.options) else { return 0 }
    for info in session.inputs + session.outputs + session.overridableInitializers {
        _ = info.description
    }
    _ = session.metadata
    return 0
}

// The entry point: libFuzzer runs `testOne` with this process's arguments.
exit(FuzzDriver.run(CommandLine.argc, CommandLine.unsafeArgv, testOne))
