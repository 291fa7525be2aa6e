#if Client || Server
import KServeGRPCProtocol
import KServeProtocol
import Testing

/// Statistics as the server writes them (Triton's `$model_stat`, the JSON written out by hand) and as the client
/// reads them back, from JSON and from the gRPC message.
@Suite struct ModelStatisticsTests {
    static var sample: ModelStatistics {
        var statistics = ModelStatistics(name: "m", version: "2")
        statistics.lastInference = 1_700_000_000_000
        statistics.inferenceCount = 5
        statistics.executionCount = 3
        statistics.success.add(10)
        statistics.success.add(UInt64.max)  // the total wraps rather than trapping
        statistics.fail.add(7)
        statistics.queue = .init(count: 2, ns: 3)
        statistics.computeInfer = .init(count: 1, ns: 9_223_372_036_854_775_808)
        var batch = ModelStatistics.Batch(batchSize: 4)
        batch.computeInput.add(1)
        statistics.batches = [batch]
        return statistics
    }

    static let sampleJSON =
        #"{"name":"m","version":"2","last_inference":1700000000000,"inference_count":5,"execution_count":3,"#
        + #""inference_stats":{"success":{"count":2,"ns":9},"fail":{"count":1,"ns":7},"queue":{"count":2,"ns":3},"#
        + #""compute_input":{"count":0,"ns":0},"compute_infer":{"count":1,"ns":9223372036854775808},"#
        + #""compute_output":{"count":0,"ns":0},"cache_hit":{"count":0,"ns":0},"cache_miss":{"count":0,"ns":0}},"#
        + #""batch_stats":[{"batch_size":4,"compute_input":{"count":1,"ns":1},"compute_infer":{"count":0,"ns":0},"#
        + #""compute_output":{"count":0,"ns":0}}]}"#

    @Test func jsonAsTheServerWritesIt() {
        #expect(Self.sample.json.jsonText == Self.sampleJSON)
        #expect(ModelStatistics.responseJSON([]).jsonText == #"{"model_stats":[]}"#)
    }

    @Test func jsonAsTheClientReadsIt() throws {
        let decoded = try ModelStatistics(json: try JSONParser.parse(Self.sampleJSON))
        #expect(decoded == Self.sample)
        let response = try JSONParser.parse(#"{"model_stats":[{"name":"a"},{"name":"b","version":"1"}]}"#)
        let list = try ModelStatistics.decodeResponse(response)
        #expect(list.map(\.name) == ["a", "b"])
        #expect(list[0].version == "" && list[0].success == .init() && list[0].batches.isEmpty)
        #expect(throws: JSONDecodingError.self) { try ModelStatistics(json: .object(["version": .string("1")])) }
        #expect(throws: JSONDecodingError.self) { try ModelStatistics.decodeResponse(.object([:])) }
    }

    @Test func grpcBothWays() {
        let message = Self.sample.message
        #expect(message.name == "m" && message.version == "2")
        #expect(message.inferenceStats.success.count == 2 && message.inferenceStats.success.ns == 9)
        #expect(message.inferenceStats.computeInfer.ns == 9_223_372_036_854_775_808)
        #expect(message.inferenceStats.hasCacheHit && message.inferenceStats.hasCacheMiss)
        #expect(message.batchStats.map(\.batchSize) == [4])
        #expect(message.batchStats[0].computeInput.count == 1)
        #expect(ModelStatistics(message: message) == Self.sample)
    }
}
#endif
