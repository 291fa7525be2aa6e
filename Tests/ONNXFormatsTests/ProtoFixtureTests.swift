import Foundation
import ONNXFormats
import ONNXRuntime
import Testing

/// Every `.pb` fixture written by onnx's own helpers decodes to the value computed independently in the generator,
/// byte for byte, and the reader's errors for what it cannot hold are the expected ones.
@Suite struct ProtoFixtureTests {
    static let decodable = Fixtures.expected.protos.filter { $0.error == nil }
    static let failing = Fixtures.expected.protos.filter { $0.error != nil }

    @Test func fixturesCoverEveryElementTypeInBothEncodings() {
        let files = Set(Fixtures.expected.protos.map(\.file))
        for type in ElementType.allCases where type != .complex64 && type != .complex128 {
            let name = type.onnxName
            #expect(files.contains("tensor_\(name)_typed.pb"), "no typed-field fixture for \(name)")
            if type != .string {
                #expect(files.contains("tensor_\(name)_raw.pb"), "no raw_data fixture for \(name)")
            }
        }
        #expect(Set(Fixtures.expected.protos.map(\.kind)) == ["tensor", "sequence", "map", "optional"])
    }

    @Test(arguments: decodable) func decodes(_ fixture: ExpectedFile.Proto) throws {
        let (name, value) = try ONNXProto.readValue(from: Fixtures.data(fixture.file), as: fixture.protoKind)
        #expect(name == fixture.name)
        #expect(try Snapshot(value) == fixture.value)
    }

    @Test(arguments: failing) func rejects(_ fixture: ExpectedFile.Proto) throws {
        let data = try Fixtures.data(fixture.file)
        let error = expectORTError { _ = try ONNXProto.readValue(from: data, as: fixture.protoKind) }
        if fixture.error != "any" {
            #expect(error?.code.rawValue == fixture.error, "\(error?.message ?? "")")
        }
        #expect(error?.message.isEmpty == false)
    }

    @Test func externalDataErrorNamesTheFile() throws {
        let error = expectORTError { _ = try ONNXProto.readTensor(from: Fixtures.data("error_external.pb")) }
        #expect(error?.code == .unsupported)
        #expect(error?.message.contains("weights.bin") == true)
        #expect(error?.message.contains("external") == true)
    }

    @Test func unsupportedDataTypeIsNamed() throws {
        let error = expectORTError { _ = try ONNXProto.readTensor(from: Fixtures.data("error_datatype27.pb")) }
        #expect(error?.message.contains("data_type 27") == true)
    }

    /// Writing a decoded raw_data tensor gives exactly the bytes onnx.numpy_helper.from_array wrote.
    @Test(arguments: decodable.filter { $0.file.hasPrefix("tensor_") && $0.file.hasSuffix("_raw.pb") })
    func rewritingRawTensorsIsByteIdentical(_ fixture: ExpectedFile.Proto) throws {
        let original = try Fixtures.data(fixture.file)
        let (name, value) = try ONNXProto.readTensor(from: original)
        #expect(try ONNXProto.serialize(value, name: name) == original)
    }

    /// Sequences, maps and optionals written by this package decode to the same tree as onnx's originals.
    @Test(arguments: decodable)
    func reserializedValuesDecodeTheSame(_ fixture: ExpectedFile.Proto) throws {
        let (name, value) = try ONNXProto.readValue(from: Fixtures.data(fixture.file), as: fixture.protoKind)
        let bytes = try ONNXProto.serialize(value, name: name)
        let (nameAgain, valueAgain) = try ONNXProto.readValue(from: bytes, as: fixture.protoKind)
        #expect(nameAgain == name)
        #expect(try Snapshot(valueAgain) == Snapshot(value))
    }

    @Test func readTensorRejectsOtherKindsOnlyThroughReadValue() throws {
        let (name, tensor) = try ONNXProto.readTensor(from: Fixtures.data("tensor_int64_raw.pb"))
        #expect(name == "int64_raw")
        #expect(try tensor.tensor(of: Int64.self).scalars == [.min, -1, 0, 1, .max, 1 << 40])
    }

    @Test func typedReadsMatchThePythonValues() throws {
        let float16 = try ONNXProto.readTensor(from: Fixtures.data("tensor_float16_typed.pb")).value
        let halves = try float16.tensor(of: Float16.self).scalars
        #expect(halves.prefix(6).map(Float.init) == [0, -0.0, 1.5, -2.25, Float(Float16(6e-08)), 65504])
        #expect(halves[6] == .infinity && halves[7].isNaN)
        let bfloat16 = try ONNXProto.readTensor(from: Fixtures.data("tensor_bfloat16_typed.pb")).value
        #expect(try bfloat16.tensor(of: BFloat16.self).scalars[2].floatValue == 1.5)
        let strings = try ONNXProto.readTensor(from: Fixtures.data("tensor_string_typed.pb")).value
        #expect(try strings.tensor(of: String.self).scalars[3] == "a\u{0}b")
        // string_data is bytes: written by onnx.numpy_helper from an object array of bytes, read back byte for byte.
        let blobs = try ONNXProto.readTensor(from: Fixtures.data("tensor_string_bytes.pb")).value
        #expect(
            try blobs.tensor(of: [UInt8].self).scalars == [
                [0x00], [0x61, 0x00, 0x62], [], [0xFF, 0xFE], [0x80, 0x61, 0x62, 0x63],
                Array("trailing".utf8) + [0x00, 0x00],
            ])
        // MapProto string_keys are bytes too.
        let map = try ONNXProto.readValue(from: Fixtures.data("map_bytes_int64.pb"), as: .map).value
        guard case .map(let keys, _) = map else { Issue.record("not a map: \(map)"); return }
        #expect(try keys.tensor(of: [UInt8].self).scalars == [[0xFF], [0x61, 0x00]])
        let bools = try ONNXProto.readTensor(from: Fixtures.data("tensor_bool_typed.pb")).value
        #expect(try bools.tensor(of: Bool.self).scalars == [true, false, true, true, false, false])
    }
}
