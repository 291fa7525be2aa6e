/// Suspends the current task until a thread outside Swift concurrency (a Dispatch queue, ONNX Runtime's callback
/// thread) delivers a result, and returns it.
///
/// Like `withCheckedContinuation`, but the result travels through a ``Locked`` box rather than
/// `resume(returning:)`: the producer stores it under the lock, then resumes; the task reads it under the same lock.
/// ThreadSanitizer does not see the happens-before that resuming a continuation gives on Linux, so without the lock
/// every read of the result's memory by the task (such as the output `Value`s of a run, created on the producer's
/// thread) is reported as a data race. The lock makes the ordering visible at the cost of one uncontended
/// lock/unlock on each side.
///
/// - Parameter start: Called once, on the current task, with `deliver`. It must arrange for `deliver` to be called
///   exactly once, from any thread.
/// - Returns: The delivered result.
package func withResultHandOff<Success: Sendable, Failure: Error>(
    _ start: (_ deliver: @escaping @Sendable (Result<Success, Failure>) -> Void) -> Void
) async -> Result<Success, Failure> {
    let box = Locked<Result<Success, Failure>?>(nil)
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        start { result in
            box.withLock { $0 = result }
            continuation.resume()
        }
    }
    return box.withLock { stored in
        guard let result = stored else { preconditionFailure("resumed without a result") }
        return result
    }
}
