import Foundation
import Testing

@testable import ONNXRuntime

/// The dictionary run's fast path: outputs held without an array when there is one, feeds checked against the
/// session's precomputed requirements, and everything still right when the session is shared and the feeds reused.
@Suite struct RunPathTests {
    @Test func oneOutputBehavesLikeACollectionOfOne() throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        let a = try Tensor<Float>([1, 2, 3], shape: [1, 3])
        let b = try Tensor<Float>([10, 20, 30], shape: [1, 3])
        let outputs = try session.run(["A": a, "B": b])
        #expect(outputs.count == 1)
        #expect(outputs.names == ["C"])
        #expect(outputs.values.count == 1)
        #expect(outputs.values[0] === outputs["C"])
        #expect(outputs[0].name == "C")
        #expect(outputs[0].value === outputs.values[0])
        #expect(outputs.map(\.name) == ["C"])
        #expect(outputs["D"] == nil)
        #expect(try outputs.tensor("C", of: Float.self).scalars == [11, 22, 33])
        #expect(throws: ORTError.self) { try outputs.tensor("D", of: Float.self) }
        #expect(throws: ORTError.self) { try outputs.tensor("C", of: Int32.self) }
    }

    @Test func severalOutputsKeepTheirOrder() throws {
        let session = try Session(path: Fixtures.model("multi_out"))
        let x = try Tensor<Float>([1, 5, 3, 6, 2, 4], shape: [2, 3])
        let outputs = try session.run(["x": x], outputs: ["total", "argmax"])
        #expect(outputs.count == 2)
        #expect(outputs.values.count == 2)
        #expect(outputs[0].name == "total" && outputs[1].name == "argmax")
        #expect(outputs[1].value === outputs["argmax"])
        #expect(try outputs.tensor("total", of: Float.self).scalar == 21)
        let single = try session.run(["x": x], outputs: ["argmax"])
        #expect(single.count == 1)
        #expect(try single.tensor("argmax", of: Int64.self).scalars == [1, 0])
        #expect(single["total"] == nil)
    }

    @Test func outputsOutliveTheRunAndTheSession() throws {
        var kept: [Tensor<Float>] = []
        var outputs: RunOutputs?
        do {
            let session = try Session(path: Fixtures.model("add_f32"))
            let a = try Tensor<Float>([1, 2, 3], shape: [1, 3])
            for step in 0..<3 {
                let b = try Tensor<Float>(repeating: Float(step), shape: [1, 3])
                kept.append(try session.run(["A": a, "B": b]).tensor("C", of: Float.self))
            }
            outputs = try session.run(["A": a, "B": a])
        }
        #expect(kept.map(\.scalars) == [[1, 2, 3], [2, 3, 4], [3, 4, 5]])
        #expect(try outputs?.tensor("C", of: Float.self).scalars == [2, 4, 6])
        #expect(outputs?.values.first?.shape == [1, 3])
    }

    @Test func theSameFeedsRunManyTimes() throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        let feeds: [String: any ValueConvertible] = [
            "A": try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3]),
            "B": try Tensor<Float>(borrowing: [1, 1, 1, 1, 1, 1], shape: [2, 3]),
        ]
        var previous: RunOutputs?
        for _ in 0..<100 {
            let outputs = try session.run(feeds)
            #expect(try outputs.tensor("C", of: Float.self).scalars == [2, 3, 4, 5, 6, 7])
            // Each run gives its own output value.
            if let previous { #expect(previous.values[0] !== outputs.values[0]) }
            previous = outputs
        }
        #expect(try previous?.tensor("C", of: Float.self).scalars == [2, 3, 4, 5, 6, 7])
    }

    @Test func oneSessionFromManyTasks() async throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        let shared: [String: any ValueConvertible] = [
            "A": try Tensor<Float>([1, 2, 3], shape: [1, 3]), "B": try Tensor<Float>([0, 0, 0], shape: [1, 3]),
        ]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    let own = try Tensor<Float>(repeating: Float(task), shape: [1, 3])
                    for round in 0..<200 {
                        if round.isMultiple(of: 2) {
                            let outputs = try session.run(shared)
                            guard try outputs.tensor("C", of: Float.self).scalars == [1, 2, 3] else {
                                throw ORTError(.invalidArgument, "task \(task): wrong sum for the shared feeds")
                            }
                        } else {
                            let outputs = try session.run(["A": own, "B": own])
                            let expected = [Float](repeating: Float(2 * task), count: 3)
                            guard try outputs.tensor("C", of: Float.self).scalars == expected else {
                                throw ORTError(.invalidArgument, "task \(task): wrong sum for its own feeds")
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func feedsAreStillCheckedBeforeTheRun() throws {
        let session = try Session(path: Fixtures.model("add_f32"))  // A, B: float [N, 3]
        let good = try Tensor<Float>([1, 2, 3], shape: [1, 3])
        let cases: [(feeds: [String: any ValueConvertible], code: ORTError.Code)] = [
            (["A": good, "B": try Tensor<Float>([1, 2, 3, 4], shape: [1, 4])], .shapeMismatch),
            (["A": good, "B": try Tensor<Float>([1, 2, 3], shape: [3])], .shapeMismatch),
            (["A": good, "B": try Tensor<Float>([1, 2, 3], shape: [1, 1, 3])], .shapeMismatch),
            (["A": good, "B": try Tensor<Double>([1, 2, 3], shape: [1, 3])], .typeMismatch),
            (["A": good], .missingInput),
            (["A": good, "B": good, "Z": good], .unknownInput),
        ]
        for (feeds, code) in cases {
            #expect {
                _ = try session.run(feeds)
            } throws: { error in
                (error as? ORTError)?.code == code
            }
        }
        // Any size is accepted on the symbolic axis.
        let tall = try Tensor<Float>([Float](repeating: 1, count: 12), shape: [4, 3])
        #expect(try session.run(["A": tall, "B": tall]).tensor("C", of: Float.self).shape == [4, 3])
    }

    @Test func feedsAreFoundInADictionaryWithEmptyBuckets() throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        // Reserved far beyond its count, and with keys removed: most buckets are empty and must be skipped.
        var feeds: [String: any ValueConvertible] = [:]
        feeds.reserveCapacity(200)
        for index in 0..<50 { feeds["extra\(index)"] = try Tensor<Float>([0, 0, 0], shape: [1, 3]) }
        feeds["A"] = try Tensor<Float>([1, 2, 3], shape: [1, 3])
        feeds["B"] = try Tensor<Float>([0.5, -2, 40], shape: [1, 3])
        #expect {
            _ = try session.run(feeds)
        } throws: { error in
            (error as? ORTError)?.code == .unknownInput
        }
        for index in 0..<50 { feeds["extra\(index)"] = nil }
        for _ in 0..<3 {
            #expect(try session.run(feeds).tensor("C", of: Float.self).scalars == [1.5, 0, 43])
        }
        // A custom conformance is fed through its getter, the same as a tensor.
        let viaValue: [String: any ValueConvertible] = ["A": feeds["A"]!.value, "B": Wrapped(feeds["B"]!.value)]
        #expect(try session.run(viaValue).tensor("C", of: Float.self).scalars == [1.5, 0, 43])
    }

    @Test func readingAnOutputExplainsWhatIsWrong() throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        let a = try Tensor<Float>([1, 2, 3], shape: [1, 3])
        let one = try session.run(["A": a, "B": a])
        #expect {
            _ = try one.tensor("D", of: Float.self)
        } throws: { error in
            let error = error as? ORTError
            return error?.code == .unknownOutput && error?.message == "no output named 'D'; outputs are: C"
        }
        #expect {
            _ = try one.tensor("C", of: Int32.self)
        } throws: { error in
            let error = error as? ORTError
            return error?.code == .typeMismatch && error?.message.hasPrefix("output 'C': ") == true
                && error?.message.contains("tensor(int32)") == true
        }

        let multi = try Session(path: Fixtures.model("multi_out"))
        let x = try Tensor<Float>([1, 5, 3, 6, 2, 4], shape: [2, 3])
        let several = try multi.run(["x": x], outputs: ["total", "argmax", "times2"])
        #expect(try several.tensor("times2", of: Float.self).scalars == [2, 10, 6, 12, 4, 8])
        #expect(try several.tensor("argmax", of: Int64.self).scalars == [1, 0])
        #expect {
            _ = try several.tensor("plus1", of: Float.self)
        } throws: { error in
            let error = error as? ORTError
            return error?.code == .unknownOutput
                && error?.message == "no output named 'plus1'; outputs are: total, argmax, times2"
        }
        #expect {
            _ = try several.tensor("argmax", of: Float.self)
        } throws: { error in
            let error = error as? ORTError
            return error?.code == .typeMismatch && error?.message.hasPrefix("output 'argmax': ") == true
        }
    }

    @Test func anEmptyOutputLendsAnEmptyBuffer() throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        let empty = try Tensor<Float>([], shape: [0, 3])
        let outputs = try session.run(["A": empty, "B": empty])
        let c = try outputs.tensor("C", of: Float.self)
        #expect(c.count == 0)
        #expect(c.shape == [0, 3])
        c.withUnsafeBufferPointer { buffer in
            #expect(buffer.count == 0)
            #expect(buffer.baseAddress == nil)
        }
    }

    @Test func requirementsDescribeEachFeed() throws {
        let requirements = FeedRequirements([
            ValueInfo(
                name: "a", type: .tensor(TensorInfo(elementType: .float32, shape: [.symbolic("N"), .fixed(3)]))),
            ValueInfo(name: "b", type: .tensor(TensorInfo(elementType: .int64, shape: []))),
            ValueInfo(name: "c", type: .sequence(.tensor(TensorInfo(elementType: .float32, shape: [])))),
            ValueInfo(name: "d", type: .tensor(TensorInfo(elementType: .float32, shape: [.fixed(2)]))),
        ])
        #expect(requirements.accepts(.float32, [7, 3], at: 0))
        #expect(!requirements.accepts(.float32, [7, 4], at: 0))
        #expect(!requirements.accepts(.float32, [3], at: 0))
        #expect(!requirements.accepts(.float64, [7, 3], at: 0))
        #expect(requirements.accepts(.int64, [], at: 1))
        #expect(requirements.accepts(.int64, [5, 5], at: 1))  // rank 0 is not enforced
        #expect(!requirements.accepts(.int32, [], at: 1))
        #expect(!requirements.accepts(.float32, [], at: 2))  // not a tensor input: the slow check decides
        #expect(requirements.accepts(.float32, [2], at: 3))
        #expect(!requirements.accepts(.float32, [3], at: 3))
    }
}

/// A conformance of its own, to feed a value through something other than `Tensor` or `Value`.
private struct Wrapped: ValueConvertible {
    let value: Value
    init(_ value: Value) { self.value = value }
}
