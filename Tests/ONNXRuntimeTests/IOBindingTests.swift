import Foundation
import Testing

@testable import ONNXRuntime

/// I/O binding: inputs and outputs bound once, results written into caller memory, one binding reused across runs.
@Suite struct IOBindingTests {
    @Test func preallocatedOutputIsWrittenInPlaceRunAfterRun() throws {
        let session = try Session(path: Fixtures.model("bad_shape"))  // y = 3x, float32 [2, 3]
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 6 * 4, alignment: 16)
        let x = try Value(
            bytesNoCopy: input, elementType: .float32, shape: [2, 3], deallocator: .custom({ $0.deallocate() }))
        let y = try Tensor<Float>(repeating: -1, shape: [2, 3])
        let outputAddress = y.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }

        let binding = try session.makeBinding()
        try binding.bindInput("x", x)
        try binding.bindOutput("y", y)
        for round in 0..<5 {
            // The caller owns the input memory and may change it between runs.
            input.withMemoryRebound(to: Float.self) { floats in
                for index in floats.indices { floats[index] = Float(round * 10 + index) }
            }
            try session.run(binding)
            #expect(y.scalars == (0..<6).map { Float(round * 10 + $0) * 3 })
            #expect(y.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } == outputAddress)
        }
        let outputs = try binding.outputs()
        #expect(outputs.names == ["y"])
        #expect(
            try outputs.tensor("y", of: Float.self).withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
                == outputAddress)
    }

    @Test func outputsBoundToTheAllocator() throws {
        let session = try Session(path: Fixtures.model("multi_out"))
        let binding = try session.makeBinding()
        try binding.bindInput("x", try Tensor<Float>([1, 5, 3, 6, 2, 4], shape: [2, 3]))
        try binding.bindOutput("total")
        try binding.bindOutput("argmax")
        try session.run(binding)
        let outputs = try binding.outputs()
        #expect(outputs.names == ["total", "argmax"])
        #expect(try outputs.tensor("total", of: Float.self).scalar == 21)
        #expect(try outputs.tensor("argmax", of: Int64.self).scalars == [1, 0])

        // Rebinding the input and running again gives the new results.
        binding.clearInputs()
        try binding.bindInput("x", try Tensor<Float>([9, 1, 1, 1, 1, 9], shape: [2, 3]))
        try session.run(binding)
        #expect(try binding.outputs().tensor("argmax", of: Int64.self).scalars == [0, 2])
        binding.clearOutputs()
        #expect(try binding.outputs().isEmpty)
        #expect {
            try session.run(binding)
        } throws: { "\($0)".contains("At least one output should be requested") }
    }

    @Test func badBindingsAreRefused() throws {
        let session = try Session(path: Fixtures.model("bad_shape"))
        let binding = try session.makeBinding()
        #expect(throws: ORTError.self) { try binding.bindInput("nope", try Tensor<Float>([1])) }
        #expect {
            try binding.bindInput("x", try Tensor<Int64>([1, 2, 3, 4, 5, 6], shape: [2, 3]))
        } throws: { ($0 as! ORTError).code == .typeMismatch }
        #expect {
            try binding.bindOutput("nope")
        } throws: { ($0 as! ORTError).code == .unknownOutput }
        #expect {
            try binding.bindOutput("y", try Tensor<Float>(borrowing: [0, 0, 0, 0, 0, 0], shape: [2, 3]))
        } throws: { ($0 as! ORTError).code == .invalidArgument && "\($0)".contains("Swift array") }

        let other = try Session(path: Fixtures.model("bad_shape"))
        #expect {
            try other.run(binding)
        } throws: { ($0 as! ORTError).code == .invalidArgument }

        // A run with an input missing from the binding fails cleanly in ORT.
        try binding.bindOutput("y")
        #expect(throws: ORTError.self) { try session.run(binding) }
    }
}
