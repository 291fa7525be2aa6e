import Foundation
import FuzzSupport
import ONNXFormats
import ONNXRuntime

/// Reads the input as each kind of ONNX `.pb` file `ort run` accepts (TensorProto, SequenceProto, MapProto,
/// OptionalProto) and as a ModelProto summary (`ort inspect`). Any bytes must give a value or an `ORTError`; a value
/// that was read must write back and read again to the same bytes.
private func testOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let data = FuzzDriver.data(bytes, count)
    _ = try? ModelSummary(parsing: data)
    _ = try? ONNXProto.readTensor(from: data)
    for kind in ProtoValue.Kind.allCases {
        guard let (name, value) = try? ONNXProto.readValue(from: data, as: kind) else { continue }
        guard let written = try? ONNXProto.serialize(value, name: name) else { continue }
        do {
            let reread = try ONNXProto.readValue(from: written, as: kind)
            let rewritten = try ONNXProto.serialize(reread.value, name: reread.name)
            if rewritten != written { FuzzDriver.fail("a \(kind) value does not round-trip") }
        } catch {
            FuzzDriver.fail("a \(kind) we wrote does not read back: \(error)")
        }
    }
    return 0
}

// The entry point: libFuzzer runs `testOne` with this process's arguments.
exit(FuzzDriver.run(CommandLine.argc, CommandLine.unsafeArgv, testOne))
