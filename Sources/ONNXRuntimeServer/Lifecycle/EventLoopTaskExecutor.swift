#if Server
import NIOCore
import NIOPosix
import Synchronization

/// Runs a request's task on SwiftNIO event loops (its connection's, or the one that resumes it), as the task's
/// executor preference (SE-0417).
///
/// Why: with the event loops as the global executor (``InferenceServer/useEventLoopsAsGlobalExecutor()``), SwiftNIO
/// runs each job of a task as if the loop were the task's *serial* executor. Every call into a nonisolated async
/// function then asks for the generic executor, finds another one current, and switches: the task is queued on the
/// global executor again, which puts it back on the same loop as a new job. A REST inference made about 19 such round
/// trips through the loop's task queue (counted with a probe on the hook), each a lock, a queue entry and a few
/// retains. A job run here runs on the generic executor with this task executor preferred, so those calls continue in
/// place, and only a real suspension (waiting for a busy model instance, a run on the instance's own thread) goes
/// through the loop's queue.
///
/// Only used when the event loops run Swift's tasks anyway (``isEnabled``): otherwise requests keep running on Swift's
/// own thread pool, as an application that embeds the server chose.
@available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop
    /// Called for each job enqueued (tests count them).
    private let observer: (@Sendable () -> Void)?

    init(_ loop: any EventLoop, observer: (@Sendable () -> Void)? = nil) {
        self.loop = loop
        self.observer = observer
    }

    /// Runs the job on the event loop that enqueues it (a task resumed by another connection's loop, say when that
    /// loop releases the model instance the task waited for, continues there at once, as a task on the global
    /// executor does), and on the connection's loop when another thread enqueues it (the end of a run on the instance's
    /// own queue). Sending every resumption to the connection's loop made the instance wait idle until that loop woke:
    /// REST binary requests, which spend more of their time waiting for the one instance, lost 10–20% of throughput.
    func enqueue(_ job: consuming ExecutorJob) {
        observer?()
        let job = UnownedJob(job)
        (MultiThreadedEventLoopGroup.currentEventLoop ?? loop).execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }

    /// Whether request tasks are given their connection's loop as executor preference: set when the event loops became
    /// the global executor.
    static var isEnabled: Bool { EventLoopTaskExecutorSwitch.enabled.load(ordering: .relaxed) }
}

/// Whether ``EventLoopTaskExecutor`` is used (kept apart from it, which needs a newer Apple OS).
enum EventLoopTaskExecutorSwitch {
    static let enabled = Atomic<Bool>(false)
}

/// Starts one connection's request tasks: with the connection's loop as their executor preference when the event
/// loops are the global executor (``EventLoopTaskExecutor``), as plain tasks otherwise. A handler keeps one, so the
/// executor is made once per connection; each task holds its handler, and with it the executor.
struct ConnectionTaskStarter {
    /// The ``EventLoopTaskExecutor``, once made (typed `AnyObject`: a stored property cannot have a type that older
    /// Apple systems lack).
    private var executor: AnyObject?

    init() {}

    /// Starts `operation` as a task that runs on `loop` when it can.
    mutating func start(on loop: any EventLoop, _ operation: @escaping @Sendable () async -> Void) -> Task<Void, Never>
    {
        guard #available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *),
            EventLoopTaskExecutor.isEnabled
        else { return Task(operation: operation) }
        let preferred: EventLoopTaskExecutor
        if let executor, unsafeDowncast(executor, to: EventLoopTaskExecutor.self).loop === loop {
            preferred = unsafeDowncast(executor, to: EventLoopTaskExecutor.self)
        } else {
            preferred = EventLoopTaskExecutor(loop)
            executor = preferred
        }
        return Task(executorPreference: preferred, operation: operation)
    }
}
#endif
