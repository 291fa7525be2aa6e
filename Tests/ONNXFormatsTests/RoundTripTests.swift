import Foundation
import ONNXFormats
import ONNXRuntime
import Testing

/// Value -> .pb -> Value and Value -> .npy -> Value give back exactly what went in, for every element type and for
/// real ONNX Runtime outputs of every kind.
@Suite struct RoundTripTests {
    /// One tensor of every element type ORT can hold, taken from the raw_data fixtures (plus odd 4-bit counts).
    static let tensorFixtures = Fixtures.expected.protos.filter {
        $0.file.hasPrefix("tensor_") && $0.error == nil
    }.map(\.file)

    @Test(arguments: tensorFixtures) func tensorThroughProto(_ file: String) throws {
        let value = try ONNXProto.readTensor(from: Fixtures.data(file)).value
        let bytes = try ONNXProto.serialize(value, name: "t")
        let (name, again) = try ONNXProto.readTensor(from: bytes)
        #expect(name == "t")
        #expect(try Snapshot(again) == Snapshot(value))
    }

    /// Types with a NumPy dtype come back as the same type with the same bytes.
    @Test(arguments: tensorFixtures) func tensorThroughNumPy(_ file: String) throws {
        let value = try ONNXProto.readTensor(from: Fixtures.data(file)).value
        let npy = try NumPy.serialize(value)
        let again = try NumPy.readValue(from: npy)
        switch value.elementType! {
        case .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float4e2m1, .float8e8m0:
            #expect(again.elementType == .float32)
            #expect(again.shape == value.shape)
        case .int4, .int2:
            #expect(again.elementType == .int8)
        case .uint4, .uint2:
            #expect(again.elementType == .uint8)
        case .string:
            // NumPy drops trailing NULs; the fixtures have elements ending in NUL.
            let elements = try Tensor<[UInt8]>(value).scalars.map { Array($0.reversed().drop { $0 == 0 }.reversed()) }
            #expect(try Tensor<[UInt8]>(again).scalars == elements)
            #expect(again.shape == value.shape)
        default:
            #expect(try Snapshot(again) == Snapshot(value))
        }
    }

    @Test func typedTensorsOfEveryTrivialType() throws {
        try check(Tensor<Float>([1, -2.5, .pi, .greatestFiniteMagnitude], shape: [2, 2]).value)
        try check(Tensor<Double>([1e-300, -0.0], shape: [2, 1, 1]).value)
        try check(Tensor<Float16>([1, 65504, -0.5], shape: [3]).value)
        let bfloat16 = try Tensor<BFloat16>([BFloat16(1.5), BFloat16(-3e38)], shape: [2]).value
        let proto = try Snapshot(ONNXProto.readTensor(from: ONNXProto.serialize(bfloat16)).value)
        #expect(try proto == Snapshot(bfloat16))
        let widened = try NumPy.readValue(from: NumPy.serialize(bfloat16)).tensor(of: Float.self).scalars
        #expect(widened == [1.5, BFloat16(-3e38).floatValue])
        try check(Tensor<Int8>([-128, 127], shape: [2]).value)
        try check(Tensor<Int16>([-32768, 32767], shape: [1, 2]).value)
        try check(Tensor<Int32>([.min, .max, 0], shape: [3]).value)
        try check(Tensor<Int64>(scalar: .min).value)
        try check(Tensor<UInt8>([0, 255], shape: [2]).value)
        try check(Tensor<UInt16>([0, 65535], shape: [2]).value)
        try check(Tensor<UInt32>([0, .max], shape: [2]).value)
        try check(Tensor<UInt64>([0, .max], shape: [2]).value)
        try check(Tensor<Bool>([true, false, true], shape: [3, 1]).value)
        try check(Tensor<Float>([], shape: [0, 5, 2]).value)
        try check(Tensor<Float>([7], shape: [1, 1, 1, 1, 1, 1]).value)
        try check(Tensor<String>(["", "ä", "😀 x", "tab\tnew\nline"], shape: [2, 2]).value)
        try check(Tensor<String>(scalar: "only").value)
    }

    /// Checks one tensor through both formats.
    func check(_ value: Value, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try Snapshot(value)
        let proto = try Snapshot(ONNXProto.readTensor(from: ONNXProto.serialize(value)).value)
        #expect(proto == expected, sourceLocation: sourceLocation)
        let npy = try Snapshot(NumPy.readValue(from: NumPy.serialize(value)))
        #expect(npy == expected, sourceLocation: sourceLocation)
        for version in NumPy.FormatVersion.allCases {
            let bytes = try NumPy.serialize(value, version: version)
            #expect(try NumPy.readHeader(from: bytes).version == version, sourceLocation: sourceLocation)
            let read = try Snapshot(NumPy.readValue(from: bytes))
            #expect(read == expected, sourceLocation: sourceLocation)
        }
    }

    // MARK: - Containers made by ONNX Runtime

    @Test func sequenceValue() throws {
        let a = try Tensor<Int64>([1, 2, 3]).value
        let b = try Tensor<Int64>([4], shape: [1, 1]).value
        let sequence = try Value(sequence: [a, b])
        let tree = try ProtoValue(sequence)
        #expect(try Snapshot(tree) == .sequence([Snapshot(a), Snapshot(b)]))
        let (name, read) = try ONNXProto.readValue(from: ONNXProto.serialize(sequence, name: "s"), as: .sequence)
        #expect(name == "s")
        #expect(try Snapshot(read) == Snapshot(tree))
        let rebuilt = try read.makeValue()
        #expect(rebuilt.kind == .sequence)
        #expect(try Snapshot(ProtoValue(rebuilt)) == Snapshot(tree))
    }

    @Test(arguments: [0, 1, 2, 3]) func mapValue(_ variant: Int) throws {
        let keys: Value
        let values: Value
        switch variant {
        case 0:
            // ORT keeps a map ordered by key, so the keys here are sorted to come back in the same order.
            keys = try Tensor<Int64>([-1, 3, 7]).value
            values = try Tensor<Float>([0.5, 1.5, -2]).value
        case 1:
            keys = try Tensor<String>(["a", "b"]).value
            values = try Tensor<Int64>([10, -20]).value
        case 2:
            keys = try Tensor<Int64>([1]).value
            values = try Tensor<Double>([.pi]).value
        default:
            keys = try Tensor<String>(["x", "y"]).value
            values = try Tensor<String>(["ü", ""]).value
        }
        let map = try Value(mapKeys: keys, values: values)
        let tree = try ProtoValue(map)
        guard case .map(let treeKeys, let treeValues) = tree else {
            Issue.record("expected a map, got \(tree)")
            return
        }
        #expect(try Snapshot(treeKeys) == Snapshot(keys))
        #expect(treeValues.count == keys.shape[0])
        let read = try ONNXProto.readValue(from: ONNXProto.serialize(map), as: .map).value
        #expect(try Snapshot(read) == Snapshot(tree))
        let (rebuiltKeys, rebuiltValues) = try read.makeValue().mapContents
        #expect(try Snapshot(rebuiltKeys) == Snapshot(keys))
        #expect(try Snapshot(rebuiltValues) == Snapshot(values))
    }

    @Test func outputsOfEveryKind() throws {
        let session = try Session(path: Fixtures.directory.appendingPathComponent("outputs.onnx").path)
        let x = try Tensor<Float>([1, 2, 3])
        let outputs = try session.run(["x": x])
        let xSnapshot = try Snapshot(x.value)

        let sequence = try ProtoValue(outputs["seq"]!)
        #expect(try Snapshot(sequence) == .sequence([xSnapshot, xSnapshot]))

        let zipmap = try ProtoValue(outputs["zipmap"]!)
        let keys = try Snapshot(Tensor<Int64>([10, 20, 30]).value)
        let scalars = try [Float(1), 2, 3].map { try Snapshot(Tensor<Float>(scalar: $0).value) }
        #expect(try Snapshot(zipmap) == .sequence([.map(keys: keys, values: scalars)]))

        let none = try ProtoValue(outputs["none"]!)
        #expect(try Snapshot(none) == .optional(nil))
        #expect(try ONNXProto.serialize(outputs["none"]!, name: "absent") == Fixtures.data("optional_none.pb"))

        #expect(try Snapshot(ProtoValue(outputs["some"]!)) == xSnapshot)

        for (name, tree) in [("seq", sequence), ("zipmap", zipmap), ("none", none)] {
            let bytes = try ONNXProto.serialize(outputs[name]!, name: name)
            let (readName, read) = try ONNXProto.readValue(from: bytes, as: tree.kind)
            #expect(readName == name)
            #expect(try Snapshot(read) == Snapshot(tree))
        }
        let zipmapAgain = try zipmap.makeValue()
        #expect(zipmapAgain.kind == .sequence)
        #expect(try Snapshot(ProtoValue(zipmapAgain)) == Snapshot(zipmap))
    }

    // MARK: - Trees ONNX Runtime cannot hold

    @Test func treesBeyondOnnxRuntime() throws {
        let tensor = ProtoValue.tensor(try Tensor<Float>([1]).value)
        let trees: [ProtoValue] = [
            .sequence([]),
            .sequence([.sequence([tensor]), .sequence([])]),
            .optional(nil),
            .optional(.optional(tensor)),
            .sequence([.optional(tensor), .optional(nil)]),
            .map(keys: try Tensor<Int32>([5]).value, values: [.sequence([tensor])]),
        ]
        for tree in trees {
            let read = try ONNXProto.readValue(from: ONNXProto.serialize(tree, name: "x"), as: tree.kind)
            #expect(read.name == "x")
            #expect(try Snapshot(read.value) == Snapshot(tree), "\(tree)")
        }
        #expect(expectORTError { _ = try ProtoValue.sequence([]).makeValue() }?.code == .invalidArgument)
        #expect(expectORTError { _ = try ProtoValue.optional(nil).makeValue() }?.code == .invalidArgument)
        #expect(try ProtoValue.optional(tensor).makeValue().shape == [1])
    }

    @Test func inconsistentTreesAreNotWritten() throws {
        let tensor = ProtoValue.tensor(try Tensor<Float>([1]).value)
        let mixed = ProtoValue.sequence([tensor, .sequence([])])
        #expect(expectORTError { _ = try ONNXProto.serialize(mixed) }?.code == .typeMismatch)
        let keys = try Tensor<Int64>([1, 2]).value
        #expect(
            expectORTError { _ = try ONNXProto.serialize(.map(keys: keys, values: [tensor])) }?.code == .countMismatch)
        let floatKeys = try Tensor<Float>([1]).value
        #expect(
            expectORTError { _ = try ONNXProto.serialize(.map(keys: floatKeys, values: [tensor])) }?.code
                == .typeMismatch)
        var deep = tensor
        for _ in 0..<100 { deep = .optional(deep) }
        #expect(expectORTError { _ = try ONNXProto.serialize(deep) }?.code == .invalidArgument)
    }

    @Test func kindForModelTypes() {
        let float = TensorInfo(elementType: .float32, shape: [.fixed(2)])
        #expect(ProtoValue.Kind(.tensor(float)) == .tensor)
        #expect(ProtoValue.Kind(.sequence(.tensor(float))) == .sequence)
        #expect(ProtoValue.Kind(.map(key: .int64, value: .tensor(float))) == .map)
        #expect(ProtoValue.Kind(.optional(.tensor(float))) == .optional)
        #expect(ProtoValue.Kind(.sparseTensor(float)) == nil)
    }
}
