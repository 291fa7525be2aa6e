#if Server && Client
import Foundation
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// Dynamic batching in the serving core: requests joined along dimension 0, each getting exactly its own rows.
@Suite("Dynamic batching")
struct DynamicBatchingTests {
    /// `batch_affine`'s weights and bias: y = x @ W + b (see scripts/generate-test-models.py).
    static let weights: [[Float]] = [[1, -2], [3, 0], [-1, 4]]
    static let bias: [Float] = [0.5, -0.25]

    /// Rows of three values in eighths, different for every request and row, so exact in float32.
    static func rows(request: Int, count: Int) -> [Float] {
        (0..<(count * 3)).map { Float(request * 24 + $0) / 8 - 20 }
    }

    /// y and s of `batch_affine`, computed here by hand.
    static func affine(_ x: [Float]) -> (y: [Float], s: [Float]) {
        var y: [Float] = []
        var s: [Float] = []
        for row in 0..<(x.count / 3) {
            let r = Array(x[(row * 3)..<(row * 3 + 3)])
            for column in 0..<2 {
                y.append(
                    r[0] * weights[0][column] + r[1] * weights[1][column] + r[2] * weights[2][column] + bias[column])
            }
            s.append(r[0] + r[1] + r[2])
        }
        return (y, s)
    }

    static func affineRequest(request: Int, rows count: Int, outputs: [String]? = nil, binary: Bool = false)
        -> InferenceTestRequest
    {
        var message = InferenceTestRequest(id: "r\(request)")
        message.add("x", "FP32", [count, 3], json: .doubles(rows(request: request, count: count).map(Double.init)))
        for name in outputs ?? [] { message.output(name, binary: binary) }
        return message
    }

    static func server(_ models: [(name: String, file: String, config: String)]) async throws -> (
        InferenceServer, TemporaryRepository
    ) {
        let repository = try TemporaryRepository()
        for model in models {
            try repository.add(model.name, file: ServerFixtures.model(model.file), config: model.config)
        }
        let server = await ServerFixtures.server(repository)
        for model in models {
            _ = try server.engine.model(model.name, version: nil)  // loaded
        }
        return (server, repository)
    }

    static func floats(_ value: JSONValue?) -> [Float] {
        value?.doubles.map { Float($0) } ?? []
    }

    @Test("concurrent requests of 0 to 3 rows each get exactly their own rows, on two instances")
    func mixedRowCounts() async throws {
        let (server, repository) = try await Self.server([
            (
                "affine", "batch_affine",
                """
                max_batch_size: 8
                instance_group [{ count: 2, kind: KIND_CPU }]
                dynamic_batching { max_queue_delay_microseconds: 100000 }
                """
            )
        ])
        _ = repository
        let counts = (0..<24).map { [1, 2, 3, 1, 0, 2][$0 % 6] }
        let requests = counts.enumerated().map { index, count in
            // Three kinds of output selection: all (default), y only as binary, both as JSON.
            switch index % 3 {
            case 0: Self.affineRequest(request: index, rows: count)
            case 1: Self.affineRequest(request: index, rows: count, outputs: ["y"], binary: true)
            default: Self.affineRequest(request: index, rows: count, outputs: ["s", "y"])
            }
        }
        let replies = await CoreInference.inferConcurrently(server.engine, "affine", requests)
        for (index, reply) in replies.enumerated() {
            let count = counts[index]
            let expected = Self.affine(Self.rows(request: index, count: count))
            #expect(reply.status == 200, "\(reply.error)")
            #expect(reply.json["id"] == .string("r\(index)"))
            #expect(reply.output("y")?["shape"] == .ints([Int64(count), 2]))
            if index % 3 == 1 {
                let bits = LittleEndian.values(reply.binary["y"] ?? [], as: UInt32.self)
                #expect(bits == expected.y.map(\.bitPattern), "request \(index)")
                #expect(reply.output("s") == nil)
            } else {
                #expect(Self.floats(reply.output("y")?["data"]) == expected.y, "request \(index)")
                #expect(Self.floats(reply.output("s")?["data"]) == expected.s, "request \(index)")
                #expect(reply.output("s")?["shape"] == .ints([Int64(count)]))
            }
        }
        let statistics = try CoreInference.statistics(server.engine, "affine")
        let batches = CoreInference.batchCounts(statistics)
        #expect(statistics.success.count == 24)
        #expect(statistics.inferenceCount == UInt64(counts.reduce(0, +)))
        #expect(statistics.executionCount == batches.values.reduce(0, +))
        #expect(batches.reduce(0) { $0 + UInt64($1.key) * $1.value } == UInt64(counts.reduce(0, +)))
        #expect(batches.keys.allSatisfy { $0 <= 8 }, "\(batches)")
        #expect(statistics.executionCount < 24, "no request was batched: \(batches)")
    }

    @Test("every datatype is batched and split back exactly", arguments: DatatypeCase.all)
    func everyDatatype(_ datatype: DatatypeCase) async throws {
        let file = "batch_identity_" + ServerFixtures.identityModels[datatype.datatype]!.dropFirst("identity_".count)
        let (server, repository) = try await Self.server([
            (
                "identity", file,
                """
                max_batch_size: 6
                dynamic_batching { preferred_batch_size: [6] max_queue_delay_microseconds: 20000000 }
                """
            )
        ])
        _ = repository
        // The case's six elements, rotated differently for each request.
        func data(request: Int, rows: Int) -> [UInt8] {
            let count = rows * 3
            if datatype.datatype == .bytes {
                // Byte strings that are not UTF-8: batching joins and splits them as bytes.
                let elements = DatatypeCase.byteStrings
                return LittleEndian.byteStrings((0..<count).map { elements[(request * 2 + $0) % elements.count] })
            }
            let size = datatype.datatype.elementSize!
            return (0..<count).flatMap { element -> [UInt8] in
                let source = (request * 2 + element) % 6
                return Array(datatype.binary[(source * size)..<((source + 1) * size)])
            }
        }
        let rowCounts = [1, 2, 3]
        let requests = rowCounts.enumerated().map { index, rows in
            var request = InferenceTestRequest()
            request.add("x", datatype.datatype.rawValue, [rows, 3], binary: data(request: index, rows: rows))
            request.output("y", binary: true)
            return request
        }
        let replies = await CoreInference.inferConcurrently(server.engine, "identity", requests)
        for (index, reply) in replies.enumerated() {
            #expect(reply.status == 200, "\(reply.error)")
            #expect(reply.output("y")?["shape"] == .ints([Int64(rowCounts[index]), 3]))
            #expect(reply.output("y")?["datatype"] == .string(datatype.datatype.rawValue))
            #expect(reply.binary["y"] == data(request: index, rows: rowCounts[index]), "request \(index)")
        }
        let statistics = try CoreInference.statistics(server.engine, "identity")
        #expect(CoreInference.batchCounts(statistics) == [6: 1])
        #expect(statistics.executionCount == 1)
        #expect(statistics.inferenceCount == 6)
    }

    @Test("requests that fail validation are rejected alone and the batch runs for the others")
    func invalidRequestsDoNotPoisonTheBatch() async throws {
        let (server, repository) = try await Self.server([
            (
                "affine", "batch_affine",
                """
                max_batch_size: 8
                dynamic_batching { preferred_batch_size: [3] max_queue_delay_microseconds: 20000000 }
                """
            )
        ])
        _ = repository
        var wrongShape = InferenceTestRequest()
        wrongShape.add("x", "FP32", [1, 4], json: .doubles([1, 2, 3, 4]))
        var wrongType = InferenceTestRequest()
        wrongType.add("x", "FP64", [1, 3], json: .doubles([1, 2, 3]))
        var wrongCount = InferenceTestRequest()
        wrongCount.add("x", "FP32", [2, 3], json: .doubles([1, 2, 3]))
        var notNumbers = InferenceTestRequest()
        notNumbers.add("x", "FP32", [1, 3], json: .strings(["a", "b", "c"]))
        var tooManyRows = InferenceTestRequest()
        tooManyRows.add("x", "FP32", [9, 3], json: .doubles(Array(repeating: 1, count: 27)))
        let invalid = [wrongShape, wrongType, wrongCount, notNumbers, tooManyRows]
        let valid = (0..<3).map { Self.affineRequest(request: $0, rows: 1) }
        let replies = await CoreInference.inferConcurrently(
            server.engine, "affine",
            [invalid[0], valid[0], invalid[1], invalid[2], valid[1], invalid[3], valid[2], invalid[4]])
        let validReplies = [replies[1], replies[4], replies[6]]
        for (index, reply) in validReplies.enumerated() {
            #expect(reply.status == 200, "\(reply.error)")
            #expect(Self.floats(reply.output("y")?["data"]) == Self.affine(Self.rows(request: index, count: 1)).y)
        }
        for reply in [replies[0], replies[2], replies[3], replies[5], replies[7]] {
            #expect(reply.status == 400, "\(reply.error)")
        }
        #expect(replies[7].error.contains("max_batch_size 8"), "\(replies[7].error)")
        let statistics = try CoreInference.statistics(server.engine, "affine")
        #expect(CoreInference.batchCounts(statistics) == [3: 1])
        #expect(statistics.success.count == 3)
        #expect(statistics.fail.count == 5)
    }

    @Test("a batch runs as soon as a preferred size is reached, or when the oldest request has waited the delay")
    func preferredSizeAndDelay() async throws {
        let (server, repository) = try await Self.server([
            (
                "preferred", "batch_affine",
                """
                max_batch_size: 8
                dynamic_batching { preferred_batch_size: [8] max_queue_delay_microseconds: 20000000 }
                """
            ),
            (
                "delayed", "batch_affine",
                """
                max_batch_size: 8
                dynamic_batching { preferred_batch_size: [8] max_queue_delay_microseconds: 1000000 }
                """
            ),
        ])
        _ = repository
        let eight = (0..<8).map { Self.affineRequest(request: $0, rows: 1) }
        let clock = ContinuousClock()
        let start = clock.now
        let replies = await CoreInference.inferConcurrently(server.engine, "preferred", eight)
        #expect(clock.now - start < .seconds(15), "the batch waited for the delay although it reached 8")
        #expect(replies.allSatisfy { $0.status == 200 })
        let preferred = try CoreInference.statistics(server.engine, "preferred")
        #expect(CoreInference.batchCounts(preferred) == [8: 1])
        #expect(preferred.executionCount == 1)
        #expect(preferred.inferenceCount == 8)

        let three = (0..<3).map { Self.affineRequest(request: $0, rows: 1) }
        let delayedStart = clock.now
        let delayedReplies = await CoreInference.inferConcurrently(server.engine, "delayed", three)
        #expect(clock.now - delayedStart >= .milliseconds(1000))
        #expect(delayedReplies.allSatisfy { $0.status == 200 })
        let delayed = try CoreInference.statistics(server.engine, "delayed")
        #expect(CoreInference.batchCounts(delayed) == [3: 1])
        #expect(delayed.queue.count == 3)
        #expect(delayed.queue.ns >= 3 * 900_000_000, "each request waited about the delay: \(delayed.queue.ns) ns")
    }

    @Test("when the batched run fails, every request in the batch gets the error")
    func failedBatch() async throws {
        let (server, repository) = try await Self.server([
            (
                "doubled", "batch_doubled_rows",
                """
                max_batch_size: 4
                dynamic_batching { preferred_batch_size: [2] max_queue_delay_microseconds: 20000000 }
                """
            )
        ])
        _ = repository
        let requests = (0..<2).map { index in
            var request = InferenceTestRequest()
            request.add("x", "FP32", [1, 3], json: .doubles([1, 2, Double(index)]))
            return request
        }
        let replies = await CoreInference.inferConcurrently(server.engine, "doubled", requests)
        for reply in replies {
            #expect(reply.status == 500)
            #expect(reply.error.contains("first dimension must be the batch"), "\(reply.error)")
        }
        let statistics = try CoreInference.statistics(server.engine, "doubled")
        #expect(statistics.fail.count == 2)
        #expect(statistics.executionCount == 0)
    }

    @Test("batching off and on give byte-identical responses")
    func offAndOnAgree() async throws {
        let (server, repository) = try await Self.server([
            ("off", "batch_affine", "max_batch_size: 8"),
            ("on", "batch_affine", "max_batch_size: 8\ndynamic_batching { max_queue_delay_microseconds: 200000 }"),
        ])
        _ = repository
        let requests = (0..<12).map { index in
            Self.affineRequest(
                request: index, rows: 1 + index % 3, outputs: index % 2 == 0 ? ["y", "s"] : ["y"],
                binary: index % 4 == 1)
        }
        let off = await CoreInference.inferConcurrently(server.engine, "off", requests)
        let on = await CoreInference.inferConcurrently(server.engine, "on", requests)
        for (index, (a, b)) in zip(off, on).enumerated() {
            #expect(a.status == 200 && b.status == 200, "\(a.error) \(b.error)")
            var batched = b.json
            batched = JSONValue.replacing(batched, modelName: "off")
            #expect(a.json == batched, "request \(index)")
            #expect(a.binary == b.binary, "request \(index)")
        }
        let statistics = try CoreInference.statistics(server.engine, "on")
        #expect(statistics.executionCount < 12, "nothing was batched")
    }
}

extension JSONValue {
    /// A response with its `model_name` replaced.
    static func replacing(_ response: JSONValue, modelName: String) -> JSONValue {
        guard case .object(var object) = response else { return response }
        object["model_name"] = .string(modelName)
        return .object(object)
    }
}
#endif
