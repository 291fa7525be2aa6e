import Foundation
import FuzzSupport
import ONNXFormats
import ONNXRuntime

/// Reads the input as a `.npy` file, as `ort run --input` does. Any bytes must give a value or an `ORTError`; a value
/// that was read must write back and read again to the same bytes.
private func testOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let data = FuzzDriver.data(bytes, count)
    _ = try? NumPy.readHeader(from: data)
    guard let value = try? NumPy.readValue(from: data) else { return 0 }
    guard let written = try? NumPy.serialize(value) else { return 0 }
    do {
        let reread = try NumPy.readValue(from: written)
        let rewritten = try NumPy.serialize(reread)
        if rewritten != written { FuzzDriver.fail("a .npy value does not round-trip") }
    } catch {
        FuzzDriver.fail("a .npy file we wrote does not read back: \(error)")
    }
    return 0
}

// The entry point: libFuzzer runs `testOne` with this process's arguments.
exit(FuzzDriver.run(CommandLine.argc, CommandLine.unsafeArgv, testOne))
