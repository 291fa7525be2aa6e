import Foundation
import FuzzSupport

// The JSON reader and writer and the configuration's JSON are package API of the library.
@testable import KServeProtocol
@testable import ONNXRuntimeServing

/// Parses the input as a `config.pbtxt` (bytes that are not UTF-8 are repaired, as a file read as text would be).
/// Any text must give a configuration or a `ModelConfigError`; a configuration must render as JSON (the config
/// endpoint's answer).
private func testOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let text = String(decoding: FuzzDriver.array(bytes, count), as: UTF8.self)
    if let config = try? ModelConfig.parse(text, file: "config.pbtxt", defaultName: "model") {
        var writer = JSONWriter()
        writer.write(config.json)
        if (try? JSONParser.parse(writer.bytes)) == nil { FuzzDriver.fail("a configuration's JSON does not parse") }
    }
    return 0
}

// The entry point: libFuzzer runs `testOne` with this process's arguments.
exit(FuzzDriver.run(CommandLine.argc, CommandLine.unsafeArgv, testOne))
