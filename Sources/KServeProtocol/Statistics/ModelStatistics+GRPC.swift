#if Client || Server
import KServeGRPCProtocol

extension ModelStatistics {
    /// Statistics from the gRPC message (an empty version stays empty).
    /// - Parameter message: One element of `ModelStatisticsResponse.model_stats`.
    package init(message: Inference_ModelStatistics) {
        self.init(name: message.name, version: message.version)
        lastInference = message.lastInference
        inferenceCount = message.inferenceCount
        executionCount = message.executionCount
        let inference = message.inferenceStats
        success = Duration(message: inference.success)
        fail = Duration(message: inference.fail)
        queue = Duration(message: inference.queue)
        computeInput = Duration(message: inference.computeInput)
        computeInfer = Duration(message: inference.computeInfer)
        computeOutput = Duration(message: inference.computeOutput)
        cacheHit = Duration(message: inference.cacheHit)
        cacheMiss = Duration(message: inference.cacheMiss)
        batches = message.batchStats.map { batch in
            var record = Batch(batchSize: Int(clamping: batch.batchSize))
            record.computeInput = Duration(message: batch.computeInput)
            record.computeInfer = Duration(message: batch.computeInfer)
            record.computeOutput = Duration(message: batch.computeOutput)
            return record
        }
    }

    /// The gRPC message (`inference.ModelStatistics`), every duration present.
    package var message: Inference_ModelStatistics {
        var inference = Inference_InferStatistics()
        inference.success = success.message
        inference.fail = fail.message
        inference.queue = queue.message
        inference.computeInput = computeInput.message
        inference.computeInfer = computeInfer.message
        inference.computeOutput = computeOutput.message
        inference.cacheHit = cacheHit.message
        inference.cacheMiss = cacheMiss.message
        var message = Inference_ModelStatistics()
        message.name = name
        message.version = version
        message.lastInference = lastInference
        message.inferenceCount = inferenceCount
        message.executionCount = executionCount
        message.inferenceStats = inference
        message.batchStats = batches.map { batch in
            var record = Inference_InferBatchStatistics()
            record.batchSize = UInt64(batch.batchSize)
            record.computeInput = batch.computeInput.message
            record.computeInfer = batch.computeInfer.message
            record.computeOutput = batch.computeOutput.message
            return record
        }
        return message
    }
}

extension ModelStatistics.Duration {
    /// A statistic from the gRPC message.
    /// - Parameter message: A `StatisticDuration`.
    package init(message: Inference_StatisticDuration) {
        self.init(count: message.count, ns: message.ns)
    }

    /// The gRPC message (`inference.StatisticDuration`).
    package var message: Inference_StatisticDuration {
        var message = Inference_StatisticDuration()
        message.count = count
        message.ns = ns
        return message
    }
}
#endif
