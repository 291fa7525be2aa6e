#if Server
extension RequestTrace {
    /// Records the compute events of a request that ran in a batch (dynamic or sequence batching). The batcher
    /// reports how long the request waited and how long the batch's input, run and output phases took, not when each
    /// began, so the points are laid end to end from the moment the request was handed over and never past the moment
    /// it came back; `COMPUTE_END` is when the request's own outputs are encoded.
    /// - Parameters:
    ///   - submitted: When the request was handed to the batcher (`QUEUE_START`).
    ///   - timings: The batcher's phases for the request's batch.
    ///   - returned: When the batcher gave the request back (its own outputs are encoded next).
    func recordBatched(submitted: UInt64, timings: StatisticsRecorder.Timings, returned: UInt64) {
        let end = max(submitted, returned)
        var point = submitted
        record(.queueStart, at: point)
        point = min(end, point &+ timings.queue)
        record(.computeStart, at: point)
        point = min(end, point &+ timings.computeInput)
        record(.computeInputEnd, at: point)
        point = min(end, point &+ timings.computeInfer)
        record(.computeOutputStart, at: point)
        record(.computeEnd)
    }
}
#endif
