import Foundation
import ONNXRuntime
import Testing

/// Every kind of bad input gets a clear ORTError (with the right code and a message saying what was expected),
/// never a crash. The model `bad_shape` takes x: float32 [2, 3] and returns y = 3x.
@Suite struct ErrorTests {
    let session: Session

    init() throws {
        session = try Session(path: Fixtures.model("bad_shape"))
    }

    /// Runs the session and returns the error it throws (failing the test if it does not throw).
    func error(_ inputs: [String: any ValueConvertible], outputs: [String]? = nil) throws -> ORTError {
        do {
            _ = try session.run(inputs, outputs: outputs)
        } catch {
            return error
        }
        Issue.record("expected the run to throw")
        throw CancellationError()
    }

    @Test func goodInputRuns() throws {
        let x = try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let y = try session.run(["x": x]).tensor("y", of: Float.self)
        #expect(y.shape == [2, 3])
        #expect(y.scalars == [3, 6, 9, 12, 15, 18])
    }

    @Test func unknownInputName() throws {
        let x = try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let error = try error(["x": x, "z": x])
        #expect(error.code == .unknownInput)
        #expect(error.message.contains("'z'"))
        #expect(error.message.contains("'x' (tensor(float) [2, 3])"))
    }

    @Test func missingInput() throws {
        let error = try error([:])
        #expect(error.code == .missingInput)
        #expect(error.message.contains("missing input 'x' (tensor(float) [2, 3])"))
    }

    @Test func wrongElementType() throws {
        let x = try Tensor<Int64>([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let error = try error(["x": x])
        #expect(error.code == .typeMismatch)
        #expect(error.message == "input 'x' expects float32 [2, 3], got int64 [2, 3]")
    }

    @Test func wrongRank() throws {
        let x = try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [6])
        let error = try error(["x": x])
        #expect(error.code == .shapeMismatch)
        #expect(error.message.contains("expects rank 2"))
        #expect(error.message.contains("got rank 1 [6]"))
    }

    @Test func wrongFixedDimension() throws {
        let x = try Tensor<Float>([1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 4])
        let error = try error(["x": x])
        #expect(error.code == .shapeMismatch)
        #expect(error.message.contains("dimension 1 is 4, expected 3"))
    }

    @Test func nonTensorWhereTensorExpected() throws {
        let element = try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let sequence = try Value(sequence: [element.value])
        let error = try error(["x": sequence])
        #expect(error.code == .typeMismatch)
        #expect(error.message.contains("got a seq(tensor(float))"))
    }

    @Test func unknownOutputName() throws {
        let x = try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let error = try error(["x": x], outputs: ["nope"])
        #expect(error.code == .unknownOutput)
        #expect(error.message.contains("'nope'"))
        #expect(error.message.contains("'y'"))
    }

    @Test func dataCountDoesNotMatchShape() {
        #expect {
            _ = try Tensor<Float>([1, 2, 3, 4, 5], shape: [2, 3])
        } throws: { error in
            let error = error as! ORTError
            return error.code == .countMismatch && error.message == "shape [2, 3] holds 6 elements, but 5 were given"
        }
        #expect(throws: ORTError.self) { _ = try Tensor<String>(["a"], shape: [2]) }
        #expect(throws: ORTError.self) {
            _ = try Value(rawBytes: [1, 2, 3], elementType: .int4, shape: [7])  // 7 int4s need 4 bytes
        }
    }

    @Test(arguments: [[-1], [2, -3], [0, -1]])
    func negativeDimension(shape: [Int]) {
        #expect {
            _ = try Tensor<Float>(repeating: 0, shape: shape)
        } throws: { error in
            let error = error as! ORTError
            return error.code == .invalidShape && error.message.contains("dimensions must be >= 0")
        }
    }

    @Test func overflowingDimensions() {
        #expect {
            _ = try Tensor<Float>(repeating: 0, shape: [Int.max, 2])
        } throws: { error in
            (error as! ORTError).code == .invalidShape && "\(error)".contains("overflow")
        }
        // The element count fits in an Int, but the byte count does not.
        #expect {
            _ = try Tensor<Double>(repeating: 0, shape: [Int.max / 4])
        } throws: { error in
            (error as! ORTError).code == .invalidShape
        }
    }

    @Test func absurdShapeIsRefusedBeforeAllocating() {
        // 2^42 floats would be 16 TiB: refused with a message, without trying to allocate.
        #expect {
            _ = try Tensor<Float>(repeating: 0, shape: [1 << 21, 1 << 21])
        } throws: { error in
            let error = error as! ORTError
            return error.code == .invalidShape && error.message.contains("more than this machine's memory")
        }
    }

    // MARK: - Model files

    @Test func missingModelFile() {
        #expect {
            _ = try Session(path: "/nonexistent/model.onnx")
        } throws: { error in
            let error = error as! ORTError
            return error.code == .modelNotFound
                && error.message == "model file '/nonexistent/model.onnx' does not exist"
        }
    }

    @Test func directoryInsteadOfModel() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect {
            _ = try Session(path: directory.path)
        } throws: { error in
            (error as! ORTError).code == .modelNotFound && "\(error)".contains("is a directory")
        }
    }

    @Test func emptyModelFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("empty.onnx").path
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        #expect {
            _ = try Session(path: path)
        } throws: { error in
            let error = error as! ORTError
            return error.code == .invalidModel && error.message.contains("is empty (0 bytes)")
        }
        #expect {
            _ = try Session(modelData: [UInt8]())
        } throws: { error in
            (error as! ORTError).code == .invalidModel
        }
    }

    @Test(arguments: [1, 10, 40, 90])
    func truncatedModelFile(keptPercent: Int) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.model("multi_out")))
        let truncated = bytes.prefix(bytes.count * keptPercent / 100)
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("truncated.onnx").path
        _ = FileManager.default.createFile(atPath: path, contents: truncated)
        #expect {
            _ = try Session(path: path)
        } throws: { error in
            let error = error as! ORTError
            return error.code == .invalidModel && error.runtimeCode != nil && error.message.contains(path)
        }
        #expect(throws: ORTError.self) { _ = try Session(modelData: truncated) }
    }

    @Test func corruptModelFile() throws {
        // Deterministic garbage: a linear congruential sequence, not an ONNX protobuf.
        var state: UInt32 = 12345
        let garbage = (0..<4096).map { _ -> UInt8 in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("garbage.onnx").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(garbage))
        #expect {
            _ = try Session(path: path)
        } throws: { error in
            (error as! ORTError).code == .invalidModel
        }
        // Text that happens to parse as an empty protobuf is still no model.
        #expect(throws: ORTError.self) { _ = try Session(modelData: Array("hello, world".utf8)) }
    }

    @Test func errorsDescribeThemselves() {
        let error = ORTError(.runtimeError, "boom", runtimeCode: .invalidArgument)
        #expect(error.description == "boom [ORT_INVALID_ARGUMENT]")
        #expect(ORTError(.missingInput, "gone").description == "gone")
    }
}
