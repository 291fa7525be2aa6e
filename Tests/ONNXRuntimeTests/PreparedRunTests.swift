import Foundation
import Testing

@testable import ONNXRuntime

/// Prepared runs: names resolved once, values by position, outputs owned or lent in place. Expected values are
/// computed by hand (additions of short binary fractions, exact in float32).
@Suite struct PreparedRunTests {
    let a = try! Tensor<Float>([-5.875, -6.5, -6.75, 4.875, 4.5, 4.5], shape: [2, 3])
    let b = try! Tensor<Float>([-1.875, -4.375, -3.125, 4.625, 8.0, -0.375], shape: [2, 3])
    let sum: [Float] = [-7.75, -10.875, -9.875, 9.5, 12.5, 4.125]

    @Test func valuesByPositionGiveOwnedOutputs() throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        let add = try session.prepareRun(inputs: ["A", "B"])
        #expect(add.inputNames == ["A", "B"])
        #expect(add.outputNames == ["C"])
        let outputs = try add.run(a, b)
        #expect(outputs.names == ["C"])
        let c = try outputs.tensor("C", of: Float.self)
        #expect(c.shape == [2, 3])
        #expect(c.scalars == sum)
    }

    @Test func theOrderOfValuesFollowsThePreparedNames() throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        let reversed = try session.prepareRun(inputs: ["B", "A"])
        #expect(try reversed.run(b, a).tensor("C", of: Float.self).scalars == sum)
        // The second value feeds 'A': a wrong one is reported under that name.
        let wrongRank = try Tensor<Float>([1, 2, 3], shape: [3])
        #expect { _ = try reversed.run(b, wrongRank) } throws: { error in
            let error = error as! ORTError
            return error.code == .shapeMismatch && error.message.contains("'A'")
        }
    }

    @Test func outputsAreLentInPlace() throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        let add = try session.prepareRun(inputs: ["A", "B"])
        let (shape, values) = try add.run(a, b) { outputs in
            #expect(outputs.count == 1)
            #expect(outputs.names == ["C"])
            #expect(outputs.index(of: "C") == 0)
            let type = try outputs.tensorType(at: 0)
            #expect(type.elementType == .float32)
            let values = try outputs.withUnsafeBufferPointer("C", of: Float.self) { Array($0) }
            return (type.shape, values)
        }
        #expect(shape == [2, 3])
        #expect(values == sum)
    }

    @Test func arraysOfValuesWork() throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        let add = try session.prepareRun(inputs: ["A", "B"])
        let same: [Tensor<Float>] = [a, b]
        let mixed: [any ValueConvertible] = [a, b.value]
        #expect(
            try add.run(values: same) { try $0.withUnsafeBufferPointer(at: 0, of: Float.self) { Array($0) } } == sum)
        #expect(
            try add.run(values: mixed) { try $0.withUnsafeBufferPointer(at: 0, of: Float.self) { Array($0) } } == sum)
        #expect(try add.run(values: mixed).tensor("C", of: Float.self).scalars == sum)
    }

    @Test func selectedOutputsInTheirOrder() throws {
        let session = try Session(path: Fixtures.model("multi_out"))
        let run = try session.prepareRun(inputs: ["x"], outputs: ["argmax", "total"])
        let x = try Tensor<Float>([-1.5, 2.125, -3.375, -3.375, -2.5, 3.125], shape: [2, 3])
        try run.run(x) { outputs in
            #expect(outputs.names == ["argmax", "total"])
            #expect(try outputs.withUnsafeBufferPointer(at: 0, of: Int64.self) { Array($0) } == [1, 2])
            #expect(try outputs.withUnsafeBufferPointer("total", of: Float.self) { Array($0) } == [-5.5])
            #expect(try outputs.tensorType(at: 1).shape == [])
            // int64 1 and 2, little-endian.
            let bytes = try outputs.withUnsafeRawBytes(at: 0) { Array($0) }
            #expect(bytes == [1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])
        }
    }

    @Test func readingTheWrongWayThrows() throws {
        let session = try Session(path: Fixtures.model("multi_out"))
        let run = try session.prepareRun(inputs: ["x"], outputs: ["argmax"])
        let x = try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3])
        try run.run(x) { outputs in
            #expect {
                try outputs.withUnsafeBufferPointer(at: 0, of: Float.self) { $0.count }
            } throws: { error in
                let error = error as! ORTError
                return error.code == .typeMismatch && error.message.contains("tensor(int64)")
                    && error.message.contains("argmax")
            }
            #expect {
                try outputs.withUnsafeBufferPointer(at: 1, of: Int64.self) { $0.count }
            } throws: { ($0 as! ORTError).code == .unknownOutput }
            #expect {
                try outputs.withUnsafeBufferPointer("total", of: Float.self) { $0.count }
            } throws: { ($0 as! ORTError).code == .unknownOutput }
        }
        let strings = try Session(path: Fixtures.model("identity_string")).prepareRun(inputs: ["x"])
        let words = ["a", "b\u{0}c", "", "dé", "e", "f"]
        let text = try Tensor<String>(words, shape: [2, 3])
        try strings.run(text) { outputs in
            #expect {
                try outputs.withUnsafeRawBytes(at: 0) { $0.count }
            } throws: { ($0 as! ORTError).code == .typeMismatch }
        }
        // Owned outputs carry strings as usual.
        #expect(try strings.run(text).tensor("y", of: String.self).scalars == words)
    }

    @Test func badNamesAreRefusedWhenPreparing() throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        #expect { _ = try session.prepareRun(inputs: ["A", "nope"]) } throws: { error in
            let error = error as! ORTError
            return error.code == .unknownInput && error.message.contains("'nope'")
        }
        #expect { _ = try session.prepareRun(inputs: ["A"]) } throws: { error in
            let error = error as! ORTError
            return error.code == .missingInput && error.message.contains("'B'")
        }
        #expect { _ = try session.prepareRun(inputs: ["A", "B", "A"]) } throws: { error in
            (error as! ORTError).code == .invalidArgument
        }
        #expect { _ = try session.prepareRun(inputs: ["A", "B"], outputs: ["D"]) } throws: { error in
            (error as! ORTError).code == .unknownOutput
        }
    }

    @Test func badValuesAreRefusedBeforeTheRun() throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        let add = try session.prepareRun(inputs: ["A", "B"])
        #expect { _ = try add.run(a) } throws: { error in
            let error = error as! ORTError
            return error.code == .invalidArgument && error.message.contains("takes 2 values")
                && error.message.contains("got 1")
        }
        #expect { _ = try add.run(a, b, a) } throws: { error in
            (error as! ORTError).message.contains("got 3")
        }
        #expect { _ = try add.run(a, try Tensor<Int32>([1, 2, 3, 4, 5, 6], shape: [2, 3])) } throws: { error in
            let error = error as! ORTError
            return error.code == .typeMismatch && error.message.contains("'B'")
        }
        let wrongRank = try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [6])
        #expect { _ = try add.run(values: [a, wrongRank]) } throws: { error in
            (error as! ORTError).code == .shapeMismatch
        }
        #expect { try add.run(a) { _ in 0 } } throws: { ($0 as! ORTError).code == .invalidArgument }
        // After all that, the same prepared run still works.
        #expect(try add.run(a, b).tensor("C", of: Float.self).scalars == sum)
    }

    @Test func whatTheClosureThrowsComesOutUnchanged() throws {
        struct Stop: Error, Equatable { let reason: String }
        let session = try Session(path: Fixtures.model("add_f32"))
        let add = try session.prepareRun(inputs: ["A", "B"])
        #expect(throws: Stop(reason: "enough")) {
            try add.run(a, b) { _ in throw Stop(reason: "enough") }
        }
    }

    @Test func anOptionalInputMayBeLeftOut() throws {
        let session = try Session(path: Fixtures.model("optional_io"))
        let absent = try session.prepareRun(inputs: [])
        #expect(try absent.run().tensor("has_value", of: Bool.self).scalars == [false])
        let present = try session.prepareRun(inputs: ["o"])
        #expect(
            try present.run(try Tensor<Float>([1, 2], shape: [2])).tensor("has_value", of: Bool.self).scalars == [true])
    }

    /// A conformance that makes a new value on every access: the run must keep it alive itself.
    struct FreshTensor: ValueConvertible {
        let elements: [Float]
        var value: Value { try! Tensor<Float>(elements, shape: [2, 3]).value }
    }

    @Test func valuesMadeOnTheFlyLiveThroughTheRun() throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        let add = try session.prepareRun(inputs: ["A", "B"])
        let freshA = FreshTensor(elements: a.scalars)
        let freshB = FreshTensor(elements: b.scalars)
        for _ in 0..<200 {
            #expect(
                try add.run(freshA, freshB) { try $0.withUnsafeBufferPointer(at: 0, of: Float.self) { Array($0) } }
                    == sum)
            #expect(try session.run(["A": freshA, "B": freshB]).tensor("C", of: Float.self).scalars == sum)
        }
    }

    @Test func onePreparedRunServesManyTasks() async throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        let add = try session.prepareRun(inputs: ["A", "B"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for step in 0..<50 {
                        let x = Float(task * 100 + step)
                        let left = try Tensor<Float>([x, 1, 2], shape: [1, 3])
                        let right = try Tensor<Float>([0.5, 0.25, -2], shape: [1, 3])
                        let y = try add.run(left, right) {
                            try $0.withUnsafeBufferPointer(at: 0, of: Float.self) { Array($0) }
                        }
                        #expect(y == [x + 0.5, 1.25, 0])
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
