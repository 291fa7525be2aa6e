#if Client
import KServeGRPCProtocol

extension ModelStatistics {
    /// Statistics from the gRPC message.
    init(message: Inference_ModelStatistics) {
        name = message.name
        version = message.version.isEmpty ? nil : message.version
        lastInference = message.lastInference
        inferenceCount = message.inferenceCount
        executionCount = message.executionCount
        inferenceStats = InferenceStatistics(message: message.inferenceStats)
        batchStats = message.batchStats.map(BatchStatistics.init(message:))
    }
}

extension InferenceStatistics {
    /// Statistics from the gRPC message.
    init(message: Inference_InferStatistics) {
        success = DurationStatistic(message: message.success)
        fail = DurationStatistic(message: message.fail)
        queue = DurationStatistic(message: message.queue)
        computeInput = DurationStatistic(message: message.computeInput)
        computeInfer = DurationStatistic(message: message.computeInfer)
        computeOutput = DurationStatistic(message: message.computeOutput)
        cacheHit = DurationStatistic(message: message.cacheHit)
    }
}

extension BatchStatistics {
    /// Statistics from the gRPC message.
    init(message: Inference_InferBatchStatistics) {
        batchSize = message.batchSize
        computeInput = DurationStatistic(message: message.computeInput)
        computeInfer = DurationStatistic(message: message.computeInfer)
        computeOutput = DurationStatistic(message: message.computeOutput)
    }
}

extension DurationStatistic {
    /// A statistic from the gRPC message.
    init(message: Inference_StatisticDuration) {
        self.init(count: message.count, nanoseconds: message.ns)
    }
}
#endif
