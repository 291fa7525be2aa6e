import Foundation
import Testing

@testable import ONNXRuntime

/// Sessions: what they report about a model, and runs checked against values worked out by hand.
@Suite struct SessionTests {
    @Test func reportsInputsAndOutputsWithSymbolicDimensions() throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        let floatN3 = ValueType.tensor(TensorInfo(elementType: .float32, shape: [.symbolic("N"), .fixed(3)]))
        #expect(session.inputs == [ValueInfo(name: "A", type: floatN3), ValueInfo(name: "B", type: floatN3)])
        #expect(session.outputs == [ValueInfo(name: "C", type: floatN3)])
        #expect(session.overridableInitializers.isEmpty)
        #expect(session.inputs[0].description == "A: tensor(float) [N, 3]")
    }

    @Test func reportsModelMetadata() throws {
        let metadata = try Session(path: Fixtures.model("add_f32")).metadata
        #expect(metadata.producerName == "swift-onnxruntime-tests")
        #expect(metadata.graphName == "add_graph")
        #expect(metadata.graphDescription == "Adds two float tensors.")
        #expect(metadata.domain == "org.swift-onnxruntime.tests")
        #expect(metadata.description == "A tiny Add model for metadata tests.")
        #expect(metadata.version == 7)
        #expect(metadata.custom == ["author": "swift-onnxruntime", "purpose": "metadata test"])
    }

    @Test func reportsNonTensorTypes() throws {
        let sequenceOut = try Session(path: Fixtures.model("sequence_out"))
        #expect(sequenceOut.outputs[0].type.typeString == "seq(tensor(float))")
        let zipmap = try Session(path: Fixtures.model("zipmap"))
        #expect(zipmap.outputs[0].type.typeString == "seq(map(int64,tensor(float)))")
        let zipmapStrings = try Session(path: Fixtures.model("zipmap_strings"))
        #expect(zipmapStrings.outputs[0].type.typeString == "seq(map(string,tensor(float)))")
        let optional = try Session(path: Fixtures.model("optional_io"))
        #expect(optional.inputs[0].type.typeString == "optional(tensor(float))")
    }

    @Test func loadsFromBytes() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.model("add_f32")))
        let session = try Session(modelData: bytes)
        #expect(session.metadata.graphName == "add_graph")
        let a = try Tensor<Float>([1, 2, 3], shape: [1, 3])
        let b = try Tensor<Float>([10, 20, 30], shape: [1, 3])
        #expect(try session.run(["A": a, "B": b]).tensor("C", of: Float.self).scalars == [11, 22, 33])
        #expect(try Session(modelData: Array(bytes)).inputs.count == 2)
    }

    @Test func overridableInitializerKeepsItsDefaultOrTakesAFeed() throws {
        let session = try Session(path: Fixtures.model("overridable_init"))
        #expect(session.inputs.map(\.name) == ["x"])
        #expect(session.overridableInitializers.map(\.description) == ["scale: tensor(float) [3]"])
        let x = try Tensor<Float>([1, 2, 3])
        // Default scale is [1, 2, 3]: y = x * scale.
        #expect(try session.run(["x": x]).tensor("y", of: Float.self).scalars == [1, 4, 9])
        let scale = try Tensor<Float>([10, 20, 30])
        #expect(try session.run(["x": x, "scale": scale]).tensor("y", of: Float.self).scalars == [10, 40, 90])
    }

    @Test func initializerFromSwiftMemoryReplacesTheStoredOne() throws {
        var options = SessionOptions()
        options.initializers["scale"] = try Tensor<Float>([2, 2, 2]).value
        let session = try Session(path: Fixtures.model("overridable_init"), options: options)
        let y = try session.run(["x": try Tensor<Float>([1, 2, 3])]).tensor("y", of: Float.self)
        #expect(y.scalars == [2, 4, 6])
    }

    @Test func runsAChosenSubsetOfOutputsInTheOrderAsked() throws {
        let session = try Session(path: Fixtures.model("multi_out"))
        let x = try Tensor<Float>([1, 5, 3, 6, 2, 4], shape: [2, 3])
        let outputs = try session.run(["x": x], outputs: ["argmax", "total"])
        #expect(outputs.names == ["argmax", "total"])
        let argmax = try outputs.tensor("argmax", of: Int64.self)
        #expect(argmax.shape == [2])
        #expect(argmax.scalars == [1, 0])
        let total = try outputs.tensor("total", of: Float.self)
        #expect(total.shape == [])
        #expect(try total.scalar == 21)
        #expect(outputs["plus1"] == nil)
        #expect(throws: ORTError.self) { try outputs.tensor("plus1", of: Float.self) }
        #expect(throws: ORTError.self) { try outputs.tensor("total", of: Double.self) }

        let all = try session.run(["x": x])
        #expect(all.names == ["plus1", "times2", "total", "argmax"])
        #expect(try all.tensor("plus1", of: Float.self).scalars == [2, 6, 4, 7, 3, 5])
        #expect(try all.tensor("times2", of: Float.self).scalars == [2, 10, 6, 12, 4, 8])
    }

    @Test func scalarsAndEmptyTensors() throws {
        let scalar = try Session(path: Fixtures.model("scalar_mul"))
        let y = try scalar.run(["x": try Tensor<Float>(scalar: 4)]).tensor("y", of: Float.self)
        #expect(y.shape == [])
        #expect(try y.scalar == 10)

        let int64 = try Session(path: Fixtures.model("scalar_int64"))
        let big = try int64.run(["x": try Tensor<Int64>(scalar: Int64.max - 1)]).tensor("y", of: Int64.self)
        #expect(try big.scalar == Int64.max)

        let empty = try Session(path: Fixtures.model("empty"))
        let nothing = try empty.run(["x": try Tensor<Float>([], shape: [0, 3])]).tensor("y", of: Float.self)
        #expect(nothing.shape == [0, 3])
        #expect(nothing.scalars.isEmpty)
        let borrowedEmpty = try Tensor<Float>(borrowing: [], shape: [0, 3])
        #expect(try empty.run(["x": borrowedEmpty]).tensor("y", of: Float.self).shape == [0, 3])
    }

    @Test func stringOperations() throws {
        let session = try Session(path: Fixtures.model("string_ops"))
        let a = try Tensor<String>(["ab", "", "héllo ✓", "nul\u{0}byte"])
        let b = try Tensor<String>(["cd", "", "héllo ✓", "x"])
        let outputs = try session.run(["a": a, "b": b])
        #expect(
            try outputs.tensor("joined", of: String.self).scalars == ["abcd", "", "héllo ✓héllo ✓", "nul\u{0}bytex"])
        #expect(try outputs.tensor("same", of: Bool.self).scalars == [false, true, true, false])
    }

    @Test func readsSequencesAndMaps() throws {
        let zipmap = try Session(path: Fixtures.model("zipmap"))
        let x = try Tensor<Float>([0.25, 0.5, 0.25, 1, 0, 0], shape: [2, 3])
        let z = try #require(try zipmap.run(["x": x])["z"])
        #expect(z.kind == .sequence)
        let maps = try z.elements
        #expect(maps.count == 2)
        let (keys, values) = try maps[1].mapContents
        #expect(try keys.tensor(of: Int64.self).scalars == [10, 20, 30])
        #expect(try values.tensor(of: Float.self).scalars == [1, 0, 0])

        let sequenceIn = try Session(path: Fixtures.model("sequence_in"))
        let parts = try Value(sequence: [try Tensor<Float>([1, 2]).value, try Tensor<Float>([3]).value])
        #expect(try sequenceIn.run(["s": parts]).tensor("t", of: Float.self).scalars == [1, 2, 3])
    }

    @Test func optionalInputsAndOutputs() throws {
        let optional = try Session(path: Fixtures.model("optional_io"))
        #expect(try optional.run([:]).tensor("has_value", of: Bool.self).scalar == false)
        let given = try optional.run(["o": try Tensor<Float>([1, 2])])
        #expect(try given.tensor("has_value", of: Bool.self).scalar == true)

        let out = try Session(path: Fixtures.model("optional_out")).run(["x": try Tensor<Float>([7, 8])])["out"]
        let value = try #require(out)
        #expect(value.hasValue)
    }

    @Test func freeDimensionOverridesByNameAndDenotation() throws {
        var byName = SessionOptions()
        byName.freeDimensionOverrides["batch"] = 3
        let named = try Session(path: Fixtures.model("dynamic_matmul"), options: byName)
        #expect(named.inputs[0].type.tensorInfo?.shape == [.fixed(3), .fixed(4)])
        let one = try Tensor<Float>([1, 2, 3, 4], shape: [1, 4])
        #expect {
            _ = try named.run(["x": one])
        } throws: { error in
            (error as! ORTError).code == .shapeMismatch && "\(error)".contains("dimension 0 is 1, expected 3")
        }

        var byDenotation = SessionOptions()
        byDenotation.freeDimensionOverridesByDenotation["DATA_BATCH"] = 5
        let denoted = try Session(path: Fixtures.model("dynamic_matmul"), options: byDenotation)
        #expect(denoted.inputs[0].type.tensorInfo?.shape == [.fixed(5), .fixed(4)])

        let plain = try Session(path: Fixtures.model("dynamic_matmul"))
        #expect(plain.inputs[0].type.tensorInfo?.shape == [.symbolic("batch"), .fixed(4)])
        #expect(try plain.run(["x": one]).tensor("y", of: Float.self).shape == [1, 2])
    }

    @Test func valuesDescribeThemselves() throws {
        let value = try Tensor<Int32>([1, 2, 3, 4], shape: [2, 2]).value
        #expect(value.kind == .tensor)
        #expect(value.elementType == .int32)
        #expect(value.shape == [2, 2])
        #expect(value.elementCount == 4)
        #expect(value.type == .tensor(TensorInfo(elementType: .int32, shape: [.fixed(2), .fixed(2)])))
        #expect(value.description == "Value(tensor(int32) [2, 2])")
        #expect(throws: ORTError.self) { _ = try value.tensor(of: Float.self) }
        #expect(throws: ORTError.self) { _ = try value.elements }
    }
}
