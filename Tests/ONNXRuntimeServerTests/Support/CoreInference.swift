#if Server && Client
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// Inference straight through the serving core, without a transport: for tests that send many requests at once.
enum CoreInference {
    /// A decoded answer: the status, the JSON object, the binary outputs by name, and the error message.
    struct Reply: Sendable {
        var status: Int
        var json: JSONValue
        var binary: [String: [UInt8]]
        var error: String
        /// The whole response body (empty for an error).
        var body: [UInt8]

        /// The output object with this name.
        func output(_ name: String) -> JSONValue? {
            json["outputs"]?.arrayValue?.first { $0["name"]?.stringValue == name }
        }
    }

    /// Sends `request` to `model` on `engine`.
    static func infer(_ engine: InferenceEngine, _ model: String, _ request: InferenceTestRequest) async -> Reply {
        let (body, headerLength) = request.encoded()
        do {
            let response = try await engine.infer(model: model, version: nil, body: body, headerLength: headerLength)
            let json = (try? JSONParser.parse(Array(response.body[0..<response.jsonLength]))) ?? .null
            var binary: [String: [UInt8]] = [:]
            var offset = response.jsonLength
            for output in json["outputs"]?.arrayValue ?? [] {
                if let size = output["parameters"]?["binary_data_size"]?.int64Value,
                    let name = output["name"]?.stringValue
                {
                    binary[name] = Array(response.body[offset..<(offset + Int(size))])
                    offset += Int(size)
                }
            }
            return Reply(status: 200, json: json, binary: binary, error: "", body: response.body)
        } catch {
            return Reply(status: error.statusCode, json: .null, binary: [:], error: error.message, body: [])
        }
    }

    /// Sends every request at once and returns the replies in the same order.
    static func inferConcurrently(_ engine: InferenceEngine, _ model: String, _ requests: [InferenceTestRequest])
        async -> [Reply]
    {
        await withTaskGroup(of: (Int, Reply).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask { (index, await infer(engine, model, request)) }
            }
            var replies = [Reply?](repeating: nil, count: requests.count)
            for await (index, reply) in group { replies[index] = reply }
            return replies.map { $0! }
        }
    }

    /// The statistics of version 1 of `model`.
    static func statistics(_ engine: InferenceEngine, _ model: String) throws -> ModelStatistics {
        try #require(try engine.statistics(model: model, version: 1).first)
    }

    /// The recorded batch sizes and how many runs had each.
    static func batchCounts(_ statistics: ModelStatistics) -> [Int: UInt64] {
        Dictionary(uniqueKeysWithValues: statistics.batches.map { ($0.batchSize, $0.computeInfer.count) })
    }
}
#endif
